"""Views and table macros live in ``warehouse/views/`` (one file each) and are re-created after the migrations:
on a fresh file, on an upgraded one, when their SQL changed, and never otherwise; read-only connections see them."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from core.errors import WarehouseError
from tests.positions.test_migrations import old_database
from tests.test_warehouse import batch
from warehouse.connection import writer
from warehouse.migrate import latest_version
from warehouse.reads import run_sql
from warehouse.schema import View, apply_views, views
from warehouse.writes import store_batch

VIEWS_DIR = Path(__file__).resolve().parent.parent / "warehouse" / "views"
#: One call of each table macro, with arguments that any database answers.
MACRO_CALLS = {
    "position_as_of": "position_as_of('CHN', 'ukraine-war', '2030-01-01')",
    "position_terms_new": "position_terms_new('2000-01-01')",
    "position_terms_dropped": "position_terms_dropped('2030-01-01')",
    "position_timeline_since": "position_timeline_since(null)",
}


def answers(db: Path, view: View) -> list[str]:
    """The columns ``view`` answers with, asked on a read-only connection (as ``claimtrack sql`` asks)."""
    source = view.name if view.kind == "view" else MACRO_CALLS[view.name]
    return run_sql(db, f"select * from {source} limit 0").columns


def applied_at(db: Path) -> list[tuple[object, ...]]:
    return run_sql(db, "select name, sql_sha256, applied_at from schema_views order by name").rows


def test_every_view_file_creates_its_own_object_and_states_its_grain() -> None:
    found = views()
    assert {v.name for v in found} == {p.stem for p in VIEWS_DIR.glob("*.sql")}
    assert {v.name for v in found if v.kind == "macro"} == set(MACRO_CALLS)
    for view in found:
        assert view.sql.startswith(f"-- {view.name}"), view.name
        assert "Grain:" in view.sql and "Answers:" in view.sql, view.name


def test_views_come_after_the_views_they_read() -> None:
    order = [v.name for v in views()]
    for view in views():
        for name in view.reads:
            assert order.index(name) < order.index(view.name), (name, view.name)
    assert order.index("claims") < order.index("statement_reports") < order.index("position_timeline_since")
    assert order.index("position_timeline_since") < order.index("position_timeline")


def test_fresh_database_gets_every_view_and_a_reader_sees_them(db: Path) -> None:
    store_batch(db, batch())
    for view in views():
        assert answers(db, view), view.name
    assert run_sql(db, "select count(*) from claims").rows == [(1,)]
    assert [r[0] for r in applied_at(db)] == sorted(v.name for v in views())


@pytest.mark.parametrize("previous", range(1, latest_version()))
def test_old_database_with_rows_upgrades_and_its_views_answer(db: Path, previous: int) -> None:
    old_database(db, previous)
    con = duckdb.connect(str(db))
    try:  # definitions an older claimtrack left in the file (its migrations created views): replaced on upgrade
        con.execute("create view claims as select claim_id, article_id from claim_records")
        con.execute("create macro position_terms_new(since) as table select since as stale")
    finally:
        con.close()
    with writer(db):
        pass
    for view in views():
        assert answers(db, view), view.name
    assert run_sql(db, "select government, content from claims").rows == [("BRA", "Brasilia would host the summit")]
    assert "stale" not in run_sql(db, f"select * from {MACRO_CALLS['position_terms_new']}").columns


def test_views_are_not_applied_again_on_every_open(db: Path) -> None:
    with writer(db):
        pass
    first = applied_at(db)
    with writer(db):
        pass
    assert applied_at(db) == first


def test_changed_view_sql_is_applied_again(db: Path, tmp_path: Path) -> None:
    store_batch(db, batch())
    edited = tmp_path / "views"
    shutil.copytree(VIEWS_DIR, edited)
    claims = edited / "claims.sql"
    claims.write_text(claims.read_text().replace("l.statement_id,\n", "l.statement_id,\n        1 as edited,\n"))
    con = duckdb.connect(str(db))
    try:
        assert apply_views(con, folder=edited)  # another claimtrack's views: SQL differs, applied
        assert con.execute("select edited from claims").fetchall() == [(1,)]
        assert not apply_views(con, folder=edited)  # same SQL again: nothing to do
    finally:
        con.close()
    with writer(db):  # back to this claimtrack's views
        pass
    assert "edited" not in run_sql(db, "select * from claims").columns


def test_a_view_whose_file_is_gone_is_dropped(db: Path, tmp_path: Path) -> None:
    with writer(db):
        pass
    fewer = tmp_path / "views"
    shutil.copytree(VIEWS_DIR, fewer)
    (fewer / "position_terms_new.sql").unlink()
    con = duckdb.connect(str(db))
    try:
        assert apply_views(con, folder=fewer)
        with pytest.raises(duckdb.CatalogException):
            con.execute(f"select * from {MACRO_CALLS['position_terms_new']}")
    finally:
        con.close()


def test_a_broken_view_file_names_itself_and_leaves_the_views_as_they_were(db: Path, tmp_path: Path) -> None:
    with writer(db):
        pass
    broken = tmp_path / "views"
    shutil.copytree(VIEWS_DIR, broken)
    (broken / "position_terms.sql").write_text(
        "-- position_terms\ncreate or replace view position_terms as select nonsense from nowhere;\n"
    )
    before = applied_at(db)
    con = duckdb.connect(str(db))
    try:
        with pytest.raises(WarehouseError, match=r"view position_terms \(.*\) could not be created"):
            apply_views(con, folder=broken)
    finally:
        con.close()
    assert applied_at(db) == before
    assert answers(db, next(v for v in views() if v.name == "position_terms"))


def test_view_files_must_be_named_after_what_they_create_and_not_read_each_other_in_a_circle(tmp_path: Path) -> None:
    misnamed = tmp_path / "misnamed"
    misnamed.mkdir()
    (misnamed / "a.sql").write_text("-- a\ncreate or replace view b as select 1;\n")
    with pytest.raises(WarehouseError, match=r"a\.sql must hold one `create or replace view a as"):
        views(misnamed)
    circle = tmp_path / "circle"
    circle.mkdir()
    (circle / "a.sql").write_text("-- a reads b\ncreate or replace view a as select * from b;\n")
    (circle / "b.sql").write_text("-- b reads a\ncreate or replace view b as select * from a;\n")
    with pytest.raises(WarehouseError, match="in a circle"):
        views(circle)
