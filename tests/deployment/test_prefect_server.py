"""The deployment as an operator runs it: ``prefect server start`` on loopback, the ``claimtrack`` process pool,
``prefect deploy --all`` from the real prefect.yaml, a worker, and triggered runs of both deployments against a
local HTTP source. Every process is stopped by its process id (its whole process group), even when a step fails.

Not under tests/flows/: that folder's autouse harness would start a second Prefect server.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from extractors.article import TEXT_EXTRACTOR_VERSION
from tests.conftest import FIXTURES, ROOT, SEED_ARTICLE
from tests.httpserver import LocalServer
from tests.sites import mostly_down_site
from warehouse.connection import writer
from warehouse.reads import run_sql

pytestmark = pytest.mark.slow

PREFECT = str(Path(sys.executable).with_name("prefect"))
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Example</title>
<item><title>Kyiv talks</title><link>{base}/world/kyiv-talks</link>
<pubDate>Mon, 12 Feb 2024 09:30:00 GMT</pubDate></item>
</channel></rss>"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stop_group(process: subprocess.Popen[bytes], grace_s: float = 30.0) -> None:
    """SIGTERM the process, wait, then SIGKILL whatever is left of its process group (flow-run children too)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace_s)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@dataclass
class Stack:
    api_url: str
    env: dict[str, str]
    db: Path
    sources: Path
    timings: dict[str, float] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: dict[str, Path] = field(default_factory=dict)

    def prefect(self, *args: str, timeout: float = 180) -> str:
        done = subprocess.run([PREFECT, *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"prefect {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = self.logs[name] = Path(self.env["PREFECT_HOME"]) / f"{name}.log"
        with log.open("wb") as out:
            # Own session = own process group, default signal handling: SIGTERM stops it (the `set -m` of shells).
            process = subprocess.Popen(
                [PREFECT, *args], cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes.append(process)
        return process

    def tail(self, name: str) -> str:
        return self.logs[name].read_text(errors="replace")[-3000:] if name in self.logs else ""

    def start_server(self, port: int) -> None:
        """``prefect server start`` on 127.0.0.1:``port``, waited for until its API answers healthy."""
        started = time.monotonic()
        server = self.start("server", "server", "start", "--host", "127.0.0.1", "--port", str(port))
        while True:
            assert server.poll() is None, f"prefect server exited:\n{self.tail('server')}"
            assert time.monotonic() - started < 240, f"server not healthy after 240 s:\n{self.tail('server')}"
            try:
                if httpx.get(f"{self.api_url}/health", timeout=2).json() is True:
                    break
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.2)
        self.timings["server start to healthy"] = time.monotonic() - started


def new_stack(tmp: Path, **settings: str) -> tuple[Stack, int]:
    """A stack living in ``tmp`` (its Prefect home, database and sources file) with an API on a free port, the
    caller's PREFECT_/CLAIMTRACK_ settings left out and ``settings`` added; returns it and the port."""
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CLAIMTRACK_"))}
    env.update(
        PREFECT_HOME=str(tmp / "prefect"),
        PREFECT_API_URL=api_url,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_LOGGING_LEVEL="INFO",
        PREFECT_WORKER_QUERY_SECONDS="2",
        # A scheduled run (cron */30) that comes due during the test reads only local files too.
        CLAIMTRACK_DB=str(tmp / "data" / "claimtrack.duckdb"),
        CLAIMTRACK_SOURCES=str(tmp / "sources.toml"),
        **settings,
    )
    Path(env["PREFECT_HOME"]).mkdir()
    return Stack(api_url=api_url, env=env, db=tmp / "data" / "claimtrack.duckdb", sources=tmp / "sources.toml"), port


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    state, port = new_stack(tmp_path_factory.mktemp("deployment"))
    try:
        state.start_server(port)

        mark = time.monotonic()
        state.prefect("work-pool", "create", "claimtrack", "--type", "process")
        state.timings["work-pool create"] = time.monotonic() - mark

        mark = time.monotonic()
        state.env["PIPELINE_DIR"] = str(ROOT)
        state.prefect("--no-prompt", "deploy", "--all")
        state.timings["deploy --all"] = time.monotonic() - mark

        mark = time.monotonic()
        worker = state.start("worker", "worker", "start", "--pool", "claimtrack")
        while "started" not in state.tail("worker"):
            assert worker.poll() is None, f"worker exited:\n{state.tail('worker')}"
            assert time.monotonic() - mark < 180, f"worker not started after 180 s:\n{state.tail('worker')}"
            time.sleep(0.2)
        state.timings["worker start"] = time.monotonic() - mark
        yield state
    finally:
        for process in reversed(state.processes):  # the worker before the server
            stop_group(process)
        print("\ndeployment timings (s): " + json.dumps({k: round(v, 1) for k, v in state.timings.items()}))


def wait_final(flow_run_id: Any, timeout_s: float = 420) -> Any:
    from prefect.client.orchestration import get_client

    deadline = time.monotonic() + timeout_s
    with get_client(sync_client=True) as client:
        while True:
            run = client.read_flow_run(flow_run_id)
            if run.state is not None and run.state.is_final():
                return run
            assert time.monotonic() < deadline, f"flow run {flow_run_id} still {run.state} after {timeout_s} s"
            time.sleep(1)


def run_logs(flow_run_id: Any, *, containing: str, wait_s: float = 30.0) -> list[str]:
    """The flow run's log messages on the server, once one holds ``containing``: a run's logs are shipped in batches
    and stored after the server has the run's final state, so they are polled for a while."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    deadline = time.monotonic() + wait_s
    while True:
        with get_client(sync_client=True) as client:
            logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
        messages = [log.message for log in logs]
        if any(containing in m for m in messages) or time.monotonic() > deadline:
            return messages
        time.sleep(1)


def test_deployments_run_on_a_real_server(stack: Stack, server: LocalServer, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from tests.artifacts import run_artifacts

    server.route("/feed.xml", FEED.format(base=server.base), content_type="application/rss+xml")
    server.route("/world/kyiv-talks", (FIXTURES / "pages" / "kyiv-talks.html").read_bytes())
    saved = stack.sources.parent / "saved"
    saved.mkdir(exist_ok=True)
    (saved / SEED_ARTICLE.name).write_bytes(SEED_ARTICLE.read_bytes())
    stack.sources.write_text(
        f'[[source]]\nname = "example-feed"\nkind = "feed"\nurl = "{server.url("/feed.xml")}"\nallow_private = true\n\n'
        '[[source]]\nname = "saved"\nkind = "directory"\npath = "saved"\n',
        encoding="utf-8",
    )

    with temporary_settings(updates={PREFECT_API_URL: stack.api_url}):
        with get_client(sync_client=True) as client:
            ingest_deployment = client.read_deployment_by_name("ingest/ingest")
            backfill_deployment = client.read_deployment_by_name("backfill/backfill")
        schedule = ingest_deployment.schedules[0]
        assert schedule.active and schedule.schedule.cron == "*/30 * * * *"  # type: ignore[union-attr]
        assert schedule.schedule.timezone == "UTC"  # type: ignore[union-attr]
        assert ingest_deployment.concurrency_options is not None
        assert ingest_deployment.concurrency_options.collision_strategy == "CANCEL_NEW"
        assert ingest_deployment.global_concurrency_limit is not None
        assert ingest_deployment.global_concurrency_limit.limit == 1
        assert ingest_deployment.work_pool_name == backfill_deployment.work_pool_name == "claimtrack"
        assert ingest_deployment.pull_steps == [
            {"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}
        ]  # resolved at deploy time from PIPELINE_DIR
        assert not backfill_deployment.schedules
        # Parameters are one pydantic model per flow (flows.params): the UI's form, with its bounds, and a run
        # whose parameters break them is refused before it is created.
        form = backfill_deployment.parameter_openapi_schema["definitions"]["BackfillParams"]["properties"]
        assert form["batch_size"]["minimum"] == 1 and {"format": "date", "type": "string"} in form["since"]["anyOf"]
        with pytest.raises(Exception, match="batch_size"):
            run_deployment("backfill/backfill", parameters={"params": {"batch_size": 0}}, timeout=0, as_subflow=False)

        # 1. The scheduled flow, triggered now, against the local source.
        mark = time.monotonic()
        parameters = {"params": {"sources": str(stack.sources), "db": str(stack.db)}}  # flows.params.IngestParams
        triggered = run_deployment("ingest/ingest", parameters=parameters, timeout=0, as_subflow=False)
        ingest_run = wait_final(triggered.id)  # type: ignore[union-attr]
        stack.timings["ingest triggered to Completed"] = time.monotonic() - mark
        assert ingest_run.state.is_completed(), f"{ingest_run.state}\n{stack.tail('worker')}"

        rows = run_sql(stack.db, "select source, count(*) from articles group by 1 order by 1").rows
        assert rows == [("example-feed", 1), ("saved", 1)]
        run_row = run_sql(stack.db, "select run_id, flow, status, summary->>'claims_total' from runs").rows
        claims_now = int(run_sql(stack.db, "select count(*) from claims").rows[0][0])
        assert run_row == [(str(ingest_run.id), "ingest", "completed", str(claims_now))] and claims_now > 16
        artifacts = run_artifacts(str(ingest_run.id))
        table = {row["source"]: row for row in artifacts["ingest-summary"]}
        assert table["example-feed"]["fetched"] == 1 and table["example-feed"]["articles"] == 1
        assert table["saved"]["claims"] == 16 and table["total"]["articles"] == 2
        notes = artifacts["position-changes"]  # positions were refreshed at the end of the run
        assert "Notable position changes in run" in notes and "## New statements" in notes
        assert any("batch 1/1 stored" in line for line in run_logs(ingest_run.id, containing="batch 1/1 stored"))

        # 2. A reprocess backfill: the saved article looks stale (older article and claims extractors) and is
        # extracted again from the raw archive, with no network.
        with writer(stack.db) as con:
            con.execute(
                "update articles set claims_version = 'claims/0+old', extractor_version = 'text/0'"
                " where source = 'saved'"
            )
        assert int(run_sql(stack.db, "select count(*) from claims").rows[0][0]) == claims_now - 16
        feed_hits = server.hits("/feed.xml")
        mark = time.monotonic()
        # Through the command line, as an operator would: it follows the run and exits 0 once it completed.
        cli = subprocess.run(
            [sys.executable, "-m", "claimtrack.cli", "backfill", "--reprocess", "--db", str(stack.db), "--deployment"],
            cwd=ROOT,
            env=stack.env,
            capture_output=True,
            text=True,
            timeout=420,
        )
        assert cli.returncode == 0, cli.stdout + cli.stderr + stack.tail("worker")
        created = re.search(r"flow run \S+ \(([0-9a-f-]{36})\) created for backfill/backfill", cli.stderr)
        assert created and "Completed" in cli.stderr, cli.stderr
        backfill_run = wait_final(created.group(1))
        stack.timings["backfill(reprocess) triggered to Completed"] = time.monotonic() - mark
        assert backfill_run.state.is_completed(), f"{backfill_run.state}\n{stack.tail('worker')}"
        assert int(run_sql(stack.db, "select count(*) from claims").rows[0][0]) == claims_now
        assert server.hits("/feed.xml") == feed_hits  # no network
        status = run_sql(
            stack.db, f"select flow, status, summary->>'batches' from runs where run_id = '{backfill_run.id}'"
        ).rows
        assert status == [("backfill", "completed", "1")]
        table = {row["source"]: row for row in run_artifacts(str(backfill_run.id))["backfill-summary"]}
        assert table["saved"]["articles"] == 1 and table["saved"]["fetched"] == 1  # text re-made from the raw page
        saved = run_sql(stack.db, "select extractor_version from articles where source = 'saved'").rows
        assert saved == [(TEXT_EXTRACTOR_VERSION,)]

        # 3. Runs never overlap: a second ingest while one is going is cancelled, not queued.
        first = run_deployment("ingest/ingest", parameters=parameters, timeout=0, as_subflow=False)
        with get_client(sync_client=True) as client:
            deadline = time.monotonic() + 300
            while not client.read_flow_run(first.id).state.is_running():  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "first ingest never started running"
                time.sleep(0.5)
        second = run_deployment("ingest/ingest", parameters=parameters, timeout=0, as_subflow=False)
        states = {wait_final(first.id).state.type.value, wait_final(second.id).state.type.value}  # type: ignore[union-attr]
        assert states == {"COMPLETED", "CANCELLED"}, states


@contextlib.contextmanager
def webhook_receiver() -> Iterator[tuple[str, list[bytes]]]:
    """A loopback endpoint that records the body of every POST (a chat or paging service, for the test)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received: list[bytes] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/hook", received
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_degraded_run_notifies_through_the_documented_automation(stack: Stack, tmp_path: Path) -> None:
    """docs/deploy.md "Alerts": a notification block, ``python -m flows.alerts BLOCK``, then a scheduled ingest in
    which most sources fail ends Degraded and the block is notified."""
    from prefect.blocks.notifications import CustomWebhookNotificationBlock
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    sources = mostly_down_site(tmp_path)
    with webhook_receiver() as (hook, received), temporary_settings(updates={PREFECT_API_URL: stack.api_url}):
        block = CustomWebhookNotificationBlock(
            name="claimtrack-alerts",
            url=hook,
            json_data={"subject": "{{subject}}", "body": "{{body}}"},
            allow_private_urls=True,  # the test's endpoint is on loopback
        )
        block.save("claimtrack-alerts", overwrite=True)
        mark = time.monotonic()
        created = subprocess.run(
            [sys.executable, "-m", "flows.alerts", "custom-webhook/claimtrack-alerts"],
            cwd=ROOT,
            env=stack.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert created.returncode == 0, created.stdout + created.stderr
        assert "notifies through custom-webhook/claimtrack-alerts" in created.stdout
        stack.timings["automation create"] = time.monotonic() - mark

        mark = time.monotonic()
        db = tmp_path / "degraded.duckdb"
        parameters = {"params": {"sources": str(sources), "db": str(db)}}
        triggered = run_deployment("ingest/ingest", parameters=parameters, timeout=0, as_subflow=False)
        degraded = wait_final(triggered.id)  # type: ignore[union-attr]
        assert degraded.state.is_completed() and degraded.state.name == "Degraded", degraded.state
        assert "2 of 3 sources got nothing but failures: down-1, down-2" in (degraded.state.message or "")
        assert run_sql(db, "select status from runs").rows == [("degraded",)]
        deadline = time.monotonic() + 120
        while not received:
            assert time.monotonic() < deadline, f"no notification after 120 s\n{stack.tail('server')}"
            time.sleep(0.5)
        stack.timings["degraded run triggered to notified"] = time.monotonic() - mark
    message = json.loads(received[0])
    assert message["subject"] == f"claimtrack: ingest run {degraded.name} degraded", message
    assert "down-1, down-2" in message["body"] and str(degraded.id) in message["body"], message
