"""What a newcomer asked the README and the manual and did not find, or found wrong (issue 15, item 19)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.conftest import ROOT
from warehouse.reads import run_sql
from warehouse.writes import begin_run, finish_run

README = (ROOT / "README.md").read_text(encoding="utf-8")
DEPLOY = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")


def test_readme_says_where_the_command_is_and_how_to_reach_it() -> None:
    assert ".venv/bin/claimtrack" in README and "export PATH=" in README and ".venv/bin" in README


def test_readme_says_how_to_get_the_stock_duckdb_cli() -> None:
    assert "pip install duckdb-cli" in README


def test_readme_names_allow_private_for_local_url_lists() -> None:
    assert "--allow-private" in README


def test_readme_says_what_the_report_shows_for_saved_files() -> None:
    assert "local:" in README and "title" in README


def test_the_runs_example_counts_the_runs_own_claims(db: Path) -> None:
    """The deploy guide's query over ``runs``: a run that stored nothing must not show the database's total as its
    claims."""
    (line,) = [line for line in DEPLOY.splitlines() if "claimtrack sql" in line and "FROM runs" in line]
    query = shlex.split(line)[-1]
    sources = [{"source": "feed", "claims": 7}, {"source": "saved", "claims": 5}]
    begin_run(db, "run-1", "ingest", {})
    finish_run(db, "run-1", "completed", {"sources": sources, "claims_total": 12})
    begin_run(db, "run-2", "ingest", {})
    finish_run(db, "run-2", "completed", {"sources": [{**s, "claims": 0} for s in sources], "claims_total": 12})
    result = run_sql(db, query)
    rows = {row[result.columns.index("run_id")]: dict(zip(result.columns, row, strict=True)) for row in result.rows}
    # Any column called claims, unless it says it is the database's total, is read as the run's own claims.
    (own,) = [c for c in result.columns if "claims" in c and not re.search("db|database|total", c)]
    assert (int(rows["run-1"][own]), int(rows["run-2"][own])) == (12, 0), rows
