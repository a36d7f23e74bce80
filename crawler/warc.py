"""Pages from WARC files (``.warc`` or ``.warc.gz``, e.g. Common Crawl CC-NEWS or a newsroom's own archive).

Two passes, so a backfill task never carries page bodies as its inputs: :func:`scan_warc` lists the usable
``response`` records (offset, URL, capture time, body hash), and :func:`read_warc_records` reads a batch of
them back by offset. In a ``.warc.gz`` every record is its own gzip member, so seeking to an offset works.

Damage (a corrupt gzip member, a garbled record header, a file cut short) costs the damaged record only: the scan
looks for the next record start after it (a gzip member that inflates to ``WARC/``, or a ``WARC/1.x`` line) and
reads on from there, counting the bytes it passed over (:attr:`WarcScan.skipped_bytes`).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from core.dates import parse_date
from core.errors import ConfigError, MalformedURL
from core.pages import FetchedPage, FetchResult, PageRef
from crawler.crawl import FetchedBatch, KnownLookup, canonical_of
from crawler.fetch import DEFAULT_FETCH_SETTINGS
from crawler.urls import normalize_url

#: Media types worth extracting; everything else in a crawl (images, scripts, PDFs) is skipped.
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


@dataclass(frozen=True, slots=True)
class WarcEntry:
    offset: int
    url: str
    captured_at: datetime | None
    content_sha256: str
    content_type: str | None


@dataclass
class WarcScan:
    path: str
    entries: list[WarcEntry] = field(default_factory=list)
    #: Records that are not pages: requests, metadata, revisits, non-200 responses, other media types.
    skipped: int = 0
    #: Pages over the fetcher's size limit (the same cap as for live fetches).
    too_large: int = 0
    errors: list[str] = field(default_factory=list)
    #: Bytes of damaged records passed over to reach the next readable record (or the end of the file).
    skipped_bytes: int = 0


def source_name_for(path: str | Path) -> str:
    """The ``source`` stored for pages imported from a WARC file: ``warc:<file name without .warc[.gz]>``."""
    name = Path(path).name
    for suffix in (".gz", ".warc", ".arc"):
        name = name.removesuffix(suffix)
    return f"warc:{name}"


def _open(path: Path) -> Iterable[bytes]:
    if not path.is_file():
        raise ConfigError(f"WARC file not found: {path}")
    return path.open("rb")


def _page_type(content_type: str | None) -> bool:
    media = (content_type or "").split(";")[0].strip().lower()
    return media in PAGE_TYPES


def scan_warc(path: str | Path, *, max_bytes: int = DEFAULT_FETCH_SETTINGS.max_body_bytes) -> WarcScan:
    """Usable page records of a WARC file. A damaged record is skipped and the scan goes on at the next record that
    can be read; the bytes passed over are counted, and each damaged stretch is described in ``errors``."""
    source = Path(path)
    scan = WarcScan(path=str(source))
    with _open(source) as handle:  # type: ignore[attr-defined]
        size = source.stat().st_size
        position = 0
        while position < size:
            handle.seek(position)
            records = ArchiveIterator(handle, arc2warc=True)
            try:
                for record in records:
                    _scan_record(scan, source, record, records, max_bytes)
                    position = records.get_record_offset() + records.get_record_length()
            except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
                reason = f"{type(exc).__name__}: {exc}"
            else:
                if _blank_tail(handle, position, size):
                    break
                reason = "the reader stopped inside a record (a file cut short?)"
            position = _skip_damage(scan, source, handle, position, size, reason[:300])
    return scan


def _scan_record(scan: WarcScan, source: Path, record: ArcWarcRecord, records: ArchiveIterator, max_bytes: int) -> None:
    http = record.http_headers
    if record.rec_type != "response" or http is None or http.get_statuscode() != "200":
        scan.skipped += 1
        return
    content_type = http.get_header("Content-Type")
    url = record.rec_headers.get_header("WARC-Target-URI")
    if not _page_type(content_type) or not url:
        scan.skipped += 1
        return
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        scan.too_large += 1
        return
    if _truncated(record):
        scan.errors.append(f"{source}: record for {url} is cut short (truncated file?)")
        return
    scan.entries.append(
        WarcEntry(
            offset=records.get_record_offset(),
            url=url,
            captured_at=parse_date(record.rec_headers.get_header("WARC-Date")),
            content_sha256=hashlib.sha256(body).hexdigest(),
            content_type=content_type,
        )
    )


def _truncated(record: ArcWarcRecord) -> bool:
    """Did the file end before the record's declared length? (Read its content first.)"""
    return int(getattr(record.raw_stream, "limit", 0) or 0) > 0


def _skip_damage(scan: WarcScan, source: Path, handle: BinaryIO, damaged: int, size: int, reason: str) -> int:
    """Record the damage that starts at ``damaged`` (after the line ends that close the record before it); returns
    where reading goes on (``size``: nowhere)."""
    handle.seek(damaged)
    head = handle.read(64)
    damaged += len(head) - len(head.lstrip(b"\r\n"))
    resume = next(_record_starts(handle, damaged + 1, size), size)
    scan.skipped_bytes += resume - damaged
    where = f"to the next record at byte {resume}" if resume < size else f"(unreadable after {len(scan.entries)} pages)"
    scan.errors.append(
        f"{source}: damaged record at byte {damaged} ({reason}); {resume - damaged} bytes skipped {where}"
    )
    return resume


#: How much of the file the search for the next record start reads at a time.
_SEARCH_CHUNK = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_LINE = b"\nWARC/1."


def _record_starts(handle: BinaryIO, start: int, size: int) -> Iterator[int]:
    """Offsets from ``start`` on where a readable record may begin: a gzip member whose first bytes inflate to
    ``WARC/``, or a line that starts with ``WARC/1.`` (uncompressed files)."""
    position = start
    while position < size:
        handle.seek(position)
        chunk = handle.read(_SEARCH_CHUNK + len(_WARC_LINE))
        members = [i for i in _find_all(chunk, _GZIP_MAGIC) if i < _SEARCH_CHUNK]
        lines = [i + 1 for i in _find_all(chunk, _WARC_LINE) if i + 1 < _SEARCH_CHUNK]
        for hit in sorted(members + lines):
            if hit in lines or _opens_warc_member(handle, position + hit):
                yield position + hit
        position += _SEARCH_CHUNK


def _find_all(data: bytes, needle: bytes) -> Iterator[int]:
    found = data.find(needle)
    while found >= 0:
        yield found
        found = data.find(needle, found + 1)


def _opens_warc_member(handle: BinaryIO, offset: int) -> bool:
    """Does a gzip member that inflates to ``WARC/...`` start at ``offset``? (Its three magic bytes alone turn up
    in compressed data by chance.)"""
    handle.seek(offset)
    inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        head = inflate.decompress(handle.read(4096), 16)
    except zlib.error:
        return False
    return head.startswith(b"WARC/")


def _blank_tail(handle: BinaryIO, position: int, size: int) -> bool:
    """Is there nothing but line ends after the last record read? An uncompressed file ends with line ends that are
    no record's; anything else means the reader stopped early at damage it did not raise for (warcio stops
    silently at a gzip member cut inside its header)."""
    if size - position > 64:
        return False
    handle.seek(position)
    return not handle.read().strip()


def read_warc_records(path: str | Path, offsets: Iterable[int]) -> list[FetchResult]:
    """The records at ``offsets`` as fetch results (as if fetched at capture time). A record that cannot be read
    becomes a failed result with the reason, like a failed fetch."""
    source = Path(path)
    results = []
    with _open(source) as handle:  # type: ignore[attr-defined]
        for offset in offsets:
            handle.seek(offset)
            try:
                record = next(iter(ArchiveIterator(handle, arc2warc=True)))
                url = record.rec_headers.get_header("WARC-Target-URI") or f"warc:{source.name}@{offset}"
                captured = parse_date(record.rec_headers.get_header("WARC-Date")) or datetime.now(UTC)
                http = record.http_headers
                body = record.content_stream().read()
                if _truncated(record):
                    raise EOFError("record is cut short (truncated file?)")
            except (StopIteration, ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
                url = f"warc:{source.name}@{offset}"
                results.append(
                    FetchResult(url=url, final_url=url, fetched_at=datetime.now(UTC), error=f"warc_read: {exc}")
                )
                continue
            headers = {k: v for k, v in http.headers} if http is not None else {}
            results.append(
                FetchResult(
                    url=url,
                    final_url=url,
                    fetched_at=captured,
                    status=200,
                    body=body,
                    content_type=http.get_header("Content-Type") if http is not None else None,
                    headers=headers,
                    etag=http.get_header("ETag") if http is not None else None,
                    last_modified=http.get_header("Last-Modified") if http is not None else None,
                )
            )
    return results


def warc_batch(path: str | Path, offsets: Sequence[int], source: str, lookup: KnownLookup) -> FetchedBatch:
    """WARC records as a crawler batch (``crawler.crawl.FetchedBatch``), so they are extracted and stored exactly
    like fetched pages. URLs are normalised as the crawler does; a record whose URL already has an article made
    from the same body (``lookup``: what the warehouse holds) is unchanged and goes no further."""
    records = []
    for fetch in read_warc_records(path, offsets):
        if fetch.ok:
            try:
                url = normalize_url(fetch.url)
            except MalformedURL as exc:
                fetch = replace(fetch, body=None, status=None, error=f"malformed_url: {exc.reason}")
            else:
                fetch = replace(fetch, url=url, final_url=url)
                fetch = replace(fetch, canonical_url=canonical_of(fetch))
        records.append(fetch)
    known = lookup([f.url for f in records if f.ok])
    batch = FetchedBatch()
    for fetch in records:
        seen = known.get(fetch.url)
        if fetch.ok and seen is not None and seen.has_article and seen.content_sha256 == fetch.content_sha256:
            batch.unchanged[source] = batch.unchanged.get(source, 0) + 1
            continue
        batch.fetches.append((source, fetch))
        if not fetch.ok:
            batch.failed[source] = batch.failed.get(source, 0) + 1
            continue
        batch.pages.append(FetchedPage(PageRef(url=fetch.url), fetch, source))
    return batch
