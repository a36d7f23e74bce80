"""One really extracted database per session for the position-tracking tests (built by ``tests.realdata``).

It holds the seed article and its wire rewrite, plus the politics pages of ``../shared/benchmarks/extraction``
when that folder is present (tests that need those pages skip, with the reason, when it is not).
Tests treat it as read-only; tests that change data copy it first (``real_db_copy``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from spacy.language import Language

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


@pytest.fixture
def needs_benchmarks() -> None:
    if not BENCHMARKS.exists():
        pytest.skip(f"{BENCHMARKS} is absent: this test reads the shared benchmark pages")
