"""Two ``claimtrack ingest`` runs and a ``claimtrack backfill`` at once on one DuckLake (as three machines would run
them: each its own ``--db`` folder for its archive and run lock), while ``claimtrack sql`` reads: every page is
stored once, none is lost, and the reads never fail."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.httpserver import LocalServer
from tests.test_crawl import article, rss
from warehouse.reads import run_sql

pytestmark = pytest.mark.slow

CLAIMTRACK = Path(sys.executable).parent / "claimtrack"
PAGES = 40


def start(args: list[str], home: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # Three local API servers start at once on a small machine: give them time (make test's setting, and more).
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "240",
    }
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [str(CLAIMTRACK), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def test_two_ingests_and_a_backfill_at_once_store_every_page_once(
    server: LocalServer, tmp_path: Path, lake: Path
) -> None:
    paths = [f"/p{n}" for n in range(PAGES)]
    server.route("/feed.xml", rss(*paths), content_type="application/rss+xml")
    for n, path in enumerate(paths):
        server.route(path, article(f"Talks {n}", f"The foreign minister of Brazil said that talks {n} would resume."))
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[crawler]\nper_host_delay_s = 0.05\nbatch_size = 5\n\n[[source]]\nname = "feed"\nkind = "feed"\n'
        f'url = "{server.url("/feed.xml")}"\nallow_private = true\n',
        encoding="utf-8",
    )
    urls = tmp_path / "urls.txt"
    urls.write_text("".join(server.url(p) + "\n" for p in reversed(paths)), encoding="utf-8")  # the other way round

    runs = [
        start(["ingest", "--sources", str(sources), "--db", str(tmp_path / f"m{n}" / "c.duckdb"), "--processes", "1"],
              tmp_path / f"prefect{n}")
        for n in (1, 2)
    ]  # fmt: skip
    runs.append(
        start(
            ["backfill", "--urls-file", str(urls), "--allow-private", "--batch-size", "5", "--processes", "1",
             "--sources", str(sources), "--db", str(tmp_path / "m3" / "c.duckdb")],
            tmp_path / "prefect3",
        )
    )  # fmt: skip
    reads, failed_reads = 0, []
    while any(run.poll() is None for run in runs):
        done = subprocess.run(
            [str(CLAIMTRACK), "sql", "--db", str(tmp_path / "m4" / "c.duckdb"), "select count(*) from articles"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        reads += 1
        if done.returncode != 0 and "does not exist" not in done.stderr:  # before the first run made the tables
            failed_reads.append(done.stderr)
        time.sleep(2)
    outputs = [run.communicate() for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], "\n\n".join(err[-1500:] for _, err in outputs)
    assert not failed_reads, failed_reads[:2]
    db = tmp_path / "m1" / "c.duckdb"
    counts = run_sql(
        db,
        "select (select count(*) from articles), (select count(distinct article_id) from articles),"
        " (select count(*) from claim_records), (select count(distinct claim_id) from claim_records),"
        " (select count(*) from claim_topics), (select count(distinct (claim_id, topic)) from claim_topics),"
        " (select count(*) from fetches), (select count(distinct fetch_id) from fetches)",
    ).rows[0]
    assert counts[0] == counts[1] == PAGES
    assert counts[2] == counts[3] and counts[2] >= PAGES
    assert counts[4] == counts[5]
    assert counts[6] == counts[7]
    runs_rows = run_sql(db, "select flow, status from runs order by flow").rows
    assert sorted(runs_rows) == [("backfill", "completed"), ("ingest", "completed"), ("ingest", "completed")]
    print(f"{reads} claimtrack sql reads while the three runs wrote")
