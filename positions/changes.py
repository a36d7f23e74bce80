"""Each statement vs the same government's earlier statements on the same topic: the nearest one, a score,
and a label, with the rule that fired (so a reader can audit it).

Rules, in order (``Thresholds`` are per similarity method):

1. no earlier statement                                  -> ``new``         (``first_on_topic``)
2. best score < ``new_below``                            -> ``new``         (``below_new``)
3. polarity differs, score >= ``reversal_at_least``      -> ``reversal``    (``polarity_flip``)
4. polarity differs, lower score                         -> ``shift``       (``polarity_flip_weak``)
5. score >= ``same_at_least``, condition/possibility/readiness markers differ -> ``shift`` (``modality_change``)
6. score >= ``same_at_least``                            -> ``reiteration`` (``same_polarity``)
7. otherwise (related, not the same)                     -> ``shift``       (``partial_overlap``)

Similarity alone cannot tell a reiteration from a reversal (negated pairs score *higher* than paraphrases),
which is why rules 3-4 come before 6.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from core.statements import StatementFeatures
from positions.polarity import SHIFT_MODALITIES
from positions.similarity import Similarity, Thresholds

Label = Literal["new", "reiteration", "shift", "reversal"]
LABELS: tuple[Label, ...] = ("new", "reiteration", "shift", "reversal")


@dataclass(frozen=True, slots=True)
class Verdict:
    label: Label
    rule: str
    polarity_changed: bool
    cues: str


def _describe(features: StatementFeatures) -> str:
    polarity = "+" if features.polarity > 0 else "-"
    cues = ",".join(features.polarity_cues)
    modality = ",".join(features.modality)
    return f"{polarity}[{cues}]{{{modality}}}"


def judge(
    score: float | None, new: StatementFeatures, earlier: StatementFeatures | None, thresholds: Thresholds
) -> Verdict:
    """The label of ``new`` against its nearest ``earlier`` statement (None when it is the first)."""
    if earlier is None or score is None:
        return Verdict("new", "first_on_topic", False, _describe(new))
    cues = f"{_describe(new)} vs {_describe(earlier)}"
    flipped = new.polarity != earlier.polarity
    if score < thresholds.new_below:
        return Verdict("new", "below_new", flipped, cues)
    if flipped:
        if score >= thresholds.reversal_at_least:
            return Verdict("reversal", "polarity_flip", True, cues)
        return Verdict("shift", "polarity_flip_weak", True, cues)
    if score >= thresholds.same_at_least:
        if (set(new.modality) ^ set(earlier.modality)) & SHIFT_MODALITIES:
            return Verdict("shift", "modality_change", False, cues)
        return Verdict("reiteration", "same_polarity", False, cues)
    return Verdict("shift", "partial_overlap", False, cues)


@dataclass(frozen=True, kw_only=True)
class Dated:
    """A statement on one topic, in the order comparisons walk them."""

    statement_id: str
    stated_at: datetime
    features: StatementFeatures


@dataclass(frozen=True, kw_only=True)
class Comparison:
    statement_id: str
    nearest_statement_id: str | None
    similarity: float | None
    verdict: Verdict
    candidates: int


def compare_series(
    series: Sequence[Dated], similarity: Similarity, *, max_candidates: int = 2000, vectors: Sequence[Any] | None = None
) -> list[Comparison]:
    """Compare each statement with the earlier ones (``series`` of one government and topic, any order).

    Ties on time are broken by statement id, so the walk is deterministic. Only the latest ``max_candidates``
    earlier statements are compared (bounded cost on long series).
    """
    order = sorted(range(len(series)), key=lambda i: (series[i].stated_at, series[i].statement_id))
    encoded = list(vectors) if vectors is not None else similarity.encode([s.features for s in series])
    results: list[Comparison] = []
    for position, index in enumerate(order):
        current = series[index]
        earlier = order[max(0, position - max_candidates) : position]
        best: int | None = None
        best_score = -1.0
        for other in earlier:
            score = similarity.score(encoded[index], encoded[other])
            # Later statements win ties: "nearest" is the most recent of equally similar ones.
            if score >= best_score:
                best, best_score = other, score
        previous = series[best] if best is not None else None
        verdict = judge(
            best_score if previous else None,
            current.features,
            previous.features if previous else None,
            similarity.thresholds,
        )
        results.append(
            Comparison(
                statement_id=current.statement_id,
                nearest_statement_id=previous.statement_id if previous else None,
                similarity=round(best_score, 4) if previous else None,
                verdict=verdict,
                candidates=len(earlier),
            )
        )
    return results
