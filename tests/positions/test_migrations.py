"""Upgrading a database file written by the previous schema version keeps every row."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from tests.test_warehouse import batch
from warehouse.connection import writer
from warehouse.migrate import latest_version, migrate
from warehouse.reads import run_sql
from warehouse.rows import article_id_for, claim_rows, fetch_row, insert_rows


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute("select table_name from information_schema.tables where table_type = 'BASE TABLE'").fetchall()
    return sorted(r[0] for r in rows if r[0] != "schema_migrations")


def old_database(db: Path, version: int) -> dict[str, int]:
    """A file at schema ``version`` holding rows in every table that version has; returns the row counts."""
    con = duckdb.connect(str(db))
    try:
        migrate(con, target=version)
        data = batch()
        record = data.articles[0]
        article = record.article
        article_id = article_id_for(article.url)
        now = datetime.now(UTC)
        con.execute(
            "insert into articles (article_id, url, source, outlet, title, published_at, text, text_sha256,"
            " content_sha256, extracted_at, extractor_version, claims_version) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?)",
            [
                article_id,
                article.url,
                "test",
                record.outlet,
                article.title,
                article.published_at,
                article.text,
                article.text_sha256,
                record.content_sha256,
                now,
                article.extractor_version,
                record.claims_version,
            ],
        )
        claims = claim_rows(
            article_id, article.text_sha256, record.claims_version, record.claims, article.published_at, "run-1", now
        )
        insert_rows(con, "claim_records", claims)
        # Only the fetch columns this older version has (later migrations add some).
        have = {
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns where table_name = 'fetches'"
            ).fetchall()
        }
        fetch_rows = [fetch_row(f, "test", "run-1", None) for f in data.fetches]
        insert_rows(con, "fetches", [{c: v for c, v in row.items() if c in have} for row in fetch_rows])
        con.execute(
            "insert into runs (run_id, flow, started_at, status) values ('run-1', 'ingest', now(), 'completed')"
        )
        present = tables(con)
        if "claim_topics" in present:
            claim_id = claims[0]["claim_id"]
            insert_rows(con, "claim_topics", [{"claim_id": claim_id, "topic": "summits", "term": "summit"}])
            insert_rows(con, "claim_subjects", [{"claim_id": claim_id, "government": "USA", "evidence": "x"}])
        return {t: int(con.execute(f"select count(*) from {t}").fetchone()[0]) for t in present}  # type: ignore[index]
    finally:
        con.close()


@pytest.mark.parametrize("previous", range(1, latest_version()))
def test_upgrade_from_previous_version_keeps_rows(db: Path, previous: int) -> None:
    before = old_database(db, previous)
    assert before["claim_records"] == 1 and before["articles"] == 1
    with writer(db):  # opening for writing applies the pending migrations
        pass
    versions = [r[0] for r in run_sql(db, "select version from schema_migrations order by 1").rows]
    assert versions == list(range(1, latest_version() + 1))
    for table, count in before.items():
        assert run_sql(db, f"select count(*) from {table}").rows == [(count,)], table
    # The current view still shows the old claim, and has every column the old one had.
    assert run_sql(db, "select count(*) from claims").rows == [(1,)]


def test_upgraded_database_gets_statements_on_refresh(db: Path, nlp: object) -> None:
    from flows.refresh import refresh_positions

    old_database(db, latest_version() - 1)
    refresh_positions(db)
    rows = run_sql(db, "select c.statement_id = s.statement_id from claims c join statements s using (claim_id)").rows
    assert rows == [(True,)]
