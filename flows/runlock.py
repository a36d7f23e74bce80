"""One ``ingest`` per database at a time, on this machine.

Two ingests started together on one database (a cron entry and a hand-started run, say) both fetched and
extracted everything, and the second stored nothing. The second now stops at once: :func:`one_run_per_database`
takes an exclusive ``flock`` on ``<db>.ingest.lock`` for the run, and another process that finds it taken raises
:class:`~core.errors.RunInProgress` naming the holder. The kernel drops the lock when its holder exits, however it
exits (a crash or SIGKILL included), so a lock file left behind never blocks a later run.

On a Prefect server the deployment does the same for its own runs (one at a time; a second is cancelled, not
queued): the lock also covers a local ``claimtrack ingest`` started beside a deployment's run.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from core.errors import RunInProgress

#: Lock files this process holds (path -> file descriptor): the command line takes the lock before Prefect starts,
#: and the flow it runs then finds it held already.
_held: dict[Path, int] = {}


def lock_path(db: Path, flow: str) -> Path:
    return db.resolve().with_name(f"{db.name}.{flow}.lock")


@contextmanager
def one_run_per_database(db: Path, flow: str = "ingest") -> Iterator[None]:
    """Hold ``<db>.<flow>.lock`` for the block; raise :class:`RunInProgress` at once if another process holds it."""
    path = lock_path(db, flow)
    if path in _held:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(handle, 200, 0).decode("utf-8", "replace").strip() or "another process"
        os.close(handle)
        raise RunInProgress(
            f"another {flow} is running on {db} ({holder}): this one did nothing. Let it finish (or stop it), "
            "then run again"
        ) from None
    os.ftruncate(handle, 0)
    os.pwrite(handle, f"pid {os.getpid()}, started {datetime.now():%Y-%m-%d %H:%M:%S}\n".encode(), 0)
    _held[path] = handle
    try:
        yield
    finally:
        del _held[path]
        os.close(handle)  # releases the lock
