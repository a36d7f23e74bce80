"""``claimtrack sql`` runs whatever SQL it is given: it must not be able to change any file (issue 15, item 1).

Each statement below changed another file, or the warehouse itself, before the query connection was sandboxed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb
import pytest

from claimtrack.cli import main
from tests.test_warehouse import batch
from warehouse.writes import store_batch


@pytest.fixture
def stored(db: Path) -> Path:
    store_batch(db, batch())
    return db


def other_warehouse(tmp_path: Path) -> Path:
    other = tmp_path / "other.duckdb"
    store_batch(other, batch())
    return other


def claim_rows(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("select count(*) from claim_records").fetchone()
        return int(row[0]) if row else 0
    finally:
        con.close()


def sql(db: Path, query: str, *extra: str) -> int:
    return main(["sql", "--db", str(db), *extra, query])


def test_sql_cannot_write_another_warehouse(stored: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = other_warehouse(tmp_path)
    assert sql(stored, f"ATTACH '{other}' AS w (READ_WRITE); DELETE FROM w.claim_records") == 2
    assert claim_rows(other) == 1
    assert "file access" in capsys.readouterr().err


def test_sql_cannot_write_its_own_warehouse_through_a_hard_link(stored: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.duckdb"
    os.link(stored, link)
    assert sql(stored, f"ATTACH '{link}' AS w (READ_WRITE); DELETE FROM w.claim_records") == 2
    assert claim_rows(stored) == 1


@pytest.mark.parametrize(
    "statement",
    [
        "COPY (SELECT * FROM claims) TO '{out}'",
        "EXPORT DATABASE '{out}'",
        "PRAGMA enable_profiling='json'; PRAGMA profiling_output='{out}'; SELECT 1",
        "SET profiling_output='{out}'",
    ],
)
def test_sql_writes_no_file(stored: Path, tmp_path: Path, statement: str) -> None:
    out = tmp_path / "written"
    assert sql(stored, statement.format(out=out)) == 2
    assert not out.exists()


def test_sql_cannot_install_or_turn_the_sandbox_off(stored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    assert sql(stored, "INSTALL httpfs") == 2  # refused before any download is tried
    assert time.monotonic() - started < 10
    assert sql(stored, "SET enable_external_access = true") == 2
    assert sql(stored, "SET lock_configuration = false") == 2
    assert "locked" in capsys.readouterr().err


def test_sql_prints_every_statement(stored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert sql(stored, "SELECT 1 AS first_one; SELECT 2 AS second_one") == 0
    out = capsys.readouterr().out
    assert "first_one" in out and "second_one" in out


def test_sql_stops_a_query_at_its_timeout(stored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    assert sql(stored, "SELECT sum(i) FROM range(1000000000000) t(i)", "--timeout", "1") == 2
    assert time.monotonic() - started < 30
    assert "--timeout" in capsys.readouterr().err
    assert sql(stored, "SELECT count(*) AS n FROM claims", "--timeout", "1") == 0  # a quick query is unaffected
