"""`--since` counts the same statements everywhere: timeline periods, the statements listed, report sections."""

from __future__ import annotations

import re
from datetime import UTC, date
from pathlib import Path

import pytest
from spacy.language import Language

from claimtrack.report import ReportOptions, render_report
from claimtrack.timeline import render_positions
from flows.refresh import refresh_positions
from tests.positions.series import store_series
from warehouse import reads

#: Two statements in March (one before the 10th, one after) and one in April; 2024-03-20 is a Wednesday.
MARCH = [
    ("2024-03-02", "China supports peace talks on Ukraine"),
    ("2024-03-20", "China will send a special envoy to Kyiv"),
    ("2024-04-03", "China calls for a ceasefire in Ukraine"),
]


@pytest.fixture(scope="module")
def march_db(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Path:
    db = tmp_path_factory.mktemp("since") / "claimtrack.duckdb"
    store_series(db, MARCH)
    refresh_positions(db, nlp=nlp)
    return db


def periods(db: Path, grain: str, since: date | None) -> list[tuple[date, int]]:
    return [
        (p["period_start"], p["statements"]) for p in reads.timeline(db, "CHN", "ukraine-war", grain=grain, since=since)
    ]


def test_the_period_containing_since_keeps_only_its_later_statements(march_db: Path) -> None:
    since = date(2024, 3, 10)
    listed = [c["stated_at"].astimezone(UTC).date() for c in reads.changes(march_db, "CHN", "ukraine-war", since=since)]
    assert listed == [date(2024, 3, 20), date(2024, 4, 3)]
    assert periods(march_db, "month", None) == [(date(2024, 3, 1), 2), (date(2024, 4, 1), 1)]
    # March starts before the 10th but holds a listed statement: it stays, counting that one only.
    assert periods(march_db, "month", since) == [(date(2024, 3, 1), 1), (date(2024, 4, 1), 1)]
    assert periods(march_db, "week", date(2024, 3, 20)) == [(date(2024, 3, 18), 1), (date(2024, 4, 1), 1)]
    assert periods(march_db, "day", date(2024, 4, 4)) == []


def test_positions_command_header_and_timeline_agree_with_the_listed_statements(march_db: Path) -> None:
    out = render_positions(march_db, "CHN", "ukraine-war", since=date(2024, 3, 10), grain="month")
    assert "what it said, 2024-03-20 to 2024-04-03" in out and "2 statements in 2 reports" in out
    assert re.search(r"^  2024-03\s+1\s+1 ", out, flags=re.M), out
    listed = re.findall(r"^  [+=~!] (\S+)", out, flags=re.M)
    assert listed == ["2024-03-20", "2024-04-03"], out


def test_report_sections_follow_since(march_db: Path) -> None:
    assert reads.pairs(march_db, since=date(2024, 3, 10)) == [("CHN", "ukraine-war", 2)]
    page, sections = render_report(march_db, ReportOptions(since=date(2024, 3, 10)))
    assert sections == 1 and "CHN on ukraine-war</a> (2 statements)" in page
    page, sections = render_report(march_db, ReportOptions(since=date(2024, 5, 1)))
    assert sections == 0 and "No dated statements" in page
