"""The schema a writer opens: tables from the numbered migrations (``warehouse.migrate``), then every view and
table macro of ``warehouse/views/``.

Views hold no rows, so they are not migrated: each has one file, ``warehouse/views/<name>.sql``, holding its
current definition (``create or replace view <name>`` or ``create or replace macro <name>``) written like a dbt
model: a header saying what it answers and its grain, import CTEs, logic CTEs, ``final``. A file that names
another view is applied after it (a dependency sort, ties by name). They are applied again only when a migration
ran or their SQL differs from what was last applied on this file (a claimtrack upgrade, an edited view):
``schema_views`` keeps each one's sha256, so an ordinary open costs one small query. Read-only connections
(``claimtrack sql``) see the views the last writer applied.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from graphlib import CycleError, TopologicalSorter
from importlib import resources
from pathlib import Path

import duckdb

from core.errors import WarehouseError
from warehouse.backend import is_lake, prepare_write_mark, table_sql
from warehouse.migrate import migrate

_CREATE = re.compile(r"^\s*create\s+or\s+replace\s+(view|macro)\s+([a-z0-9_]+)\b", re.IGNORECASE)
_COMMENT = re.compile(r"--[^\n]*")


@dataclass(frozen=True, slots=True)
class View:
    """One file of ``warehouse/views/``: a view or a table macro."""

    name: str
    kind: str  # view | macro
    sql: str
    #: The other views and macros its SQL names (comments left out): applied before it.
    reads: frozenset[str]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


def upgrade(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a database opened for writing up to date: pending migrations, then the views where needed."""
    ran = migrate(con)
    apply_views(con, force=bool(ran))
    prepare_write_mark(con)


@cache
def views(folder: Path | None = None) -> tuple[View, ...]:
    """Every view and table macro in the order to create them; each file must create the object it is named after."""
    root = folder or Path(str(resources.files("warehouse").joinpath("views")))
    found: dict[str, tuple[str, str, str]] = {}
    for path in sorted(root.glob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        code = _COMMENT.sub("", sql)
        match = _CREATE.match(code)
        if not match or match.group(2).lower() != path.stem:
            raise WarehouseError(
                f"view file {path.name} must hold one `create or replace view {path.stem} as ...` (or `create or"
                f" replace macro {path.stem}(...) as table ...`) after its header comment"
            )
        found[path.stem] = (match.group(1).lower(), sql, code)
    return _in_dependency_order(
        {
            name: View(name, kind, sql, frozenset(other for other in found if other != name and _names(code, other)))
            for name, (kind, sql, code) in found.items()
        }
    )


def _names(code: str, name: str) -> bool:
    return re.search(rf"\b{name}\b", code, re.IGNORECASE) is not None


def _in_dependency_order(found: dict[str, View]) -> tuple[View, ...]:
    sorter = TopologicalSorter({name: view.reads for name, view in found.items()})
    try:
        sorter.prepare()
    except CycleError as exc:
        raise WarehouseError(f"views that read each other in a circle: {' -> '.join(exc.args[1])}") from None
    ordered: list[View] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        ordered.extend(found[name] for name in ready)
        sorter.done(*ready)
    return tuple(ordered)


def apply_views(con: duckdb.DuckDBPyConnection, *, force: bool = False, folder: Path | None = None) -> bool:
    """Create or replace every view and table macro, in one transaction, if ``force`` (a migration ran) or their
    SQL differs from what ``schema_views`` says this file holds; drop the ones no longer defined. Returns whether
    they were applied."""
    wanted = views(folder)
    con.execute(
        table_sql(
            "create table if not exists schema_views ("
            " name varchar primary key, kind varchar not null, sql_sha256 varchar not null,"
            " applied_at timestamptz not null)",
            is_lake(con),
        )
    )
    applied = {(r[0], r[1], r[2]) for r in con.execute("select name, kind, sql_sha256 from schema_views").fetchall()}
    if not force and applied == {(v.name, v.kind, v.sha256) for v in wanted}:
        return False
    con.execute("begin transaction")
    try:
        for name, kind in {(name, kind) for name, kind, _ in applied} - {(v.name, v.kind) for v in wanted}:
            con.execute(f"drop {'macro table' if kind == 'macro' else 'view'} if exists {name}")
        for view in wanted:
            _create(con, view)
        con.execute("delete from schema_views")
        now = datetime.now(UTC)
        for view in wanted:
            con.execute("insert into schema_views values (?, ?, ?, ?)", [view.name, view.kind, view.sha256, now])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return True


def _create(con: duckdb.DuckDBPyConnection, view: View) -> None:
    try:
        con.execute(view.sql)
    except duckdb.Error as exc:
        raise WarehouseError(f"view {view.name} (warehouse/views/{view.name}.sql) could not be created: {exc}") from exc
