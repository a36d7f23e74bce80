"""SIGKILL mid-run: the real ``claimtrack ingest`` in a subprocess, killed by the test server the moment it asks
for a chosen page (so the kill lands while batches are being fetched, extracted and stored), twice; then a
normal run. The database must be consistent after each kill, and the final state complete, without duplicates
and without re-fetching anything that was already stored."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitUpdate
from prefect.settings import PREFECT_API_URL

from flows.common import WRITER_LIMIT
from flows.ingest import ingest
from flows.params import IngestParams
from tests.conftest import FIXTURES, ROOT
from tests.crawlrun import query
from tests.httpserver import LocalServer

PAGES = [f"/story/{i}" for i in range(12)]
KYIV = (FIXTURES / "pages" / "kyiv-talks.html").read_text(encoding="utf-8")


def page(i: int) -> bytes:
    # Distinct pages (different titles and first paragraph), each yielding claims.
    return KYIV.replace("Kyiv says", f"Story {i}: Kyiv says").replace("<p>", f"<p>Dispatch {i}. ", 1).encode()


class KillSwitch:
    """Serves the pages; kills ``pid`` with SIGKILL when page request number ``at`` (of this run) arrives."""

    def __init__(self, server: LocalServer) -> None:
        self.pid: int | None = None
        self.at = 0
        self.seen = 0
        for i, path in enumerate(PAGES):
            server.handler(path, self._answer(i))

    def arm(self, pid: int | None, at: int) -> None:
        self.pid, self.at, self.seen = pid, at, 0

    def _answer(self, i: int):  # type: ignore[no-untyped-def]
        def answer(request: BaseHTTPRequestHandler) -> None:
            self.seen += 1
            if self.pid is not None and self.seen == self.at:
                os.kill(self.pid, signal.SIGKILL)
                self.pid = None
                request.close_connection = True
                return
            body = page(i)
            request.send_response(200)
            request.send_header("Content-Type", "text/html; charset=utf-8")
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)

        return answer


def repossess_writer_slot() -> None:
    """Free the DuckDB writer slot a killed run may have held. A server's repossessor service does this once the
    holder's lease runs out (``flows.common.WRITER_LEASE_S``); the test harness's ephemeral server does not run
    that service, so without this a kill that lands during a store leaves the next run waiting for the slot."""
    with get_client(sync_client=True) as client:
        client.update_global_concurrency_limit(WRITER_LIMIT, GlobalConcurrencyLimitUpdate(active_slots=0))


def consistent(db: Path) -> set[str]:
    """Check the invariants a killed run must leave; returns the page URLs stored so far."""
    assert query(db, "select url from articles group by url having count(*) > 1") == []
    assert query(db, "select url from fetches where status = 200 group by url having count(*) > 1") == []
    # Every article has its successful fetch and its raw body; every claim its article.
    orphans = query(
        db,
        "select a.url from articles a left join fetches f on f.url = a.url and f.status = 200 "
        "and f.content_sha256 = a.content_sha256 where f.url is null",
    )
    assert orphans == []
    for (sha,) in query(db, "select content_sha256 from fetches where content_sha256 is not null"):
        assert (db.parent / "raw" / sha[:2] / f"{sha}.gz").exists()
    assert query(db, "select count(*) from claim_records r left join articles a using (article_id) "
                     "where a.article_id is null") == [(0,)]  # fmt: skip
    return {r[0] for r in query(db, "select url from fetches where role = 'page' and status = 200")}


def test_sigkill_mid_run_loses_nothing_and_duplicates_nothing(tmp_path: Path, server: LocalServer, db: Path) -> None:
    switch = KillSwitch(server)
    feed = "".join(f"<item><title>s{i}</title><link>{server.url(p)}</link></item>" for i, p in enumerate(PAGES))
    server.route("/feed.xml", f'<rss version="2.0"><channel><title>t</title>{feed}</channel></rss>',
                 content_type="application/rss+xml", headers={"ETag": '"feed"'})  # fmt: skip
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f"""
[crawler]
per_host_delay_s = 0
batch_size = 3
max_retries = 0

[[source]]
name = "wire"
kind = "feed"
url = "{server.url("/feed.xml")}"
allow_private = true
""",
        encoding="utf-8",
    )
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value()), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "claimtrack.cli", "ingest", "--sources", str(sources), "--db", str(db)]
    command += ["--processes", "2"]  # the batch pipeline the kill points below are counted for

    stored: set[str] = set()
    hits_at: dict[str, int] = {}
    # Batches of 3 run as a pipeline (batch N-1 is stored while batch N is extracted and batch N+1 fetched): a kill
    # while batch N+1 is fetched finds batches up to N-1 stored. Run 1 dies fetching its 4th batch (1 stored), run
    # 2 fetching its 3rd (1 more stored).
    for kill_at in (11, 8):
        child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        switch.arm(child.pid, kill_at)
        output, _ = child.communicate(timeout=300)
        assert child.returncode == -signal.SIGKILL, output.decode(errors="replace")[-2000:]
        repossess_writer_slot()
        now_stored = consistent(db)
        assert stored <= now_stored
        stored = now_stored
        hits_at = {p: server.hits(p) for p in PAGES}
        assert query(db, "select status from runs order by started_at")[-1] == ("running",)

    assert 0 < len(stored) < len(PAGES), "the kills should land mid-run"
    switch.arm(None, 0)
    summary = ingest(IngestParams(sources=sources, db=db))

    final = consistent(db)
    assert final == {server.url(p) for p in PAGES}
    assert query(db, "select count(*) from articles") == [(len(PAGES),)]
    # Pages stored before the last kill were not asked for again.
    for path in PAGES:
        if server.url(path) in stored:
            assert server.hits(path) == hits_at[path], path
    assert sum(s["articles"] for s in summary["sources"]) == len(PAGES) - len(stored)
    claims = Counter(r[0] for r in query(db, "select article_id from claims"))
    assert len(claims) == len(PAGES) and len(set(claims.values())) == 1  # same page shape, same claim count
