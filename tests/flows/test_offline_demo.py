"""The offline demo: ``make run`` with no network stores the shipped sample (the ``directory`` sources of
seeds/sources.toml), and ``claimtrack positions`` and ``claimtrack report`` then show a position moving over time.

Labels are checked loosely on purpose (the position rules may be tuned): some government and topic has statements on
at least three dates, and among its labels are a reiteration and a change (shift or reversal).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtrack.cli import main
from core.settings import DEFAULT_SIMILARITY, DEFAULT_SOURCES
from crawler.sources import load_sources
from flows.ingest import ingest
from flows.params import IngestParams
from warehouse.reads import run_sql


def offline_sources(tmp_path: Path) -> Path:
    """The shipped sources file's offline entries only (the feeds need a network this test must not use)."""
    offline = [source for source in load_sources(DEFAULT_SOURCES) if source.kind == "directory"]
    path = tmp_path / "sources.toml"
    path.write_text(
        "\n".join(
            f'[[source]]\nname = "{s.name}"\nkind = "directory"\npath = "{s.path}"\noutlet = "{s.outlet}"\n'
            for s in offline
        ),
        encoding="utf-8",
    )
    return path


def test_the_shipped_sample_shows_a_position_moving(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = ingest(IngestParams(sources=offline_sources(tmp_path), db=db, processes=1))
    assert summary["status"] == "completed"
    moving = run_sql(
        db,
        f"""
        select government, topic, count(distinct stated_at::date) as days,
               count(*) filter (where label = 'reiteration') as reiterations,
               count(*) filter (where label in ('shift', 'reversal')) as changes
        from position_changes where method = '{DEFAULT_SIMILARITY}'
        group by all having days >= 3 and reiterations >= 1 and changes >= 1
        order by days desc, government, topic
        """,
    ).rows
    assert moving, run_sql(db, "select government, topic, stated_at, label, content from position_changes").rows
    government, topic, days, _, _ = moving[0]

    assert main(["positions", "--db", str(db), "--government", government, "--topic", topic, "--by", "day"]) == 0
    timeline = capsys.readouterr().out
    assert "reiteration" in timeline and ("shift" in timeline or "reversal" in timeline)
    periods = [line for line in timeline.split("Statements (")[0].splitlines() if line.startswith("  20")]
    assert len(periods) == days >= 3

    report = tmp_path / "report.html"
    assert main(["report", "--db", str(db), "--government", government, "--out", str(report)]) == 0
    page = report.read_text(encoding="utf-8")
    assert "reiteration</td>" in page or 'class="label reiteration"' in page
    assert 'class="label reversal"' in page or 'class="label shift"' in page
