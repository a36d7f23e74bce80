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
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE

from core import progress
from core.errors import BackfillIncomplete, ConfigError
from core.settings import Settings
from crawler.crawl import CrawlPlan, Discovery, FetchedBatch, discover_sync
from crawler.discover import parse_url_list
from crawler.fetch import DEFAULT_FETCH_SETTINGS, FetchSettings
from crawler.sources import Source, load_crawl_settings, load_sources, with_private_hosts
from crawler.warc import WarcScan, scan_warc, source_name_for, warc_batch
from crawler.window import DEFAULT_BATCH_SIZE, WarcBatch, Window, keep_window, warc_batches
from extractors.nlp import extractor_version, load_pipeline
from flows.common import (
    LOCAL_RETRY,
    NETWORK_RETRY,
    current_run_id,
    ensure_writer_limit,
    publish_run_artifacts,
    writer_slot,
)
from flows.ingest import (
    IngestSummary,
    SourceReport,
    crawl_batches,
    extract,
    listings,
    plan,
    refresh_and_total,
    report_batch,
    report_discovery,
    report_plan,
    store,
)
from flows.reprocess import ReprocessSummary, plan_reprocess, reprocess_articles
from flows.store import cached_robots
from warehouse.reads import known_pages
from warehouse.writes import begin_run, finish_run


@dataclass
class BackfillSummary(IngestSummary):
    batches: int = 0
    failed_batches: list[str] = field(default_factory=list)
    #: Per source: listing entries left out because their publication date is outside since/until.
    outside_window: dict[str, int] = field(default_factory=dict)


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
    name="reprocess-batch", cache_policy=NO_CACHE, retries=LOCAL_RETRY.retries, retry_delay_seconds=LOCAL_RETRY.delays
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
def backfill(
    sources: str | None = None,
    since: date | None = None,
    until: date | None = None,
    urls_file: str | None = None,
    warc: list[str] | None = None,
    reprocess: bool = False,
    source_names: list[str] | None = None,
    allow_private: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    db: str | None = None,
    model: str | None = None,
    processes: int | None = None,
) -> dict[str, Any]:
    """Backfill a period or an archive, or re-extract stored pages. Modes combine; with none of ``urls_file``,
    ``warc`` and ``reprocess`` given, the configured ``sources`` are backfilled.

    - ``sources`` (+ ``since``/``until``, ``source_names``): read each source's feeds and sitemaps in full, keep
      the entries published in the window (undated ones too), fetch what is not stored yet.
    - ``urls_file``: a text file with one URL per line (stored as source ``urls:<file name>``).
    - ``warc``: WARC files to import (source ``warc:<file name>``; ``since``/``until`` apply to capture dates).
    - ``reprocess``: extract stored articles again where an extractor version changed (text from the raw archive,
      no network; ``source_names`` and ``since``/``until`` on publication dates narrow it).
    """
    settings = Settings.resolve(db=db, sources=sources, model=model, processes=processes)
    logger = get_run_logger()
    window = Window.parse(since, until)
    run_id = current_run_id()
    parameters = {
        "sources": sources,
        "since": window.since,
        "until": window.until,
        "urls_file": urls_file,
        "warc": warc,
        "reprocess": reprocess,
        "source_names": source_names,
        "batch_size": batch_size,
        "db": str(settings.db),
        "model": settings.model,
        "processes": settings.processes,
    }
    ensure_writer_limit()
    with writer_slot():
        begin_run(settings.db, run_id, "backfill", parameters)
    summary = BackfillSummary(run_id=run_id, db=str(settings.db), sources=[])
    reports = _Reports(summary)
    status = "failed"
    db_path, archive = str(settings.db), str(settings.archive_dir)
    try:
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {batch_size}")
        nlp = load_pipeline(settings.model)  # a broken model or word list fails the run here, not once per batch

        # 1. Plan everything before any page is loaded, so progress has a total.
        stale: list[tuple[str, list[str]]] = []
        if reprocess:
            todo = plan_reprocess(
                settings.db,
                extractor_version(nlp),
                archive=settings.archive_dir,
                from_raw=True,
                sources=source_names or (),
                start=window.start,
                end=window.end,
            )
            logger.info(
                "reprocess: %d of %d stored articles made by an older extractor (%d raw pages missing)",
                len(todo.todo), todo.summary.articles, todo.summary.raw_missing,
            )  # fmt: skip
            for part in todo.batches(batch_size):
                name = part[0].source or "(no source)"
                stale.append((name, [row.article_id for row in part]))
                reports[name].discovered += len(part)
        crawl_sources = _crawl_sources(settings, sources, urls_file, source_names, allow_private, reprocess, warc)
        crawl, found, crawler = CrawlPlan(batches=[]), None, DEFAULT_FETCH_SETTINGS
        if crawl_sources:
            base = load_crawl_settings(settings.sources) if settings.sources.exists() else DEFAULT_FETCH_SETTINGS
            crawler = replace(with_private_hosts(base, crawl_sources), batch_size=batch_size)
            found = discover(crawl_sources, db_path, archive, crawler, window)
            report_discovery(found, reports)
            kept = keep_window(found, window)
            summary.outside_window.update(kept.outside)
            for item in found.sources:
                name = item.source.name
                if item.old_sitemaps:
                    reports[name].note(f"{item.old_sitemaps} child sitemap(s) last modified before {window.since}")
                logger.info(
                    "%s: %d listed, %d outside the window, %d undated (kept)",
                    name, reports[name].discovered, kept.outside.get(name, 0), kept.undated.get(name, 0),
                )  # fmt: skip
            crawl = plan(found, db_path, archive, crawler)
            report_plan(crawl, reports)
        warc_plan: list[WarcBatch] = []
        for path in warc or []:
            warc_plan += _plan_warc(path, window, batch_size, db_path, reports, summary)
        summary.batches = len(stale) + len(crawl.batches) + len(warc_plan)
        logger.info(
            "backfill plan: %d batches (%d reprocess, %d fetch, %d WARC)",
            summary.batches, len(stale), len(crawl.batches), len(warc_plan),
        )  # fmt: skip
        tracker = _Progress(summary.batches, run_id)

        # 2. Work batch by batch; a batch that fails after its retries is recorded and the rest goes on.
        for number, (name, ids) in enumerate(stale, start=1):
            _reprocess_one(f"reprocess batch {number}/{len(stale)}", name, ids, settings, run_id, reports, tracker)
        if found is not None:
            crawled = crawl_batches(
                crawl, crawler, found.hosts, crawl_sources, settings, run_id, reports, on_batch=tracker.step
            )
            summary.failed_batches += crawled.failed
            listings(found, crawl, crawled.open_urls, db_path, archive, run_id)
            summary.hosts_skipped = crawled.hosts.skipped()
        for number, batch in enumerate(warc_plan, start=1):
            _import_one(f"WARC batch {number}/{len(warc_plan)}", batch, settings, run_id, reports, tracker)
        tracker.finish()

        # 3. Positions and totals, as after a scheduled run.
        refresh_and_total(summary, settings)
        if summary.failed_batches:
            raise BackfillIncomplete(
                f"{len(summary.failed_batches)} of {summary.batches} batches failed after retries "
                f"({'; '.join(summary.failed_batches[:3])}). Everything else is stored: run the same backfill "
                "again to retry only what is missing."
            )
        status = summary.status = "completed"
        return summary.as_dict()
    finally:
        with writer_slot():
            finish_run(settings.db, run_id, status, summary.as_dict())
        publish_run_artifacts("backfill", settings.db, run_id, summary.as_dict())


class _Reports(dict[str, SourceReport]):
    """Per-source reports, created on first use and listed in the summary in that order."""

    def __init__(self, summary: BackfillSummary) -> None:
        super().__init__()
        self.summary = summary

    def __missing__(self, name: str) -> SourceReport:
        report = self[name] = SourceReport(source=name)
        self.summary.sources.append(report)
        return report

    def fail(self, name: str, label: str, exc: Exception) -> None:
        self[name].note(f"{label}: {type(exc).__name__}: {exc}")
        self[name].crashed = True
        self.summary.failed_batches.append(f"{label}: {type(exc).__name__}: {exc}")
        get_run_logger().warning("%s failed after retries: %s", label, exc)


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


def _crawl_sources(
    settings: Settings,
    sources: str | None,
    urls_file: str | None,
    names: list[str] | None,
    allow_private: bool,
    reprocess: bool,
    warc: list[str] | None,
) -> list[Source]:
    """The sources whose pages this backfill fetches: a URL list as one ``urls`` source, and the configured
    sources (when asked for, or when no other mode is). A backfill takes its whole window: no ``max_pages`` cap,
    and stored pages are not fetched again (no ``recheck``)."""
    chosen: list[Source] = []
    if urls_file:
        path = Path(urls_file)
        try:
            refs = parse_url_list(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read urls_file {path}: {exc}") from None
        chosen.append(
            Source(name=f"urls:{path.stem}", kind="urls", urls=tuple(r.url for r in refs), allow_private=allow_private)
        )
    if sources or not (reprocess or urls_file or warc):
        configured = load_sources(settings.sources)
        if names:
            unknown = sorted(set(names) - {s.name for s in configured})
            if unknown:
                raise ConfigError(f"{settings.sources}: no source named {', '.join(unknown)}")
            configured = [s for s in configured if s.name in names]
        chosen += [replace(s, max_pages=None, recheck=False) for s in configured]
    return chosen


def _plan_warc(
    path: str, window: Window, batch_size: int, db: str, reports: _Reports, summary: BackfillSummary
) -> list[WarcBatch]:
    name = source_name_for(path)
    report = reports[name]
    scanned = scan(path)
    for error in scanned.errors:
        report.note(error)
    report.discovered += len(scanned.entries)
    known = known_pages(Path(db), [entry.url for entry in scanned.entries])
    offsets = []
    for entry in scanned.entries:
        if window.bounded and entry.captured_at is not None and not window.contains(entry.captured_at):
            summary.outside_window[name] = summary.outside_window.get(name, 0) + 1
            continue
        seen = known.get(entry.url)
        if seen is not None and seen.has_article and seen.content_sha256 == entry.content_sha256:
            report.unchanged += 1
            continue
        offsets.append(entry.offset)
    return warc_batches(path, offsets, source=name, size=batch_size)


def _reprocess_one(
    label: str, name: str, ids: list[str], settings: Settings, run_id: str, reports: _Reports, tracker: _Progress
) -> None:
    report = reports[name]
    try:
        done = reprocess_batch(ids, str(settings.db), str(settings.archive_dir), settings.model, run_id)
    except Exception as exc:  # recorded; the next run with the same parameters retries this batch
        reports.fail(name, label, exc)
    else:
        report.fetched += done.text_reextracted  # pages read again, from the archive (not the network)
        report.failed += done.raw_failed
        report.articles += done.reprocessed
        report.claims += done.claims
        for error in done.errors:
            report.note(error)
    tracker.step(f"{label}: {report.articles} articles, {report.claims} claims so far")


def _import_one(
    label: str, batch: WarcBatch, settings: Settings, run_id: str, reports: _Reports, tracker: _Progress
) -> None:
    try:
        fetched = read_warc(batch, str(settings.db))
        extraction = extract(fetched, {batch.source: None}, str(settings.db), settings.model, settings.processes)
        counts = store(fetched, extraction, str(settings.db), str(settings.archive_dir), run_id)
    except Exception as exc:  # recorded; the next run with the same parameters retries this batch
        reports.fail(batch.source, label, exc)
    else:
        report_batch(fetched, extraction, counts, reports)
    report = reports[batch.source]
    tracker.step(f"{label}: {report.articles} articles, {report.claims} claims so far")
