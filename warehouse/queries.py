"""Read-side access: ad-hoc SQL for ``claimtrack sql`` and the small queries summaries need."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from core.errors import QueryError
from warehouse.connection import reader


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def run_sql(db: Path, query: str, *, timeout_s: float | None = None) -> QueryResult:
    """Run one statement on a read-only connection (retrying while a writer holds the file)."""
    with reader(db, timeout_s=timeout_s) as con:
        try:
            cursor = con.execute(query)
        except duckdb.Error as exc:
            hint = " (claimtrack sql opens the database read-only)" if "read-only" in str(exc) else ""
            raise QueryError(f"{exc}{hint}") from None
        description = cursor.description or []
        rows = cursor.fetchall() if description else []
        return QueryResult([d[0] for d in description], rows)


def governments_seen(db: Path) -> list[str]:
    """Governments with at least one current claim, most claims first."""
    result = run_sql(
        db, "select government from claims where government is not null group by 1 order by count(*) desc, 1"
    )
    return [r[0] for r in result.rows]


@dataclass(frozen=True, kw_only=True)
class ArticleVersions:
    """Which extractors made a stored article's text and claims (what ``flows.reprocess`` selects by)."""

    article_id: str
    source: str | None
    extractor_version: str
    claims_version: str | None
    content_sha256: str | None


def article_versions(
    db: Path, *, sources: Sequence[str] = (), start: datetime | None = None, end: datetime | None = None
) -> list[ArticleVersions]:
    """Every stored article's versions, by source then oldest first; optionally only some sources and a
    publication window (``start`` <= published_at < ``end``; undated articles are outside any bounded window)."""
    if not db.exists():
        return []
    sql = "select article_id, source, extractor_version, claims_version, content_sha256 from articles where true"
    params: list[Any] = []
    if sources:
        sql += " and list_contains(?::varchar[], source)"
        params.append(list(sources))
    if start is not None:
        sql += " and published_at >= ?"
        params.append(start)
    if end is not None:
        sql += " and published_at < ?"
        params.append(end)
    sql += " order by source nulls last, published_at nulls last, article_id"
    with reader(db) as con:
        rows = con.execute(sql, params).fetchall()
    return [
        ArticleVersions(article_id=r[0], source=r[1], extractor_version=r[2], claims_version=r[3], content_sha256=r[4])
        for r in rows
    ]


@dataclass(frozen=True, kw_only=True)
class StoredArticle:
    """An ``articles`` row as re-extraction needs it, with the content type its raw page was served with."""

    article_id: str
    url: str
    source: str | None
    outlet: str | None
    title: str | None
    author: str | None
    published_at: datetime | None
    text: str
    text_sha256: str
    sitename: str | None
    language: str | None
    extractor_version: str
    claims_version: str | None
    content_sha256: str | None
    final_url: str | None
    content_type: str | None


def stored_articles(db: Path, article_ids: Sequence[str]) -> list[StoredArticle]:
    """The given articles (in id order). ``content_type`` comes from the latest fetch that returned the stored
    body (the raw archive keeps bodies by hash, not their headers per URL)."""
    if not article_ids:
        return []
    with reader(db) as con:
        cursor = con.execute(
            """
            with wanted as (select unnest(from_json($1::json, '["VARCHAR"]')) as article_id),
            chosen as (select a.* from articles a join wanted w using (article_id)),
            served as (
                select f.content_sha256, arg_max(f.content_type, f.fetched_at) as content_type
                from fetches f join chosen c on c.content_sha256 = f.content_sha256
                where f.content_type is not null
                group by f.content_sha256
            )
            select c.article_id, c.url, c.source, c.outlet, c.title, c.author, c.published_at, c.text, c.text_sha256,
                   c.sitename, c.language, c.extractor_version, c.claims_version, c.content_sha256, c.final_url,
                   s.content_type
            from chosen c left join served s using (content_sha256)
            order by c.article_id
            """,
            [json.dumps(list(article_ids))],  # one text parameter: binding a Python list costs ~0.4 ms per id
        )
        names = [d[0] for d in cursor.description or []]
        rows = cursor.fetchall()
    return [StoredArticle(**dict(zip(names, row, strict=True))) for row in rows]


@dataclass(frozen=True)
class ClaimGroup:
    government: str | None
    topic: str | None
    claims: int
    speakers: list[str]
    example: str


def run_claims_by_government_topic(db: Path, run_id: str, *, limit: int = 40) -> list[ClaimGroup]:
    """The claims a run added, grouped by the government that made them and the topic, most claims first."""
    if not db.exists():
        return []
    with reader(db) as con:
        rows = con.execute(
            """
            select r.government, t.topic, count(*) as n,
                   list(distinct r.speaker_canonical) filter (where r.speaker_canonical is not null) as speakers,
                   arg_max(r.content, r.confidence) as example
            from claim_records r
            left join claim_topics t on t.claim_id = r.claim_id
            where r.run_id = ?
            group by all
            order by n desc, r.government nulls last, t.topic nulls last
            limit ?
            """,
            [run_id, limit],
        ).fetchall()
    return [ClaimGroup(r[0], r[1], int(r[2]), list(r[3] or [])[:5], r[4] or "") for r in rows]


@dataclass(frozen=True, kw_only=True)
class RunChange:
    """A ``position_changes`` row of a statement a run reported (``label`` new, shift or reversal)."""

    government: str
    topic: str
    label: str
    stated_at: datetime | None
    speaker: str | None
    content: str
    url: str | None
    earlier_stated_at: datetime | None
    earlier_speaker: str | None
    earlier_content: str | None


#: Labels a run's artifact lists; reiterations are the normal case and are left out.
NOTABLE_LABELS = ("reversal", "shift", "new")


def run_position_changes(db: Path, run_id: str, *, method: str = "lexical", limit: int = 40) -> list[RunChange]:
    """Reversals, shifts and new statements among the statements whose claims this run wrote, strongest first
    (reversals, then shifts, then new ones; newest first within each)."""
    if not db.exists():
        return []
    with reader(db) as con:
        cursor = con.execute(
            """
            with run_statements as (
                select distinct cs.statement_id
                from claim_records r join claim_statements cs on cs.claim_id = r.claim_id
                where r.run_id = $1
            )
            select government, topic, label, stated_at, speaker, content, url,
                   earlier_stated_at, earlier_speaker, earlier_content
            from position_changes
            where method = $2 and list_contains($3::varchar[], label)
              and statement_id in (select statement_id from run_statements)
            order by list_position($3::varchar[], label), stated_at desc nulls last, government, topic
            limit $4
            """,
            [run_id, method, list(NOTABLE_LABELS), limit],
        )
        names = [d[0] for d in cursor.description or []]
        rows = cursor.fetchall()
    return [RunChange(**dict(zip(names, row, strict=True))) for row in rows]


@dataclass(frozen=True, kw_only=True)
class PipelineCounts:
    """How long the latest run of a flow took and how many rows the tables a run fills hold (``make bench``)."""

    #: ``runs.finished_at - started_at`` of the latest run of the flow, seconds (None: no finished run).
    flow_s: float | None
    #: Page fetches (feed and sitemap fetches left out).
    fetches: int
    articles: int
    #: Current claims (the ``claims`` view) and every stored claim version (``claim_records``).
    claims: int
    claim_records: int


def pipeline_counts(db: Path, flow: str) -> PipelineCounts:
    """The latest ``flow`` run's duration and the row counts of fetches, articles and claims."""
    with reader(db) as con:
        row = con.execute(
            """
            select (select epoch(finished_at) - epoch(started_at) from runs where flow = ?
                    order by started_at desc limit 1),
                   (select count(*) from fetches where role = 'page'),
                   (select count(*) from articles),
                   (select count(*) from claims),
                   (select count(*) from claim_records)
            """,
            [flow],
        ).fetchone()
    assert row is not None  # a select without from returns one row
    return PipelineCounts(
        flow_s=None if row[0] is None else float(row[0]),
        fetches=int(row[1]),
        articles=int(row[2]),
        claims=int(row[3]),
        claim_records=int(row[4]),
    )


def robots_answers(db: Path, urls: Sequence[str], max_age_s: float) -> dict[str, tuple[int | None, str | None]]:
    """robots.txt URL -> (status, body sha256) of its latest error-free fetch no older than ``max_age_s``."""
    if not urls or max_age_s <= 0 or not db.exists():
        return {}
    with reader(db) as con:
        rows = con.execute(
            """
            select url, arg_max({'status': status, 'sha': content_sha256}, fetched_at) as latest
            from fetches
            where role = 'robots' and error is null
              and url in (select unnest(from_json($1::json, '["VARCHAR"]')))
              and fetched_at >= now() - to_seconds($2)
            group by url
            """,
            [json.dumps(sorted(set(urls))), float(max_age_s)],
        ).fetchall()
    return {url: (latest["status"], latest["sha"]) for url, latest in rows}
