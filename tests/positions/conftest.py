"""One really extracted database per session for the position-tracking tests (built by ``tests.realdata``).

It holds the seed article and its wire rewrite, plus the politics pages of ``../shared/benchmarks/extraction``
when that folder is present (tests that need those pages skip, with the reason, when it is not).
Tests treat it as read-only; tests that change data copy it first (``real_db_copy``). ``series_db`` is a small
hand-written series with fixed dates (a reiteration and a reversal), for answers the real data cannot give.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from spacy.language import Language

from flows.refresh import refresh_positions
from tests.positions.series import store_series
from tests.realdata import BENCHMARKS, build


@pytest.fixture(scope="session")
def real_db(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Path:
    work = tmp_path_factory.mktemp("realdb")
    db = work / "claimtrack.duckdb"
    build(db, work, with_benchmarks=BENCHMARKS.exists())
    return db


@pytest.fixture
def real_db_copy(real_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy" / real_db.name
    target.parent.mkdir()
    shutil.copy(real_db, target)
    if (real_db.parent / "raw").exists():
        shutil.copytree(real_db.parent / "raw", target.parent / "raw")
    return target


@pytest.fixture(scope="session")
def series_db(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Path:
    """China's dated series (``tests.positions.series.SERIES``): a reiteration, a reversal, fixed dates."""
    db = tmp_path_factory.mktemp("series") / "claimtrack.duckdb"
    store_series(db)
    refresh_positions(db)
    return db


@pytest.fixture
def needs_benchmarks() -> None:
    if not BENCHMARKS.exists():
        pytest.skip(f"{BENCHMARKS} is absent: this test reads the shared benchmark pages")
