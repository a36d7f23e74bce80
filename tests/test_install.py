"""A plain ``pip install .`` as a newcomer does it: a fresh Python 3.11 venv with the pip it ships (23.x, never
upgraded), the project installed from a copy of the tree (not editable), and ``claimtrack`` run from a folder that is
not the checkout. The installed package must hold every data file the code reads (seed files, the sample articles,
migrations, views, word lists, evaluation annotations), and ``claimtrack ingest`` of the shipped sample must work.

Slow: the install takes 2-5 minutes (pip's cache makes later runs faster).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]

#: Top-level folders whose files are installed: our packages and the seed data.
INSTALLED = ("core", "crawler", "extractors", "warehouse", "positions", "flows", "claimtrack", "evals", "seeds")
#: What a copy of the tree leaves out: local state and earlier builds at the top, caches anywhere.
NOT_COPIED_AT_TOP = {".git", ".venv", "build", "dist", "data", ".prefect", "bench"}
NOT_COPIED = shutil.ignore_patterns("*.egg-info", "__pycache__", ".*_cache")


def ignored(folder: str, names: list[str]) -> set[str]:
    skipped = set(NOT_COPIED(folder, names))
    return skipped | (NOT_COPIED_AT_TOP & set(names) if Path(folder) == ROOT else set())


def data_files() -> list[str]:
    """Every file of the installed folders that is not Python source: what the code reads at run time."""
    found = []
    for top in INSTALLED:
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts:
                found.append(path.relative_to(ROOT).as_posix())
    return found


def clean_env(home: Path) -> dict[str, str]:
    """The caller's environment without our settings or Prefect's (the pip settings of the machine stay)."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CLAIMTRACK_", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(
        PREFECT_HOME=str(home / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="90",
        PREFECT_LOGGING_LEVEL="WARNING",
    )
    return env


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (
        f"{' '.join(args)} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return done


def test_stock_pip_install_ships_its_data_and_ingests_the_sample(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=ignored)
    elsewhere = tmp_path / "elsewhere"  # not the checkout: nothing of ours is importable from here
    elsewhere.mkdir()
    env = clean_env(tmp_path)
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], elsewhere, env)
    python = str(venv / "bin" / "python")
    pip = run([python, "-m", "pip", "--version"], elsewhere, env).stdout
    assert pip.startswith("pip 23."), pip  # the pip Python 3.11's ensurepip ships, as a newcomer has it

    run([python, "-m", "pip", "install", "--quiet", str(source)], elsewhere, env, timeout=1200)

    where = run(
        [python, "-c", "import core, core.settings as s; print(core.__file__); print(s.SEEDS_DIR)"], elsewhere, env
    )
    package_file, seeds = where.stdout.split()
    site = Path(package_file).parent.parent
    assert site.is_relative_to(venv) and Path(seeds) == site / "seeds", where.stdout
    missing = [name for name in data_files() if not (site / name).is_file()]
    assert not missing, f"not installed: {missing}"

    articles = Path(seeds) / "articles"
    sources = elsewhere / "sources.toml"
    sources.write_text(f'[[source]]\nname = "sample"\nkind = "directory"\npath = "{articles}"\n', encoding="utf-8")
    claimtrack = str(venv / "bin" / "claimtrack")
    db = elsewhere / "data" / "claimtrack.duckdb"
    ingest = run([claimtrack, "ingest", "--sources", str(sources), "--db", str(db), "--json"], elsewhere, env)
    assert '"status": "completed"' in ingest.stdout, ingest.stdout + ingest.stderr
    linked = run([claimtrack, "sql", "--db", str(db), "--format", "csv",
                  "SELECT count(*) FROM claims WHERE government IS NOT NULL"], elsewhere, env)  # fmt: skip
    assert int(linked.stdout.split()[-1]) > 0, linked.stdout  # the seed tables linked speakers to governments
