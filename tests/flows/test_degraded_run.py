"""A run in which most sources got nothing but failures ends in a Prefect state an operator can act on: Completed,
named ``Degraded`` (docs/deploy.md has the automation that notifies on it), status ``degraded`` in ``runs``; the
command prints a warning and still exits 0 (what was reachable is stored)."""

from __future__ import annotations

from pathlib import Path

import pytest
from prefect.client.orchestration import get_client

from claimtrack.cli import main
from tests.sites import mostly_down_site
from warehouse.reads import run_sql


def test_most_sources_failing_is_a_degraded_run(tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "--sources", str(mostly_down_site(tmp_path)), "--db", str(db), "--processes", "1"]) == 0
    captured = capsys.readouterr()
    assert "2 of 3 sources got nothing but failures: down-1, down-2" in captured.err
    ((run_id, status),) = run_sql(db, "select run_id, status from runs").rows
    assert status == "degraded"
    with get_client(sync_client=True) as client:
        state = client.read_flow_run(run_id).state
    assert state is not None and state.is_completed() and state.name == "Degraded", state
    assert "down-1" in (state.message or "")
    assert run_sql(db, "select count(*) from articles").rows == [(1,)]  # what was reachable is stored
