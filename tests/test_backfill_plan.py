"""Backfill building blocks without Prefect: date windows, batching, WARC reading, reprocess from the archive,
the stale-article query and the run report."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.pages import FetchResult, KnownPage, PageRef
from core.progress import TerminalBar, listening, report
from crawler.crawl import Discovery, SourceDiscovery, discover_sync
from crawler.discover import parse_listing
from crawler.fetch import DEFAULT_FETCH_SETTINGS
from crawler.hosts import HostBook
from crawler.sources import Source, with_private_hosts
from crawler.warc import read_warc_records, scan_warc, source_name_for, warc_batch
from crawler.window import Window, keep_window, warc_batches
from extractors.article import ARTICLE_EXTRACTOR_VERSION, TEXT_EXTRACTOR_VERSION
from flows.reprocess import article_from_raw, plan_reprocess
from flows.runreport import SOURCE_COLUMNS, new_claims_markdown, position_changes_markdown, source_table
from tests.conftest import FIXTURES
from tests.httpserver import LocalServer
from tests.warcfiles import WarcPage, damage_record, numbered_pages, write_warc
from warehouse.archive import RawArchive
from warehouse.connection import writer
from warehouse.reads import ClaimGroup, RunChange, stored_articles


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def test_window_includes_both_whole_days_and_rejects_bad_input() -> None:
    window = Window.parse("2024-02-01", "2024-02-29")
    assert window.contains(at("2024-02-01T00:00:00"))
    assert window.contains(at("2024-02-29T23:59:59"))
    assert not window.contains(at("2024-03-01T00:00:00"))
    assert not window.contains(at("2024-01-31T23:59:59"))
    assert Window.parse(date(2024, 2, 1), None).contains(at("2030-01-01T00:00:00"))
    with pytest.raises(ConfigError, match="swap"):
        Window.parse("2024-03-01", "2024-02-01")
    with pytest.raises(ConfigError, match="since must be a date"):
        Window.parse("last tuesday", None)


def test_keep_window_drops_dated_entries_outside_keeps_undated_and_forgets_validators() -> None:
    refs = [
        PageRef("https://a.example/1", published_at=at("2024-02-10T08:00:00")),
        PageRef("https://a.example/2", published_at=at("2023-12-31T08:00:00")),
        PageRef("https://a.example/3"),
        PageRef("https://a.example/4", published_at=at("2024-03-05T08:00:00")),
    ]
    listing = FetchResult(
        url="https://a.example/feed", final_url="https://a.example/feed", fetched_at=at("2024-03-06"),
        status=200, body=b"<rss/>", etag='"v1"', last_modified="Wed, 06 Mar 2024 00:00:00 GMT", role="listing",
    )  # fmt: skip
    found = SourceDiscovery(source=Source(name="s", kind="feed", url="https://a.example/feed"), refs=list(refs))
    found.listings = [listing]
    counts = keep_window(Discovery(sources=[found], hosts=HostBook()), Window.parse("2024-02-01", "2024-02-29"))
    assert [r.url.rsplit("/", 1)[1] for r in found.refs] == ["1", "3"]
    assert (counts.outside, counts.undated) == ({"s": 2}, {"s": 1})
    assert (found.listings[0].etag, found.listings[0].last_modified) == (None, None)
    whole = SourceDiscovery(source=found.source, refs=list(refs))
    keep_window(Discovery(sources=[whole], hosts=HostBook()), Window())
    assert whole.refs == refs


def test_sitemap_index_dates_let_a_backfill_skip_old_children() -> None:
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>/sitemap-2023-12.xml</loc><lastmod>2023-12-31T23:00:00Z</lastmod></sitemap>
    <sitemap><loc>/sitemap-2024-02.xml</loc><lastmod>2024-02-29</lastmod></sitemap>
    <sitemap><loc>/sitemap-pages.xml</loc></sitemap></sitemapindex>"""
    listing = parse_listing("sitemap", index, "https://news.example/sitemap.xml")
    assert listing.sitemaps == [
        "https://news.example/sitemap-2023-12.xml",
        "https://news.example/sitemap-2024-02.xml",
        "https://news.example/sitemap-pages.xml",
    ]
    assert listing.sitemap_dates == {
        "https://news.example/sitemap-2023-12.xml": at("2023-12-31T23:00:00"),
        "https://news.example/sitemap-2024-02.xml": at("2024-02-29"),
    }


KYIV = (FIXTURES / "pages" / "kyiv-talks.html").read_bytes()
GAZA = (FIXTURES / "pages" / "gaza-aid.html").read_bytes()


def sample_warc(tmp_path: Path) -> Path:
    return write_warc(
        tmp_path / "crawl-2024.warc.gz",
        [
            WarcPage("https://news.example/world/kyiv-talks", KYIV, date="2024-02-12T10:00:00Z"),
            WarcPage("https://news.example/missing", b"gone", status="404 Not Found"),
            WarcPage("https://news.example/logo.png", b"\x89PNG....", content_type="image/png"),
            WarcPage("https://news.example/world/gaza-aid", GAZA, date="2024-03-04T07:00:00Z"),
        ],
    )


def test_scan_warc_lists_pages_only_and_reads_them_back_by_offset(tmp_path: Path) -> None:
    path = sample_warc(tmp_path)
    scan = scan_warc(path)
    assert [e.url.rsplit("/", 1)[1] for e in scan.entries] == ["kyiv-talks", "gaza-aid"]
    assert scan.skipped == 2 and not scan.errors
    assert scan.entries[0].captured_at == at("2024-02-12T10:00:00")
    # Read the second page alone, by its offset: seeking into a .warc.gz works record by record.
    (page,) = read_warc_records(path, [scan.entries[1].offset])
    assert page.ok and page.body == GAZA and page.url.endswith("/gaza-aid")
    assert page.content_sha256 == scan.entries[1].content_sha256
    assert page.fetched_at == at("2024-03-04T07:00:00")
    assert source_name_for(path) == "warc:crawl-2024"


def test_truncated_warc_keeps_the_pages_before_the_damage(tmp_path: Path) -> None:
    path = sample_warc(tmp_path)
    data = path.read_bytes()
    second = scan_warc(path).entries[1].offset
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: second + 40])  # the last record breaks off inside its gzip member
    scan = scan_warc(cut)
    assert [e.url.rsplit("/", 1)[1] for e in scan.entries] == ["kyiv-talks"]
    assert scan.errors and "unreadable after 1 pages" in scan.errors[0]
    (broken,) = read_warc_records(cut, [second])
    assert not broken.ok and broken.error and broken.error.startswith("warc_read:")


@pytest.mark.parametrize("compressed", [True, False], ids=["warc.gz", "warc"])
def test_warc_damaged_in_the_middle_keeps_every_intact_record(tmp_path: Path, compressed: bool) -> None:
    name = "ten.warc.gz" if compressed else "ten.warc"
    path = write_warc(tmp_path / name, numbered_pages(KYIV, 10), gzip=compressed)
    offsets = [entry.offset for entry in scan_warc(path).entries]
    assert len(offsets) == 10
    # Inside the gzip member's compressed data, or over the record's first line (WARC/1.0, WARC-Type).
    damaged = damage_record(path, offsets[4], at=60 if compressed else 2)
    scan = scan_warc(damaged)
    assert [e.offset for e in scan.entries] == offsets[:4] + offsets[5:]  # the nine intact records, where they were
    assert scan.skipped_bytes == offsets[5] - offsets[4]  # exactly the damaged record
    assert len(scan.errors) == 1 and f"{scan.skipped_bytes} bytes skipped to the next record" in scan.errors[0]
    pages = read_warc_records(damaged, [e.offset for e in scan.entries])
    assert all(page.ok for page in pages) and len({page.url for page in pages}) == 9


def test_missing_warc_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="WARC file not found"):
        scan_warc(tmp_path / "nope.warc.gz")


def test_warc_batch_normalises_urls_and_leaves_stored_bodies_alone(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "a.warc.gz",
        [
            WarcPage("https://News.Example/world/kyiv-talks?utm_source=x#top", KYIV),
            WarcPage("https://news.example/world/gaza-aid", GAZA),
        ],
    )
    entries = scan_warc(path).entries
    asked: list[list[str]] = []

    def lookup(urls: list[str]) -> dict[str, KnownPage]:
        asked.append(list(urls))
        gaza = "https://news.example/world/gaza-aid"
        return {gaza: KnownPage(url=gaza, content_sha256=entries[1].content_sha256, has_article=True)}

    batch = warc_batch(path, [e.offset for e in entries], "warc:a", lookup)  # type: ignore[arg-type]
    assert len(asked) == 1  # one warehouse question per batch
    (page,) = batch.pages
    assert page.ref.url == "https://news.example/world/kyiv-talks" and page.source == "warc:a"
    assert page.fetch.canonical_url is not None
    assert batch.unchanged == {"warc:a": 1} and [f.url for _, f in batch.fetches] == [page.ref.url]


def stored_row(con: object, article_id: str, **values: object) -> None:
    row = {
        "url": f"https://x.example/{article_id}",
        "source": "feed",
        "text": "t",
        "text_sha256": "x",
        "content_sha256": None,
        "extracted_at": at("2024-02-12"),
        "extractor_version": ARTICLE_EXTRACTOR_VERSION,
        "claims_version": "claims/1+m",
        "published_at": at("2024-02-10"),
        "title": None,
        **values,
    }
    names = ", ".join(["article_id", *row])
    marks = ", ".join("?" * (len(row) + 1))
    con.execute(f"insert into articles ({names}) values ({marks})", [article_id, *row.values()])  # type: ignore[attr-defined]


def test_plan_reprocess_selects_stale_versions_and_counts_missing_raw_pages(db: Path, tmp_path: Path) -> None:
    archive = RawArchive(tmp_path / "raw")
    body = FetchResult(url="https://x.example/a2", final_url="https://x.example/a2", fetched_at=at("2024-02-12"),
                       status=200, body=KYIV)  # fmt: skip
    sha = archive.put(body)
    with writer(db) as con:
        stored_row(con, "a1")  # current on both counts
        stored_row(con, "a2", extractor_version="trafilatura-0.1/0", content_sha256=sha, title="Kyiv")
        stored_row(con, "a3", extractor_version=TEXT_EXTRACTOR_VERSION, claims_version="claims/0+m",
                   published_at=at("2023-05-01"))  # fmt: skip
        stored_row(con, "a4", source="other", claims_version="claims/0+m", published_at=at("2024-02-12"))
        stored_row(con, "a5", extractor_version="trafilatura-0.1/0", content_sha256="0" * 64)  # raw page lost
        con.execute(
            "insert into fetches (url, source, fetched_at, content_sha256, content_type) values (?, ?, ?, ?, ?)",
            ["https://x.example/a2", "feed", at("2024-02-12"), sha, "text/html; charset=utf-8"],
        )
    raw = {"archive": archive.root, "from_raw": True}
    plan = plan_reprocess(db, "claims/1+m", **raw)  # type: ignore[arg-type]
    assert [r.article_id for r in plan.todo] == ["a3", "a2", "a4"]  # by source, oldest first
    assert (plan.summary.articles, plan.summary.skipped_current, plan.summary.raw_missing) == (5, 2, 1)
    assert [[r.article_id for r in b] for b in plan.batches(2)] == [["a3", "a2"], ["a4"]]  # one source per batch
    assert [r.article_id for r in plan_reprocess(db, "claims/1+m").todo] == ["a3", "a4"]  # text kept as it is
    assert [r.article_id for r in plan_reprocess(db, "claims/1+m", sources=["feed"], **raw).todo] == ["a3", "a2"]  # type: ignore[arg-type]
    in_2024 = plan_reprocess(db, "claims/1+m", start=at("2024-01-01"), end=at("2025-01-01"), **raw)  # type: ignore[arg-type]
    assert [r.article_id for r in in_2024.todo] == ["a2", "a4"]

    (a2,) = stored_articles(db, ["a2"])
    assert a2.content_type == "text/html; charset=utf-8" and a2.published_at == at("2024-02-10")
    article = article_from_raw(a2, archive)
    assert article.extractor_version == ARTICLE_EXTRACTOR_VERSION and "Kyiv" in article.text
    assert article.published_at is not None


def test_source_table_has_the_artifact_columns_and_a_total() -> None:
    summary = {
        "sources": [
            {
                "source": "a",
                "discovered": 3,
                "fetched": 2,
                "unchanged": 1,
                "failed": 0,
                "articles": 2,
                "claims": 7,
                "errors": [],
            },
            {
                "source": "b",
                "discovered": 1,
                "fetched": 0,
                "unchanged": 0,
                "failed": 1,
                "articles": 0,
                "claims": 0,
                "errors": ["x"],
            },
        ]
    }
    table = source_table(summary)
    assert [tuple(row) for row in table] == [SOURCE_COLUMNS] * 3
    assert table[-1] == {
        "source": "total",
        "discovered": 4,
        "fetched": 2,
        "unchanged": 1,
        "failed": 1,
        "articles": 2,
        "claims": 7,
    }
    json.dumps(table)  # an artifact table must be JSON


def test_new_claims_markdown_escapes_cells_and_says_when_empty() -> None:
    groups = [
        ClaimGroup("CHN", "ukraine-war", 3, ["Wang Yi"], "talks | helped\n consolidate"),
        ClaimGroup(None, None, 1, [], "x"),
    ]
    text = new_claims_markdown(groups, "run-1")
    assert "| CHN | ukraine-war | 3 | Wang Yi | talks \\| helped consolidate |" in text
    assert "| (unlinked) | (none) | 1 |" in text
    assert "No new claims" in new_claims_markdown([], "run-2")


def test_progress_reaches_listeners_and_renders_a_bar() -> None:
    out = io.StringIO()
    seen: list[tuple[int, int, str]] = []
    with listening(lambda d, t, n: seen.append((d, t, n))), listening(TerminalBar(stream=out)):
        report(0, 4, "planned")
        report(4, 4, "done")
    report(1, 1, "nobody listens")
    assert seen == [(0, 4, "planned"), (4, 4, "done")]
    lines = out.getvalue().splitlines()
    assert lines[-1].startswith("[" + "#" * 30 + "] 4/4 batches 100%") and lines[-1].endswith("done")


def test_warc_batches_cut_offsets_and_say_what_they_hold() -> None:
    batches = warc_batches("/x/a.warc.gz", [1, 2, 3], source="warc:a", size=2)
    assert [b.offsets for b in batches] == [(1, 2), (3,)] and batches[0].label == "warc:a (2 records)"
    with pytest.raises(ConfigError, match="batch_size"):
        warc_batches("/x/a.warc.gz", [1], source="warc:a", size=0)


def test_position_changes_markdown_lists_reversals_first_then_new_statements() -> None:
    def change(label: str, content: str) -> RunChange:
        return RunChange(
            government="CHN", topic="ukraine-war", label=label, stated_at=at("2024-02-12"), speaker="Wang Yi",
            content=content, url="https://x/1", earlier_stated_at=at("2023-08-06") if label != "new" else None,
            earlier_speaker="Li Hui" if label != "new" else None,
            earlier_content="China supports | talks" if label != "new" else None,
        )  # fmt: skip

    text = position_changes_markdown([change("reversal", "China rejects talks"), change("new", "A new line")], "r-1")
    assert "| CHN | ukraine-war | **reversal** | 2024-02-12 | Wang Yi | China rejects talks |" in text
    assert "2023-08-06, Li Hui: China supports \\| talks" in text
    assert "## New statements (1)" in text and "| A new line |" in text
    only_new = position_changes_markdown([change("new", "A new line")], "r-2")
    assert "No shift or reversal" in only_new


def test_deployment_trigger_without_a_server_says_how_to_point_at_one() -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.trigger import server_urls

    with temporary_settings(updates={PREFECT_API_URL: None}), pytest.raises(ConfigError, match="PREFECT_API_URL"):
        server_urls()
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:4300/api"}):
        assert server_urls()[1] in ("http://127.0.0.1:4300", "http://127.0.0.1:4300/")


def test_backfill_cli_parameters_are_absolute_and_minimal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from claimtrack.cli import backfill_params, build_parser
    from flows.trigger import deployment_parameters

    monkeypatch.chdir(tmp_path)
    args = build_parser().parse_args(
        ["backfill", "--urls-file", "pages.txt", "--since", "2024-01-01", "--warc", "a.warc.gz", "--source", "x"]
    )
    params = backfill_params(args)
    assert params.since == date(2024, 1, 1)
    assert deployment_parameters(params) == {
        "params": {
            "urls_file": str(tmp_path / "pages.txt"),
            "since": "2024-01-01",
            "warc": [str(tmp_path / "a.warc.gz")],
            "source_names": ["x"],
        }
    }
    with pytest.raises(SystemExit):
        build_parser().parse_args(["backfill", "--since", "January"])


def test_discovery_with_a_window_start_skips_child_sitemaps_last_changed_before_it(server: LocalServer) -> None:
    index = f"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>{server.url("/sitemap-2023.xml")}</loc><lastmod>2023-12-31</lastmod></sitemap>
    <sitemap><loc>{server.url("/sitemap-2024.xml")}</loc><lastmod>2024-02-29</lastmod></sitemap>
    </sitemapindex>"""
    child = """<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>{url}</loc><lastmod>{day}</lastmod></url></urlset>"""
    server.route("/sitemap.xml", index, content_type="application/xml")
    server.route("/sitemap-2023.xml", child.format(url=server.url("/old"), day="2023-12-01"), content_type="text/xml")
    server.route("/sitemap-2024.xml", child.format(url=server.url("/new"), day="2024-02-10"), content_type="text/xml")
    source = Source(name="s", kind="sitemap", url=server.url("/sitemap.xml"), allow_private=True)
    settings = with_private_hosts(DEFAULT_FETCH_SETTINGS, [source])

    found = discover_sync([source], lambda _urls: {}, settings, newer_than=Window.parse("2024-02-01", None).start)
    assert [r.url for r in found.sources[0].refs] == [server.url("/new")]
    assert found.sources[0].old_sitemaps == 1 and server.hits("/sitemap-2023.xml") == 0
    whole = discover_sync([source], lambda _urls: {}, settings)  # the scheduled crawl reads every child
    assert sorted(r.url for r in whole.sources[0].refs) == [server.url("/new"), server.url("/old")]
