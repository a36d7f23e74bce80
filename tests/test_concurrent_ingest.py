"""Two ``claimtrack ingest`` runs started at once on one database (issue 15, item 10) both fetched and extracted
everything, and the second stored nothing. The second now exits at once (before Prefect starts) with a message
that says which process holds the database; the first goes on undisturbed.

Why exit rather than wait: on a Prefect server a second ingest of the deployment is cancelled, not queued
(``prefect.yaml``: one run at a time), and a local run that waited would do nothing the first one did not.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.httpserver import LocalServer
from tests.sites import held_page_site

pytestmark = pytest.mark.slow

CLAIMTRACK = Path(sys.executable).parent / "claimtrack"


def ingest(sources: Path, db: Path, prefect_home: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PREFECT_HOME": str(prefect_home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    return subprocess.Popen(
        [str(CLAIMTRACK), "ingest", "--sources", str(sources), "--db", str(db), "--processes", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def test_a_second_ingest_on_the_same_database_exits_at_once(tmp_path: Path, server: LocalServer) -> None:
    sources, arrived, release = held_page_site(server, tmp_path)  # held until the second ingest has come and gone
    db = tmp_path / "data" / "claimtrack.duckdb"
    first = ingest(sources, db, tmp_path / "prefect-1")
    try:
        assert arrived.wait(180), "the first ingest never asked for the page"
        started = time.monotonic()
        second = ingest(sources, db, tmp_path / "prefect-2")
        out, err = second.communicate(timeout=120)
        took = time.monotonic() - started
        assert second.returncode == 2, out + err
        assert f"another ingest is running on {db} (pid {first.pid}" in err
        assert took < 8, f"the second ingest took {took:.1f}s to give up"  # Prefect's start-up alone takes longer
        assert "Traceback" not in err
    finally:
        release.set()
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, out + err
    assert server.hits("/world/kyiv-talks") == 1  # fetched once, by the first ingest only


HOLDER = """
import sys, time
from pathlib import Path
from flows.runlock import one_run_per_database
with one_run_per_database(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(600)
"""


def test_the_lock_names_its_holder_and_dies_with_it(tmp_path: Path) -> None:
    """The flow takes the same lock (a deployment's run, or ``ingest()`` called from Python), and a holder killed
    outright (SIGKILL) leaves a lock file that no longer blocks anyone."""
    from core.errors import RunInProgress
    from flows.runlock import one_run_per_database

    db = tmp_path / "data" / "claimtrack.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        taken = f"another ingest is running on .* \\(pid {holder.pid}, started "
        with pytest.raises(RunInProgress, match=taken), one_run_per_database(db):
            pass
    finally:
        holder.kill()
        holder.wait()
    with one_run_per_database(db), one_run_per_database(db):  # free again; and the same process may nest it
        pass
