"""``claimtrack eval polnear`` on a couple of real PolNeAR dev articles, read from ../shared (skipped without it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language

from claimtrack.cli import main
from evals.polnear import load_split
from tests.conftest import SHARED

POLNEAR = SHARED / "benchmarks" / "attribution" / "polnear"

pytestmark = pytest.mark.skipif(
    not (POLNEAR / "data" / "dev").is_dir(), reason=f"PolNeAR is not at {POLNEAR} (../shared absent)"
)


def test_cli_scores_two_dev_articles_and_writes_json(
    nlp: Language, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.json"
    assert main(["eval", "polnear", str(POLNEAR), "--split", "dev", "--limit", "2", "--json-out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "overall" in printed and "speaker accuracy" in printed
    scores = json.loads(out.read_text(encoding="utf-8"))
    articles = load_split(POLNEAR, "dev", limit=2)
    assert scores["articles"] == 2 and scores["split"] == "dev"
    assert scores["overall"]["gold"] == sum(len(a.gold) for a in articles)
    assert sum(scores["by_kind"][k]["gold"] for k in ("direct", "mixed", "indirect")) == scores["overall"]["gold"]
    # On real news the rules find a good share of the annotated attributions, and mostly right ones.
    assert scores["overall"]["recall"] > 0.3
    assert scores["overall"]["precision"] > 0.7
    assert 0.0 <= scores["speaker"]["accuracy"] <= 1.0
