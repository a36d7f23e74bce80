"""The ``ingest`` flow: sources -> discover -> plan -> (fetch -> extract -> store) per batch -> listings, once.

Each task wraps one plain function; tasks get paths, names and plain data, never connections or clients.
Fetching runs one task per batch of URLs (hosts interleaved), and the next batch is fetched while the current
one is extracted. Each batch is stored in one transaction, so a killed run loses at most the batches in flight.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture

from core.errors import DiskFull
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
from extractors.nlp import load_pipeline, resolve_model
from extractors.pipeline import Extraction, extract_by_source
from flows.alerts import final_result
from flows.common import (
    LOCAL_RETRY,
    NETWORK_RETRY,
    WRITE_RETRY,
    collect_batch_garbage,
    recorded_run,
    unless_disk_full,
    unwalked,
    writer_slot,
)
from flows.fanout import run_shards, shard_of
from flows.params import DEFAULT_INGEST, IngestParams
from flows.refresh import refresh_positions
from flows.runlock import one_run_per_database
from flows.store import cached_robots, store_fetched, store_listings
from flows.summary import (
    IngestSummary,
    SourceReports,
    report_batch,
    report_discovery,
    report_failed_batch,
    report_failed_fetch,
    report_plan,
)
from positions.refresh import Workers
from warehouse.reads import governments_seen, known_pages, prior_extractions, table_counts
from warehouse.writes import BatchCounts


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


@task(
    name="store-batch",
    cache_policy=NO_CACHE,
    retries=WRITE_RETRY.retries,
    retry_delay_seconds=WRITE_RETRY.delays,
    retry_condition_fn=unless_disk_full,
)
def store(fetched: FetchedBatch, extraction: Extraction, db: str, archive: str, run_id: str) -> dict[str, BatchCounts]:
    with writer_slot():
        return store_fetched(fetched, extraction, Path(db), Path(archive), run_id)


@task(
    name="store-listings",
    cache_policy=NO_CACHE,
    retries=WRITE_RETRY.retries,
    retry_delay_seconds=WRITE_RETRY.delays,
    retry_condition_fn=unless_disk_full,
)
def listings(discovery: Discovery, crawl: CrawlPlan, open_urls: set[str], db: str, archive: str, run_id: str) -> None:
    with writer_slot():
        store_listings(discovery, crawl, open_urls, Path(db), Path(archive), run_id)


@task(
    name="refresh-positions",
    cache_policy=NO_CACHE,
    retries=WRITE_RETRY.retries,
    retry_delay_seconds=WRITE_RETRY.delays,
    retry_condition_fn=unless_disk_full,
)
def refresh(db: str, model: str, processes: int = 1) -> dict[str, Any]:
    """Statements and position changes from the claims now stored (``positions.refresh``), their features read
    in the run's extraction workers (or here, with the pipeline loaded only if some statement is new)."""
    with writer_slot():  # it replaces the derived tables in one transaction
        summary = refresh_positions(Path(db), workers=Workers(processes, model))
    return {"statements": summary.statements, "labels": summary.labels}


@flow(name="ingest")
def ingest(params: IngestParams = DEFAULT_INGEST) -> dict[str, Any]:
    """Poll every source once and store what is new. Returns the run summary (also in ``runs.summary``).

    ``params.processes``: extraction worker processes (default ``$CLAIMTRACK_PROCESSES``, else every usable core
    up to 4).
    """
    settings = params.settings()
    if params.shards > 1 and params.shard is None:
        return fan_out(params, settings)
    lock = "ingest" if params.shard is None else f"ingest-shard-{params.shard}-of-{params.shards}"
    with one_run_per_database(settings.db, lock), recorded_run("ingest", settings.db, params.recorded(settings)) as run:
        summary = run.summary = IngestSummary(run_id=run.run_id, db=str(settings.db), sources=[])
        sources, crawler = load_configuration(settings, params)
        reports = SourceReports(summary, [source.name for source in sources])
        found, crawl = discover_and_plan(sources, crawler, settings, reports)
        with stop_when_disk_full(summary, settings):
            crawled = crawl_batches(crawl, crawler, found.hosts, sources, settings, run.run_id, reports)
            listings(found, crawl, crawled.open_urls, str(settings.db), str(settings.archive_dir), run.run_id)
            summary.hosts_skipped = crawled.hosts.skipped()
            summary.failed_batches = crawled.failed
            if params.shard is None:
                refresh_and_total(summary, settings)
            else:  # a shard: the fan-out refreshes positions once, after every shard
                count_totals(summary, settings)
        run.status = summary.settle()
        return final_result(summary)  # a degraded run ends in a state named Degraded (flows.alerts)


def fan_out(params: IngestParams, settings: Settings) -> dict[str, Any]:
    """The sources split into ``params.shards`` flow runs of the ingest-shard deployment (``flows.fanout``), then
    one position refresh over everything they stored."""
    logger = get_run_logger()
    shard_params = params.model_dump(mode="json", exclude={"shards", "shard"})
    with recorded_run("ingest", settings.db, params.recorded(settings)) as run:
        shards = run_shards(shard_params, params.shards)
        failed = [s.shard for s in shards if s.state != "Completed"]
        summary = run.summary = IngestSummary(run_id=run.run_id, db=str(settings.db), sources=[])
        summary.failed_batches = [f"shard {n}: no run completed" for n in failed]
        refresh_and_total(summary, settings)
        run.status = summary.status = "completed_with_errors" if failed else "completed"
        logger.info("%d shards: %s", len(shards), {s.shard: (s.state, len(s.runs)) for s in shards})
    return {**summary.as_dict(), "shards": [{"shard": s.shard, "state": s.state, "runs": len(s.runs)} for s in shards]}


def load_configuration(settings: Settings, params: IngestParams = DEFAULT_INGEST) -> tuple[list[Source], FetchSettings]:
    """The sources (only the run's shard of them, for a fan-out's shard run) and the crawler's settings. A broken
    sources file or a model that is not installed fails the run here, before anything is fetched (the model is
    loaded only when there are pages to extract: :func:`discover_and_plan`)."""
    resolve_model(settings.model)
    sources = load_sources(settings.sources)
    if params.shard is not None:
        sources = shard_of(sources, params.shard, params.shards)
    return sources, with_private_hosts(load_crawl_settings(settings.sources), sources)


def discover_and_plan(
    sources: list[Source], crawler: FetchSettings, settings: Settings, reports: SourceReports
) -> tuple[Discovery, CrawlPlan]:
    """Every source's listings read (conditional GET: an unchanged feed costs one 304), and the pages not stored
    yet planned as fetch batches."""
    db, archive = str(settings.db), str(settings.archive_dir)
    found = discover(sources, db, archive, crawler)
    report_discovery(found, reports)
    crawl = plan(found, db, archive, crawler)
    report_plan(crawl, reports)
    if crawl.batches:  # a broken model or word list fails the run before any page, not once per batch; none: no load
        load_pipeline(settings.model)
    return found, crawl


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
    reports: SourceReports,
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
        fetched = _fetched(pending, crawl.batches[number - 1], f"batch {number}/{total}", reports, done)
        if fetched is not None:
            done.hosts = fetched.hosts
        if number < total:  # fetch the next batch while this one is extracted and stored
            pending = fetch.submit(crawl.batches[number], crawler, done.hosts)
        if fetched is None:
            continue
        current = _InFlight(
            number, fetched, extract.submit(unwalked(fetched), outlets, db_path, settings.model, settings.processes)
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


def _fetched(
    pending: PrefectFuture[FetchedBatch],
    batch: list[PageTask],
    label: str,
    reports: SourceReports,
    done: CrawledBatches,
) -> FetchedBatch | None:
    """The fetched batch, or None when its task failed past its retries: then the batch is recorded as failed (its
    pages stay open, so their listings are read again and they are fetched next run) and the run goes on."""
    try:
        return pending.result()
    except Exception as exc:
        done.open_urls |= {task.ref.url for task in batch}
        report_failed_fetch(batch, exc, reports)
        done.failed.append(f"{label}: fetch failed: {type(exc).__name__}: {exc}")
        get_run_logger().warning("%s could not be fetched: %s", label, exc)
        return None


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
    reports: SourceReports,
    done: CrawledBatches,
    on_batch: Callable[[str], None] | None,
) -> None:
    """Wait for the batch's extraction, store it, report it; a failure is the batch's, never the run's."""
    logger = get_run_logger()
    number, fetched = batch.number, batch.fetched
    try:
        extraction = batch.extraction.result()
        counts = store(unwalked(fetched), unwalked(extraction), str(settings.db), str(settings.archive_dir), run_id)
    except DiskFull as exc:  # every later batch would fail the same way: the run stops here
        done.open_urls |= {result.url for _, result in fetched.fetches}
        report_failed_batch(fetched, exc, reports)
        raise
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
    collect_batch_garbage()


def refresh_and_total(summary: IngestSummary, settings: Settings) -> None:
    """The run's last steps: positions refreshed from the claims now stored, totals and per-source log lines."""
    logger = get_run_logger()
    try:  # derived data: a failure here is logged, never fails the run (`claimtrack rebuild` redoes it)
        refresh(str(settings.db), settings.model, settings.processes)
    except DiskFull:
        raise
    except Exception as exc:
        logger.warning("refreshing positions failed (run `claimtrack rebuild`): %s", exc)
    count_totals(summary, settings)
    for report in summary.sources:
        logger.info(
            "%s: %d discovered, %d fetched, %d unchanged, %d failed, %d articles, %d claims",
            report.source, report.discovered, report.fetched, report.unchanged, report.failed,
            report.articles, report.claims,
        )  # fmt: skip


def count_totals(summary: IngestSummary, settings: Settings) -> None:
    """What the database holds now (reads only: they work on a full disk too)."""
    counts_now = table_counts(settings.db)
    summary.articles_total = counts_now["articles"]
    summary.claims_total = counts_now["claims"]
    summary.governments = governments_seen(settings.db)


@contextmanager
def stop_when_disk_full(summary: IngestSummary, settings: Settings) -> Iterator[None]:
    """No room to write (``DiskFull``) stops the run where it is: no later batch is fetched or stored, the listings
    and the positions refresh are skipped (they write), and the summary gets the totals of what was committed (reads
    work on a full disk). The error goes on up (the run fails; ``claimtrack ingest`` prints the summary and exits 2)."""
    try:
        yield
    except DiskFull:
        summary.status = "failed"
        count_totals(summary, settings)
        raise
