"""A backfill killed halfway (SIGKILL to a real ``claimtrack backfill`` process and its ephemeral Prefect server)
and started again with the same parameters finishes the rest, without duplicating a row."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import WarehouseError
from tests.conftest import FIXTURES, ROOT
from tests.httpserver import LocalServer
from warehouse.reads import run_sql

pytestmark = pytest.mark.slow

PAGES = 8
BATCH = 2
KYIV = (FIXTURES / "pages" / "kyiv-talks.html").read_bytes()


def articles(db: Path) -> int:
    try:
        return int(run_sql(db, "select count(*) from articles", timeout_s=5).rows[0][0])
    except WarehouseError:
        return 0  # not created yet, or the writer holds it right now


@pytest.fixture
def command(tmp_path: Path, server: LocalServer) -> Iterator[tuple[list[str], dict[str, str], Path]]:
    for n in range(PAGES):
        server.route(f"/p/{n}", KYIV)
    urls = tmp_path / "pages.txt"
    urls.write_text("".join(server.url(f"/p/{n}") + "\n" for n in range(PAGES)), encoding="utf-8")
    db = tmp_path / "claimtrack.duckdb"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120",
    )
    argv = [sys.executable, "-m", "claimtrack.cli", "backfill", "--urls-file", str(urls), "--allow-private"]
    argv += ["--batch-size", str(BATCH), "--db", str(db)]
    yield argv, env, db


def test_killed_backfill_resumes_without_duplicates(command: tuple[list[str], dict[str, str], Path]) -> None:
    argv, env, db = command
    first = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 300
        while articles(db) < BATCH:
            assert first.poll() is None, f"backfill ended before it could be killed:\n{first.communicate()[0]!r}"
            assert time.monotonic() < deadline, "no batch committed within 300 s"
            time.sleep(0.3)
    finally:
        # The whole process group: the CLI and the ephemeral Prefect server it started, as a crash would.
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    killed_at = articles(db)
    assert BATCH <= killed_at < PAGES, f"kill came too late to test resuming ({killed_at} of {PAGES} stored)"
    assert run_sql(db, "select status from runs").rows == [("running",)]  # the killed run never finished

    second = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, err = second.communicate(timeout=400)
    finally:
        if second.poll() is None:  # timed out: leave nothing running (the CLI and its ephemeral server)
            os.killpg(second.pid, signal.SIGKILL)
            second.wait(timeout=30)
    assert second.returncode == 0, out + err
    assert f"{PAGES // BATCH}/{PAGES // BATCH} batches" not in err  # it did not start from scratch
    assert "batches 100%" in err  # the progress bar reached the end

    rows = run_sql(
        db,
        "select (select count(*) from articles), (select count(distinct url) from articles),"
        " (select count(*) from fetches where error is null and role = 'page'),"
        " (select count(distinct url) from fetches where error is null and role = 'page'),"
        " (select count(*) from claim_records), (select count(distinct claim_id) from claim_records),"
        " (select count(*) from claims)",
    ).rows[0]
    assert rows[0] == rows[1] == PAGES
    assert rows[2] == rows[3] == PAGES  # each page fetched successfully exactly once over both runs
    assert rows[4] == rows[5] == rows[6] > 0
    statuses = run_sql(db, "select status, summary->'sources'->0->>'unchanged' from runs order by started_at").rows
    assert statuses[0] == ("running", None)
    assert statuses[1][0] == "completed" and int(statuses[1][1]) >= killed_at  # the resumed run skipped them
