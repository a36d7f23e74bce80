"""The ``ingest`` flow: sources -> fetch -> extract -> claims -> warehouse, once.

Each task wraps one plain function; tasks get paths and names, never connections or clients.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from claimtrack.settings import Settings
from extractors.archive import RawArchive
from extractors.crawl import CrawlResult, crawl_source_sync
from extractors.nlp import load_pipeline
from extractors.pipeline import Extraction, extract_pages
from extractors.sources import Source, load_sources
from flows.common import current_run_id, ensure_writer_limit, publish_run_artifacts, writer_slot
from warehouse.queries import governments_seen
from warehouse.writes import Batch, BatchCounts, begin_run, finish_run, known_pages, store_batch, table_counts

EXAMPLE_QUERY = "SELECT government, count(*) AS claims FROM claims GROUP BY 1 ORDER BY 2 DESC"


@dataclass
class SourceReport:
    source: str
    discovered: int = 0
    fetched: int = 0
    unchanged: int = 0
    failed: int = 0
    articles: int = 0
    claims: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class IngestSummary:
    run_id: str
    db: str
    sources: list[SourceReport]
    articles_total: int = 0
    claims_total: int = 0
    governments: list[str] = field(default_factory=list)
    example_query: str = EXAMPLE_QUERY

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@task(name="crawl-source", cache_policy=NO_CACHE)
def crawl(source: Source, db: str) -> CrawlResult:
    return crawl_source_sync(source, known_pages(Path(db), source.name))


@task(name="extract-claims", cache_policy=NO_CACHE)
def extract(crawled: CrawlResult, source: Source, model: str) -> Extraction:
    return extract_pages(crawled.pages, source.name, source.outlet, load_pipeline(model))


@task(name="store-batch", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10])
def store(crawled: CrawlResult, extraction: Extraction, db: str, archive: str, run_id: str) -> BatchCounts:
    raw = RawArchive(Path(archive))
    for fetch in crawled.fetches:
        raw.put(fetch)  # before the database: a stored row never points at a missing body
    batch = Batch(
        run_id=run_id,
        source=crawled.source,
        fetches=crawled.fetches,
        articles=extraction.articles,
        extract_errors=extraction.errors,
    )
    with writer_slot():
        return store_batch(Path(db), batch)


@flow(name="ingest")
def ingest(sources: str | None = None, db: str | None = None, model: str | None = None) -> dict[str, Any]:
    """Poll every source once and store what is new. Returns the run summary (also in ``runs.summary``)."""
    settings = Settings.resolve(db=db, sources=sources, model=model)
    logger = get_run_logger()
    run_id = current_run_id()
    parameters = {"sources": str(settings.sources), "db": str(settings.db), "model": settings.model}
    ensure_writer_limit()
    with writer_slot():
        begin_run(settings.db, run_id, "ingest", parameters)
    summary = IngestSummary(run_id=run_id, db=str(settings.db), sources=[])
    status = "failed"
    try:
        configured = load_sources(settings.sources)
        futures = [(source, crawl.submit(source, str(settings.db))) for source in configured]
        for number, (source, future) in enumerate(futures, start=1):
            report = SourceReport(source=source.name)
            summary.sources.append(report)
            try:
                crawled = future.result()
                extraction = extract(crawled, source, settings.model)
                counts = store(crawled, extraction, str(settings.db), str(settings.archive_dir), run_id)
            except Exception as exc:  # one broken source never fails the run
                report.errors.append(f"{type(exc).__name__}: {exc}")
                logger.warning("source %s failed: %s", source.name, exc)
                continue
            report.discovered = crawled.discovered
            report.fetched = sum(1 for f in crawled.fetches if f.ok)
            report.unchanged = crawled.unchanged + crawled.skipped_known
            report.failed = crawled.failed
            report.articles = counts.new_articles + counts.updated_articles
            report.claims = counts.claims
            report.errors.extend(crawled.errors + list(extraction.errors.values()))
            logger.info(
                "[%d/%d] %s: %d fetched, %d unchanged, %d failed, %d articles, %d claims",
                number,
                len(futures),
                source.name,
                report.fetched,
                report.unchanged,
                report.failed,
                report.articles,
                report.claims,
            )
        counts_now = table_counts(settings.db)
        summary.articles_total = counts_now["articles"]
        summary.claims_total = counts_now["claims"]
        summary.governments = governments_seen(settings.db)
        status = "completed"
        return summary.as_dict()
    finally:
        with writer_slot():
            finish_run(settings.db, run_id, status, summary.as_dict())
        publish_run_artifacts("ingest", settings.db, run_id, summary.as_dict())
