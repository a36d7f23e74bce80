"""Feeds, sitemaps, URL lists and folders -> the page URLs a source offers (:class:`PageRef`).

Parsing only: fetching the feed or sitemap itself is the crawler's job (``extractors.crawl``), so the same
limits and SSRF guard apply to it as to pages.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree

from extractors.article import parse_date

#: Files a ``directory`` source reads.
PAGE_SUFFIXES = (".html", ".htm", ".txt")


@dataclass(frozen=True, slots=True)
class PageRef:
    """A page a source points at. ``path`` is set for files on disk (``directory`` sources)."""

    url: str
    published_at: datetime | None = None
    title: str | None = None
    path: Path | None = None


class DiscoveryError(ValueError):
    """A feed or sitemap that cannot be read at all (the message says why)."""


def parse_feed(body: bytes, base_url: str) -> list[PageRef]:
    """Entries of an RSS 0.9x/1.0/2.0, Atom or JSON Feed document."""
    stripped = body.lstrip()
    if stripped.startswith(b"{"):
        return _parse_json_feed(stripped, base_url)
    parsed = feedparser.parse(body)
    if not parsed.entries and parsed.get("bozo"):
        reason = parsed.get("bozo_exception")
        raise DiscoveryError(f"not a readable feed: {type(reason).__name__}: {reason}")
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
        pages.append(PageRef(url=urljoin(base_url, link), published_at=published, title=entry.get("title")))
    return pages


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
                    url=urljoin(base_url, item["url"]),
                    published_at=parse_date(item.get("date_published")),
                    title=item.get("title"),
                )
            )
    return pages


_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def parse_sitemap(body: bytes, base_url: str) -> tuple[list[PageRef], list[str]]:
    """``(pages, child sitemap URLs)`` of an XML sitemap or sitemap index (gzip accepted)."""
    if body[:2] == b"\x1f\x8b":
        body = _gunzip_capped(body)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise DiscoveryError(f"not a readable sitemap: {exc}") from None
    if root is None:
        raise DiscoveryError("not a readable sitemap: empty document")
    pages: list[PageRef] = []
    children: list[str] = []
    for node in root.iter(f"{_SITEMAP_NS}sitemap", "sitemap"):
        loc = _text(node, "loc")
        if loc:
            children.append(urljoin(base_url, loc))
    for node in root.iter(f"{_SITEMAP_NS}url", "url"):
        loc = _text(node, "loc")
        if not loc:
            continue
        published = parse_date(_text(node, f"{_NEWS_NS}news/{_NEWS_NS}publication_date") or _text(node, "lastmod"))
        title = _text(node, f"{_NEWS_NS}news/{_NEWS_NS}title")
        pages.append(PageRef(url=urljoin(base_url, loc), published_at=published, title=title))
    return pages, children


def _text(node: etree._Element, path: str) -> str | None:
    for candidate in (f"{_SITEMAP_NS}{path}" if not path.startswith("{") else path, path):
        found = node.find(candidate)
        if found is not None and found.text and found.text.strip():
            return found.text.strip()
    return None


#: Cap on a decompressed sitemap (a gzip bomb stops here).
MAX_SITEMAP_BYTES = 50_000_000


def _gunzip_capped(body: bytes) -> bytes:
    with gzip.GzipFile(fileobj=__import__("io").BytesIO(body)) as handle:
        data = handle.read(MAX_SITEMAP_BYTES + 1)
    if len(data) > MAX_SITEMAP_BYTES:
        raise DiscoveryError(f"sitemap decompresses to more than {MAX_SITEMAP_BYTES:,} bytes")
    return data


def parse_url_list(text: str, base_url: str | None = None) -> list[PageRef]:
    """One URL per line; blank lines and ``#`` comments are skipped."""
    pages = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            pages.append(PageRef(url=urljoin(base_url, line) if base_url else line))
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


def same_site(url: str, other: str) -> bool:
    return urlsplit(url).netloc.lower() == urlsplit(other).netloc.lower()


def unique(pages: Iterable[PageRef]) -> list[PageRef]:
    seen: set[str] = set()
    result = []
    for page in pages:
        if page.url not in seen:
            seen.add(page.url)
            result.append(page)
    return result
