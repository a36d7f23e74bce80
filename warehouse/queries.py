"""Read-side access: ad-hoc SQL for ``claimtrack sql`` and the small queries summaries need."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from claimtrack.errors import QueryError
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
