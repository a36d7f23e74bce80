"""A run's summary: counts per source, filled in as the run goes, and the totals at its end.

The ingest and backfill flows return it (``as_dict``), store it in ``runs.summary`` and publish it as the run's
``<flow>-summary`` artifact; ``claimtrack ingest``/``backfill`` print it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from crawler.crawl import CrawlPlan, Discovery, FetchedBatch, PageTask
from extractors.pipeline import Extraction
from warehouse.writes import BatchCounts

EXAMPLE_QUERY = "SELECT government, count(*) AS claims FROM claims GROUP BY 1 ORDER BY 2 DESC"
#: A run is ``degraded`` when more than this share of its sources got nothing but failures (a machine gone offline,
#: feeds that moved): it completed and stored what it could, yet an operator should look (``flows.alerts``).
DEGRADED_SHARE = 0.5
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

    @property
    def got_nothing(self) -> bool:
        """Nothing came from this source but failures: no page fetched or found unchanged, at least one failure."""
        return self.failed > 0 and self.fetched == 0 and self.unchanged == 0


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
    #: ``batch N/M: reason`` of each batch that failed after its retries (its pages are done on the next run).
    failed_batches: list[str] = field(default_factory=list)
    #: Sources that got nothing but failures (recorded when the run settles; most of them make it ``degraded``).
    failed_sources: list[str] = field(default_factory=list)
    example_query: str = EXAMPLE_QUERY

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def settle(self) -> str:
        """The status of a run that got to its end, with ``failed_sources`` recorded. An unreachable site is
        recorded, not a failure; an exception inside our own code is (``completed_with_errors``); most sources
        getting nothing but failures is ``degraded``."""
        self.failed_sources = [r.source for r in self.sources if r.got_nothing]
        if any(r.crashed for r in self.sources):
            self.status = "completed_with_errors"
        elif len(self.failed_sources) > DEGRADED_SHARE * len(self.sources):
            self.status = "degraded"
        else:
            self.status = "completed"
        return self.status

    def degraded_note(self) -> str:
        return describe_failed_sources(self.failed_sources, len(self.sources))


def describe_failed_sources(failed: list[str], total: int) -> str:
    """``2 of 3 sources got nothing but failures: a, b``."""
    return f"{len(failed)} of {total} sources got nothing but failures: {', '.join(failed)}"


class SourceReports(dict[str, SourceReport]):
    """The summary's per-source reports by name: created on first use (or up front, in the configured order) and
    listed in the summary in that order."""

    def __init__(self, summary: IngestSummary, names: Iterable[str] = ()) -> None:
        super().__init__()
        self.summary = summary
        for name in names:
            self.add(name)

    def __missing__(self, name: str) -> SourceReport:
        return self.add(name)

    def add(self, name: str) -> SourceReport:
        report = self[name] = SourceReport(source=name)
        self.summary.sources.append(report)
        return report


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


def report_failed_fetch(batch: Iterable[PageTask], exc: Exception, reports: dict[str, SourceReport]) -> None:
    for source in {task.source for task in batch}:
        reports[source].note(f"a batch could not be fetched ({type(exc).__name__}: {exc}); it is fetched next run")
        reports[source].crashed = True
