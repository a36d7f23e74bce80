"""`position_as_of` and the new/dropped language macros on a dated series written through the warehouse."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from extractors.article import Article
from extractors.claims import Claim
from extractors.pipeline import ExtractedArticle
from positions.refresh import refresh_positions
from warehouse.queries import run_sql
from warehouse.writes import Batch, store_batch

#: (date, what China's foreign ministry said): a reiteration, then a reversal, then talk without "ceasefire".
SERIES = [
    ("2024-01-10", "China supports a ceasefire and peace talks on Ukraine"),
    ("2024-02-12", "Beijing supports a ceasefire and peace talks on Ukraine"),
    ("2024-03-15", "China rejects a ceasefire and peace talks on Ukraine"),
    ("2024-05-20", "China will send a special envoy to Kyiv and Moscow about Ukraine"),
]


def store_series(db: Path) -> None:
    for number, (day, words) in enumerate(SERIES):
        text = f"China's foreign ministry said {words}."
        start = text.index(words)
        claim = Claim(
            kind="indirect",
            content=words,
            content_spans=((start, start + len(words)),),
            cue="said",
            speaker="China's foreign ministry",
            speaker_canonical="China's foreign ministry",
            government="CHN",
            topics=(("ukraine-war", "ukraine"),),
        )
        article = Article(
            url=f"https://news.example.org/{number}",
            text=text,
            published_at=datetime.fromisoformat(day).replace(tzinfo=UTC),
        )
        record = ExtractedArticle(
            article=article,
            source="series",
            outlet=f"Outlet {number}",
            content_sha256=None,
            final_url=None,
            claims=[claim],
            claims_version="claims/test",
        )
        store_batch(db, Batch(run_id=None, source="series", articles=[record]))


@pytest.fixture(scope="module")
def series_db(tmp_path_factory: pytest.TempPathFactory, nlp: object) -> Path:
    db = tmp_path_factory.mktemp("series") / "claimtrack.duckdb"
    store_series(db)
    refresh_positions(db)
    return db


def test_labels_follow_the_series(series_db: Path) -> None:
    rows = run_sql(series_db, "select stated_at::date, label from position_changes order by stated_at").rows
    assert [r[1] for r in rows] == ["new", "reiteration", "reversal", "new"]


def test_position_as_of_drops_what_was_reversed(series_db: Path) -> None:
    def as_of(day: str) -> list[str]:
        sql = f"select content from position_as_of('CHN', 'ukraine-war', date '{day}')"
        return [r[0] for r in run_sql(series_db, sql).rows]

    assert as_of("2024-01-01") == []
    february = as_of("2024-02-28")
    assert february == [SERIES[1][1], SERIES[0][1]]
    reiterated = run_sql(
        series_db, "select reiterations from position_as_of('CHN', 'ukraine-war', date '2024-02-28') order by 1"
    ).rows
    assert reiterated == [(0,), (1,)]
    # The reversal supersedes the statement it reversed and the one that statement reiterated.
    assert as_of("2024-04-01") == [SERIES[2][1]]
    assert as_of("2024-06-01") == [SERIES[3][1], SERIES[2][1]]


def test_new_and_dropped_language(series_db: Path) -> None:
    new = run_sql(
        series_db, "select term from position_terms_new(date '2024-05-01') where government = 'CHN' order by 1"
    ).rows
    assert ("special envoy",) in new and ("ceasefire",) not in new
    dropped = run_sql(
        series_db, "select term, mentions from position_terms_dropped(date '2024-06-01', 60) order by 1"
    ).rows
    assert ("ceasefire", 3) in dropped
    # A longer window reaches back to March, when "ceasefire" was still said: not dropped.
    assert run_sql(
        series_db, "select count(*) from position_terms_dropped(date '2024-06-01', 90) where term = 'ceasefire'"
    ).rows == [(0,)]
