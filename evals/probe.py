"""Run labelled statement pairs through features, a similarity and the labelling rules: the regression probe
(``tests/fixtures/probe/minimal_pairs.tsv``) and method comparisons (``tools/compare_similarity.py``).

A pair file is TSV: ``kind  government  earlier  later`` with kind R or P (reiteration: minimal or reworded
paraphrase), X (reversal), S (shift) or T (same topic, other claim: new). ``#`` lines are comments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from core.errors import ConfigError
from positions.changes import Label, judge
from positions.features import StatementText, analyse
from positions.similarity import Similarity

EXPECTED: dict[str, Label] = {"R": "reiteration", "P": "reiteration", "X": "reversal", "S": "shift", "T": "new"}


@dataclass(frozen=True, kw_only=True)
class Pair:
    kind: str
    government: str
    earlier: str
    later: str


@dataclass(frozen=True, kw_only=True)
class PairResult:
    pair: Pair
    score: float
    label: Label
    rule: str

    @property
    def correct(self) -> bool:
        return self.label == EXPECTED[self.pair.kind]


def load_pairs(path: Path) -> list[Pair]:
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 4 or parts[0] not in EXPECTED:
            raise ConfigError(f"{path}:{number}: expected 'kind<TAB>government<TAB>earlier<TAB>later', kind R/P/X/S/T")
        pairs.append(Pair(kind=parts[0], government=parts[1], earlier=parts[2], later=parts[3]))
    return pairs


def run_pairs(pairs: Sequence[Pair], nlp: Language, similarity: Similarity) -> list[PairResult]:
    items = [
        StatementText(statement_id=f"{i}{side}", content=text, government=p.government)
        for i, p in enumerate(pairs)
        for side, text in (("a", p.earlier), ("b", p.later))
    ]
    features = analyse(nlp, items)
    encoded = similarity.encode(features)
    results = []
    for i, pair in enumerate(pairs):
        earlier, later = features[2 * i], features[2 * i + 1]
        score = similarity.score(encoded[2 * i + 1], encoded[2 * i])
        verdict = judge(score, later, earlier, similarity.thresholds)
        results.append(PairResult(pair=pair, score=score, label=verdict.label, rule=verdict.rule))
    return results


def auc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """P(a positive scores above a negative), ties counted half."""
    if not positives or not negatives:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def summarise(results: Sequence[PairResult]) -> dict[str, object]:
    by_kind: dict[str, list[float]] = {}
    for r in results:
        by_kind.setdefault(r.pair.kind, []).append(r.score)
    correct = Counter(r.pair.kind for r in results if r.correct)
    total = Counter(r.pair.kind for r in results)
    return {
        "accuracy": sum(correct.values()) / max(1, len(results)),
        "per_kind": {k: f"{correct[k]}/{total[k]}" for k in sorted(total)},
        "mean_score": {k: round(sum(v) / len(v), 3) for k, v in sorted(by_kind.items())},
        "auc_R_over_T": auc(by_kind.get("R", []), by_kind.get("T", [])),
        "auc_P_over_T": auc(by_kind.get("P", []), by_kind.get("T", [])),
        "auc_R_over_X": auc(by_kind.get("R", []), by_kind.get("X", [])),
        "reversal_as_reiteration": sum(1 for r in results if r.pair.kind == "X" and r.label == "reiteration"),
    }
