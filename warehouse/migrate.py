"""Numbered SQL migrations of the tables, applied in order on open, each in its own transaction with its
bookkeeping row.

Files are ``warehouse/migrations/NNN_description.sql`` (tables and indexes only: views and table macros are
re-created from ``warehouse/views/`` afterwards, ``warehouse.schema``); ``schema_migrations`` records which ran.
A database written by an older claimtrack upgrades in place; one written by a newer claimtrack is refused (it may
hold columns this version does not know).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb

from core.errors import WarehouseError
from warehouse.backend import is_lake, table_sql

_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


@cache
def migrations(folder: Path | None = None) -> tuple[Migration, ...]:
    """All migrations, checked: numbers unique and without gaps."""
    root = folder or Path(str(resources.files("warehouse").joinpath("migrations")))
    found: dict[int, Migration] = {}
    for path in sorted(root.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise WarehouseError(f"migration file {path.name} does not match NNN_description.sql")
        version = int(match.group(1))
        if version in found:
            raise WarehouseError(f"two migrations numbered {version:03d}: {found[version].name}, {path.name}")
        found[version] = Migration(version, match.group(2), path.read_text(encoding="utf-8"))
    versions = sorted(found)
    if versions != list(range(1, len(versions) + 1)):
        raise WarehouseError(f"migration numbers must run 001..{len(versions):03d} without gaps: {versions}")
    return tuple(found[v] for v in versions)


def latest_version(folder: Path | None = None) -> int:
    return migrations(folder)[-1].version


def applied_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'schema_migrations'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("select coalesce(max(version), 0) from schema_migrations").fetchone()
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection, target: int | None = None, folder: Path | None = None) -> list[int]:
    """Apply pending migrations up to ``target`` (default: all). Returns the versions applied. On a DuckLake the
    tables are made without keys (``warehouse.backend.table_sql``)."""
    lake = is_lake(con)
    con.execute(
        table_sql(
            "create table if not exists schema_migrations ("
            " version integer primary key, name varchar not null, applied_at timestamptz not null)",
            lake,
        )
    )
    current = applied_version(con)
    newest = latest_version(folder)
    if current > newest:
        raise WarehouseError(
            f"database schema is version {current}, newer than this claimtrack knows ({newest}); upgrade claimtrack"
        )
    applied = []
    for migration in migrations(folder):
        if migration.version <= current or (target is not None and migration.version > target):
            continue
        con.execute("begin transaction")
        try:
            con.execute(table_sql(migration.sql, lake))
            con.execute(
                "insert into schema_migrations values (?, ?, ?)",
                [migration.version, migration.name, datetime.now(UTC)],
            )
            con.execute("commit")
        except Exception as exc:
            con.execute("rollback")
            raise WarehouseError(f"migration {migration.version:03d}_{migration.name} failed: {exc}") from exc
        applied.append(migration.version)
    return applied
