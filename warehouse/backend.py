"""The two warehouse backends and everything that differs between them, in one place.

``duckdb`` (the default) is one DuckDB file: one writing process at a time, primary keys and a sequence.
``ducklake`` (``CLAIMTRACK_WAREHOUSE=ducklake``, ``core.settings.WarehouseSettings``) is a DuckLake: a Postgres
catalog plus Parquet files that processes on several machines write at once. A DuckLake has no primary keys,
unique constraints, indexes or sequences, so here:

- the migrations' table SQL is translated (:func:`table_sql`): keys and indexes dropped, the one surrogate key
  (``fetches.fetch_id``) filled by the writes from the row's content (:func:`with_surrogate_keys`);
- uniqueness is kept by the writes, which insert only rows whose key is not stored (``warehouse.rows.insert_rows``)
  and upsert by delete-then-insert (:func:`upsert_run`, :func:`record_build`);
- two writers that change the same rows conflict at commit: :func:`is_conflict` tells the writes to run again.

Every statement whose SQL differs between the backends lives here, with both spellings side by side.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import random
import re
import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from core.errors import WarehouseError
from core.settings import WarehouseSettings

#: The name the DuckLake is attached under (and made the default catalog with ``use``).
LAKE = "lake"
#: DuckDB extensions the DuckLake backend loads, and the Python packages whose wheels ship them (offline).
LAKE_EXTENSIONS = {"ducklake": "duckdb_extension_ducklake", "postgres_scanner": "duckdb_extension_postgres_scanner"}


def settings() -> WarehouseSettings:
    """The backend in force, from the environment (read on every open: tests and flows switch it)."""
    return WarehouseSettings.from_env()


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Is ``con`` working on a DuckLake (rather than a DuckDB file)?"""
    row = con.execute("select type from duckdb_databases() where database_name = current_database()").fetchone()
    return row is not None and row[0] == "ducklake"


# --- opening a DuckLake ------------------------------------------------------------------------------------------


def _extension_file(name: str, package: str) -> Path:
    module = importlib.import_module(package)
    version = duckdb.__version__
    found = Path(str(resources.files(module))) / "extensions" / f"v{version}" / f"{name}.duckdb_extension"
    if not found.exists():
        raise WarehouseError(
            f"the {name} extension for DuckDB {version} is not at {found}: install claimtrack's pinned"
            f" duckdb=={version} and {package.replace('_', '-')}=={version} (pip install .)"
        )
    return found


#: This process's attached lakes, by (process id, catalog, data path): attaching costs ~0.6 s (loading the
#: extensions, reading the catalog), several times one batch's store transaction, so it is done once per process
#: and each ``warehouse.connection`` open gets a cursor of it (its own connection to the same DuckDB instance).
_ATTACHED: dict[tuple[int, str, str], duckdb.DuckDBPyConnection] = {}


def lake_connection(
    lake: WarehouseSettings, config: Mapping[str, str | bool | int | float | list[str]] | None = None
) -> duckdb.DuckDBPyConnection:
    """A connection to the DuckLake for one reader or writer (close it after use). Ad-hoc SQL (``config``) gets
    an instance of its own, since its locked settings would bind every cursor of a shared one."""
    if config:
        return open_lake(lake, read_only=True, config=config)
    key = (os.getpid(), lake.lake_catalog, lake.lake_data)  # a forked child must not use its parent's instance
    if key not in _ATTACHED:
        _ATTACHED[key] = open_lake(lake, read_only=False)
    cursor = _ATTACHED[key].cursor()
    cursor.execute(f"use {LAKE}")
    return cursor


def open_lake(
    lake: WarehouseSettings,
    *,
    read_only: bool,
    config: Mapping[str, str | bool | int | float | list[str]] | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the DuckLake attached as the default catalog. The extensions are loaded from the
    wheels' files (no network, no extension folder). ``config`` (``SANDBOX_CONFIG`` for ad-hoc SQL) is applied
    after the attach, with file access narrowed to the lake's data folder."""
    con = duckdb.connect(":memory:")
    try:
        for name, package in LAKE_EXTENSIONS.items():
            con.execute(f"load '{_extension_file(name, package)}'")
        _attach(con, lake, read_only)
        if config:
            con.execute("set allowed_directories = ?", [[lake.lake_data.rstrip("/") + "/"]])
            for key, value in config.items():  # lock_configuration last: it freezes the rest
                if key != "lock_configuration":
                    con.execute(f"set {key} = ?", [value])
            if config.get("lock_configuration"):
                con.execute("set lock_configuration = true")
    except duckdb.Error as exc:
        con.close()
        raise WarehouseError(
            f"cannot open the DuckLake (catalog {lake.lake_catalog!r}, data {lake.lake_data!r}): {exc}. Check that"
            " Postgres is up and the catalog database exists (docs/deploy.md 'Run on several machines')"
        ) from None
    return con


#: Attempts at attaching a DuckLake whose catalog another process is creating at the same moment.
ATTACH_ATTEMPTS = 5


def _attach(con: duckdb.DuckDBPyConnection, lake: WarehouseSettings, read_only: bool) -> None:
    """Attach the lake as the default catalog. The first attach of an empty Postgres database creates the catalog's
    tables; two processes doing it at once race (measured: one fails with ``... already exists``), and the loser
    attaches the finished catalog on its next attempt."""
    options = f"DATA_PATH '{_quoted(lake.lake_data.rstrip('/') + '/')}'" + (", READ_ONLY" if read_only else "")
    for attempt in range(ATTACH_ATTEMPTS):
        try:
            con.execute(f"attach 'ducklake:postgres:{_quoted(lake.lake_catalog)}' as {LAKE} ({options})")
            break
        except duckdb.Error as exc:
            if attempt == ATTACH_ATTEMPTS - 1 or "already exists" not in str(exc):
                raise
            time.sleep(0.2 * (attempt + 1) * (0.5 + random.random()))
    con.execute(f"use {LAKE}")


def _quoted(text: str) -> str:
    return text.replace("'", "''")


# --- tables: migrations without keys ----------------------------------------------------------------------------

_TABLE_KEY = re.compile(r",\s*primary\s+key\s*\([^)]*\)", re.IGNORECASE)
_COLUMN_KEY = re.compile(r"\s+(primary\s+key|unique)\b", re.IGNORECASE)
_SEQUENCE_DEFAULT = re.compile(r"\s+default\s+nextval\s*\([^)]*\)", re.IGNORECASE)
_SEQUENCE_OR_INDEX = re.compile(r"create\s+(sequence|(unique\s+)?index)\b[^;]*;", re.IGNORECASE)
_COMMENT = re.compile(r"--[^\n]*")


def table_sql(sql: str, lake: bool) -> str:
    """A migration's (or bookkeeping table's) SQL for the backend: as written for the DuckDB file; for a DuckLake
    without primary keys, unique constraints, sequences and indexes (the writes keep keys unique)."""
    if not lake:
        return sql
    sql = _COMMENT.sub("", sql)
    for pattern in (_SEQUENCE_OR_INDEX, _TABLE_KEY, _SEQUENCE_DEFAULT, _COLUMN_KEY):
        sql = pattern.sub("", sql)
    return sql


#: Surrogate keys the DuckDB file draws from a sequence: table -> (key column, the columns that identify a row).
SURROGATE_KEYS = {"fetches": ("fetch_id", ("url", "fetched_at"))}


def with_surrogate_keys(table: str, rows: Sequence[Mapping[str, Any]], lake: bool) -> list[dict[str, Any]]:
    """On a DuckLake, rows of a table keyed by a sequence get a key derived from their identifying columns
    (the first 60 bits of a sha256), the same on every machine. The DuckDB file keeps its sequence."""
    if not lake or table not in SURROGATE_KEYS:
        return [dict(row) for row in rows]
    column, identity = SURROGATE_KEYS[table]
    return [{column: _content_key([row[name] for name in identity]), **row} for row in rows]


def _content_key(values: Sequence[Any]) -> int:
    text = "\x1f".join(v.isoformat() if isinstance(v, datetime) else str(v) for v in values)
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:15], 16)


# --- upserts -----------------------------------------------------------------------------------------------------


def upsert_run(con: duckdb.DuckDBPyConnection, lake: bool, row: Sequence[Any]) -> None:
    """A run starts (``row``: run_id, flow, started_at, parameters): a new ``runs`` row, or a rerun of the same id
    marked running again with its new start (its parameters stay the first run's)."""
    if not lake:
        con.execute(
            "insert into runs (run_id, flow, started_at, status, parameters) values (?, ?, ?, 'running', ?)"
            " on conflict (run_id) do update set started_at = excluded.started_at, status = 'running'",
            list(row),
        )
        return
    run_id, _flow, started_at, _parameters = row
    con.execute("update runs set started_at = ?, status = 'running' where run_id = ?", [started_at, run_id])
    con.execute(
        "insert into runs (run_id, flow, started_at, status, parameters) select ?, ?, ?, 'running', ?"
        " where not exists (select 1 from runs where run_id = ?)",
        [*row, run_id],
    )


def record_build(con: duckdb.DuckDBPyConnection, lake: bool, row: Sequence[Any]) -> None:
    """One ``derived_builds`` row (name, version, built_at, row_count, seconds), replacing the name's last one."""
    if not lake:
        con.execute("insert or replace into derived_builds values (?, ?, ?, ?, ?)", list(row))
        return
    con.execute("delete from derived_builds where name = ?", [row[0]])
    con.execute("insert into derived_builds values (?, ?, ?, ?, ?)", list(row))


# --- writers that would duplicate rows: made to conflict ---------------------------------------------------------

#: On a DuckLake, two transactions that only insert never conflict, so two writers storing the same new article
#: at once would both see it missing and both insert it. Every write transaction therefore also updates the one
#: row of this table: of two concurrent writers the second to commit conflicts, runs again on the new state
#: (``warehouse.connection.retry_conflicts``) and skips what the first stored. Fetching and extracting still run
#: in parallel; only the short store transactions take turns.
WRITE_MARK = "lake_writes"


def prepare_write_mark(con: duckdb.DuckDBPyConnection) -> None:
    """Create the write mark's table and row on a DuckLake (no-op on the file, whose one writer needs none)."""
    if not is_lake(con):
        return
    con.execute(f"create table if not exists {WRITE_MARK} (writes bigint not null)")
    con.execute(f"insert into {WRITE_MARK} select 0 where not exists (select 1 from {WRITE_MARK})")


def take_write_mark(con: duckdb.DuckDBPyConnection) -> None:
    """Inside a write transaction: update the write mark, so that a concurrent writer's commit conflicts."""
    if is_lake(con):
        con.execute(f"update {WRITE_MARK} set writes = writes + 1")


# --- conflicts ---------------------------------------------------------------------------------------------------


def is_conflict(exc: BaseException) -> bool:
    """Did a DuckLake commit fail because another writer committed a conflicting change first (so the whole
    transaction can run again on the new state)?"""
    if isinstance(exc, duckdb.TransactionException):
        return True
    text = str(exc)  # never a file's "Conflicting lock" (that one is waited out in warehouse.connection.connect)
    if isinstance(exc, duckdb.CatalogException):
        # Two processes migrating a new lake at once: the second finds the first one's table (measured); run
        # again, it sees the migration recorded and skips it.
        return "already exists" in text
    return isinstance(exc, duckdb.Error) and ("Transaction conflict" in text or "Failed to commit" in text)
