"""Moving a warehouse between the backends: a DuckDB file's rows into the DuckLake (``CLAIMTRACK_WAREHOUSE=ducklake``
and its settings), and the DuckLake's rows into a new DuckDB file. Both sides are brought to the current schema
first (migrations), the file is attached beside the lake in one DuckDB process, and every table is copied by
column name in one transaction, so a failed copy leaves the target as it was.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from core.errors import WarehouseError
from core.settings import WarehouseSettings
from warehouse.backend import LAKE, SURROGATE_KEYS, WRITE_MARK, open_lake
from warehouse.schema import upgrade

#: Tables of the schema's own bookkeeping: each side keeps its own (views are made again from warehouse/views/).
_BOOKKEEPING = ("schema_migrations", "schema_views", WRITE_MARK)
#: The attach name of the DuckDB file beside the lake.
_FILE = "warehouse_file"


def copy_file_to_lake(db: Path, lake: WarehouseSettings) -> dict[str, int]:
    """Every table's rows of the DuckDB file ``db`` into the (empty) DuckLake; returns rows per table."""
    if not db.exists():
        raise WarehouseError(f"no DuckDB file at {db}")
    return _copy_beside(lake, db, into_lake=True)


def copy_lake_to_file(lake: WarehouseSettings, db: Path) -> dict[str, int]:
    """Every table's rows of the DuckLake into a new DuckDB file ``db``; returns rows per table."""
    if db.exists():
        raise WarehouseError(f"{db} exists already: give the path of a new file")
    return _copy_beside(lake, db, into_lake=False)


def _copy_beside(lake: WarehouseSettings, db: Path, *, into_lake: bool) -> dict[str, int]:
    """Both sides at the current schema, the file attached beside the lake (read-only when it is the source), every
    table copied one way."""
    _upgraded_file(db)
    con = _lake_with_file(lake, db, read_only_file=into_lake)
    try:
        return _copy(con, source=_FILE, target=LAKE) if into_lake else _copy(con, source=LAKE, target=_FILE)
    finally:
        con.close()


def _upgraded_file(db: Path) -> None:
    """The file at the current schema (made when new), with its keys and sequence: the file backend's migrations
    (opened directly: the setting in force names the lake)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db))
    try:
        upgrade(con)
    finally:
        con.close()


def _lake_with_file(lake: WarehouseSettings, db: Path, *, read_only_file: bool) -> duckdb.DuckDBPyConnection:
    con = open_lake(lake, read_only=False)
    upgrade(con)
    con.execute(f"attach '{db}' as {_FILE}" + (" (read_only)" if read_only_file else ""))
    return con


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_catalog = ? and table_schema = 'main'"
        " and table_type = 'BASE TABLE' order by 1",
        [catalog],
    ).fetchall()
    return [str(r[0]) for r in rows if r[0] not in _BOOKKEEPING]


def _rows_of(source: str, table: str, *, into_file: bool) -> str:
    """The select of a table's rows; into a file, a table keyed by a sequence leaves the key to the file's sequence
    (the lake's hashed keys would collide with its next numbers)."""
    if into_file and table in SURROGATE_KEYS:
        key, identity = SURROGATE_KEYS[table]
        return f"select * exclude ({key}) from {source}.{table} order by {', '.join(reversed(identity))}"
    return f"select * from {source}.{table}"


def _copy(con: duckdb.DuckDBPyConnection, *, source: str, target: str) -> dict[str, int]:
    versions = {
        side: con.execute(f"select coalesce(max(version), 0) from {side}.schema_migrations").fetchone()
        for side in (source, target)
    }
    if versions[source] != versions[target]:
        raise WarehouseError(f"schema versions differ after upgrading: {versions}")
    tables = _tables(con, source)
    copied: dict[str, int] = {}
    con.execute("begin transaction")
    try:
        for table in tables:
            stored = con.execute(f"select count(*) from {target}.{table}").fetchone()
            if stored and stored[0]:
                raise WarehouseError(f"{target}.{table} holds rows already: copy into an empty warehouse only")
            con.execute(f"insert into {target}.{table} by name {_rows_of(source, table, into_file=target == _FILE)}")
            counted = con.execute(f"select count(*) from {target}.{table}").fetchone()
            copied[table] = int(counted[0]) if counted else 0
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return copied
