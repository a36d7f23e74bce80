"""The DuckLake backend (``CLAIMTRACK_WAREHOUSE=ducklake``, a Postgres catalog from the ``postgres`` fixture) against
the DuckDB file: the same migrations, writes and reads, and the same rows at the end, table by table."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from core.errors import QueryError
from flows.refresh import refresh_positions
from tests.crawlrun import run_once
from tests.httpserver import LocalServer
from tests.test_crawl import GAZA, KYIV, article, feed_source, rss
from warehouse.backend import WRITE_MARK, table_sql
from warehouse.connection import reader, writer
from warehouse.migrate import latest_version
from warehouse.reads import run_adhoc, run_sql, table_counts

#: Columns that hold when or how fast something was written (they differ between any two runs) or a surrogate
#: key (the file draws ``fetch_id`` from a sequence, the lake from the row's URL and time).
VOLATILE = {
    "fetch_id", "fetched_at", "elapsed_ms", "extracted_at", "created_at", "computed_at", "built_at", "seconds",
    "applied_at", "started_at", "finished_at",
}  # fmt: skip


def tables(db: Path) -> list[str]:
    found = run_sql(
        db,
        "select table_name from information_schema.tables where table_schema = current_schema()"
        " and table_catalog = current_database() and table_type = 'BASE TABLE' order by 1",
    ).rows
    return [str(r[0]) for r in found if r[0] != WRITE_MARK]  # the lake's own bookkeeping (warehouse.backend)


def columns(db: Path, table: str) -> list[tuple[str, str]]:
    with reader(db) as con:
        rows = con.execute(
            "select column_name, data_type from information_schema.columns where table_name = ?"
            " and table_schema = current_schema() and table_catalog = current_database() order by ordinal_position",
            [table],
        ).fetchall()
    return [(str(n), str(t)) for n, t in rows]


def snapshot(db: Path, leave_out: frozenset[str] | set[str] = VOLATILE) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (``leave_out`` columns left out), sorted: what two runs of the same work must agree on."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for table in tables(db):
        if table == "schema_views":
            continue
        kept = [name for name, _ in columns(db, table) if name not in leave_out]
        rows = run_sql(db, f"select {', '.join(kept)} from {table}").rows
        found[table] = sorted((tuple(r) for r in rows), key=repr)
    return found


def test_migrations_drop_keys_sequences_and_indexes_for_the_lake() -> None:
    sql = (
        "create sequence s start 1;\ncreate table t (\n id bigint primary key default nextval('s'),\n"
        " url varchar not null unique,\n a varchar,\n primary key (a, url)\n);\ncreate index t_a on t (a);"
    )
    assert table_sql(sql, lake=False) == sql
    lake = table_sql(sql, lake=True).lower()
    for gone in ("sequence", "primary key", "unique", "nextval", "index"):
        assert gone not in lake
    assert "url varchar not null" in lake


def test_lake_has_the_file_tables_and_columns(db: Path, lake: Path) -> None:
    with writer(db):
        pass
    assert not db.exists()
    on_lake = {t: columns(db, t) for t in tables(db)}
    versions = run_sql(db, "select version from schema_migrations order by 1").rows
    assert [v[0] for v in versions] == list(range(1, latest_version() + 1))
    os.environ["CLAIMTRACK_WAREHOUSE"] = "duckdb"  # the lake fixture's monkeypatch restores it
    with writer(db):
        pass
    on_file = {t: columns(db, t) for t in tables(db)}
    assert db.exists()
    assert on_lake == on_file


def ingest_site(server: LocalServer, db: Path, nlp: Language) -> None:
    """One ingest of a small site (two attributed articles, filler pages, a 404), then the position refresh."""
    filler = [f"/p{i}" for i in range(6)]
    server.route("/feed.xml", rss("/kyiv", "/gaza", "/missing", *filler), content_type="application/rss+xml")
    server.route("/kyiv", KYIV)
    server.route("/gaza", GAZA)
    for i, path in enumerate(filler):
        server.route(path, article(f"Page {i}", f"The minister of Ruritania said talks {i} would go on."))
    run_once([feed_source(server)], db, nlp=nlp)
    refresh_positions(db, nlp=nlp)


def test_same_ingest_gives_the_same_rows_on_both_backends(
    server: LocalServer, tmp_path: Path, nlp: Language, lake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_lake = tmp_path / "lake-run" / "claimtrack.duckdb"
    on_lake.parent.mkdir()
    ingest_site(server, on_lake, nlp)
    lake_rows = snapshot(on_lake)
    assert not on_lake.exists()  # the rows went to the lake, not to a DuckDB file
    again = snapshot(on_lake)  # a second read sees the same (reads change nothing)
    ingest_site(server, on_lake, nlp)  # a rerun of the same work adds nothing
    rerun = snapshot(on_lake)

    monkeypatch.setenv("CLAIMTRACK_WAREHOUSE", "duckdb")
    on_file = tmp_path / "file-run" / "claimtrack.duckdb"
    on_file.parent.mkdir()
    ingest_site(server, on_file, nlp)
    file_rows = snapshot(on_file)

    assert lake_rows == again
    assert set(lake_rows) == set(file_rows)
    for table in file_rows:
        assert lake_rows[table] == file_rows[table], table
    assert len(file_rows["claim_records"]) > 0 and len(file_rows["statements"]) > 0
    # Rerunning the same work stores no article, claim or statement twice (fetches and runs record the new run).
    for table in ("articles", "claim_records", "claim_subjects", "claim_topics", "statements", "claim_statements"):
        assert rerun[table] == lake_rows[table], table


def test_sql_report_and_counts_read_the_lake(
    server: LocalServer, db: Path, nlp: Language, lake: Path, tmp_path: Path
) -> None:
    from claimtrack.cli import main

    ingest_site(server, db, nlp)
    out = tmp_path / "report.html"
    assert main(["report", "--db", str(db), "--out", str(out)]) == 0
    assert "<html" in out.read_text(encoding="utf-8").lower() and not db.exists()
    assert main(["sql", "--db", str(db), "select count(*) as n from statements"]) == 0
    counts = table_counts(db)
    assert counts["articles"] >= 2 and counts["claims"] > 0
    results = list(run_adhoc(db, "select count(*) from claims; select * from position_timeline limit 1"))
    assert results[0].rows == [(counts["claims"],)]
    with pytest.raises(QueryError, match=r"(?i)disabled|permission|not allowed|locked"):
        list(run_adhoc(db, "select * from read_csv('/etc/passwd')"))


def test_lake_copy_moves_a_file_into_the_lake_and_back(
    server: LocalServer, tmp_path: Path, nlp: Language, lake: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from claimtrack.cli import main

    on_file = tmp_path / "file" / "claimtrack.duckdb"
    monkeypatch.setenv("CLAIMTRACK_WAREHOUSE", "duckdb")
    ingest_site(server, on_file, nlp)
    before = snapshot(on_file)

    assert main(["lake-copy", "in", str(on_file)]) == 0
    assert "claim_records\t" in capsys.readouterr().out
    monkeypatch.setenv("CLAIMTRACK_WAREHOUSE", "ducklake")
    assert snapshot(on_file) == before  # read from the lake now (the path only places the archive)
    assert main(["lake-copy", "in", str(on_file)]) != 0  # into a lake that holds rows: refused

    back = tmp_path / "back" / "claimtrack.duckdb"
    assert main(["lake-copy", "out", str(back)]) == 0
    monkeypatch.setenv("CLAIMTRACK_WAREHOUSE", "duckdb")
    assert snapshot(back) == before
    ingest_site(server, back, nlp)  # the file's own sequence goes on after the copied fetches
