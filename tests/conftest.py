from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language

from tests.httpserver import LocalServer
from tests.pgserver import PostgresServer, start_postgres

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


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One Postgres for the session (Debian's binaries, a temp folder, 127.0.0.1 at a free port), stopped at the
    end; each DuckLake test gets its own database in it (``lake``)."""
    try:
        server = start_postgres()
    except FileNotFoundError as exc:
        pytest.skip(f"DuckLake tests need Postgres: {exc}. `make test` installs it (apt-get install postgresql)")
    yield server
    server.stop()


_lake_count = 0


@pytest.fixture
def lake(postgres: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``CLAIMTRACK_WAREHOUSE=ducklake`` for this test, on a new catalog database and a new data folder (returned)."""
    global _lake_count
    _lake_count += 1
    data = tmp_path / "lake-data"
    data.mkdir()
    monkeypatch.setenv("CLAIMTRACK_WAREHOUSE", "ducklake")
    monkeypatch.setenv("CLAIMTRACK_LAKE_CATALOG", postgres.create_database(f"lake_{os.getpid()}_{_lake_count}"))
    monkeypatch.setenv("CLAIMTRACK_LAKE_DATA", str(data))
    return data


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Flow tests and slow tests start Prefect servers: run them last so fast failures show first.
    items.sort(key=lambda item: ("tests/flows/" in str(item.fspath), item.get_closest_marker("slow") is not None))
