"""Read-side access: ad-hoc SQL for ``claimtrack sql`` and the small queries summaries need."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from claimtrack.errors import QueryError
from extractors.rawpages import StoredPage
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


@dataclass(frozen=True)
class StoredArticle:
    article_id: str
    text: str
    text_sha256: str
    published_at: Any
    claims_version: str | None


def article_versions(db: Path) -> list[tuple[str, str | None]]:
    """``(article_id, claims_version)`` of every stored article, in a stable order."""
    with reader(db) as con:
        rows = con.execute("select article_id, claims_version from articles order by article_id").fetchall()
    return [(r[0], r[1]) for r in rows]


def stored_articles(db: Path, article_ids: list[str]) -> list[StoredArticle]:
    """The stored text (and what claims need from the row) of the given articles."""
    if not article_ids:
        return []
    with reader(db) as con:
        rows = con.execute(
            "select article_id, text, text_sha256, published_at, claims_version from articles"
            " where article_id in (select unnest(?)) order by article_id",
            [article_ids],
        ).fetchall()
    return [StoredArticle(*row) for row in rows]


def stale_articles(
    db: Path,
    *,
    article_versions: Collection[str],
    claims_version: str,
    sources: Sequence[str] = (),
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[tuple[str, str | None, str]]:
    """``(source, outlet, article_id)`` of stored articles made by another extractor version than the current
    ones, oldest first; optionally only some sources and a publication window (``start`` <= t < ``end``).
    An article whose versions are current is never listed, so a repeated reprocess finds nothing to do."""
    if not db.exists():
        return []
    sql = (
        "select source, outlet, article_id from articles"
        " where content_sha256 is not null"
        " and (list_position(?, extractor_version) is null or claims_version is distinct from ?)"
    )
    params: list[Any] = [list(article_versions), claims_version]
    if sources:
        sql += " and list_position(?, source) is not null"
        params.append(list(sources))
    if start is not None:
        sql += " and published_at >= ?"
        params.append(start)
    if end is not None:
        sql += " and published_at < ?"
        params.append(end)
    sql += " order by source, outlet, published_at nulls last, article_id"
    with reader(db) as con:
        return [(r[0], r[1], r[2]) for r in con.execute(sql, params).fetchall()]


def stored_pages(db: Path, article_ids: Sequence[str]) -> list[StoredPage]:
    """Everything needed to extract stored articles again from the raw archive (content type and fetch time come
    from the latest fetch that returned the stored body)."""
    if not article_ids:
        return []
    with reader(db) as con:
        rows = con.execute(
            """
            select a.article_id, a.url, a.source, a.outlet, a.content_sha256, f.content_type, a.final_url,
                   f.fetched_at, a.title, a.published_at
            from articles a
            left join (
                select url, content_sha256, arg_max(content_type, fetched_at) as content_type,
                       max(fetched_at) as fetched_at
                from fetches where content_sha256 is not null group by url, content_sha256
            ) f on f.url = a.url and f.content_sha256 = a.content_sha256
            where list_position(?, a.article_id) is not null
            order by a.article_id
            """,
            [list(article_ids)],
        ).fetchall()
    return [
        StoredPage(
            article_id=r[0],
            url=r[1],
            source=r[2],
            outlet=r[3],
            content_sha256=r[4],
            content_type=r[5],
            final_url=r[6],
            fetched_at=r[7],
            title=r[8],
            published_at=r[9],
        )
        for r in rows
    ]


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
