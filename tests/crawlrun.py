"""One ingest run without Prefect, through the same plain functions the flow's tasks call (for crawler tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from spacy.language import Language

from crawler.crawl import (
    CrawlPlan,
    Discovery,
    discover_sync,
    fetch_batch_sync,
    plan_crawl,
    transient_failures,
)
from crawler.fetch import FetchSettings
from crawler.hosts import HostBook
from crawler.sources import Source, with_private_hosts
from extractors.pipeline import Extraction, extract_by_source
from flows.store import cached_robots, store_fetched, store_listings
from warehouse.connection import reader
from warehouse.reads import known_pages

#: Fast manners for tests: no politeness gap, short timeouts, quick retries.
FAST = FetchSettings(
    per_host_delay_s=0,
    connect_timeout_s=2,
    read_timeout_s=1,
    total_timeout_s=1.5,
    max_retries=1,
    backoff_base_s=0.05,
    backoff_max_s=0.2,
    max_retry_after_s=5,
    breaker_failures=3,
    batch_size=10,
)


@dataclass
class RunOutcome:
    discovery: Discovery
    plan: CrawlPlan
    hosts: HostBook
    #: Pages handed to extraction (0 means no extraction work at all).
    extracted: int = 0
    errors: list[str] = field(default_factory=list)


def run_once(
    sources: list[Source], db: Path, settings: FetchSettings = FAST, nlp: Language | None = None
) -> RunOutcome:
    """Discover, plan, fetch, extract (when ``nlp`` is given) and store, like one ``ingest`` run."""
    settings = with_private_hosts(settings, sources)
    archive = db.parent / "raw"
    robots = partial(cached_robots, db, archive, max_age_s=settings.robots_cache_s)
    found = discover_sync(sources, partial(known_pages, db), settings, robots=robots)
    plan = plan_crawl(found, known_pages(db, [r.url for s in found.sources for r in s.refs]), settings, robots)
    outcome = RunOutcome(discovery=found, plan=plan, hosts=found.hosts)
    open_urls: set[str] = set()
    outlets = {s.name: s.outlet for s in sources}
    for batch in plan.batches:
        fetched = fetch_batch_sync(batch, settings, outcome.hosts)
        outcome.extracted += len(fetched.pages)
        extraction = extract_by_source(fetched.pages, outlets, nlp) if nlp and fetched.pages else Extraction()
        store_fetched(fetched, extraction, db, archive, "test-run")
        open_urls |= transient_failures(fetched)
    store_listings(found, plan, open_urls, db, archive, "test-run")
    return outcome


def fetch_rows(db: Path, path_suffix: str = "") -> list[tuple]:
    """``(url, status, error, extract_error, attempts, role)`` of fetches whose URL ends with ``path_suffix``."""
    return query(
        db,
        "select url, status, error, extract_error, attempts, role from fetches where url like ? order by fetch_id",
        ["%" + path_suffix],
    )


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with reader(db) as con:
        return con.execute(sql, params or []).fetchall()


def claims_off_their_text(db: Path) -> int:
    """Single-span claims whose offsets do not index their content in the article's stored text (0 when sound)."""
    rows = query(
        db,
        "select count(*) from claims c join articles a using (article_id) "
        "where substr(a.text, c.start_char + 1, c.end_char - c.start_char) <> c.content "
        "and json_array_length(c.content_spans) = 1",
    )
    return int(rows[0][0])


def errors_by_url(db: Path) -> dict[str, str]:
    return dict(query(db, "select url, error from fetches where error is not null"))


def article_urls(db: Path) -> list[str]:
    return [r[0] for r in query(db, "select url from articles order by url")]
