"""Backfill building blocks without Prefect: date windows, batching, WARC reading, reprocess from the archive,
the stale-article query and the run report."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from claimtrack.errors import ConfigError
from claimtrack.progress import TerminalBar, listening, report
from claimtrack.runreport import SOURCE_COLUMNS, new_claims_markdown, source_table
from extractors.archive import RawArchive
from extractors.article import ARTICLE_EXTRACTOR_VERSION, CURRENT_ARTICLE_VERSIONS, TEXT_EXTRACTOR_VERSION
from extractors.backfill import (
    Window,
    WorkBatch,
    fetch_batches,
    filter_window,
    reprocess_batches,
    warc_batches,
    waves,
)
from extractors.discover import PageRef
from extractors.fetch import FetchResult
from extractors.rawpages import StoredPage, pages_from_archive
from extractors.warc import read_warc_records, scan_warc, source_name_for
from tests.conftest import FIXTURES
from tests.warcfiles import WarcPage, write_warc
from warehouse.connection import writer
from warehouse.queries import ClaimGroup, stale_articles, stored_pages


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


def test_filter_window_keeps_undated_entries_and_counts_what_it_drops() -> None:
    refs = [
        PageRef("https://a.example/1", published_at=at("2024-02-10T08:00:00")),
        PageRef("https://a.example/2", published_at=at("2023-12-31T08:00:00")),
        PageRef("https://a.example/3"),
        PageRef("https://a.example/4", published_at=at("2024-03-05T08:00:00")),
    ]
    kept = filter_window(refs, Window.parse("2024-02-01", "2024-02-29"))
    assert [r.url.rsplit("/", 1)[1] for r in kept.kept] == ["1", "3"]
    assert (kept.outside, kept.undated) == (2, 1)
    assert filter_window(refs, Window()).kept == refs


def test_fetch_batches_group_by_host_and_waves_never_put_one_host_twice() -> None:
    refs = [PageRef(f"https://a.example/{i}") for i in range(5)] + [PageRef(f"https://b.example/{i}") for i in range(3)]
    batches = fetch_batches(refs, source="s", outlet=None, allow_private=False, size=2)
    assert [(b.host, len(b.refs)) for b in batches] == [
        ("a.example", 2),
        ("a.example", 2),
        ("a.example", 1),
        ("b.example", 2),
        ("b.example", 1),
    ]
    assert sum(len(b.refs) for b in batches) == len(refs)
    planned = list(waves(batches, parallel=4))
    for wave in planned:
        hosts = [b.host for b in wave]
        assert len(hosts) == len(set(hosts))
    assert [b for wave in planned for b in wave if b.host == "a.example"] == batches[:3]  # order kept per host
    assert sum(len(w) for w in planned) == len(batches)
    with pytest.raises(ConfigError, match="batch_size"):
        fetch_batches(refs, source="s", outlet=None, allow_private=False, size=0)


def test_reprocess_batches_keep_source_and_outlet_apart() -> None:
    stale = [("feed", "Outlet A", "a1"), ("feed", "Outlet A", "a2"), ("feed", None, "a3"), ("other", None, "b1")]
    batches = reprocess_batches(stale, size=1)
    assert [(b.source, b.outlet, b.article_ids) for b in batches] == [
        ("feed", "Outlet A", ("a1",)),
        ("feed", "Outlet A", ("a2",)),
        ("feed", None, ("a3",)),
        ("other", None, ("b1",)),
    ]
    assert all(b.kind == "reprocess" for b in batches)


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


def test_missing_warc_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="WARC file not found"):
        scan_warc(tmp_path / "nope.warc.gz")


def test_pages_from_archive_restores_body_type_and_stored_date(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path / "raw")
    fetched = FetchResult(url="https://x.example/a", final_url="https://x.example/a", fetched_at=at("2024-01-01"))
    fetched = FetchResult(
        url=fetched.url, final_url=fetched.final_url, fetched_at=fetched.fetched_at, status=200, body=KYIV
    )
    sha = archive.put(fetched)
    assert sha is not None
    stored = [
        StoredPage(
            article_id="a",
            url="https://x.example/a",
            source="s",
            outlet=None,
            content_sha256=sha,
            content_type="text/html",
            final_url=None,
            fetched_at=None,
            title="Kyiv",
            published_at=at("2024-02-12"),
        ),
        StoredPage(
            article_id="b",
            url="https://x.example/b",
            source="s",
            outlet=None,
            content_sha256="0" * 64,
            content_type=None,
            final_url=None,
            fetched_at=None,
            title=None,
            published_at=None,
        ),
    ]
    loaded = pages_from_archive(archive, stored)
    (page,) = loaded.pages
    assert page.fetch.body == KYIV and page.fetch.content_type == "text/html"
    assert page.ref.published_at == at("2024-02-12")
    assert loaded.errors["https://x.example/b"].startswith("raw_missing:")


def test_stale_articles_lists_only_other_versions_and_stored_pages_joins_the_fetch(db: Path) -> None:
    now = at("2024-02-12")
    with writer(db) as con:
        for article_id, source, version, claims_version, published in [
            ("a1", "feed", ARTICLE_EXTRACTOR_VERSION, "claims/1+m", "2024-02-10"),
            ("a2", "feed", "trafilatura-0.1/0", "claims/1+m", "2024-02-11"),
            ("a3", "feed", TEXT_EXTRACTOR_VERSION, "claims/0+m", "2023-05-01"),
            ("a4", "other", ARTICLE_EXTRACTOR_VERSION, "claims/0+m", "2024-02-12"),
        ]:
            con.execute(
                "insert into articles (article_id, url, source, text, text_sha256, content_sha256, extracted_at,"
                " extractor_version, claims_version, published_at) values (?, ?, ?, 't', 'x', ?, ?, ?, ?, ?)",
                [
                    article_id,
                    f"https://x/{article_id}",
                    source,
                    f"sha-{article_id}",
                    now,
                    version,
                    claims_version,
                    at(published),
                ],
            )
        con.execute(
            "insert into fetches (url, source, fetched_at, content_sha256, content_type) values (?, ?, ?, ?, ?)",
            ["https://x/a2", "feed", now, "sha-a2", "text/html; charset=utf-8"],
        )
    current = {"article_versions": CURRENT_ARTICLE_VERSIONS, "claims_version": "claims/1+m"}
    assert [r[2] for r in stale_articles(db, **current)] == ["a3", "a2", "a4"]  # by source, oldest first  # type: ignore[arg-type]
    assert [r[2] for r in stale_articles(db, sources=["feed"], **current)] == ["a3", "a2"]  # type: ignore[arg-type]
    in_2024 = stale_articles(db, start=at("2024-01-01"), end=at("2025-01-01"), **current)  # type: ignore[arg-type]
    assert [r[2] for r in in_2024] == ["a2", "a4"]
    (a2,) = stored_pages(db, ["a2"])
    assert a2.content_type == "text/html; charset=utf-8" and a2.content_sha256 == "sha-a2"
    assert a2.published_at == at("2024-02-11")


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


def test_work_batch_label_and_size() -> None:
    batch = warc_batches("/x/a.warc.gz", [1, 2, 3], source="warc:a", size=2)[0]
    assert batch.size == 2 and batch.label == "warc warc:a (2 from warc:/x/a.warc.gz)"
    assert WorkBatch(kind="directory", source="saved", host="local", path="/x").size == 1


def test_deployment_trigger_without_a_server_says_how_to_point_at_one() -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.trigger import server_urls

    with temporary_settings(updates={PREFECT_API_URL: None}), pytest.raises(ConfigError, match="PREFECT_API_URL"):
        server_urls()
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:4300/api"}):
        assert server_urls()[1] in ("http://127.0.0.1:4300", "http://127.0.0.1:4300/")


def test_backfill_cli_parameters_are_absolute_and_minimal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from claimtrack.cli import backfill_parameters, build_parser

    monkeypatch.chdir(tmp_path)
    args = build_parser().parse_args(
        ["backfill", "--urls-file", "pages.txt", "--since", "2024-01-01", "--warc", "a.warc.gz", "--source", "x"]
    )
    assert backfill_parameters(args) == {
        "urls_file": str(tmp_path / "pages.txt"),
        "since": date(2024, 1, 1),
        "warc": [str(tmp_path / "a.warc.gz")],
        "source_names": ["x"],
    }
    with pytest.raises(SystemExit):
        build_parser().parse_args(["backfill", "--since", "January"])
