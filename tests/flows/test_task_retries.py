"""The real ``ingest`` flow when a task fails once: an extraction worker process killed mid-batch (as the kernel's
OOM killer would) fails the batch's extract task, which Prefect retries with a new pool, and the run completes with
every row, nothing fetched twice."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

from extractors.workers import close_pools
from flows.ingest import ingest
from flows.params import IngestParams
from tests.conftest import FIXTURES
from tests.crawlrun import query
from tests.httpserver import LocalServer

KYIV = (FIXTURES / "pages" / "kyiv-talks.html").read_text(encoding="utf-8")
PAGES = [f"/story/{i}" for i in range(4)]


def story(i: int) -> bytes:
    # Distinct pages (different titles and first paragraph), each yielding claims.
    return KYIV.replace("Kyiv says", f"Story {i}: Kyiv says").replace("<p>", f"<p>Dispatch {i}. ", 1).encode()


def send(request: BaseHTTPRequestHandler, body: bytes) -> None:
    request.send_response(200)
    request.send_header("Content-Type", "text/html; charset=utf-8")
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


class WorkerKiller:
    """Serves the stories; the first request for a page of the second batch waits until extraction worker
    processes appear (the first batch is being extracted while the second is fetched), then SIGKILLs one: the
    first batch's extraction fails the way it does when the kernel's OOM killer takes a worker."""

    def __init__(self, server: LocalServer, second_batch: set[str]) -> None:
        self.before = {p.pid for p in multiprocessing.active_children()}
        self.killed: int | None = None
        self.lock = threading.Lock()
        for i, path in enumerate(PAGES):
            server.handler(path, self.answer(i, path in second_batch))

    def answer(self, i: int, trigger: bool):  # type: ignore[no-untyped-def]
        def handle(request: BaseHTTPRequestHandler) -> None:
            if trigger:
                with self.lock:  # one kill; the other page of the batch waits here until it is done
                    if self.killed is None:
                        self.killed = self.kill_a_worker()
            send(request, story(i))

        return handle

    def kill_a_worker(self, timeout_s: float = 120) -> int:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            new = [p for p in multiprocessing.active_children() if p.pid not in self.before]
            if new and new[0].pid is not None:
                os.kill(new[0].pid, signal.SIGKILL)
                return new[0].pid
            time.sleep(0.01)
        return 0  # no pool appeared: the test's assertion on `killed` says so


def write_sources(path: Path, body: str) -> Path:
    path.write_text("[crawler]\nper_host_delay_s = 0\nbatch_size = 2\n\n" + body, encoding="utf-8")
    return path


def task_run_counts(flow_run_id: str, name: str, expected: int) -> list[int]:
    """``run_count`` of the flow run's task runs called ``name-…``, once ``expected`` of them are recorded (task
    runs reach the API through events, a moment after the flow returns)."""
    deadline = time.monotonic() + 60
    while True:
        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[UUID(flow_run_id)])))
        counts = sorted(r.run_count for r in runs if r.name.startswith(f"{name}-") and r.state and r.state.is_final())
        if len(counts) >= expected or time.monotonic() > deadline:
            return counts
        time.sleep(0.5)


def test_a_killed_extraction_worker_is_retried_and_the_run_completes(
    tmp_path: Path, server: LocalServer, db: Path
) -> None:
    close_pools()  # no warm pool from an earlier test: the first batch's extraction starts a new one
    feed = "".join(f"<item><title>s{i}</title><link>{server.url(p)}</link></item>" for i, p in enumerate(PAGES))
    server.route("/feed.xml", f'<rss version="2.0"><channel><title>t</title>{feed}</channel></rss>',
                 content_type="application/rss+xml")  # fmt: skip
    killer = WorkerKiller(server, second_batch=set(PAGES[2:]))  # batches of 2 in feed order: stories 2 and 3
    sources = write_sources(
        tmp_path / "sources.toml",
        f'[[source]]\nname = "wire"\nkind = "feed"\nurl = "{server.url("/feed.xml")}"\nallow_private = true\n',
    )

    summary = ingest(IngestParams(sources=sources, db=db, processes=2))

    assert killer.killed, "no extraction worker appeared while the second batch was fetched"
    report = summary["sources"][0]
    assert (report["fetched"], report["articles"], report["extracted"], report["errors"]) == (4, 4, 4, [])
    assert summary["status"] == "completed" and not report["crashed"]
    # Without the retry the first batch would be missing (and the run completed_with_errors).
    assert query(db, "select count(*), count(distinct url) from articles") == [(4, 4)]
    claims = query(db, "select article_id, count(*) from claims group by 1")
    assert len(claims) == 4 and len({n for _, n in claims}) == 1 and claims[0][1] > 0
    assert query(db, "select count(*) from fetches where role = 'page'") == [(4,)]  # each page fetched once
    assert all(server.hits(p) == 1 for p in PAGES)
    assert query(db, "select status from runs") == [("completed",)]
    # Prefect's record: one extract-claims task ran twice (failed, retried), the other once.
    assert task_run_counts(summary["run_id"], "extract-claims", expected=2) == [1, 2]
