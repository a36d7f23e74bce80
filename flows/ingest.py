"""The ``ingest`` flow: sources -> discover -> plan -> (fetch -> extract -> store) per batch -> listings, once.

Each task wraps one plain function; tasks get paths, names and plain data, never connections or clients.
Fetching runs one task per batch of URLs (hosts interleaved), and the next batch is fetched while the current
one is extracted. Each batch is stored in one transaction, so a killed run loses at most the batches in flight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture

from core.settings import Settings
from crawler.crawl import (
    CrawlPlan,
    Discovery,
    FetchedBatch,
    PageTask,
    discover_sync,
    fetch_batch_sync,
    plan_crawl,
    transient_failures,
)
from crawler.fetch import FetchSettings
from crawler.hosts import HostBook
from crawler.sources import Source, load_crawl_settings, load_sources, with_private_hosts
from extractors.nlp import load_pipeline
from extractors.pipeline import Extraction, extract_by_source
from flows.common import (
    LOCAL_RETRY,
    NETWORK_RETRY,
    WRITE_RETRY,
    current_run_id,
    ensure_writer_limit,
    publish_run_artifacts,
    writer_slot,
)
from flows.refresh import refresh_positions
from flows.store import cached_robots, store_fetched, store_listings
from positions.refresh import Workers
from warehouse.reads import governments_seen, known_pages, prior_extractions, table_counts
from warehouse.writes import BatchCounts, begin_run, finish_run

EXAMPLE_QUERY = "SELECT government, count(*) AS claims FROM claims GROUP BY 1 ORDER BY 2 DESC"
#: Problems listed per source in the run summary (the fetches table has them all).
MAX_ERRORS_PER_SOURCE = 50


@dataclass
class SourceReport:
    source: str
    discovered: int = 0
    fetched: int = 0
    unchanged: int = 0
    failed: int = 0
    articles: int = 0
    claims: int = 0
    #: Pages run through the extractors, and pages whose body's stored extraction was reused instead.
    extracted: int = 0
    reused: int = 0
    errors: list[str] = field(default_factory=list)
    #: Our own code raised while handling this source (as opposed to the site being unreachable).
    crashed: bool = False

    def note(self, error: str) -> None:
        if len(self.errors) < MAX_ERRORS_PER_SOURCE:
            self.errors.append(error)


@dataclass
class IngestSummary:
    run_id: str
    db: str
    sources: list[SourceReport]
    status: str = "running"
    articles_total: int = 0
    claims_total: int = 0
    governments: list[str] = field(default_factory=list)
    #: Hosts the circuit breaker took out of the run, and why.
    hosts_skipped: dict[str, str] = field(default_factory=dict)
    example_query: str = EXAMPLE_QUERY

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@task(name="discover", cache_policy=NO_CACHE, retries=NETWORK_RETRY.retries, retry_delay_seconds=NETWORK_RETRY.delays)
def discover(sources: list[Source], db: str, archive: str, settings: FetchSettings) -> Discovery:
    robots = partial(cached_robots, Path(db), Path(archive), max_age_s=settings.robots_cache_s)
    return discover_sync(sources, partial(known_pages, Path(db)), settings, robots=robots)


@task(name="plan-crawl", cache_policy=NO_CACHE, retries=LOCAL_RETRY.retries, retry_delay_seconds=LOCAL_RETRY.delays)
def plan(discovery: Discovery, db: str, archive: str, settings: FetchSettings) -> CrawlPlan:
    urls = [ref.url for found in discovery.sources for ref in found.refs]
    robots = partial(cached_robots, Path(db), Path(archive), max_age_s=settings.robots_cache_s)
    return plan_crawl(discovery, known_pages(Path(db), urls), settings, robots=robots)


@task(
    name="fetch-batch", cache_policy=NO_CACHE, retries=NETWORK_RETRY.retries, retry_delay_seconds=NETWORK_RETRY.delays
)
def fetch(batch: list[PageTask], settings: FetchSettings, hosts: HostBook) -> FetchedBatch:
    return fetch_batch_sync(batch, settings, hosts)


@task(name="extract-claims", cache_policy=NO_CACHE, retries=LOCAL_RETRY.retries, retry_delay_seconds=LOCAL_RETRY.delays)
def extract(
    fetched: FetchedBatch, outlets: dict[str, str | None], db: str, model: str, processes: int = 1
) -> Extraction:
    """Articles and claims of the batch's pages; a body already extracted by the current extractors (under any
    URL) is taken from the warehouse instead (``extractors.pipeline.reuse_prior``)."""
    if not fetched.pages:
        return Extraction()
    return extract_by_source(
        fetched.pages,
        outlets,
        load_pipeline(model),
        processes=processes,
        model=model,
        prior=partial(prior_extractions, Path(db)),
    )


@task(name="store-batch", cache_policy=NO_CACHE, retries=WRITE_RETRY.retries, retry_delay_seconds=WRITE_RETRY.delays)
def store(fetched: FetchedBatch, extraction: Extraction, db: str, archive: str, run_id: str) -> dict[str, BatchCounts]:
    with writer_slot():
        return store_fetched(fetched, extraction, Path(db), Path(archive), run_id)


@task(name="store-listings", cache_policy=NO_CACHE, retries=WRITE_RETRY.retries, retry_delay_seconds=WRITE_RETRY.delays)
def listings(discovery: Discovery, crawl: CrawlPlan, open_urls: set[str], db: str, archive: str, run_id: str) -> None:
    with writer_slot():
        store_listings(discovery, crawl, open_urls, Path(db), Path(archive), run_id)


@task(
    name="refresh-positions", cache_policy=NO_CACHE, retries=WRITE_RETRY.retries, retry_delay_seconds=WRITE_RETRY.delays
)
def refresh(db: str, model: str, processes: int = 1) -> dict[str, Any]:
    """Statements and position changes from the claims now stored (``positions.refresh``), their features read
    in the run's extraction workers."""
    nlp = load_pipeline(model)
    with writer_slot():  # it replaces the derived tables in one transaction
        summary = refresh_positions(Path(db), nlp=nlp, workers=Workers(processes, model))
    return {"statements": summary.statements, "labels": summary.labels}


@flow(name="ingest")
def ingest(
    sources: str | None = None, db: str | None = None, model: str | None = None, processes: int | None = None
) -> dict[str, Any]:
    """Poll every source once and store what is new. Returns the run summary (also in ``runs.summary``).

    ``processes``: extraction worker processes (default ``$CLAIMTRACK_PROCESSES``, else every usable core up to 4).
    """
    settings = Settings.resolve(db=db, sources=sources, model=model, processes=processes)
    run_id = current_run_id()
    parameters = {
        "sources": str(settings.sources),
        "db": str(settings.db),
        "model": settings.model,
        "processes": settings.processes,
    }
    ensure_writer_limit()
    with writer_slot():
        begin_run(settings.db, run_id, "ingest", parameters)
    summary = IngestSummary(run_id=run_id, db=str(settings.db), sources=[])
    db_path, archive = str(settings.db), str(settings.archive_dir)
    status = "failed"
    try:
        configured = load_sources(settings.sources)
        load_pipeline(settings.model)  # a broken model or word list fails the run here, not once per batch
        crawler = with_private_hosts(load_crawl_settings(settings.sources), configured)
        reports = {s.name: SourceReport(source=s.name) for s in configured}
        summary.sources = list(reports.values())

        found = discover(configured, db_path, archive, crawler)
        report_discovery(found, reports)
        crawl = plan(found, db_path, archive, crawler)
        report_plan(crawl, reports)

        crawled = crawl_batches(crawl, crawler, found.hosts, configured, settings, run_id, reports)
        listings(found, crawl, crawled.open_urls, db_path, archive, run_id)

        summary.hosts_skipped = crawled.hosts.skipped()
        refresh_and_total(summary, settings)
        # Unreachable sites are recorded, not failures; an exception inside our own code is.
        status = "completed_with_errors" if any(r.crashed for r in summary.sources) else "completed"
        summary.status = status
        return summary.as_dict()
    finally:
        with writer_slot():
            finish_run(settings.db, run_id, status, summary.as_dict())
        publish_run_artifacts("ingest", settings.db, run_id, summary.as_dict())


@dataclass
class CrawledBatches:
    #: URLs whose pages are not settled (transient failures, batches that could not be stored).
    open_urls: set[str]
    hosts: HostBook
    #: ``batch N/M: reason`` of each batch that could not be extracted or stored.
    failed: list[str]


def crawl_batches(
    crawl: CrawlPlan,
    crawler: FetchSettings,
    hosts: HostBook,
    sources: list[Source],
    settings: Settings,
    run_id: str,
    reports: dict[str, SourceReport],
    on_batch: Callable[[str], None] | None = None,
) -> CrawledBatches:
    """Fetch, extract and store the plan's batches as a pipeline: while batch N is extracted, batch N+1 is fetched
    and, with worker processes, batch N-1 is stored, so the workers never wait for the database. One broken batch
    never fails the run: it is reported (its pages are fetched again next run) and the rest go on. ``on_batch``
    hears a note after each batch (the backfill's progress)."""
    db_path = str(settings.db)
    outlets = {s.name: s.outlet for s in sources}
    done = CrawledBatches(open_urls=set(), hosts=hosts, failed=[])
    total = len(crawl.batches)
    # With one process the extraction runs in this process: overlapping it with a store gains nothing and would
    # share one spaCy pipeline between threads.
    overlap = settings.processes > 1
    pending = fetch.submit(crawl.batches[0], crawler, hosts) if crawl.batches else None
    previous: _InFlight | None = None
    for number in range(1, total + 1):
        assert pending is not None
        fetched = pending.result()
        done.hosts = fetched.hosts
        if number < total:  # fetch the next batch while this one is extracted and stored
            pending = fetch.submit(crawl.batches[number], crawler, done.hosts)
        current = _InFlight(
            number, fetched, extract.submit(fetched, outlets, db_path, settings.model, settings.processes)
        )
        if not overlap:
            _finish_batch(current, total, settings, run_id, reports, done, on_batch)
            continue
        if previous is not None:
            _finish_batch(previous, total, settings, run_id, reports, done, on_batch)
        previous = current
    if previous is not None:
        _finish_batch(previous, total, settings, run_id, reports, done, on_batch)
    return done


@dataclass
class _InFlight:
    number: int
    fetched: FetchedBatch
    extraction: PrefectFuture[Extraction]


def _finish_batch(
    batch: _InFlight,
    total: int,
    settings: Settings,
    run_id: str,
    reports: dict[str, SourceReport],
    done: CrawledBatches,
    on_batch: Callable[[str], None] | None,
) -> None:
    """Wait for the batch's extraction, store it, report it; a failure is the batch's, never the run's."""
    logger = get_run_logger()
    number, fetched = batch.number, batch.fetched
    try:
        extraction = batch.extraction.result()
        counts = store(fetched, extraction, str(settings.db), str(settings.archive_dir), run_id)
    except Exception as exc:
        done.open_urls |= {result.url for _, result in fetched.fetches}
        report_failed_batch(fetched, exc, reports)
        done.failed.append(f"batch {number}/{total}: {type(exc).__name__}: {exc}")
        logger.warning("batch %d/%d failed: %s", number, total, exc)
    else:
        done.open_urls |= transient_failures(fetched)
        report_batch(fetched, extraction, counts, reports)
        logger.info(
            "batch %d/%d stored: %d pages fetched, %d extracted, %d extractions reused (same body stored)",
            number, total, len(fetched.fetches), sum(extraction.extracted.values()),
            sum(extraction.reused().values()),
        )  # fmt: skip
    if on_batch is not None:
        on_batch(f"batch {number}/{total}: {len(fetched.pages)} pages")


def refresh_and_total(summary: IngestSummary, settings: Settings) -> None:
    """The run's last steps: positions refreshed from the claims now stored, totals and per-source log lines."""
    logger = get_run_logger()
    try:  # derived data: a failure here is logged, never fails the run (`claimtrack rebuild` redoes it)
        refresh(str(settings.db), settings.model, settings.processes)
    except Exception as exc:
        logger.warning("refreshing positions failed (run `claimtrack rebuild`): %s", exc)
    counts_now = table_counts(settings.db)
    summary.articles_total = counts_now["articles"]
    summary.claims_total = counts_now["claims"]
    summary.governments = governments_seen(settings.db)
    for report in summary.sources:
        logger.info(
            "%s: %d discovered, %d fetched, %d unchanged, %d failed, %d articles, %d claims",
            report.source, report.discovered, report.fetched, report.unchanged, report.failed,
            report.articles, report.claims,
        )  # fmt: skip


def report_discovery(found: Discovery, reports: dict[str, SourceReport]) -> None:
    for source in found.sources:
        report = reports[source.source.name]
        report.discovered = len(source.refs)
        report.unchanged += source.unchanged
        report.failed += source.failed + len(source.rejected)
        for error in source.errors:
            report.note(error)
        for rejected in source.rejected:
            report.note(f"{rejected.url}: {rejected.error}")


def report_plan(crawl: CrawlPlan, reports: dict[str, SourceReport]) -> None:
    for name, count in crawl.skipped_known.items():
        reports[name].unchanged += count
    for name, count in crawl.deferred.items():
        reports[name].note(f"{count} page(s) left for the next run (max_pages)")


def report_batch(
    fetched: FetchedBatch, extraction: Extraction, counts: dict[str, BatchCounts], reports: dict[str, SourceReport]
) -> None:
    for source, result in fetched.fetches:
        report = reports[source]
        if result.ok:
            report.fetched += 1
        elif result.error:
            report.note(f"{result.url}: {result.error}")
    for name, number in fetched.unchanged.items():
        reports[name].unchanged += number
    for name, number in fetched.failed.items():
        reports[name].failed += number
    for name, number in extraction.extracted.items():
        reports[name].extracted += number
    for name, number in extraction.reused().items():
        reports[name].reused += number
    for url, error in extraction.errors.items():
        page = next((p for p in fetched.pages if p.ref.url == url), None)
        if page is not None:
            reports[page.source].note(error)
    for name, batch_counts in counts.items():
        if name not in reports:  # robots.txt rows belong to no source
            continue
        reports[name].articles += batch_counts.new_articles + batch_counts.updated_articles
        reports[name].claims += batch_counts.claims


def report_failed_batch(fetched: FetchedBatch, exc: Exception, reports: dict[str, SourceReport]) -> None:
    for source in {name for name, _ in fetched.fetches}:
        reports[source].note(f"a batch could not be stored ({type(exc).__name__}: {exc}); it is fetched next run")
        reports[source].crashed = True
