"""Writing small WARC files for tests, with warcio (the same library that reads them in the product)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from uuid import NAMESPACE_URL, uuid5

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


@dataclass(frozen=True)
class WarcPage:
    url: str
    body: bytes
    status: str = "200 OK"
    content_type: str = "text/html; charset=utf-8"
    date: str = "2024-02-12T10:00:00Z"
    record_type: str = "response"


def write_warc(path: Path, pages: Sequence[WarcPage], *, gzip: bool = True) -> Path:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        for page in pages:
            http = StatusAndHeaders(
                page.status,
                [("Content-Type", page.content_type), ("Content-Length", str(len(page.body)))],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                page.url,
                page.record_type,
                payload=BytesIO(page.body),
                http_headers=http if page.record_type == "response" else None,
                # A record id from the URL, not a random one: the same pages give the same bytes, so a test that
                # damages a record damages it the same way every run.
                warc_headers_dict={
                    "WARC-Date": page.date,
                    "WARC-Record-ID": f"<urn:uuid:{uuid5(NAMESPACE_URL, page.url)}>",
                },
            )
            writer.write_record(record)
    return path


def numbered_pages(body: bytes, count: int) -> list[WarcPage]:
    """``count`` distinct response records made from one page body (its first ``<title>`` numbered)."""
    return [
        WarcPage(f"https://news.example/story/{i}", body.replace(b"<title>", f"<title>Story {i}: ".encode(), 1))
        for i in range(count)
    ]


def damage_record(path: Path, offset: int, *, at: int = 60, length: int = 24) -> Path:
    """Overwrite ``length`` bytes ``at`` bytes into the record that starts at ``offset`` (its gzip member's
    compressed data, or its headers in an uncompressed file): the record is lost, those around it are intact."""
    data = bytearray(path.read_bytes())
    start = offset + at
    data[start : start + length] = bytes(b ^ 0x5A for b in data[start : start + length])
    damaged = path.with_name("damaged-" + path.name)
    damaged.write_bytes(bytes(data))
    return damaged
