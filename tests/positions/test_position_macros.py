"""`position_as_of` and the new/dropped language macros on a dated series written through the warehouse."""

from __future__ import annotations

from pathlib import Path

from tests.positions.series import SERIES
from warehouse.reads import comparison_labels, run_sql


def test_labels_follow_the_series(series_db: Path) -> None:
    rows = run_sql(series_db, "select stated_at::date, label from position_changes order by stated_at").rows
    assert [r[1] for r in rows] == ["new", "reiteration", "reversal", "new"]


def test_comparison_labels_count_one_method(series_db: Path) -> None:
    assert comparison_labels(series_db, "minilm-onnx") == {"new": 2, "reiteration": 1, "reversal": 1}
    assert comparison_labels(series_db, "lexical") == {}  # never computed on this database


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
