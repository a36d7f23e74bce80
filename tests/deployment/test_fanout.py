"""Fan-out on the work pool, with real parts: ``prefect server start``, the ``claimtrack`` process pool with two
workers (separate processes, as two machines would run them), ``prefect deploy --all``, a DuckLake on a
throwaway Postgres, and a local site of 200 pages in four sources. ``ingest`` with ``shards=2`` runs each shard as
a flow run of ``ingest/ingest-shard``; the rows at the end equal a single-file run's of the same site, table by
table. Then one worker is killed (with its flow-run processes, as if its machine died) in the middle of a shard:
the shard runs again on the other worker and the totals still match.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from flows.refresh import refresh_positions
from tests.conftest import ROOT
from tests.crawlrun import FAST, run_once
from tests.deployment.test_prefect_server import Stack, new_stack, stop_group
from tests.httpserver import LocalServer
from tests.pgserver import PostgresServer
from tests.test_crawl import article, feed_source, rss
from tests.test_ducklake import VOLATILE, snapshot

pytestmark = pytest.mark.slow

CLAIMTRACK = Path(sys.executable).parent / "claimtrack"
SOURCES, PAGES = 4, 50
#: Prefect's shortest heartbeat period: a shard whose process died is noticed after 2.5 of them (flows.fanout).
HEARTBEAT_S = 30


def site(server: LocalServer) -> None:
    """Four feeds of 50 pages each; every page one attributed statement (so claims, statements and topics)."""
    for s in range(SOURCES):
        paths = [f"/s{s}/p{p}" for p in range(PAGES)]
        server.route(f"/s{s}/feed.xml", rss(*paths), content_type="application/rss+xml")
        for p, path in enumerate(paths):
            words = f"The foreign minister of Brazil said that talks number {s * PAGES + p} on trade would resume."
            server.route(path, article(f"Talks {s}-{p}", words))


def sources_toml(server: LocalServer) -> str:
    feeds = "".join(
        f'[[source]]\nname = "feed-{s}"\nkind = "feed"\nurl = "{server.url(f"/s{s}/feed.xml")}"\n'
        "allow_private = true\n\n"
        for s in range(SOURCES)
    )
    # Slow enough that a shard is still fetching when a worker is killed; 10 pages per store transaction.
    return f"[crawler]\nper_host_delay_s = 0.15\nbatch_size = 10\n\n{feeds}"


def descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (flow runs a process worker starts may sit in sessions of their own)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found.extend(children)
        frontier = children
    return found


@pytest.fixture(scope="module")
def lake_stack(tmp_path_factory: pytest.TempPathFactory, postgres: PostgresServer) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("fanout")
    state, port = new_stack(
        tmp,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY=str(HEARTBEAT_S),
        CLAIMTRACK_PROCESSES="1",
        CLAIMTRACK_WAREHOUSE="ducklake",
        CLAIMTRACK_LAKE_CATALOG=postgres.create_database(f"fanout_{os.getpid()}"),
        CLAIMTRACK_LAKE_DATA=str(tmp / "lake"),
        PIPELINE_DIR=str(ROOT),
    )
    (tmp / "lake").mkdir()
    try:
        started = time.monotonic()
        state.start_server(port)
        state.prefect("work-pool", "create", "claimtrack", "--type", "process")
        state.prefect("--no-prompt", "deploy", "--all")
        for name in ("worker-a", "worker-b"):
            state.start(name, "worker", "start", "--pool", "claimtrack", "--name", name, "--limit", "1")
        for name in ("worker-a", "worker-b"):
            deadline = time.monotonic() + 180
            while "started" not in state.tail(name):
                assert time.monotonic() < deadline, f"{name} not started:\n{state.tail(name)}"
                time.sleep(0.2)
        state.timings["stack up"] = time.monotonic() - started
        yield state
    finally:
        for process in reversed(state.processes):
            for child in descendants(process.pid):
                with_suppressed_kill(child)
            stop_group(process)
        print("\nfan-out timings (s): " + json.dumps({k: round(v, 1) for k, v in state.timings.items()}))


def with_suppressed_kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def single_file_rows(server: LocalServer, path: Path, nlp: Language, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The same site ingested into a DuckDB file, in this process, by the functions the flow's tasks call."""
    from crawler.sources import Source

    monkeypatch.setenv("CLAIMTRACK_WAREHOUSE", "duckdb")
    sources: list[Source] = [feed_source(server, name=f"feed-{s}", path=f"/s{s}/feed.xml") for s in range(SOURCES)]
    run_once(sources, path, FAST, nlp=nlp)
    refresh_positions(path, nlp=nlp)
    return comparable(snapshot(path, VOLATILE | {"run_id"}))


def comparable(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """What two ingests of one site agree on, whatever their runs (``run_id`` left out by the caller): no ``runs``
    rows (a fan-out has one per shard run), and fetches as a set (a rerun shard fetches again what its killed run
    had fetched but not stored)."""
    kept = {table: found for table, found in rows.items() if table not in ("runs", "derived_builds")}
    kept["fetches"] = sorted(set(kept["fetches"]), key=repr)
    return kept


def test_fanout_on_two_workers_survives_a_killed_worker_and_matches_a_single_file_run(
    lake_stack: Stack, server: LocalServer, tmp_path: Path, nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:

    site(server)
    lake_stack.sources.write_text(sources_toml(server), encoding="utf-8")
    expected = single_file_rows(server, tmp_path / "single" / "claimtrack.duckdb", nlp, monkeypatch)
    assert len(expected["articles"]) == SOURCES * PAGES and expected["statements"]

    # The parent is `claimtrack ingest --shards 2` in a process of its own (a Prefect flow run in this one would
    # leave Prefect's background services pointing at this stack's server after it stops); its two shards go to
    # the pool, where each worker takes one (--limit 1).
    for key in ("CLAIMTRACK_WAREHOUSE", "CLAIMTRACK_LAKE_CATALOG", "CLAIMTRACK_LAKE_DATA"):
        monkeypatch.setenv(key, lake_stack.env[key])
    mark = time.monotonic()
    parent = subprocess.Popen(
        [str(CLAIMTRACK), "ingest", "--shards", "2", "--processes", "1", "--json",
         "--sources", str(lake_stack.sources), "--db", str(lake_stack.db)],
        cwd=ROOT, env=lake_stack.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        # worker-b dies (with its flow-run process, as if its machine stopped) once its shard stored 3 batches.
        deadline = time.monotonic() + 600
        while not re.search(r"batch 3/\d+ stored", lake_stack.tail("worker-b")):
            assert time.monotonic() < deadline and parent.poll() is None, lake_stack.tail("worker-b")
            time.sleep(0.5)
        victim = next(p for p in lake_stack.processes if "worker-b" in p.args)  # type: ignore[operator]
        for child in descendants(victim.pid):
            with_suppressed_kill(child)
        with_suppressed_kill(victim.pid)
        lake_stack.timings["worker-b killed after"] = time.monotonic() - mark
        out, err = parent.communicate(timeout=900)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
    lake_stack.timings["fan-out, 200 pages, 2 shards, one worker killed"] = time.monotonic() - mark
    assert parent.returncode == 0, f"{err[-3000:]}\n{lake_stack.tail('worker-a')}"
    shards = {s["shard"]: s for s in json.loads(out)["shards"]}
    assert all(s["state"] == "Completed" for s in shards.values()), shards
    assert max(s["runs"] for s in shards.values()) == 2, shards  # the killed worker's shard ran again
    found = comparable(snapshot(lake_stack.db, VOLATILE | {"run_id"}))
    assert set(found) == set(expected)
    for table in expected:
        assert found[table] == expected[table], table
