from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language

from tests.httpserver import LocalServer

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

ROOT = Path(__file__).resolve().parent.parent
SEED_ARTICLE = ROOT / "seeds" / "articles" / "jeddah-talks-2023-08-08.txt"
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The real pipeline (default model plus our components), loaded once per test session."""
    from extractors.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    yield local
    local.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "claimtrack.duckdb"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Flow tests and slow tests start Prefect servers: run them last so fast failures show first.
    items.sort(key=lambda item: ("tests/flows/" in str(item.fspath), item.get_closest_marker("slow") is not None))
