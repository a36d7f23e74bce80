"""A full disk during an ingest (issue 15, item 7): every later batch was fetched, extracted and stored three times
(the store task's retries) before a raw ``OSError`` traceback from the raw archive. Now the run stops at the first
"no space left": what was committed is kept, the summary is printed, and the exit status is not 0.

Two ways to run out of room, both without root:

- ``ulimit -f`` (``RLIMIT_FSIZE``): no file may grow past a size, so a write past it fails with ``EFBIG`` ("File
  too large"), which claimtrack treats like a full disk. It works everywhere, CI included; the limit is above what
  the database and Prefect's own files reach in this run, and below the one big page.
- a real full filesystem: a 16 MB ``tmpfs`` mounted over the data folder inside a user and mount namespace
  (``unshare -Urm``), which gives ``ENOSPC`` ("No space left on device"). Skipped where unprivileged user
  namespaces are not allowed (some CI runners).
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import FIXTURES
from tests.httpserver import LocalServer

pytestmark = pytest.mark.slow

CLAIMTRACK = Path(sys.executable).parent / "claimtrack"
KYIV = (FIXTURES / "pages" / "kyiv-talks.html").read_bytes()
#: Incompressible (about 14 MB once gzip-compressed for the raw archive) and no article in it.
BIG = b"<html><body><p>" + base64.b64encode(os.urandom(14_000_000)) + b"</p></body></html>"
FILE_LIMIT_KB = 12 * 1024


def story(i: int) -> bytes:
    return KYIV.replace(b"<title>", f"<title>Story {i}: ".encode(), 1).replace(b"<p>", f"<p>Dispatch {i}. ".encode(), 1)


def unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-Urm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"], capture_output=True, timeout=30
    )
    return probe.returncode == 0


def run_ingest(kind: str, tmp_path: Path, sources: Path, data: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),  # outside the full filesystem: Prefect's files are not ours
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    ingest = f"exec '{CLAIMTRACK}' ingest --sources '{sources}' --db '{data}/claimtrack.duckdb' --processes 1"
    if kind == "ulimit":
        command = ["bash", "-c", f"ulimit -f {FILE_LIMIT_KB} && {ingest}"]
    else:
        command = ["unshare", "-Urm", "sh", "-c", f"mount -t tmpfs -o size=16m tmpfs '{data}' && {ingest}"]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.parametrize("kind", ["ulimit", "tmpfs"])
def test_full_disk_stops_the_run_keeps_what_was_committed(kind: str, tmp_path: Path, server: LocalServer) -> None:
    if kind == "tmpfs" and not unshare_works():
        pytest.skip("unprivileged user namespaces (unshare -Urm) are not allowed here")
    pages = [f"/story/{i}" for i in range(7)]
    for i, path in enumerate(pages):
        server.route(path, BIG if i == 2 else story(i))
    data = tmp_path / "data"
    data.mkdir()
    sources = tmp_path / "sources.toml"
    urls = ", ".join(f'"{server.url(path)}"' for path in pages)
    sources.write_text(
        "[crawler]\nper_host_delay_s = 0\nbatch_size = 2\nmax_body_bytes = 30000000\n\n"
        f'[[source]]\nname = "wire"\nkind = "urls"\nurls = [{urls}]\nallow_private = true\n',
        encoding="utf-8",
    )

    done = run_ingest(kind, tmp_path, sources, data)

    assert done.returncode not in (0, None), done.stdout + done.stderr
    # It ends with one line that says what happened, not an uncaught traceback (Prefect's own log of the failed
    # task and flow may show theirs above it).
    last = [line for line in done.stderr.splitlines() if line.strip()][-1]
    assert last.startswith("claimtrack: error: no space left to write"), done.stderr[-3000:]
    assert "Retry 1/2" not in done.stderr  # the store task is not tried again
    assert "ingest run" in done.stdout and "wire" in done.stdout  # the summary, as far as the run got
    # Batches of two: 0-1 stored; 2-3 is the batch that hit the full disk; 4-5 may have been fetched while it was
    # extracted (one batch ahead), but nothing after it.
    assert server.hits("/story/6") == 0
    assert all(server.hits(path) == 1 for path in pages[:4])  # the failing batch was not tried again
    con = duckdb.connect(str(data / "claimtrack.duckdb"), read_only=True) if kind == "ulimit" else None
    if con is not None:  # the tmpfs went away with its namespace; the ulimit run's database is still here
        try:
            assert con.execute("select count(*) from articles").fetchone() == (2,)
            assert con.execute("select status from runs").fetchall() == [("failed",)]
        finally:
            con.close()
