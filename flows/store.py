"""Storing what the crawler fetched: raw bodies into the archive first, then one transaction per batch.

The archive write comes first so that a stored row never points at a missing body; a crash between the two
leaves only an unreferenced archive file (content-addressed, so the refetch rewrites the same file).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from core.pages import FetchResult
from crawler.crawl import CrawlPlan, Discovery, FetchedBatch, settled_listings
from crawler.robots import RobotsRules
from extractors.pipeline import Extraction
from warehouse.archive import RawArchive
from warehouse.reads import robots_answers
from warehouse.writes import ROBOTS_SOURCE, Batch, BatchCounts, store_batches


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
    reuses = defaultdict(list)
    for reuse in extraction.reuses:
        reuses[reuse.source].append(reuse)
    notes = {**fetched.notes, **extraction.notes, **extraction.errors}
    batches = [
        Batch(
            run_id=run_id,
            source=name,
            fetches=rows,
            articles=articles[name],
            reuses=reuses[name],
            extract_errors=notes,
        )
        for name, rows in fetches.items()
    ]
    batches += _robots_batch(fetched.robots, raw, run_id)
    return store_batches(db, batches)


def _robots_batch(robots: Sequence[FetchResult], raw: RawArchive, run_id: str | None) -> list[Batch]:
    """robots.txt answers as ``fetches`` rows (role ``robots``, no source), bodies archived."""
    for result in robots:
        raw.put(result)
    return [Batch(run_id=run_id, source=ROBOTS_SOURCE, fetches=robots)] if robots else []


def cached_robots(db: Path, archive: Path, urls: Sequence[str], max_age_s: float) -> dict[str, RobotsRules]:
    """robots.txt rules an earlier run read for these robots.txt URLs, no older than ``max_age_s``.

    A 2xx answer is rebuilt from the archived body; a 4xx answer means "no rules". Anything else, or a body
    missing from the archive, is not reused (the host's robots.txt is read again).
    """
    rows = robots_answers(db, urls, max_age_s)
    store = RawArchive(archive)
    rules: dict[str, RobotsRules] = {}
    for url, (status, sha) in rows.items():
        if status is not None and 400 <= status < 500:
            rules[url] = RobotsRules.from_response(status, b"")
        elif status is not None and 200 <= status < 300 and sha and sha in store:
            rules[url] = RobotsRules.from_response(status, store.get(sha))
    return rules


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
    batches += _robots_batch(discovery.robots, raw, run_id)
    store_batches(db, batches)
