"""Storing what the crawler fetched: raw bodies into the archive first, then one transaction per batch.

The archive write comes first so that a stored row never points at a missing body; a crash between the two
leaves only an unreferenced archive file (content-addressed, so the refetch rewrites the same file).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from extractors.archive import RawArchive
from extractors.crawl import CrawlPlan, Discovery, FetchedBatch, settled_listings
from extractors.pipeline import Extraction
from warehouse.writes import Batch, BatchCounts, store_batches


def store_fetched(
    fetched: FetchedBatch, extraction: Extraction, db: Path, archive: Path, run_id: str | None
) -> dict[str, BatchCounts]:
    """One fetched (and extracted) batch: every body archived, every fetch, article and claim in one commit."""
    raw = RawArchive(archive)
    fetches = defaultdict(list)
    for source, result in fetched.fetches:
        raw.put(result)
        fetches[source].append(result)
    articles = defaultdict(list)
    for record in extraction.articles:
        articles[record.source].append(record)
    notes = {**fetched.notes, **extraction.errors}
    batches = [
        Batch(run_id=run_id, source=name, fetches=rows, articles=articles[name], extract_errors=notes)
        for name, rows in fetches.items()
    ]
    return store_batches(db, batches)


def store_listings(
    discovery: Discovery, plan: CrawlPlan, open_urls: set[str], db: Path, archive: Path, run_id: str | None
) -> None:
    """The run's listing fetches (feeds, sitemaps, lists), last: validators only for settled listings."""
    raw = RawArchive(archive)
    batches = []
    for found in discovery.sources:
        rows = settled_listings(found, plan, open_urls)
        for row in rows:
            raw.put(row)
        batches.append(Batch(run_id=run_id, source=found.source.name, fetches=rows))
    store_batches(db, batches)
