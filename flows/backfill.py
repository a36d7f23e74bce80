"""The ``backfill`` flow: load a period of the sources, a URL list or WARC files, or re-extract what is stored.

Plan first (small values: URLs, offsets, ids), then work batch by batch, each batch a task or two and one
transaction:

- ``sources`` (+ ``since``/``until``) and ``urls_file``: the scheduled crawl's own steps (``flows.ingest``:
  discover -> plan -> fetch/extract/store batches), with the listing entries narrowed to the window first;
- ``warc``: records read back by offset, then extracted and stored like fetched pages;
- ``reprocess``: ``flows.reprocess`` (the code of ``claimtrack reprocess``/``rebuild``), from the raw archive.

Work already in the warehouse is left out of the plan (stored URLs, same WARC body, current extractor
versions), so a repeated, retried or killed-and-restarted backfill with the same parameters does only what is
missing and never duplicates a row. Positions are refreshed at the end, as after a scheduled run.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE

from core import progress
from core.errors import BackfillIncomplete, DiskFull
from core.settings import Settings
from crawler.crawl import CrawlPlan, Discovery, FetchedBatch, discover_sync
from crawler.fetch import DEFAULT_FETCH_SETTINGS, FetchSettings
from crawler.sources import (
    Source,
    load_crawl_settings,
    load_sources,
    read_url_list,
    select_sources,
    with_private_hosts,
)
from crawler.warc import WarcScan, scan_warc, source_name_for, warc_batch
from crawler.window import WarcBatch, Window, keep_window, warc_batches
from extractors.nlp import extractor_version, load_pipeline, resolve_model
from flows.alerts import final_result
from flows.common import (
    LOCAL_RETRY,
    NETWORK_RETRY,
    RecordedRun,
    recorded_run,
    unless_disk_full,
    unwalked,
    writer_slot,
)
from flows.ingest import crawl_batches, extract, listings, plan, refresh_and_total, stop_when_disk_full, store
from flows.params import DEFAULT_BACKFILL, BackfillParams
from flows.reprocess import ReprocessSummary, plan_reprocess, reprocess_articles
from flows.store import cached_robots
from flows.summary import IngestSummary, SourceReports, report_batch, report_discovery, report_plan
from warehouse.reads import known_pages


@dataclass
class BackfillSummary(IngestSummary):
    batches: int = 0
    #: Per source: listing entries left out because their publication date is outside since/until.
    outside_window: dict[str, int] = field(default_factory=dict)
    #: WARC file -> bytes of damaged records passed over (every intact record is imported; the source's errors say
    #: where the damage is). The run then ends ``completed_with_errors``.
    warc_damage: dict[str, int] = field(default_factory=dict)

    def settle(self) -> str:
        status = super().settle()
        if self.warc_damage and status == "completed":
            self.status = status = "completed_with_errors"
        return status


@task(
    name="discover-listings",
    cache_policy=NO_CACHE,
    retries=NETWORK_RETRY.retries,
    retry_delay_seconds=NETWORK_RETRY.delays,
)
def discover(sources: list[Source], db: str, archive: str, settings: FetchSettings, window: Window) -> Discovery:
    """Every listing read in full, without conditional GET (a backfill wants entries a 304 would hide); child
    sitemaps last modified before the window are not read."""
    robots = partial(cached_robots, Path(db), Path(archive), max_age_s=settings.robots_cache_s)
    return discover_sync(sources, lambda _urls: {}, settings, robots=robots, newer_than=window.start)


@task(name="scan-warc", cache_policy=NO_CACHE, retries=LOCAL_RETRY.retries, retry_delay_seconds=LOCAL_RETRY.delays)
def scan(path: str) -> WarcScan:
    return scan_warc(path)


@task(
    name="read-warc-batch", cache_policy=NO_CACHE, retries=LOCAL_RETRY.retries, retry_delay_seconds=LOCAL_RETRY.delays
)
def read_warc(batch: WarcBatch, db: str) -> FetchedBatch:
    return warc_batch(batch.path, batch.offsets, batch.source, partial(known_pages, Path(db)))


@task(
    name="reprocess-batch",
    cache_policy=NO_CACHE,
    retries=LOCAL_RETRY.retries,
    retry_delay_seconds=LOCAL_RETRY.delays,
    retry_condition_fn=unless_disk_full,
)
def reprocess_batch(article_ids: list[str], db: str, archive: str, model: str, run_id: str) -> ReprocessSummary:
    """Stored articles extracted again (text from the raw archive where its extractor changed, claims where
    theirs did): ``flows.reprocess``, written in one transaction."""
    return reprocess_articles(
        Path(db),
        load_pipeline(model),
        article_ids,
        archive=Path(archive),
        from_raw=True,
        run_id=run_id,
        write_guard=writer_slot,
    )


@flow(name="backfill")
def backfill(params: BackfillParams = DEFAULT_BACKFILL) -> dict[str, Any]:
    """Backfill a period or an archive, or re-extract stored pages. Modes combine; with none of ``urls_file``,
    ``warc`` and ``reprocess`` given, the configured ``sources`` are backfilled.

    - ``sources`` (+ ``since``/``until``, ``source_names``): read each source's feeds and sitemaps in full, keep
      the entries published in the window (undated ones too), fetch what is not stored yet.
    - ``urls_file``: a text file with one URL per line (stored as source ``urls:<file name>``).
    - ``warc``: WARC files to import (source ``warc:<file name>``; ``since``/``until`` apply to capture dates).
    - ``reprocess``: extract stored articles again where an extractor version changed (text from the raw archive,
      no network; ``source_names`` and ``since``/``until`` on publication dates narrow it).
    """
    settings = params.settings()
    with recorded_run("backfill", settings.db, params.recorded(settings)) as run:
        job = Backfill.start(params, settings, run)
        # 1. Plan every mode before any page is loaded, so progress has a total.
        work = BackfillPlan(
            stale=plan_stale_articles(job),
            crawl=plan_crawl(job, url_list_source(params) + configured_sources(settings, params)),
            warc=plan_warc_files(job),
        )
        tracker = announce(job, work)
        if work.batches:  # a broken model or word list fails the run here, not once per batch; nothing to do: no load
            load_pipeline(settings.model)
        # 2. Work batch by batch; a batch that fails after its retries is recorded and the rest goes on. No room to
        #    write stops the run (what is committed stays).
        with stop_when_disk_full(job.summary, settings):
            reprocess_stale_articles(job, work.stale, tracker)
            crawl_planned_pages(job, work.crawl, tracker)
            import_warc_batches(job, work.warc, tracker)
            tracker.finish()
            # 3. Positions and totals, as after a scheduled run.
            settle(job)
        run.status = job.summary.settle()
        return final_result(job.summary)  # a degraded run ends in a state named Degraded (flows.alerts)


class _Reports(SourceReports):
    """Per-source reports of a backfill, which also records batches that failed after their retries."""

    summary: BackfillSummary

    def __init__(self, summary: BackfillSummary) -> None:
        super().__init__(summary)

    def fail(self, name: str, label: str, exc: Exception) -> None:
        self[name].note(f"{label}: {type(exc).__name__}: {exc}")
        self[name].crashed = True
        self.summary.failed_batches.append(f"{label}: {type(exc).__name__}: {exc}")
        get_run_logger().warning("%s failed after retries: %s", label, exc)


@dataclass(frozen=True)
class Backfill:
    """One backfill run as its modes see it: what was asked, where it writes, and the summary they fill in."""

    params: BackfillParams
    settings: Settings
    run_id: str
    summary: BackfillSummary
    reports: _Reports
    window: Window

    @classmethod
    def start(cls, params: BackfillParams, settings: Settings, run: RecordedRun) -> Backfill:
        summary = BackfillSummary(run_id=run.run_id, db=str(settings.db), sources=[])
        run.summary = summary
        resolve_model(settings.model)  # a model that is not installed fails here; it is loaded only if there is work
        return cls(
            params=params,
            settings=settings,
            run_id=run.run_id,
            summary=summary,
            reports=_Reports(summary),
            window=Window(since=params.since, until=params.until),
        )

    @property
    def db(self) -> str:
        return str(self.settings.db)

    @property
    def archive(self) -> str:
        return str(self.settings.archive_dir)


@dataclass(frozen=True)
class PlannedCrawl:
    """The fetch batches of the sources and URL-list modes, with what fetching them needs."""

    sources: list[Source]
    crawler: FetchSettings
    found: Discovery
    plan: CrawlPlan


@dataclass(frozen=True)
class BackfillPlan:
    #: Reprocess batches: (source, ids of its stale articles).
    stale: list[tuple[str, list[str]]]
    crawl: PlannedCrawl | None
    warc: list[WarcBatch]

    @property
    def fetches(self) -> int:
        return len(self.crawl.plan.batches) if self.crawl else 0

    @property
    def batches(self) -> int:
        return len(self.stale) + self.fetches + len(self.warc)


# -- 1. plan, one function per mode ------------------------------------------------------------------------------------


def plan_stale_articles(job: Backfill) -> list[tuple[str, list[str]]]:
    """Reprocess mode: the stored articles an older extractor made (narrowed by source and publication date), in
    batches of one source each."""
    if not job.params.reprocess:
        return []
    todo = plan_reprocess(
        job.settings.db,
        extractor_version(load_pipeline(job.settings.model)),  # what stored articles are compared with
        archive=job.settings.archive_dir,
        from_raw=True,
        sources=job.params.source_names or (),
        start=job.window.start,
        end=job.window.end,
    )
    get_run_logger().info(
        "reprocess: %d of %d stored articles made by an older extractor (%d raw pages missing)",
        len(todo.todo), todo.summary.articles, todo.summary.raw_missing,
    )  # fmt: skip
    stale = []
    for part in todo.batches(job.params.batch_size):
        name = part[0].source or "(no source)"
        stale.append((name, [row.article_id for row in part]))
        job.reports[name].discovered += len(part)
    return stale


def url_list_source(params: BackfillParams) -> list[Source]:
    """URL-list mode: the file's URLs as one source of kind ``urls``, named ``urls:<file name>``."""
    if params.urls_file is None:
        return []
    return [read_url_list(params.urls_file, allow_private=params.allow_private)]


def configured_sources(settings: Settings, params: BackfillParams) -> list[Source]:
    """Sources mode (asked for, or when no other mode is): the configured sources, or those named. A backfill
    takes its whole window: no ``max_pages`` cap, and stored pages are not fetched again (no ``recheck``)."""
    if not params.crawls_sources:
        return []
    configured = select_sources(load_sources(settings.sources), params.source_names, settings.sources)
    return [replace(s, max_pages=None, recheck=False) for s in configured]


def plan_crawl(job: Backfill, sources: list[Source]) -> PlannedCrawl | None:
    """The sources and URL-list modes: listings read in full, narrowed to the window, planned as fetch batches
    of the pages not stored yet."""
    if not sources:
        return None
    settings = job.settings
    base = load_crawl_settings(settings.sources) if settings.sources.exists() else DEFAULT_FETCH_SETTINGS
    crawler = replace(with_private_hosts(base, sources), batch_size=job.params.batch_size)
    found = discover(sources, job.db, job.archive, crawler, job.window)
    report_discovery(found, job.reports)
    keep_in_window(job, found)
    crawl = plan(found, job.db, job.archive, crawler)
    report_plan(crawl, job.reports)
    return PlannedCrawl(sources=sources, crawler=crawler, found=found, plan=crawl)


def keep_in_window(job: Backfill, found: Discovery) -> None:
    kept = keep_window(found, job.window)
    job.summary.outside_window.update(kept.outside)
    for item in found.sources:
        name = item.source.name
        if item.old_sitemaps:
            job.reports[name].note(f"{item.old_sitemaps} child sitemap(s) last modified before {job.window.since}")
        get_run_logger().info(
            "%s: %d listed, %d outside the window, %d undated (kept)",
            name, job.reports[name].discovered, kept.outside.get(name, 0), kept.undated.get(name, 0),
        )  # fmt: skip


def plan_warc_files(job: Backfill) -> list[WarcBatch]:
    """WARC mode: each file's records in the window (capture dates) whose body is not stored yet."""
    return [batch for path in job.params.warc or () for batch in plan_warc_file(job, str(path))]


def plan_warc_file(job: Backfill, path: str) -> list[WarcBatch]:
    name = source_name_for(path)
    report = job.reports[name]
    scanned = scan(path)
    for error in scanned.errors:
        report.note(error)
    if scanned.skipped_bytes:
        job.summary.warc_damage[path] = scanned.skipped_bytes
    report.discovered += len(scanned.entries)
    known = known_pages(Path(job.db), [entry.url for entry in scanned.entries])
    offsets = []
    for entry in scanned.entries:
        if job.window.bounded and entry.captured_at is not None and not job.window.contains(entry.captured_at):
            job.summary.outside_window[name] = job.summary.outside_window.get(name, 0) + 1
            continue
        seen = known.get(entry.url)
        if seen is not None and seen.has_article and seen.content_sha256 == entry.content_sha256:
            report.unchanged += 1
            continue
        offsets.append(entry.offset)
    return warc_batches(path, offsets, source=name, size=job.params.batch_size)


def announce(job: Backfill, work: BackfillPlan) -> _Progress:
    job.summary.batches = work.batches
    get_run_logger().info(
        "backfill plan: %d batches (%d reprocess, %d fetch, %d WARC)",
        work.batches, len(work.stale), work.fetches, len(work.warc),
    )  # fmt: skip
    return _Progress(work.batches, job.run_id)


# -- 2. work, one function per mode ------------------------------------------------------------------------------------


def reprocess_stale_articles(job: Backfill, stale: list[tuple[str, list[str]]], tracker: _Progress) -> None:
    for number, (name, ids) in enumerate(stale, start=1):
        label = f"reprocess batch {number}/{len(stale)}"
        report = job.reports[name]
        try:
            done = reprocess_batch(ids, job.db, job.archive, job.settings.model, job.run_id)
        except DiskFull:
            raise
        except Exception as exc:  # recorded; the next run with the same parameters retries this batch
            job.reports.fail(name, label, exc)
        else:
            report.fetched += done.text_reextracted  # pages read again, from the archive (not the network)
            report.failed += done.raw_failed
            report.articles += done.reprocessed
            report.claims += done.claims
            for error in done.errors:
                report.note(error)
        tracker.step(f"{label}: {report.articles} articles, {report.claims} claims so far")


def crawl_planned_pages(job: Backfill, crawl: PlannedCrawl | None, tracker: _Progress) -> None:
    """The sources and URL-list modes: the scheduled crawl's fetch/extract/store pipeline, then the listings."""
    if crawl is None:
        return
    crawled = crawl_batches(
        crawl.plan, crawl.crawler, crawl.found.hosts, crawl.sources, job.settings, job.run_id, job.reports,
        on_batch=tracker.step,
    )  # fmt: skip
    job.summary.failed_batches += crawled.failed
    listings(crawl.found, crawl.plan, crawled.open_urls, job.db, job.archive, job.run_id)
    job.summary.hosts_skipped = crawled.hosts.skipped()


def import_warc_batches(job: Backfill, batches: list[WarcBatch], tracker: _Progress) -> None:
    for number, batch in enumerate(batches, start=1):
        label = f"WARC batch {number}/{len(batches)}"
        try:
            fetched = read_warc(batch, job.db)
            settings = job.settings
            extraction = extract(unwalked(fetched), {batch.source: None}, job.db, settings.model, settings.processes)
            counts = store(unwalked(fetched), unwalked(extraction), job.db, job.archive, job.run_id)
        except DiskFull:
            raise
        except Exception as exc:  # recorded; the next run with the same parameters retries this batch
            job.reports.fail(batch.source, label, exc)
        else:
            report_batch(fetched, extraction, counts, job.reports)
        report = job.reports[batch.source]
        tracker.step(f"{label}: {report.articles} articles, {report.claims} claims so far")


# -- 3. settle ---------------------------------------------------------------------------------------------------------


def settle(job: Backfill) -> None:
    """Positions refreshed and totals counted, as after a scheduled run; then a run with batches that failed
    after their retries fails (everything else is stored: the same backfill again does only what is missing)."""
    summary = job.summary
    refresh_and_total(summary, job.settings)
    if summary.failed_batches:
        raise BackfillIncomplete(
            f"{len(summary.failed_batches)} of {summary.batches} batches failed after retries "
            f"({'; '.join(summary.failed_batches[:3])}). Everything else is stored: run the same backfill "
            "again to retry only what is missing."
        )


class _Progress:
    """Batches done, for the terminal bar of ``claimtrack backfill`` and the run's progress artifact."""

    def __init__(self, total: int, run_id: str) -> None:
        self.total = total
        self.done = 0
        self.artifact = cast(
            UUID, create_progress_artifact(progress=0.0, description=f"backfill run {run_id}: batches done")
        )
        progress.report(0, total, "planned" if total else "nothing to do")

    def step(self, note: str) -> None:
        self.done += 1
        get_run_logger().info("[%d/%d] %s", self.done, self.total, note)
        progress.report(self.done, self.total, note)
        update_progress_artifact(self.artifact, progress=100.0 * self.done / max(1, self.total))

    def finish(self) -> None:
        if self.total == 0:
            update_progress_artifact(self.artifact, progress=100.0)
