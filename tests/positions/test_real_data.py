"""Position tracking on really extracted claims (seed article, its wire rewrite, the benchmark pages)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from claimtrack.cli import main
from extractors.article import TEXT_EXTRACTOR_VERSION
from flows.refresh import refresh_positions
from tests.realdata import benchmark_pages
from warehouse.reads import run_sql
from warehouse.writes import Batch, store_batch


def one(db: Path, sql: str) -> tuple:  # type: ignore[type-arg]
    rows = run_sql(db, sql).rows
    assert len(rows) == 1, rows
    return rows[0]


def test_every_claim_belongs_to_one_statement(real_db: Path) -> None:
    claims, grouped, statements, linked = one(
        real_db,
        "select count(*), count(statement_id), (select count(*) from statements),"
        " (select count(distinct statement_id) from claim_statements) from claims",
    )
    assert claims == grouped and statements == linked and 0 < statements < claims


def test_wire_copy_is_one_statement_with_two_reports(real_db: Path) -> None:
    rows = run_sql(
        real_db,
        "select s.reports, s.outlets, list(distinct r.outlet order by r.outlet) from statements s"
        " join statement_reports r using (statement_id)"
        " where s.content like '%China will uphold an independent and impartial position%' group by all",
    ).rows
    assert rows == [(2, 2, ["Wire Rewrite (fixture)", "claimtrack sample"])]
    # Peskov's quote, trimmed in the rewrite, is one statement too.
    peskov = one(real_db, "select count(distinct statement_id) from claims where content like '%no grounds for an%'")
    assert peskov == (1,)


def test_provenance_reaches_raw_page_and_offsets(real_db: Path) -> None:
    # statement -> claims -> article URL -> raw page hash, and the offsets index the article text.
    rows = run_sql(
        real_db,
        "select r.url, r.content_sha256, substr(a.text, r.start_char + 1, r.end_char - r.start_char) = c.content"
        " or json_array_length(c.content_spans) > 1"
        " from statement_reports r join claims c using (claim_id) join articles a on a.article_id = r.article_id",
    ).rows
    assert rows and all(url and sha and offsets_ok for url, sha, offsets_ok in rows)
    raw = real_db.parent / "raw"
    assert all((raw / sha[:2] / f"{sha}.gz").exists() for _, sha, _ in rows)
    orphans = one(
        real_db,
        "select count(*) from position_changes c left join statements s using (statement_id)"
        " where s.statement_id is null or (c.nearest_statement_id is not null and c.earlier_url is null)",
    )
    assert orphans == (0,)


def test_timeline_counts_agree_with_statements(real_db: Path) -> None:
    for grain in ("day", "week", "month"):
        mismatch = one(
            real_db,
            f"""
            with t as (select government, topic, sum(statements) as n, sum(reports) as r, max(outlets) as o
                       from position_timeline where grain = '{grain}' group by all),
                 s as (select government, topic, count(*) as n, sum(reports) as r from position_statements group by all)
            select count(*) from t full join s using (government, topic)
            where t.n is distinct from s.n or t.r is distinct from s.r or t.o > t.r
            """,
        )
        assert mismatch == (0,), grain
    chn = run_sql(
        real_db,
        "select statements, reports, outlets, leading_speakers[1] from position_timeline"
        " where government = 'CHN' and topic = 'ukraine-war' and grain = 'month' and period_start = '2023-08-01'",
    ).rows
    assert len(chn) == 1
    statements, reports, outlets, leader = chn[0]
    assert reports > statements >= 3 and outlets == 2
    speakers = {
        r[0]
        for r in run_sql(
            real_db,
            "select speaker_canonical from position_statements where government = 'CHN' and topic = 'ukraine-war'",
        ).rows
    }
    assert leader.rsplit(" (", 1)[0] in speakers


def test_changes_compare_with_earlier_statements_only(real_db: Path) -> None:
    bad = one(
        real_db,
        "select count(*) from position_changes where earlier_stated_at > stated_at"
        " or (rule = 'first_on_topic') <> (nearest_statement_id is null)"
        " or label not in ('new', 'reiteration', 'shift', 'reversal') or method_version is null",
    )
    assert bad == (0,)


def test_each_series_starts_with_exactly_one_first_statement(real_db: Path) -> None:
    rows = run_sql(
        real_db,
        "select government, topic, count(*) filter (where rule = 'first_on_topic') from position_changes"
        " where method = 'lexical' group by all having count(*) filter (where rule = 'first_on_topic') <> 1",
    ).rows
    assert rows == []


def test_terms_record_first_use_with_its_statement(real_db: Path) -> None:
    row = one(
        real_db,
        "select statements, first_statement, first_url from position_terms"
        " where government = 'CHN' and topic = 'ukraine-war' and term = 'impartial' and kind = 'lemma'",
    )
    assert row[0] >= 2 and "impartial" in row[1].lower() and row[2].startswith("local:")
    chunk = one(
        real_db,
        "select count(*) from position_terms where government = 'CHN' and topic = 'ukraine-war'"
        " and kind = 'noun_chunk' and term = 'peace talks'",
    )
    assert chunk == (1,)
    own_names = one(
        real_db, "select count(*) from position_terms where government = 'CHN' and term in ('china', 'beijing')"
    )
    assert own_names == (0,)


def test_new_and_dropped_language_macros(real_db: Path) -> None:
    new = run_sql(real_db, "select distinct government from position_terms_new(date '2023-08-01') order by 1").rows
    assert ("CHN",) in new
    assert run_sql(real_db, "select count(*) from position_terms_new(date '2030-01-01')").rows == [(0,)]
    # Two months after the Jeddah talks nobody has spoken again in this data: nothing counts as dropped,
    # because dropped language needs the government to keep talking on the topic.
    assert run_sql(real_db, "select count(*) from position_terms_dropped(date '2023-10-15', 30)").rows == [(0,)]


def test_position_as_of_a_date(real_db: Path) -> None:
    before = run_sql(real_db, "select count(*) from position_as_of('CHN', 'ukraine-war', date '2023-08-07')").rows
    assert before == [(0,)]
    rows = run_sql(
        real_db, "select stated_at, content, url from position_as_of('CHN', 'ukraine-war', date '2023-12-31')"
    ).rows
    assert rows and all(r[2] for r in rows)
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), reverse=True)


def test_positions_command_prints_a_timeline(real_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["positions", "--db", str(real_db), "--government", "chn", "--topic", "ukraine-war", "--by", "month"])
    out = capsys.readouterr().out
    assert code == 0
    assert "CHN on ukraine-war" in out and "2023-08" in out and "Wang Yi" in out
    assert "first_on_topic" in out and "Language" in out and "impartial" in out


def test_positions_command_says_what_exists_when_nothing_matches(
    real_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A topic nothing was said on is an error (exit 2) that lists the topics there are (issue 15, item 15).
    assert main(["positions", "--db", str(real_db), "--government", "CHN", "--topic", "no-such-topic"]) == 2
    err = capsys.readouterr().err
    assert "no dated statements on topic 'no-such-topic' by CHN" in err and "ukraine-war (" in err


def test_refresh_is_idempotent(real_db_copy: Path) -> None:
    snapshot = "select statement_id, label, nearest_statement_id, similarity from statement_comparisons order by all"
    before = run_sql(real_db_copy, snapshot).rows
    summary = refresh_positions(real_db_copy)
    assert run_sql(real_db_copy, snapshot).rows == before
    assert summary.features_reused == summary.statements and summary.features_computed == 0


def test_rebuild_reextracts_stale_claims_and_keeps_history(
    real_db_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = real_db_copy
    # Make the seed article's current claims look like an older extractor's: store them under another version.
    row = one(db, "select url, text, published_at, claims_version from articles where source = 'sample-articles'")
    from core.articles import ExtractedArticle
    from extractors.article import text_article

    current = one(
        db, "select count(*) from claims c join articles a using (article_id) where a.source = 'sample-articles'"
    )
    records = one(db, "select count(*) from claim_records")
    article = replace(text_article("x", row[0]), text=row[1], published_at=row[2])
    old = ExtractedArticle(
        article=article,
        source="sample-articles",
        outlet="claimtrack sample",
        content_sha256=None,
        final_url=None,
        claims=[],
        claims_version="claims/0+old-model",
    )
    store_batch(db, Batch(run_id=None, source="sample-articles", articles=[old]))
    assert one(
        db, "select count(*) from claims c join articles a using (article_id) where a.source = 'sample-articles'"
    ) == (0,)

    assert main(["rebuild", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "claims re-extracted: 1 articles" in out
    assert one(db, "select claims_version from articles where source = 'sample-articles'") == (row[3],)
    after = one(
        db, "select count(*) from claims c join articles a using (article_id) where a.source = 'sample-articles'"
    )
    assert after == current
    # Append-only: no claim_records row was deleted or edited on the way.
    assert one(db, "select count(*) from claim_records") == records
    assert main(["rebuild", "--db", str(db)]) == 0
    assert "claims re-extracted: 0 articles, 0 new claim rows" in capsys.readouterr().out


def test_benchmark_pages_feed_several_governments(real_db: Path, needs_benchmarks: None) -> None:
    assert len(benchmark_pages()) >= 50
    governments = one(real_db, "select count(distinct government) from position_statements")
    assert governments[0] >= 5
    outlets = one(real_db, "select count(distinct outlet) from articles")
    assert outlets[0] >= 20
    assert one(real_db, "select count(*) from position_timeline where government = 'USA' and grain = 'day'")[0] >= 2


def test_since_filters_the_timeline(real_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["positions", "--db", str(real_db), "--government", "CHN", "--topic", "ukraine-war", "--since", "2024-01-01"])
    assert "No dated statements by CHN on ukraine-war since 2024-01-01" in capsys.readouterr().out


def test_rebuild_from_raw_remakes_text_of_an_older_article_extractor(
    real_db_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from warehouse.connection import writer

    db = real_db_copy
    plain = f"extractor_version <> '{TEXT_EXTRACTOR_VERSION}'"
    current = one(db, f"select count(*), min(extractor_version) from articles where {plain}")
    if current[0] == 0:
        pytest.skip("no HTML articles in this database (../shared absent)")
    texts = run_sql(db, "select article_id, text_sha256 from articles order by 1").rows
    with writer(db) as con:  # as if an older trafilatura had made these texts
        con.execute(f"update articles set extractor_version = 'trafilatura-0.0/0' where {plain}")
    assert main(["rebuild", "--db", str(db), "--from-raw"]) == 0
    assert f"text re-extracted from the raw archive: {current[0]} (raw page missing: 0" in capsys.readouterr().out
    assert one(db, "select count(*) from articles where extractor_version = 'trafilatura-0.0/0'") == (0,)
    assert run_sql(db, "select article_id, text_sha256 from articles order by 1").rows == texts
    assert main(["rebuild", "--db", str(db), "--from-raw"]) == 0
    assert "text re-extracted from the raw archive: 0" in capsys.readouterr().out
