"""The real ``ingest`` flow, against a local HTTP server: feed, sitemap, a broken source and saved files."""

from __future__ import annotations

import shutil
from pathlib import Path

from flows.ingest import ingest
from flows.params import IngestParams
from tests.conftest import FIXTURES, SEED_ARTICLE
from tests.crawlrun import claims_off_their_text
from tests.httpserver import LocalServer
from warehouse.reads import run_sql

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example World</title><link>{base}/</link>
<item><title>Kyiv talks</title><link>{base}/world/kyiv-talks</link>
  <pubDate>Mon, 12 Feb 2024 09:30:00 GMT</pubDate></item>
<item><title>Gone</title><link>{base}/world/gone</link></item>
</channel></rss>"""

SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{base}/world/gaza-aid</loc><news:news><news:publication_date>2024-03-04</news:publication_date></news:news></url>
</urlset>"""


def sources_file(tmp_path: Path, server: LocalServer) -> Path:
    pages = tmp_path / "saved"
    pages.mkdir()
    shutil.copy(SEED_ARTICLE, pages / SEED_ARTICLE.name)
    path = tmp_path / "sources.toml"
    path.write_text(
        f"""
[[source]]
name = "example-feed"
kind = "feed"
url = "{server.url("/feed.xml")}"
allow_private = true

[[source]]
name = "example-sitemap"
kind = "sitemap"
url = "{server.url("/sitemap.xml")}"
allow_private = true

[[source]]
name = "unreachable"
kind = "feed"
url = "http://127.0.0.1:9/feed.xml"
allow_private = true

[[source]]
name = "saved"
kind = "directory"
path = "saved"
""",
        encoding="utf-8",
    )
    return path


def serve_site(server: LocalServer) -> None:
    server.route(
        "/feed.xml", FEED.format(base=server.base), content_type="application/rss+xml", headers={"ETag": '"feed-1"'}
    )
    server.route("/sitemap.xml", SITEMAP.format(base=server.base), content_type="application/xml")
    server.route("/world/kyiv-talks", (FIXTURES / "pages" / "kyiv-talks.html").read_bytes())
    server.route("/world/gaza-aid", (FIXTURES / "pages" / "gaza-aid.html").read_bytes())


def test_ingest_end_to_end_and_idempotent(tmp_path: Path, server: LocalServer, db: Path) -> None:
    serve_site(server)
    sources = sources_file(tmp_path, server)
    summary = ingest(IngestParams(sources=sources, db=db, processes=2))  # extraction in two worker processes

    by_source = {s["source"]: s for s in summary["sources"]}
    assert by_source["example-feed"]["articles"] == 1 and by_source["example-feed"]["failed"] == 1
    assert by_source["example-sitemap"]["articles"] == 1
    assert by_source["unreachable"]["failed"] == 1 and by_source["unreachable"]["errors"]
    assert by_source["saved"]["articles"] == 1 and by_source["saved"]["claims"] == 16
    assert {"CHN", "RUS", "UKR", "EGY"} <= set(summary["governments"])

    articles = run_sql(db, "select url, published_at is not null from articles order by url").rows
    assert [a[0].rsplit("/", 1)[-1] for a in articles] == ["gaza-aid", "kyiv-talks", "jeddah-talks-2023-08-08.txt"]
    assert all(a[1] for a in articles)
    errors = dict(run_sql(db, "select url, error from fetches where error is not null").rows)
    assert errors[server.url("/world/gone")] == "http_status: HTTP 404"
    assert errors["http://127.0.0.1:9/feed.xml"].startswith("network:")
    run = run_sql(db, "select status, summary->>'claims_total' from runs").rows
    assert run[0][0] == "completed" and int(run[0][1]) == summary["claims_total"]
    # Provenance: every claim's offsets index its article's text, and the raw page is archived.
    assert claims_off_their_text(db) == 0
    # The flow refreshed the derived position tables: every claim belongs to a statement.
    grouped = run_sql(db, "select count(*), count(statement_id), (select count(*) from statements) from claims").rows
    assert grouped[0][0] == grouped[0][1] and 0 < grouped[0][2] <= grouped[0][0]
    hashes = [r[0] for r in run_sql(db, "select content_sha256 from articles").rows]
    assert all((db.parent / "raw" / h[:2] / f"{h}.gz").exists() for h in hashes)

    before = run_sql(db, "select (select count(*) from articles), (select count(*) from claims)").rows
    feed_hits, page_hits = server.hits("/feed.xml"), server.hits("/world/kyiv-talks")
    second = ingest(IngestParams(sources=sources, db=db))
    after = run_sql(db, "select (select count(*) from articles), (select count(*) from claims)").rows
    assert after == before
    assert server.hits("/world/kyiv-talks") == page_hits  # stored pages are not fetched again
    assert server.hits("/feed.xml") == feed_hits + 1
    assert server.requests[-1][1].get("If-None-Match") == '"feed-1"' or any(
        h.get("If-None-Match") == '"feed-1"' for p, h in server.requests if p == "/feed.xml"
    )
    assert sum(s["articles"] for s in second["sources"]) == 0
