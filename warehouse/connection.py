"""Opening the DuckDB file: one writer process at a time, readers ``read_only``, both retrying on the lock.

DuckDB lets one process open a file read-write, or many open it read-only, never both. The pipeline
therefore holds the write lock only for one short transaction per batch (``writer``), and readers
(``claimtrack sql``, reports) retry for a few seconds until a gap between batches lets them in.
"""

from __future__ import annotations

import errno
import functools
import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

import duckdb

from core.errors import DatabaseLocked, DiskFull, WarehouseError
from warehouse.backend import is_conflict, lake_connection, settings, take_write_mark

log = logging.getLogger(__name__)

_P = ParamSpec("_P")
_T = TypeVar("_T")

#: How long a writer waits for readers (or another writer) to let go of the file.
WRITE_LOCK_TIMEOUT_S = 120.0
#: How many times a write whose DuckLake commit conflicted with another writer's runs again (from the start, on
#: the new state: the writes skip what is stored, so a rerun adds only what is missing).
CONFLICT_RETRIES = 20
#: How long a reader waits for the writer's current batch to finish.
READ_LOCK_TIMEOUT_S = 30.0
#: DuckDB settings of the connection ad-hoc SQL runs on (``claimtrack sql``): read-only is not enough, since SQL
#: can ATTACH another file read-write (or this one, through a hard link), COPY or EXPORT to any path, point
#: profiling output at a file, or INSTALL an extension from the network. No file or network access beyond the
#: database itself, no extension loading, and the configuration locked so that SQL cannot turn any of it back on.
SANDBOX_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}


#: ``errno`` values that mean "no room to write": a full disk, a quota, a file size limit (``ulimit -f``).
_NO_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
#: How DuckDB words the same (it reports the OS error as text).
_NO_SPACE_WORDS = ("No space left on device", "Disk quota exceeded", "File too large")


def out_of_space(exc: BaseException) -> bool:
    """Did ``exc`` (or an exception it was raised from or while handling) fail for lack of room to write?"""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in _NO_SPACE_ERRNOS:
            return True
        if isinstance(seen, duckdb.Error) and any(words in str(seen) for words in _NO_SPACE_WORDS):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def disk_full(exc: BaseException, where: Path) -> DiskFull:
    return DiskFull(
        f"no space left to write {where} ({exc}). Everything committed before is kept: free some space (or raise "
        "the quota) and run again; only what is missing is done"
    )


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc)
    return "lock" in text.lower() and ("Conflicting lock" in text or "Could not set lock" in text)


def connect(
    db: Path,
    *,
    read_only: bool = False,
    timeout_s: float | None = None,
    config: dict[str, str | bool | int | float | list[str]] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open ``db``, retrying with jittered backoff while another process holds a conflicting lock. ``config``:
    DuckDB settings for the connection (:data:`SANDBOX_CONFIG` for ad-hoc SQL). With ``CLAIMTRACK_WAREHOUSE=ducklake``
    the DuckLake is opened instead (``warehouse.backend``): no file lock, any number of writers."""
    lake = settings()
    if lake.is_lake:
        return lake_connection(lake, config)
    if read_only and not db.exists():
        raise WarehouseError(f"no database at {db}: run `make run` (or `claimtrack ingest --db {db}`) first")
    if not read_only:
        db.parent.mkdir(parents=True, exist_ok=True)
    limit = timeout_s if timeout_s is not None else (READ_LOCK_TIMEOUT_S if read_only else WRITE_LOCK_TIMEOUT_S)
    deadline = time.monotonic() + limit
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(db), read_only=read_only, config=config or {})
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise WarehouseError(f"cannot open {db}: {exc}") from None
            if time.monotonic() >= deadline:
                holder = "another process is writing to it" if read_only else "another process has it open"
                raise DatabaseLocked(
                    f"{db} stayed locked for {limit:g}s ({holder}). Retry in a moment; see docs/schema.md, "
                    f"'Querying while a run is going on'. DuckDB said: {exc}"
                ) from None
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 1.6, 0.5)


@contextmanager
def reader(db: Path, *, timeout_s: float | None = None, sandboxed: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, closed on exit so the writer can get in again; ``sandboxed`` for SQL we did not
    write (:data:`SANDBOX_CONFIG`)."""
    con = connect(db, read_only=True, timeout_s=timeout_s, config=SANDBOX_CONFIG if sandboxed else None)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def writer(db: Path, *, timeout_s: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection on an up-to-date database (migrations, then views: ``warehouse.schema``), inside
    one transaction (commit on success)."""
    from warehouse.schema import upgrade

    try:
        con = connect(db, read_only=False, timeout_s=timeout_s)
    except WarehouseError as exc:
        if out_of_space(exc):
            raise disk_full(exc, db) from exc
        raise
    try:
        upgrade(con)
        con.execute("begin transaction")
        try:
            take_write_mark(con)
            yield con
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")
    except (duckdb.Error, OSError) as exc:
        if out_of_space(exc):
            raise disk_full(exc, db) from exc
        raise
    finally:
        con.close()


def retry_conflicts(write: Callable[_P, _T]) -> Callable[_P, _T]:
    """Run ``write`` (one ``writer`` transaction) again when its commit conflicted with another writer's (DuckLake:
    two processes changed the same table's rows, or both created a table), after a short jittered wait."""

    @functools.wraps(write)
    def again(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        delay = 0.05
        for attempt in range(CONFLICT_RETRIES + 1):
            try:
                return write(*args, **kwargs)
            except (duckdb.Error, WarehouseError) as exc:
                cause = exc.__cause__ if isinstance(exc, WarehouseError) else exc
                if attempt == CONFLICT_RETRIES or cause is None or not is_conflict(cause):
                    raise
                log.info("%s: the commit conflicted with another writer's, running it again", write.__name__)
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 2.0)
        raise AssertionError("unreachable")

    return again
