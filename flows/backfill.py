"""The ``backfill`` flow: load a period, a URL list, WARC files, or re-extract what is stored, in batches.

Plan first (small values: URLs, offsets, ids), then work batch by batch: load -> extract -> store, each a task
with retries. Work already in the warehouse is left out of the plan and skipped again at load time (same URL
and body hash, current extractor versions), so a repeated, retried or killed-and-restarted backfill with the
same parameters does only what is missing and never duplicates a row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE

from claimtrack import progress
from claimtrack.errors import BackfillIncomplete, ConfigError
from claimtrack.settings import Settings, default_sources
from extractors.archive import RawArchive
from extractors.article import CURRENT_ARTICLE_VERSIONS
from extractors.backfill import (
    DEFAULT_BATCH_SIZE,
    Window,
    WorkBatch,
    fetch_batches,
    filter_window,
    reprocess_batches,
    warc_batches,
    waves,
)
from extractors.crawl import CrawlResult, FetchedPage, crawl_source_sync, discover_source_sync
from extractors.discover import PageRef, parse_url_list
from extractors.nlp import extractor_version, load_pipeline
from extractors.pipeline import Extraction, extract_pages
from extractors.rawpages import pages_from_archive
from extractors.sources import Source, load_sources
from extractors.warc import WarcScan, read_warc_records, scan_warc, source_name_for
from flows.common import current_run_id, ensure_writer_limit, publish_run_artifacts, writer_slot
from flows.ingest import IngestSummary, SourceReport, store
from warehouse.queries import governments_seen, stale_articles, stored_pages
from warehouse.writes import BatchCounts, begin_run, finish_run, known_pages, table_counts

ReportFor = Callable[[str], SourceReport]


@dataclass
class BackfillSummary(IngestSummary):
    batches: int = 0
    failed_batches: list[str] = field(default_factory=list)
    #: Per source: listing entries left out because their publication date is outside since/until.
    outside_window: dict[str, int] = field(default_factory=dict)


@task(name="discover-source", retries=2, retry_delay_seconds=[5, 30], cache_policy=NO_CACHE)
def discover(source: Source) -> tuple[list[PageRef], CrawlResult]:
    return discover_source_sync(source)


@task(name="scan-warc", retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def scan(path: str) -> WarcScan:
    return scan_warc(path)


@task(name="load-batch", retries=2, retry_delay_seconds=[5, 30], cache_policy=NO_CACHE)
def load(batch: WorkBatch, db: str, archive: str) -> CrawlResult:
    """Fetch, read from a WARC, or read from the raw archive: the batch's pages, minus what is stored already."""
    if batch.kind in ("fetch", "directory"):
        source = Source(
            name=batch.source,
            kind="urls" if batch.kind == "fetch" else "directory",
            urls=tuple(ref.url for ref in batch.refs),
            path=Path(batch.path) if batch.path else None,
            outlet=batch.outlet,
            allow_private=batch.allow_private,
        )
        crawled = crawl_source_sync(source, known_pages(Path(db), batch.source))
        listed = {ref.url: ref for ref in batch.refs}  # keep the dates and titles the listing gave
        crawled.pages = [FetchedPage(listed.get(p.ref.url, p.ref), p.fetch) for p in crawled.pages]
        return crawled
    if batch.kind == "warc":
        assert batch.path is not None
        crawled = CrawlResult(source=batch.source, discovered=len(batch.offsets))
        known = known_pages(Path(db), batch.source)
        for fetch in read_warc_records(batch.path, batch.offsets):
            seen = known.get(fetch.url)
            if seen is not None and seen.has_article and seen.content_sha256 == fetch.content_sha256:
                crawled.unchanged += 1
            elif not fetch.ok:
                crawled.fetches.append(fetch)
                crawled.failed += 1
                crawled.errors.append(f"{fetch.url}: {fetch.error}")
            else:
                crawled.fetches.append(fetch)
                crawled.pages.append(FetchedPage(PageRef(url=fetch.url), fetch))
        return crawled
    stored = stored_pages(Path(db), batch.article_ids)
    archived = pages_from_archive(RawArchive(Path(archive)), stored)
    # No new fetch happened: nothing goes to `fetches`; missing raw pages are reported, not stored.
    return CrawlResult(
        source=batch.source,
        pages=archived.pages,
        discovered=len(batch.article_ids),
        failed=len(archived.errors),
        errors=[f"{url}: {error}" for url, error in archived.errors.items()],
    )


@task(name="extract-batch", retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def extract(crawled: CrawlResult, source: str, outlet: str | None, model: str) -> Extraction:
    return extract_pages(crawled.pages, source, outlet, load_pipeline(model))


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
) -> dict[str, Any]:
    """Backfill a period or an archive, or re-extract stored pages. Modes combine; with none of ``urls_file``,
    ``warc`` and ``reprocess`` given, the configured ``sources`` are backfilled.

    - ``sources`` (+ ``since``/``until``, ``source_names``): list each source's feed or sitemap, keep the entries
      published in the window (undated ones too), fetch what is not stored yet.
    - ``urls_file``: a text file with one URL per line (stored as source ``urls:<file name>``).
    - ``warc``: WARC files to import (source ``warc:<file name>``; ``since``/``until`` apply to capture dates).
    - ``reprocess``: extract stored raw pages again where the extractor version changed (no network;
      ``source_names`` and ``since``/``until`` on publication dates narrow it).
    """
    settings = Settings.resolve(db=db, sources=sources, model=model)
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
    }
    ensure_writer_limit()
    with writer_slot():
        begin_run(settings.db, run_id, "backfill", parameters)
    summary = BackfillSummary(run_id=run_id, db=str(settings.db), sources=[])
    reports: dict[str, SourceReport] = {}

    def report_for(name: str) -> SourceReport:
        if name not in reports:
            reports[name] = SourceReport(source=name)
            summary.sources.append(reports[name])
        return reports[name]

    status = "failed"
    try:
        plan: list[WorkBatch] = []
        if reprocess:
            versions = extractor_version(load_pipeline(settings.model))
            stale = stale_articles(
                settings.db,
                article_versions=CURRENT_ARTICLE_VERSIONS,
                claims_version=versions,
                sources=source_names or (),
                start=window.start,
                end=window.end,
            )
            logger.info("reprocess: %d stored articles made by an older extractor (current %s)", len(stale), versions)
            plan += reprocess_batches(stale, size=batch_size)
        if urls_file:
            plan += _plan_urls_file(Path(urls_file), settings, allow_private, batch_size, report_for)
        for path in warc or []:
            plan += _plan_warc(path, window, settings, batch_size, report_for, summary)
        if sources or not (reprocess or urls_file or warc):
            plan += _plan_sources(settings, source_names, window, batch_size, run_id, report_for, summary)
        _run_plan(plan, settings, run_id, report_for, summary)
        counts_now = table_counts(settings.db)
        summary.articles_total = counts_now["articles"]
        summary.claims_total = counts_now["claims"]
        summary.governments = governments_seen(settings.db)
        if summary.failed_batches:
            raise BackfillIncomplete(
                f"{len(summary.failed_batches)} of {summary.batches} batches failed after retries "
                f"({'; '.join(summary.failed_batches[:3])}). Everything else is stored: run the same backfill "
                "again to retry only what is missing."
            )
        status = "completed"
        return summary.as_dict()
    finally:
        with writer_slot():
            finish_run(settings.db, run_id, status, summary.as_dict())
        publish_run_artifacts("backfill", settings.db, run_id, summary.as_dict())


def _plan_urls_file(
    path: Path, settings: Settings, allow_private: bool, batch_size: int, report_for: ReportFor
) -> list[WorkBatch]:
    try:
        refs = parse_url_list(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read urls_file {path}: {exc}") from None
    name = f"urls:{path.stem}"
    report = report_for(name)
    known = known_pages(settings.db, name)
    todo = [ref for ref in refs if not (ref.url in known and known[ref.url].stored)]
    report.discovered += len(refs)
    report.unchanged += len(refs) - len(todo)
    return fetch_batches(todo, source=name, outlet=None, allow_private=allow_private, size=batch_size)


def _plan_warc(
    path: str, window: Window, settings: Settings, batch_size: int, report_for: ReportFor, summary: BackfillSummary
) -> list[WorkBatch]:
    name = source_name_for(path)
    report = report_for(name)
    scanned = scan(path)
    report.errors.extend(scanned.errors)
    report.discovered += len(scanned.entries)
    known = known_pages(settings.db, name)
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


def _plan_sources(
    settings: Settings,
    names: list[str] | None,
    window: Window,
    batch_size: int,
    run_id: str,
    report_for: ReportFor,
    summary: BackfillSummary,
) -> list[WorkBatch]:
    logger = get_run_logger()
    configured = load_sources(settings.sources or default_sources())
    if names:
        unknown = sorted(set(names) - {s.name for s in configured})
        if unknown:
            raise ConfigError(f"{settings.sources}: no source named {', '.join(unknown)}")
        configured = [s for s in configured if s.name in names]
    plan: list[WorkBatch] = []
    futures = [(source, discover.submit(source)) for source in configured if source.kind != "directory"]
    for source in configured:
        if source.kind == "directory":
            report_for(source.name)
            # Saved files carry no listing dates: the folder is loaded whole (incrementally) in one batch.
            plan.append(
                WorkBatch(
                    kind="directory", source=source.name, outlet=source.outlet, host="local", path=str(source.path)
                )
            )
    for source, future in futures:
        report = report_for(source.name)
        try:
            refs, listing = future.result()
        except Exception as exc:
            report.errors.append(f"discovery failed: {type(exc).__name__}: {exc}")
            continue
        report.errors.extend(listing.errors)
        report.failed += listing.failed
        if listing.fetches:
            store(listing, Extraction(), str(settings.db), str(settings.archive_dir), run_id)
        kept = filter_window(refs, window)
        known = known_pages(settings.db, source.name)
        todo = [ref for ref in kept.kept if not (ref.url in known and known[ref.url].stored)]
        report.discovered += len(refs)
        report.unchanged += len(kept.kept) - len(todo)
        summary.outside_window[source.name] = kept.outside
        logger.info(
            "%s: %d listed, %d outside the window, %d undated (kept), %d stored already, %d to fetch",
            source.name,
            len(refs),
            kept.outside,
            kept.undated,
            len(kept.kept) - len(todo),
            len(todo),
        )
        plan += fetch_batches(
            todo, source=source.name, outlet=source.outlet, allow_private=source.allow_private, size=batch_size
        )
    return plan


def _run_plan(
    plan: list[WorkBatch], settings: Settings, run_id: str, report_for: ReportFor, summary: BackfillSummary
) -> None:
    logger = get_run_logger()
    summary.batches = len(plan)
    logger.info("backfill plan: %d batches, %d items", len(plan), sum(b.size for b in plan))
    bar = cast(UUID, create_progress_artifact(progress=0.0, description=f"backfill run {run_id}: batches done"))
    progress.report(0, len(plan), "planned")
    done = 0
    for wave in waves(plan):
        loading = [(batch, load.submit(batch, str(settings.db), str(settings.archive_dir))) for batch in wave]
        for batch, future in loading:
            report = report_for(batch.source)
            try:
                crawled = future.result()
                extraction = extract(crawled, batch.source, batch.outlet, settings.model)
                counts: BatchCounts = store(crawled, extraction, str(settings.db), str(settings.archive_dir), run_id)
            except Exception as exc:  # recorded; the next run with the same parameters retries this batch
                summary.failed_batches.append(f"{batch.label}: {type(exc).__name__}: {exc}")
                report.errors.append(f"{batch.label}: {type(exc).__name__}: {exc}")
                logger.warning("batch failed after retries: %s: %s", batch.label, exc)
            else:
                if batch.kind in ("directory", "reprocess"):  # the others were counted when planned
                    report.discovered += crawled.discovered
                report.fetched += (
                    len(crawled.pages) if batch.kind == "reprocess" else sum(f.ok for f in crawled.fetches)
                )
                report.unchanged += crawled.unchanged + crawled.skipped_known
                report.failed += crawled.failed
                report.articles += counts.new_articles + counts.updated_articles
                report.claims += counts.claims
                report.errors.extend(crawled.errors + list(extraction.errors.values()))
            done += 1
            note = f"{batch.label}: {report.articles} articles, {report.claims} claims so far"
            logger.info("[%d/%d] %s", done, len(plan), note)
            progress.report(done, len(plan), note)
            update_progress_artifact(bar, progress=100.0 * done / len(plan))
    if not plan:
        progress.report(0, 0, "nothing to do")
