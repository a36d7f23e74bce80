"""Sources -> fetched pages, in three steps the ingest flow runs as tasks:

1. :func:`discover` reads every source's listings (feeds, sitemaps, sitemap indexes, robots.txt ``Sitemap:``
   lines, URL lists, folders) with conditional GET: an unchanged feed costs one request and yields nothing.
2. :func:`plan_crawl` drops URLs already stored (unless the source rechecks), applies ``max_pages``, and cuts
   the rest into batches that interleave hosts, so per-host limits never idle the run.
3. :func:`fetch_batch` fetches one batch politely; bodies identical to the stored ones and 304s are marked
   unchanged and go no further.

Nothing here raises for network trouble or bad input: each problem becomes a failed :class:`FetchResult`
(a ``fetches`` row) and the crawl goes on. Per-host state (robots.txt, gaps, circuit breaker) travels from
step to step in a :class:`~crawler.hosts.HostBook`.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import zip_longest

from core.errors import DiscoveryError, MalformedURL
from core.pages import FetchedPage, FetchResult, KnownPage, PageRef
from crawler.discover import Listing, list_directory, parse_listing
from crawler.fetch import DEFAULT_FETCH_SETTINGS, Fetcher, FetchSettings, adopt_robots
from crawler.hosts import HostBook
from crawler.robots import RobotsRules
from crawler.sources import Source
from crawler.urls import canonical_link, host_key, normalize_url, robots_url

#: Child sitemaps followed per source and run (a sitemap index can list thousands).
MAX_CHILD_SITEMAPS = 50
#: Error kinds that will not change by asking again soon: a page failing so is settled for its listing.
PERMANENT_ERRORS = frozenset(
    {"http_status", "malformed_url", "blocked_address", "robots_disallowed", "body_too_large",
     "decompression_bomb", "unsupported_content", "redirect"}
)  # fmt: skip


KnownLookup = Callable[[Sequence[str]], Mapping[str, KnownPage]]
#: robots.txt URLs -> the rules an earlier run read (within ``robots_cache_s``).
RobotsLookup = Callable[[Sequence[str]], Mapping[str, RobotsRules]]


@dataclass
class SourceDiscovery:
    """What one source offered this run."""

    source: Source
    refs: list[PageRef] = field(default_factory=list)
    #: Fetches of the source's feeds/sitemaps/lists (stored once the run is done with the source).
    listings: list[FetchResult] = field(default_factory=list)
    #: Entries that were not usable URLs, as failed fetch rows (``malformed_url``).
    rejected: list[FetchResult] = field(default_factory=list)
    unchanged: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    #: Child sitemaps not read because their ``<lastmod>`` is before ``newer_than`` (backfills of a window).
    old_sitemaps: int = 0


@dataclass
class Discovery:
    sources: list[SourceDiscovery]
    hosts: HostBook
    #: robots.txt answers read during discovery (stored so later runs can reuse them).
    robots: list[FetchResult] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PageTask:
    """One page to fetch (or, for ``directory`` sources, to read)."""

    ref: PageRef
    source: str
    known: KnownPage | None = None
    #: Send the stored validators (the source rechecks stored pages).
    conditional: bool = False


@dataclass
class CrawlPlan:
    batches: list[list[PageTask]]
    #: Per source: URLs skipped because they are stored, URLs left for a later run (``max_pages``), and URLs
    #: another source of this run already took.
    skipped_known: dict[str, int] = field(default_factory=dict)
    deferred: dict[str, int] = field(default_factory=dict)
    shared: dict[str, int] = field(default_factory=dict)


@dataclass
class FetchedBatch:
    """One batch after fetching: pages to extract, and every fetch to record."""

    pages: list[FetchedPage] = field(default_factory=list)
    #: Every fetch of the batch with the source it belongs to (failed, 304 and unchanged ones included).
    fetches: list[tuple[str, FetchResult]] = field(default_factory=list)
    #: Per source: 304s and byte-identical bodies (no extraction), and failures.
    unchanged: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    #: URL -> why a successfully fetched page goes no further (same page as another URL of this batch).
    notes: dict[str, str] = field(default_factory=dict)
    hosts: HostBook = field(default_factory=HostBook)
    #: robots.txt answers read while fetching this batch.
    robots: list[FetchResult] = field(default_factory=list)


# --- 1. discovery -------------------------------------------------------------------------------------


def discover_sync(
    sources: Sequence[Source],
    lookup: KnownLookup,
    settings: FetchSettings = DEFAULT_FETCH_SETTINGS,
    hosts: HostBook | None = None,
    robots: RobotsLookup | None = None,
    newer_than: datetime | None = None,
) -> Discovery:
    """Blocking wrapper (Prefect tasks run in worker threads)."""
    return asyncio.run(discover(sources, lookup, settings, hosts, robots, newer_than))


async def discover(
    sources: Sequence[Source],
    lookup: KnownLookup,
    settings: FetchSettings = DEFAULT_FETCH_SETTINGS,
    hosts: HostBook | None = None,
    robots: RobotsLookup | None = None,
    newer_than: datetime | None = None,
) -> Discovery:
    """Every source's page URLs; listings are read concurrently, politely, with conditional GET. Child sitemaps
    whose index gives a ``<lastmod>`` before ``newer_than`` are not read (a backfill's window starts later)."""
    book = hosts if hosts is not None else HostBook()
    listings = [s.url for s in sources if s.url and s.kind in ("feed", "sitemap", "urls")]
    prime_robots(book, listings, robots, settings)
    cached = _CachedLookup(lookup)
    cached.prefetch(listings)
    async with Fetcher(settings, book) as fetcher:
        found = await asyncio.gather(*(_discover_source(s, fetcher, cached, newer_than) for s in sources))
    return Discovery(sources=list(found), hosts=book, robots=fetcher.robots_fetches)


def prime_robots(book: HostBook, urls: Iterable[str], robots: RobotsLookup | None, settings: FetchSettings) -> None:
    """Give hosts not read this run the robots.txt an earlier run read, if recent enough (one query)."""
    if robots is None or not settings.respect_robots or settings.robots_cache_s <= 0:
        return
    wanted: dict[str, str] = {}
    for url in urls:
        host = host_key(url)
        state = book.hosts.get(host)
        if host and (state is None or (state.robots is None and state.blocked is None)):
            wanted.setdefault(robots_url(url), host)
    if not wanted:
        return
    for url, rules in robots(list(wanted)).items():
        adopt_robots(book.get(wanted[url], settings.per_host_delay_s), rules, settings)


class _CachedLookup:
    """One warehouse query for all the listings named in the configuration; child sitemaps ask on demand."""

    def __init__(self, lookup: KnownLookup) -> None:
        self.lookup = lookup
        self.known: dict[str, KnownPage] = {}
        self.asked: set[str] = set()

    def prefetch(self, urls: Sequence[str]) -> None:
        missing = [u for u in dict.fromkeys(urls) if u not in self.asked]
        if missing:
            self.known.update(self.lookup(missing))
            self.asked.update(missing)

    def __call__(self, urls: Sequence[str]) -> Mapping[str, KnownPage]:
        self.prefetch(urls)
        return {u: self.known[u] for u in urls if u in self.known}


async def _discover_source(
    source: Source, fetcher: Fetcher, lookup: KnownLookup, newer_than: datetime | None = None
) -> SourceDiscovery:
    found = SourceDiscovery(source=source)
    if source.kind == "directory":
        assert source.path is not None
        try:
            found.refs = list_directory(source.path, source.name)
        except DiscoveryError as exc:
            found.errors.append(str(exc))
            found.failed += 1
        return found
    if source.kind == "page" or (source.kind == "urls" and source.urls):
        refs = [PageRef(url=u) for u in ([source.url] if source.kind == "page" else list(source.urls)) if u]
        _add_refs(found, refs, base=None)
        return found
    assert source.url
    pending = [source.url]
    followed = 0
    while pending:
        url = pending.pop(0)
        listing = await _read_listing(url, source, fetcher, lookup, found)
        if listing is None:
            continue
        _add_refs(found, listing.pages, base=url)
        for raw, reason in listing.rejected:
            found.rejected.append(_rejected(raw, reason))
        for child in listing.sitemaps:
            modified = listing.sitemap_dates.get(child)
            if newer_than is not None and modified is not None and modified < newer_than:
                found.old_sitemaps += 1
                continue
            if followed >= MAX_CHILD_SITEMAPS:
                found.errors.append(f"{url}: more than {MAX_CHILD_SITEMAPS} child sitemaps; the rest is not read")
                break
            followed += 1
            pending.append(child)
    return found


def _add_refs(found: SourceDiscovery, refs: Iterable[PageRef], base: str | None) -> None:
    for ref in refs:
        try:
            found.refs.append(replace(ref, url=normalize_url(ref.url, base=base)))
        except MalformedURL as exc:
            found.rejected.append(_rejected(ref.url, exc.reason))


def _rejected(raw: str, reason: str) -> FetchResult:
    return FetchResult(
        url=raw[:2048], final_url=raw[:2048], fetched_at=datetime.now(UTC), error=f"malformed_url: {reason}"
    )


async def _read_listing(
    url: str, source: Source, fetcher: Fetcher, lookup: KnownLookup, found: SourceDiscovery
) -> Listing | None:
    """Fetch and parse one feed/sitemap/list; None when unchanged (304) or unreadable (recorded)."""
    seen = lookup([url]).get(url)
    fetch = await fetcher.fetch(
        url, etag=seen.etag if seen else None, last_modified=seen.last_modified if seen else None, role="listing"
    )
    if fetch.not_modified:
        found.listings.append(fetch)
        found.unchanged += 1
        return None
    if not fetch.ok:
        found.listings.append(fetch)
        found.failed += 1
        found.errors.append(f"{url}: {fetch.error}")
        return None
    assert fetch.body is not None
    kind = "sitemap" if source.kind == "sitemap" or url != source.url else source.kind
    try:
        listing = parse_listing(kind, fetch.body, fetch.final_url)
    except DiscoveryError as exc:
        # The server answered, but with nothing we can read: the listing fails (validators dropped).
        found.listings.append(replace(fetch, error=exc.record, etag=None, last_modified=None))
        found.failed += 1
        found.errors.append(f"{url}: {exc.record}")
        return None
    if listing.warning:
        found.errors.append(f"{url}: {listing.warning}")
    found.listings.append(fetch)
    return listing


# --- 2. planning --------------------------------------------------------------------------------------


def plan_crawl(
    discovery: Discovery,
    known: Mapping[str, KnownPage],
    settings: FetchSettings = DEFAULT_FETCH_SETTINGS,
    robots: RobotsLookup | None = None,
) -> CrawlPlan:
    """What to fetch this run, in batches. A URL offered by several sources is fetched once (first source).
    Hosts met for the first time get an earlier run's robots.txt from ``robots`` when it is recent enough."""
    plan = CrawlPlan(batches=[])
    taken: set[str] = set()
    tasks: list[PageTask] = []
    for found in discovery.sources:
        source = found.source
        name = source.name
        todo: list[PageTask] = []
        for ref in found.refs:
            if ref.url in taken:
                plan.shared[name] = plan.shared.get(name, 0) + 1
                continue
            taken.add(ref.url)
            seen = known.get(ref.url)
            local = source.kind == "directory"  # files are re-read and compared by hash every run
            if seen is not None and seen.stored and not (source.recheck or local):
                plan.skipped_known[name] = plan.skipped_known.get(name, 0) + 1
                continue
            todo.append(PageTask(ref=ref, source=name, known=seen, conditional=source.recheck and seen is not None))
        if source.max_pages is not None and len(todo) > source.max_pages:
            plan.deferred[name] = len(todo) - source.max_pages
            todo = todo[: source.max_pages]
        tasks.extend(todo)
    plan.batches = _interleave(tasks, settings.batch_size)
    prime_robots(discovery.hosts, (t.ref.url for t in tasks if t.ref.path is None), robots, settings)
    return plan


def _interleave(tasks: Sequence[PageTask], batch_size: int) -> list[list[PageTask]]:
    """Round-robin over hosts, then cut: every batch spreads over as many hosts as there are."""
    by_host: dict[str, list[PageTask]] = defaultdict(list)
    for task in tasks:
        by_host["local" if task.ref.path is not None else host_key(task.ref.url)].append(task)
    ordered = [t for row in zip_longest(*by_host.values()) for t in row if t is not None]
    size = max(1, batch_size)
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


# --- 3. fetching --------------------------------------------------------------------------------------


def fetch_batch_sync(
    batch: Sequence[PageTask], settings: FetchSettings = DEFAULT_FETCH_SETTINGS, hosts: HostBook | None = None
) -> FetchedBatch:
    return asyncio.run(fetch_batch(batch, settings, hosts))


async def fetch_batch(
    batch: Sequence[PageTask], settings: FetchSettings = DEFAULT_FETCH_SETTINGS, hosts: HostBook | None = None
) -> FetchedBatch:
    result = FetchedBatch(hosts=hosts if hosts is not None else HostBook())
    async with Fetcher(settings, result.hosts) as fetcher:
        fetched = await asyncio.gather(*(_fetch_task(task, fetcher) for task in batch))
    result.robots = fetcher.robots_fetches
    canonical_seen: dict[str, str] = {}
    for task, fetch in zip(batch, fetched, strict=True):
        unchanged_file = (
            task.ref.path is not None and task.known is not None and (task.known.content_sha256 == fetch.content_sha256)
        )
        if not unchanged_file:  # a saved file read again unchanged is not worth a row per run
            result.fetches.append((task.source, fetch))
        if not fetch.ok:
            bucket = result.unchanged if fetch.not_modified else result.failed
            bucket[task.source] = bucket.get(task.source, 0) + 1
            continue
        if task.known is not None and task.known.stored and task.known.content_sha256 == fetch.content_sha256:
            result.unchanged[task.source] = result.unchanged.get(task.source, 0) + 1
            continue
        key = fetch.canonical_url or task.ref.url
        first = canonical_seen.setdefault(key, task.ref.url)
        if first != task.ref.url:
            result.notes[task.ref.url] = f"duplicate: same page as {first}"
            continue
        result.pages.append(FetchedPage(task.ref, fetch, task.source))
    return result


async def _fetch_task(task: PageTask, fetcher: Fetcher) -> FetchResult:
    if task.ref.path is not None:
        return _read_file(task)
    known = task.known if task.conditional else None
    fetch = await fetcher.fetch(
        task.ref.url,
        etag=known.etag if known else None,
        last_modified=known.last_modified if known else None,
    )
    if fetch.not_modified and known is not None:
        # A 304 confirms the validators we sent; keep them for next time.
        return replace(fetch, etag=fetch.etag or known.etag, last_modified=fetch.last_modified or known.last_modified)
    if fetch.ok and fetch.body is not None:
        return replace(fetch, canonical_url=canonical_of(fetch))
    return fetch


def canonical_of(fetch: FetchResult) -> str | None:
    """The page's own canonical URL (same site only), else its normalised final URL (duplicate detection)."""
    assert fetch.body is not None
    media = (fetch.content_type or "text/html").split(";")[0].strip().lower()
    if "html" in media:
        link = canonical_link(fetch.body, fetch.final_url)
        if link:
            return link
    try:
        return normalize_url(fetch.final_url)
    except MalformedURL:
        return None


def _read_file(task: PageTask) -> FetchResult:
    path = task.ref.path
    assert path is not None
    now = datetime.now(UTC)
    try:
        body = path.read_bytes()
    except OSError as exc:
        return FetchResult(url=task.ref.url, final_url=str(path), fetched_at=now, error=f"read_error: {exc}")
    content_type = "text/plain" if path.suffix.lower() == ".txt" else "text/html"
    return FetchResult(
        url=task.ref.url, final_url=str(path), fetched_at=now, body=body, content_type=content_type, attempts=0
    )


# --- after the batches --------------------------------------------------------------------------------


def settled_listings(found: SourceDiscovery, plan: CrawlPlan, open_urls: set[str]) -> list[FetchResult]:
    """The source's listing fetches to record. Their validators are kept only when every page they offered is
    stored or failed for good: otherwise (a crash, a transient failure, ``max_pages`` left some for later)
    the next run must read the listing again instead of getting a 304 and never seeing those pages."""
    pending = plan.deferred.get(found.source.name, 0) > 0 or any(ref.url in open_urls for ref in found.refs)
    rows = list(found.rejected)
    for fetch in found.listings:
        rows.append(replace(fetch, etag=None, last_modified=None) if pending and fetch.ok else fetch)
    return rows


def transient_failures(batch: FetchedBatch) -> set[str]:
    """URLs of the batch whose failure may go away on a later run (5xx, timeouts, resets, skipped hosts)."""
    return {f.url for _, f in batch.fetches if f.error and not _permanent(f)}


def _permanent(fetch: FetchResult) -> bool:
    if fetch.error_kind == "http_status":
        return fetch.status is not None and fetch.status < 500 and fetch.status not in (408, 429)
    return fetch.error_kind in PERMANENT_ERRORS
