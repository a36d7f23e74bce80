"""Killing a local ``claimtrack ingest`` (issue 15, item 9) left Prefect's local API server running: a uvicorn child
of ~200 MB, still listening 80 s later. The child now leaves with its parent, however the parent goes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.httpserver import LocalServer
from tests.sites import held_page_site

pytestmark = pytest.mark.slow

CLAIMTRACK = Path(sys.executable).parent / "claimtrack"


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_the_local_api_server_dies_with_a_killed_ingest(tmp_path: Path, server: LocalServer) -> None:
    sources, arrived, release = held_page_site(server, tmp_path)
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)  # local ephemeral mode: the command starts its own API server
    ingest = subprocess.Popen(
        [str(CLAIMTRACK), "ingest", "--sources", str(sources), "--db", str(tmp_path / "c.duckdb"), "--processes", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    api: list[int] = []
    try:
        assert arrived.wait(180), "the ingest never asked for the page"
        api = [pid for pid in children(ingest.pid) if any(k in command_line(pid) for k in ("uvicorn", "apiserver"))]
        assert api, f"no API server child: {[command_line(pid) for pid in children(ingest.pid)]}"
        ingest.send_signal(signal.SIGKILL)
        ingest.wait()
        deadline = time.monotonic() + 20
        while any(alive(pid) for pid in api) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(alive(pid) for pid in api), "Prefect's API server outlived the ingest it served"
    finally:
        release.set()
        for pid in api:  # without the fix it would stay behind: do not leave it to the next test
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
