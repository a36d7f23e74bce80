"""The real ``backfill`` flow in the session's Prefect harness: URL lists, a feed with a date window, WARC
import and reprocess, each run twice to show that a repeated run redoes nothing."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

import extractors.embeddings
import extractors.nlp
from claimtrack.cli import main
from crawler.warc import scan_warc
from flows.backfill import backfill
from flows.ingest import ingest
from flows.params import BackfillParams, IngestParams
from tests.artifacts import run_artifacts
from tests.conftest import FIXTURES
from tests.httpserver import LocalServer
from tests.test_backfill_plan import sample_warc
from tests.warcfiles import damage_record, numbered_pages, write_warc
from warehouse.connection import writer
from warehouse.reads import run_sql

KYIV = (FIXTURES / "pages" / "kyiv-talks.html").read_bytes()
GAZA = (FIXTURES / "pages" / "gaza-aid.html").read_bytes()


def counts(db: Path) -> tuple[int, ...]:
    row = run_sql(
        db,
        "select (select count(*) from articles), (select count(*) from claim_records), (select count(*) from claims),"
        " (select count(*) from fetches where role = 'page')",
    ).rows[0]
    return tuple(int(v) for v in row)


def by_source(summary: dict) -> dict[str, dict]:
    return {s["source"]: s for s in summary["sources"]}


def test_urls_file_backfill_batches_stores_publishes_and_does_nothing_twice(
    tmp_path: Path, server: LocalServer, db: Path
) -> None:
    server.route("/a/kyiv", KYIV)
    server.route("/b/gaza", GAZA)
    urls = tmp_path / "pages.txt"
    urls.write_text(
        f"# two pages and a broken one\n{server.url('/a/kyiv')}\n{server.url('/b/gaza')}\n{server.url('/a/gone')}\n",
        encoding="utf-8",
    )

    started = time.monotonic()
    first = backfill(BackfillParams(urls_file=urls, allow_private=True, batch_size=2, db=db))
    first_s = time.monotonic() - started
    report = by_source(first)["urls:pages"]
    assert (report["discovered"], report["fetched"], report["failed"], report["articles"]) == (3, 2, 1, 2)
    assert report["claims"] > 0 and first["batches"] == 2  # one host, 3 URLs in batches of 2
    articles, records, claims, fetches = counts(db)
    assert (articles, fetches) == (2, 3) and claims == records == report["claims"]
    run = run_sql(db, f"select flow, status, summary->>'batches' from runs where run_id = '{first['run_id']}'").rows
    assert run == [("backfill", "completed", "2")]

    artifacts = run_artifacts(first["run_id"])
    table = artifacts["backfill-summary"]
    assert table[0]["source"] == "urls:pages" and table[0]["articles"] == 2 and table[-1]["source"] == "total"
    # Positions were refreshed at the end; every statement is this run's, so the note lists all shifts and
    # reversals of position_changes, then the new statements.
    notes = artifacts["position-changes"]
    moved, new = run_sql(
        db,
        "select count(*) filter (where label in ('shift', 'reversal')), count(*) filter (where label = 'new')"
        " from position_changes where method = 'minilm-onnx'",  # the default method, which runs compute
    ).rows[0]
    assert new > 0 and f"## New statements ({new})" in notes
    assert notes.count("| **shift** |") + notes.count("| **reversal** |") == moved
    assert "progress" in artifacts and float(artifacts["progress"]) == 100.0

    hits = server.hits("/a/kyiv") + server.hits("/b/gaza")
    started = time.monotonic()
    second = backfill(BackfillParams(urls_file=urls, allow_private=True, batch_size=2, db=db))
    second_s = time.monotonic() - started
    again = by_source(second)["urls:pages"]
    assert (again["fetched"], again["articles"], again["claims"], again["unchanged"]) == (0, 0, 0, 2)
    assert server.hits("/a/kyiv") + server.hits("/b/gaza") == hits  # stored pages are not fetched again
    assert counts(db)[:3] == (articles, records, claims)
    print(f"\nurls_file backfill: first run {first_s:.1f}s, repeated run {second_s:.1f}s")


def test_a_repeated_run_with_nothing_to_do_loads_no_model(
    tmp_path: Path, server: LocalServer, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing to extract and no new statement: neither the spaCy pipeline nor the sentence embedder is loaded
    (each about a second of a re-run that otherwise costs little beside Prefect's start-up; bench/README.md)."""
    server.route("/a/kyiv", KYIV)
    urls = tmp_path / "pages.txt"
    urls.write_text(f"{server.url('/a/kyiv')}\n", encoding="utf-8")
    first = backfill(BackfillParams(urls_file=urls, allow_private=True, db=db))
    assert by_source(first)["urls:pages"]["articles"] == 1
    monkeypatch.setattr(extractors.nlp, "_pipelines", {})
    monkeypatch.setattr(extractors.embeddings, "_embedders", {})
    second = backfill(BackfillParams(urls_file=urls, allow_private=True, db=db))
    assert (second["batches"], by_source(second)["urls:pages"]["unchanged"]) == (0, 1)
    assert extractors.nlp._pipelines == {} and extractors.embeddings._embedders == {}


def test_urls_file_with_a_bom_a_broken_line_and_credentials(tmp_path: Path, server: LocalServer, db: Path) -> None:
    """A URL list as people save them: a byte-order mark, a line that is not a URL, a URL with credentials in it
    (allow_private, as for local URL lists). The good pages are stored, without the credentials; the broken line is
    recorded as malformed; the run completes."""
    server.route("/a/kyiv", KYIV)
    server.route("/b/gaza", GAZA)
    with_credentials = server.url("/b/gaza").replace("http://", "http://editor:s3cret@")
    urls = tmp_path / "saved.txt"
    urls.write_text(f"\ufeff{server.url('/a/kyiv')}\nhttp://[::1\n{with_credentials}\n", encoding="utf-8")
    summary = backfill(BackfillParams(urls_file=urls, allow_private=True, db=db))
    report = by_source(summary)["urls:saved"]
    assert (report["discovered"], report["fetched"], report["failed"], report["articles"]) == (2, 2, 1, 2), report
    assert any("http://[::1" in error and "malformed_url" in error for error in report["errors"]), report["errors"]
    stored = run_sql(
        db, "select url from articles union all select url from fetches union all select final_url from fetches"
    )
    assert stored.rows and not any("s3cret" in str(url) or "editor" in str(url) for (url,) in stored.rows)
    assert summary["status"] == "completed"


FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>In</title><link>{base}/world/kyiv-talks</link><pubDate>Mon, 12 Feb 2024 09:30:00 GMT</pubDate></item>
<item><title>Out</title><link>{base}/world/gaza-aid</link><pubDate>Mon, 04 Mar 2024 09:30:00 GMT</pubDate></item>
</channel></rss>"""


def test_sources_backfill_takes_only_the_window_and_leaves_the_feed_etag_to_ingest(
    tmp_path: Path, server: LocalServer, db: Path
) -> None:
    server.route(
        "/feed.xml", FEED.format(base=server.base), content_type="application/rss+xml", headers={"ETag": '"v1"'}
    )
    server.route("/world/kyiv-talks", KYIV)
    server.route("/world/gaza-aid", GAZA)
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[source]]\nname = "feed"\nkind = "feed"\nurl = "{server.url("/feed.xml")}"\nallow_private = true\n',
        encoding="utf-8",
    )
    summary = backfill(BackfillParams(sources=sources, since="2024-02-01", until="2024-02-29", db=db))
    report = by_source(summary)["feed"]
    assert (report["discovered"], report["fetched"], report["articles"]) == (2, 1, 1)
    assert summary["outside_window"] == {"feed": 1}
    assert server.hits("/world/gaza-aid") == 0
    assert run_sql(db, "select etag from fetches where url like '%feed.xml'").rows == [(None,)]
    # The scheduled ingest still sees the whole feed (no conditional GET from the backfill's partial read).
    ingest(IngestParams(sources=sources, db=db))
    assert server.hits("/world/gaza-aid") == 1
    assert counts(db)[0] == 2


def test_warc_import_then_reprocess_only_what_is_stale(tmp_path: Path, db: Path) -> None:
    warc = sample_warc(tmp_path)
    first = backfill(BackfillParams(warc=[warc], db=db, batch_size=1))
    report = by_source(first)["warc:crawl-2024"]
    assert (report["discovered"], report["fetched"], report["articles"]) == (2, 2, 2) and first["batches"] == 2
    assert run_sql(db, "select min(fetched_at)::date::varchar from fetches").rows == [("2024-02-12",)]
    before = counts(db)
    again = by_source(backfill(BackfillParams(warc=[warc], db=db)))["warc:crawl-2024"]
    assert (again["unchanged"], again["articles"]) == (2, 0) and counts(db) == before

    # Nothing is stale yet: reprocess plans no batch and touches nothing.
    idle = backfill(BackfillParams(reprocess=True, db=db))
    assert idle["batches"] == 0 and counts(db) == before
    # An article made by an older extractor is extracted again from the raw archive, without the network.
    with writer(db) as con:
        con.execute("update articles set claims_version = 'claims/0+old' where url like '%kyiv-talks'")
    assert counts(db)[2] < before[2]  # its claims left the current view
    redo = backfill(BackfillParams(reprocess=True, db=db))
    assert redo["batches"] == 1
    assert by_source(redo)["warc:crawl-2024"]["articles"] == 1
    assert counts(db) == before  # same text, same extractor: the same claim ids are current again
    assert backfill(BackfillParams(reprocess=True, db=db))["batches"] == 0


def test_damaged_warc_imports_every_intact_record_and_says_so(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15, item 3: a WARC damaged in the middle imported the records before the damage only, exit 0."""
    path = write_warc(tmp_path / "ten.warc.gz", numbered_pages(KYIV, 10))
    offsets = [entry.offset for entry in scan_warc(path).entries]
    damaged = damage_record(path, offsets[4])
    code = main(["backfill", "--warc", str(damaged), "--db", str(db), "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 1
    assert summary["status"] == "completed_with_errors"
    assert summary["warc_damage"] == {str(damaged): offsets[5] - offsets[4]}
    assert by_source(summary)["warc:damaged-ten"]["articles"] == 9
    assert run_sql(db, "select status from runs").rows == [("completed_with_errors",)]
