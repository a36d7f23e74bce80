"""Source -> fetched pages: discovery plus fetching, incremental against what is already stored.

``crawl_source`` never raises for network trouble: an unreachable feed or page becomes a failed
:class:`~extractors.fetch.FetchResult` (a ``fetches`` row) and the crawl goes on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from extractors.discover import (
    DiscoveryError,
    PageRef,
    list_directory,
    parse_feed,
    parse_sitemap,
    parse_url_list,
    unique,
)
from extractors.fetch import DEFAULT_FETCH_SETTINGS, Fetcher, FetchResult, FetchSettings
from extractors.sources import Source

#: Child sitemaps followed per source and run (a sitemap index can list thousands).
MAX_CHILD_SITEMAPS = 50


@dataclass(frozen=True, slots=True)
class KnownPage:
    """What the warehouse already holds for a URL: validators for conditional GET and the body's hash."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    content_sha256: str | None = None
    has_article: bool = False
    #: A successful fetch is stored (even if no article came out of it: index pages, paywalls).
    fetched_ok: bool = False

    @property
    def stored(self) -> bool:
        return self.has_article or self.fetched_ok


@dataclass(frozen=True, slots=True)
class FetchedPage:
    ref: PageRef
    fetch: FetchResult


@dataclass
class CrawlResult:
    source: str
    fetches: list[FetchResult] = field(default_factory=list)
    pages: list[FetchedPage] = field(default_factory=list)
    discovered: int = 0
    skipped_known: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def crawl_source_sync(
    source: Source, known: Mapping[str, KnownPage], settings: FetchSettings = DEFAULT_FETCH_SETTINGS
) -> CrawlResult:
    """Blocking wrapper for callers outside an event loop (Prefect tasks run in worker threads)."""
    return asyncio.run(crawl_source(source, known, settings))


async def crawl_source(
    source: Source, known: Mapping[str, KnownPage], settings: FetchSettings = DEFAULT_FETCH_SETTINGS
) -> CrawlResult:
    result = CrawlResult(source=source.name)
    if source.kind == "directory":
        _crawl_directory(source, known, result)
        return result
    async with Fetcher(settings) as fetcher:
        refs = await _discover(source, fetcher, known, result)
        refs = unique(refs)
        result.discovered = len(refs)
        if source.max_pages is not None:
            refs = refs[: source.max_pages]
        todo = []
        for ref in refs:
            seen = known.get(ref.url)
            if seen is not None and seen.stored and not source.recheck:
                result.skipped_known += 1
                continue
            todo.append((ref, seen))
        fetched = await asyncio.gather(
            *(
                fetcher.fetch(
                    ref.url,
                    allow_private=source.allow_private,
                    etag=seen.etag if seen and source.recheck else None,
                    last_modified=seen.last_modified if seen and source.recheck else None,
                )
                for ref, seen in todo
            )
        )
        for (ref, seen), fetch in zip(todo, fetched, strict=True):
            result.fetches.append(fetch)
            if not fetch.ok:
                if fetch.not_modified:
                    result.unchanged += 1
                else:
                    result.failed += 1
                continue
            if seen is not None and seen.content_sha256 == fetch.content_sha256 and seen.has_article:
                result.unchanged += 1
                continue
            result.pages.append(FetchedPage(ref, fetch))
    return result


async def _discover(
    source: Source, fetcher: Fetcher, known: Mapping[str, KnownPage], result: CrawlResult
) -> list[PageRef]:
    if source.kind == "page":
        assert source.url
        return [PageRef(url=source.url)]
    if source.kind == "urls" and source.urls:
        return [PageRef(url=u) for u in source.urls]
    assert source.url
    listing = await _fetch_listing(source.url, source, fetcher, known, result)
    if listing is None:
        return []
    try:
        if source.kind == "feed":
            return parse_feed(listing, source.url)
        if source.kind == "urls":
            return parse_url_list(listing.decode("utf-8", "replace"), source.url)
        pages, children = parse_sitemap(listing, source.url)
        for child in children[:MAX_CHILD_SITEMAPS]:
            body = await _fetch_listing(child, source, fetcher, known, result)
            if body is not None:
                child_pages, _ = parse_sitemap(body, child)
                pages.extend(child_pages)
        return pages
    except DiscoveryError as exc:
        result.errors.append(str(exc))
        result.failed += 1
        return []


async def _fetch_listing(
    url: str, source: Source, fetcher: Fetcher, known: Mapping[str, KnownPage], result: CrawlResult
) -> bytes | None:
    """Fetch a feed/sitemap/list with conditional GET: an unchanged listing costs one request and no work."""
    seen = known.get(url)
    fetch = await fetcher.fetch(
        url,
        allow_private=source.allow_private,
        etag=seen.etag if seen else None,
        last_modified=seen.last_modified if seen else None,
    )
    result.fetches.append(fetch)
    if fetch.not_modified:
        result.unchanged += 1
        return None
    if not fetch.ok:
        result.failed += 1
        result.errors.append(f"{url}: {fetch.error}")
        return None
    return fetch.body


def _crawl_directory(source: Source, known: Mapping[str, KnownPage], result: CrawlResult) -> None:
    assert source.path is not None
    try:
        refs = list_directory(source.path, source.name)
    except DiscoveryError as exc:
        result.errors.append(str(exc))
        result.failed += 1
        return
    result.discovered = len(refs)
    for ref in refs[: source.max_pages]:
        assert ref.path is not None
        now = datetime.now(UTC)
        try:
            body = ref.path.read_bytes()
        except OSError as exc:
            fetch = FetchResult(url=ref.url, final_url=str(ref.path), fetched_at=now, error=f"read_error: {exc}")
            result.fetches.append(fetch)
            result.failed += 1
            continue
        content_type = "text/plain" if ref.path.suffix.lower() == ".txt" else "text/html"
        fetch = FetchResult(url=ref.url, final_url=str(ref.path), fetched_at=now, body=body, content_type=content_type)
        seen = known.get(ref.url)
        if seen is not None and seen.has_article and seen.content_sha256 == fetch.content_sha256:
            result.unchanged += 1
            continue
        result.fetches.append(fetch)
        result.pages.append(FetchedPage(ref, fetch))


def discover_source_sync(
    source: Source, settings: FetchSettings = DEFAULT_FETCH_SETTINGS
) -> tuple[list[PageRef], CrawlResult]:
    """The pages a source lists right now, without fetching them (backfills filter and batch them first).

    The listing is fetched unconditionally and its validators are dropped from the recorded fetch: a backfill
    takes only part of a listing, so its ETag must not make the next scheduled poll skip the rest.
    """
    return asyncio.run(_discover_source(source, settings))


async def _discover_source(source: Source, settings: FetchSettings) -> tuple[list[PageRef], CrawlResult]:
    result = CrawlResult(source=source.name)
    if source.kind == "directory":
        assert source.path is not None
        try:
            refs = list_directory(source.path, source.name)
        except DiscoveryError as exc:
            result.errors.append(str(exc))
            result.failed += 1
            refs = []
    else:
        async with Fetcher(settings) as fetcher:
            refs = await _discover(source, fetcher, {}, result)
    result.fetches = [replace(f, etag=None, last_modified=None) for f in result.fetches]
    refs = unique(refs)
    result.discovered = len(refs)
    return refs, result
