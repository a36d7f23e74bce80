"""`claimtrack eval linking`: annotations hold no page text, spans survive text shifts, failures are classified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language

from evals.linking import DEFAULT_GOLD, evaluate_linking, format_report, locate, short_hash
from tests.conftest import SHARED

PAGE = "dc7ccccc1f34eb2928cb238739aaf18c712d59d8d34b41acfb29178aeba65356"  # Sweden drops the Assange inquiry


def gold_lines() -> list[dict[str, object]]:
    return [json.loads(line) for line in DEFAULT_GOLD.read_text().splitlines() if line and not line.startswith("#")]


def test_annotations_hold_offsets_and_hashes_only() -> None:
    lines = gold_lines()
    assert len(lines) >= 500 and len({(g["corpus"], g["page"]) for g in lines}) >= 40
    allowed = {"corpus", "page", "content", "content_sha", "speaker", "speaker_sha", "government", "actor_type"}
    for entry in lines:
        assert set(entry) <= allowed
        assert all(not isinstance(v, str) or len(v) <= 64 for v in entry.values())


def test_spans_are_found_again_after_the_text_shifts() -> None:
    text = "Intro. The minister said the border would open."
    span = (text.index("the border"), len(text) - 1)
    sha = short_hash(text[span[0] : span[1]])
    assert locate(text, span, sha) == span
    shifted = "A longer new intro line. " + text
    assert locate(shifted, span, sha) == (span[0] + 25, span[1] + 25)
    assert locate("something else entirely", span, sha) is None


def test_missing_benchmarks_are_skipped_with_a_message(nlp: Language, tmp_path: Path) -> None:
    report = evaluate_linking(nlp, shared=tmp_path)
    assert report.skipped and "needs ../shared" in format_report(report)


@pytest.mark.skipif(not (SHARED / "benchmarks" / "extraction").is_dir(), reason="needs ../shared benchmarks")
def test_scores_a_real_page_and_classifies_failures(nlp: Language, tmp_path: Path) -> None:
    items = [g for g in gold_lines() if g["page"] == PAGE]
    assert items and any(g["government"] == "SWE" for g in items)
    flipped = [{**g, "government": "NOR"} if g["government"] == "SWE" else g for g in items]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(g) + "\n" for g in items), encoding="utf-8")
    report = evaluate_linking(nlp, gold=gold, shared=SHARED)
    assert report.pages == 1 and report.extracted and report.accuracy == 1.0
    gold.write_text("".join(json.dumps(g) + "\n" for g in flipped), encoding="utf-8")
    report = evaluate_linking(nlp, gold=gold, shared=SHARED)
    assert report.accuracy < 1.0
    assert set(report.failures()) == {"wrong code (possessive)", "wrong code (coref)"}
    assert "linking accuracy:" in format_report(report, show=True)
