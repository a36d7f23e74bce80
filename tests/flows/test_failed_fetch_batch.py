"""A ``fetch-batch`` task that fails past its retries (issue 15, item 11) failed the whole ``ingest`` run: the
batches after it were never fetched and nothing said which pages were missing. Now it is recorded as a failed
batch, the other batches go on, and the summary and the exit code say so; the next run fetches what is missing.

What fails is the task itself, not a page (a page's HTTP trouble is recorded by the fetcher and never raises):
the resolver or socket failure that the fetcher's own retries do not absorb, here raised for one batch.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

import flows.ingest
from claimtrack.cli import main
from crawler.crawl import FetchedBatch, PageTask
from crawler.fetch import FetchSettings
from crawler.hosts import HostBook
from tests.crawlrun import query
from tests.flows.test_task_retries import PAGES, send, story, write_sources
from tests.httpserver import LocalServer


def test_a_fetch_batch_failing_past_its_retries_is_recorded_and_the_run_goes_on(
    tmp_path: Path, server: LocalServer, db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for i, path in enumerate(PAGES):
        server.handler(path, lambda request, i=i: send(request, story(i)))  # type: ignore[misc]
    feed = "".join(f"<item><title>s{i}</title><link>{server.url(p)}</link></item>" for i, p in enumerate(PAGES))
    server.route("/feed.xml", f'<rss version="2.0"><channel><title>t</title>{feed}</channel></rss>',
                 content_type="application/rss+xml", headers={"ETag": '"feed-1"'})  # fmt: skip
    sources = write_sources(
        tmp_path / "sources.toml",
        f'[[source]]\nname = "wire"\nkind = "feed"\nurl = "{server.url("/feed.xml")}"\nallow_private = true\n',
    )  # batches of 2 in feed order: stories 0-1, then 2-3
    broken = server.url(PAGES[0])
    attempts = []
    real_fetch = flows.ingest.fetch_batch_sync

    def resolver_down_for_the_first_batch(
        batch: Sequence[PageTask], settings: FetchSettings, hosts: HostBook | None = None
    ) -> FetchedBatch:
        if any(task.ref.url == broken for task in batch):
            attempts.append(broken)
            raise OSError("[Errno -3] Temporary failure in name resolution")
        return real_fetch(batch, settings, hosts)

    monkeypatch.setattr(flows.ingest, "fetch_batch_sync", resolver_down_for_the_first_batch)
    # The task's own retries stay (two), without their 5 s and 30 s waits.
    monkeypatch.setattr(flows.ingest, "fetch", flows.ingest.fetch.with_options(retry_delay_seconds=[0, 0]))

    code = main(["ingest", "--sources", str(sources), "--db", str(db), "--processes", "1", "--json"])
    summary = json.loads(capsys.readouterr().out)

    assert len(attempts) == 3  # the first try and its two retries
    assert code == 1
    assert summary["status"] == "completed_with_errors"
    report = summary["sources"][0]
    assert report["crashed"] and report["articles"] == 2
    assert any("could not be fetched" in error and "name resolution" in error for error in report["errors"])
    assert summary["failed_batches"] and "batch 1/2" in summary["failed_batches"][0]
    assert query(db, "select count(*) from articles") == [(2,)]
    assert query(db, "select status from runs") == [("completed_with_errors",)]
    # The feed's ETag is not kept: the next run reads it again and fetches the two pages that are missing.
    monkeypatch.setattr(flows.ingest, "fetch_batch_sync", real_fetch)
    again = main(["ingest", "--sources", str(sources), "--db", str(db), "--processes", "1", "--json"])
    assert again == 0 and json.loads(capsys.readouterr().out)["sources"][0]["articles"] == 2
    assert query(db, "select count(*) from articles") == [(4,)]
