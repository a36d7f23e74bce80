"""Feeds, sitemaps, URL lists and folders -> the page URLs a source offers (:class:`PageRef`).

Parsing only: fetching the feed or sitemap itself is the crawler's job (``crawler.crawl``), so the same
limits and SSRF guard apply to it as to pages. Every URL found is normalised (``crawler.urls``); one that
cannot be is kept in :attr:`Listing.rejected` so the crawler records it instead of dropping it silently.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

import feedparser
from lxml import etree

from core.dates import parse_date
from core.errors import DiscoveryError, MalformedURL
from core.pages import PageRef
from crawler.robots import parse_sitemap_lines
from crawler.urls import normalize_url

__all__ = [
    "DiscoveryError",
    "Listing",
    "PageRef",
    "list_directory",
    "parse_feed",
    "parse_listing",
    "parse_sitemap",
    "parse_url_list",
    "unique",
]

#: Files a ``directory`` source reads.
PAGE_SUFFIXES = (".html", ".htm", ".txt")


@dataclass
class Listing:
    """What one feed, sitemap, robots.txt or URL list offers."""

    pages: list[PageRef] = field(default_factory=list)
    #: Child sitemaps (sitemap indexes, robots.txt ``Sitemap:`` lines).
    sitemaps: list[str] = field(default_factory=list)
    #: Child sitemap URL -> its ``<lastmod>`` in the index, when given (a backfill skips children last changed
    #: before its window: they list nothing published inside it).
    sitemap_dates: dict[str, datetime] = field(default_factory=dict)
    #: ``(URL as written, why it was refused)`` for entries that are not usable URLs.
    rejected: list[tuple[str, str]] = field(default_factory=list)
    #: The document was damaged but partly readable (recorded with the listing's fetch).
    warning: str | None = None


def parse_listing(kind: str, body: bytes, base_url: str) -> Listing:
    """Parse a listing of a source ``kind`` (feed, sitemap, urls). Raises :class:`DiscoveryError` when nothing
    in it can be read. A ``sitemap`` source's URL may also be a robots.txt: its ``Sitemap:`` lines are used."""
    listing = Listing()
    dates: dict[str, datetime] = {}
    if kind == "feed":
        refs, listing.warning = _feed_entries(body, base_url)
    elif kind == "urls":
        refs = parse_url_list(body.decode("utf-8", "replace"), None)
    elif base_url.split("?", 1)[0].endswith("/robots.txt"):
        refs = []
        listing.sitemaps = parse_sitemap_lines(body)
        if not listing.sitemaps:
            raise DiscoveryError("robots.txt names no Sitemap")
    else:
        refs, children = _parse_sitemap(body, base_url)
        listing.sitemaps = [url for url, _ in children]
        dates = {url: modified for url, modified in children if modified is not None}
    seen: set[str] = set()
    for ref in refs:
        try:
            url = normalize_url(ref.url, base=base_url)
        except MalformedURL as exc:
            listing.rejected.append((ref.url, exc.reason))
            continue
        if url not in seen:
            seen.add(url)
            listing.pages.append(PageRef(url=url, published_at=ref.published_at, title=ref.title))
    kept = []
    for child in listing.sitemaps:
        try:
            url = normalize_url(child, base=base_url)
        except MalformedURL as exc:
            listing.rejected.append((child, exc.reason))
            continue
        kept.append(url)
        if child in dates:
            listing.sitemap_dates[url] = dates[child]
    listing.sitemaps = list(dict.fromkeys(kept))
    return listing


def parse_feed(body: bytes, base_url: str) -> list[PageRef]:
    """Entries of an RSS 0.9x/1.0/2.0, Atom or JSON Feed document."""
    return _feed_entries(body, base_url)[0]


def _feed_entries(body: bytes, base_url: str) -> tuple[list[PageRef], str | None]:
    """``(entries, warning)``: feedparser reads damaged XML as far as it can; the warning says what was wrong."""
    stripped = body.lstrip()
    if stripped.startswith(b"{"):
        return _parse_json_feed(stripped, base_url), None
    # feedparser never touches the network for a bytes document; entity expansion stays off in its parser.
    parsed = feedparser.parse(body)
    reason = parsed.get("bozo_exception") if parsed.get("bozo") else None
    warning = f"damaged feed read as far as possible: {type(reason).__name__}: {reason}" if reason else None
    if not parsed.entries:
        if reason is not None:
            raise DiscoveryError(f"not a readable feed: {type(reason).__name__}: {reason}")
        if not parsed.get("version"):
            raise DiscoveryError("not a feed (no RSS, Atom or JSON Feed structure found)")
    pages = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        published = None
        for key in ("published_parsed", "updated_parsed"):
            stamp = entry.get(key)
            if stamp:
                published = datetime(*stamp[:6]).replace(tzinfo=UTC)
                break
        pages.append(PageRef(url=_join(base_url, link), published_at=published, title=entry.get("title")))
    return pages, warning


def _parse_json_feed(body: bytes, base_url: str) -> list[PageRef]:
    import json

    try:
        data = json.loads(body)
    except ValueError as exc:
        raise DiscoveryError(f"not a readable JSON feed: {exc}") from None
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise DiscoveryError("JSON feed has no 'items' list")
    pages = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("url"), str):
            pages.append(
                PageRef(
                    url=_join(base_url, item["url"]),
                    published_at=parse_date(item.get("date_published")),
                    title=item.get("title"),
                )
            )
    return pages


_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def parse_sitemap(body: bytes, base_url: str) -> tuple[list[PageRef], list[str]]:
    """``(pages, child sitemap URLs)`` of an XML sitemap or sitemap index (gzip accepted)."""
    pages, children = _parse_sitemap(body, base_url)
    return pages, [url for url, _ in children]


def _parse_sitemap(body: bytes, base_url: str) -> tuple[list[PageRef], list[tuple[str, datetime | None]]]:
    """``(pages, [(child sitemap URL, its <lastmod>)])``."""
    if body[:2] == b"\x1f\x8b":
        body = _gunzip_capped(body)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise DiscoveryError(f"not a readable sitemap: {exc}") from None
    if root is None:
        raise DiscoveryError("not a readable sitemap: empty document")
    if etree.QName(root).localname not in ("urlset", "sitemapindex"):
        raise DiscoveryError(f"not a sitemap: root element is <{etree.QName(root).localname}>")
    pages: list[PageRef] = []
    children: list[tuple[str, datetime | None]] = []
    for node in root.iter(f"{_SITEMAP_NS}sitemap", "sitemap"):
        loc = _text(node, "loc")
        if loc:
            children.append((_join(base_url, loc), parse_date(_text(node, "lastmod"))))
    for node in root.iter(f"{_SITEMAP_NS}url", "url"):
        loc = _text(node, "loc")
        if not loc:
            continue
        published = parse_date(_text(node, f"{_NEWS_NS}news/{_NEWS_NS}publication_date") or _text(node, "lastmod"))
        title = _text(node, f"{_NEWS_NS}news/{_NEWS_NS}title")
        pages.append(PageRef(url=_join(base_url, loc), published_at=published, title=title))
    return pages, children


def _join(base: str, link: str) -> str:
    """``link`` resolved against ``base``; left as written when it cannot be (normalisation then rejects it)."""
    try:
        return urljoin(base, link.strip())
    except ValueError:
        return link


def _text(node: etree._Element, path: str) -> str | None:
    for candidate in (f"{_SITEMAP_NS}{path}" if not path.startswith("{") else path, path):
        found = node.find(candidate)
        if found is not None and found.text and found.text.strip():
            return found.text.strip()
    return None


#: Cap on a decompressed sitemap (a gzip bomb stops here).
MAX_SITEMAP_BYTES = 50_000_000


def _gunzip_capped(body: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as handle:
            data = handle.read(MAX_SITEMAP_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise DiscoveryError(f"not a readable gzip sitemap: {exc}") from None
    if len(data) > MAX_SITEMAP_BYTES:
        raise DiscoveryError(f"sitemap decompresses to more than {MAX_SITEMAP_BYTES:,} bytes")
    return data


def parse_url_list(text: str, base_url: str | None = None) -> list[PageRef]:
    """One URL per line; blank lines and ``#`` comments are skipped."""
    pages = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            pages.append(PageRef(url=_join(base_url, line) if base_url else line))
    return pages


def list_directory(folder: Path, source_name: str) -> list[PageRef]:
    """Saved pages in a folder (recursively). Their URL is ``local:<source>/<relative path>``: stable across
    machines and clones, so re-running never duplicates them."""
    if not folder.is_dir():
        raise DiscoveryError(f"folder not found: {folder}")
    pages = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in PAGE_SUFFIXES:
            relative = path.relative_to(folder).as_posix()
            pages.append(PageRef(url=f"local:{source_name}/{relative}", path=path))
    return pages


def unique(pages: Iterable[PageRef]) -> list[PageRef]:
    seen: set[str] = set()
    result = []
    for page in pages:
        if page.url not in seen:
            seen.add(page.url)
            result.append(page)
    return result
