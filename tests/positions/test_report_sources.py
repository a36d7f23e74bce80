"""The report's sources column names each report by its article's title, and a saved file (a ``local:`` URL, which
no browser can open) by its path as text, so every row can be traced without a link."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from claimtrack.report import ReportOptions, render_report
from core.settings import SEEDS_DIR
from crawler.sources import Source
from flows.refresh import refresh_positions
from tests.realdata import ingest_sources

NOTES = ("us-gaza-ceasefire-2023-12-08.txt", "us-gaza-ceasefire-2024-02-20.txt")


@pytest.fixture(scope="module")
def notes_db(tmp_path_factory: pytest.TempPathFactory, nlp: object) -> Path:
    work = tmp_path_factory.mktemp("notes")
    (work / "notes").mkdir()
    for name in NOTES:
        shutil.copy(SEEDS_DIR / "notes" / name, work / "notes" / name)
    db = work / "claimtrack.duckdb"
    ingest_sources(db, [Source(name="notes", kind="directory", path=work / "notes", outlet="Sample")], work / "raw")
    refresh_positions(db)
    return db


def test_sources_show_titles_and_saved_files_by_path(notes_db: Path) -> None:
    page, sections = render_report(notes_db, ReportOptions(government="USA"))
    assert sections >= 1
    title = "The United States and a Gaza ceasefire at the UN Security Council, 8 December 2023"
    assert title in page
    assert "local:notes/us-gaza-ceasefire-2023-12-08.txt" in page
    assert 'href="local:' not in page
