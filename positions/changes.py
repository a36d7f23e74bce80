"""A government's statements on a topic, grouped into the points it keeps making, and each labelled against the
points made on **earlier days** (``../shared/notes/annotation-guide.md``, "Position changes"):

- ``new``: a point not made before (the first statement, or one unlike every earlier statement);
- ``reiteration``: the same point again with no material change; statements of the same day elaborate one another,
  so a same-day repeat is always a reiteration and never a shift;
- ``shift``: the same point as made on an earlier day, changed in substance: a figure, a condition, a step taken
  or dropped (change words such as "no longer", "suspended"), readiness or possibility;
- ``reversal``: the same point with the opposite polarity.

Walk, in order (day, then time, article and position in it): a statement is compared with the same day's earlier
statements and with the earlier days' (the latest ``max_candidates``). The first statement of a day that matches
an earlier day's statement joins that statement's *point*, and is judged against the point's *position* (its
latest ``new``/``shift``/``reversal`` from an earlier day): the evidence (``Change``) says what differs. A later
statement of the same day elaborates the day's statement it is most like, unless it matches an earlier day's
point better (then it is judged against that point as above).

Labels depend only on the statements before: adding a later statement never changes an earlier label, which is
what lets ``positions.refresh`` label only the new statements of a series (``prior`` carries the labelled ones).
Similarity cannot tell a reiteration from a reversal (negated pairs score *higher* than paraphrases), so the
polarity step decides reversals, and the rule that fired is recorded beside the label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

import numpy

from core.statements import StatementFeatures
from positions.markers import is_change, is_continuity
from positions.polarity import SHIFT_MODALITIES
from positions.similarity import Similarity, Thresholds

Label = Literal["new", "reiteration", "shift", "reversal"]
LABELS: tuple[Label, ...] = ("new", "reiteration", "shift", "reversal")
#: Labels that set a point's position (a reiteration repeats it).
POSITION_LABELS = frozenset({"new", "shift", "reversal"})


@dataclass(frozen=True, slots=True)
class Change:
    """One thing that differs between a point's position and the statement that shifts or reverses it."""

    kind: str  # polarity | figure | condition | cue | modality
    before: str
    after: str

    def describe(self) -> str:
        return f"{self.kind}: {self.before or '-'} -> {self.after or '-'}"


@dataclass(frozen=True, slots=True)
class Verdict:
    label: Label
    rule: str
    polarity_changed: bool
    cues: str
    changes: tuple[Change, ...] = ()

    @property
    def change(self) -> str | None:
        """What changed, for a shift or reversal ("figure: 20% -> 60%; condition: - -> unless")."""
        return "; ".join(c.describe() for c in self.changes) or None


def _describe(features: StatementFeatures) -> str:
    polarity = "+" if features.polarity > 0 else "-"
    cues = ",".join(features.polarity_cues)
    modality = ",".join(features.modality)
    return f"{polarity}[{cues}]{{{modality}}}"


def _units(amounts: Sequence[str]) -> dict[str, set[str]]:
    by_unit: dict[str, set[str]] = {}
    for amount in amounts:
        unit = amount.lstrip("$€£¥").lstrip("0123456789.")
        by_unit.setdefault(unit, set()).add(amount)
    return by_unit


def changes_between(new: StatementFeatures, position: StatementFeatures, *, reversed_: bool) -> tuple[Change, ...]:
    """What differs in substance between the point's ``position`` and the ``new`` statement of it."""
    found: list[Change] = []
    if reversed_:
        found.append(Change("polarity", _describe(position), _describe(new)))
    before, after = _units(position.amounts), _units(new.amounts)
    for unit in sorted(before.keys() & after.keys()):
        if before[unit] != after[unit]:
            found.append(Change("figure", ", ".join(sorted(before[unit])), ", ".join(sorted(after[unit]))))
    if set(new.conditions) != set(position.conditions):
        found.append(Change("condition", ", ".join(position.conditions), ", ".join(new.conditions)))
    moved = (set(new.modality) ^ set(position.modality)) & SHIFT_MODALITIES
    if moved:
        kept = [m for m in position.modality if m in SHIFT_MODALITIES]
        found.append(Change("modality", ", ".join(kept), ", ".join(m for m in new.modality if m in moved)))
    return tuple(found)


def judge(
    score: float | None, new: StatementFeatures, earlier: StatementFeatures | None, thresholds: Thresholds
) -> Verdict:
    """The label of ``new``, made on a later day than ``earlier``, the position of the point it is most like
    (None: nothing was said before)."""
    if earlier is None or score is None:
        return Verdict("new", "first_on_topic", False, _describe(new))
    if score < thresholds.new_below:
        cues = f"{_describe(new)} vs {_describe(earlier)}"
        return Verdict("new", "different_point", new.polarity != earlier.polarity, cues)
    return judge_same_point(score, new, earlier, thresholds)


def judge_same_point(
    score: float, new: StatementFeatures, position: StatementFeatures, thresholds: Thresholds
) -> Verdict:
    """``new`` makes the point whose position (on an earlier day) is ``position``: reiteration, shift or reversal,
    with what changed. Continuity words ("reiterated", "again", "still") keep it a reiteration unless a figure
    changed; change words alone ("no longer", "suspended") make it a shift."""
    cues = f"{_describe(new)} vs {_describe(position)}"
    flipped = new.polarity != position.polarity
    if flipped and score >= thresholds.reversal_at_least:
        return Verdict("reversal", "polarity_flip", True, cues, changes_between(new, position, reversed_=True))
    found = changes_between(new, position, reversed_=False)
    continuity = [w for w in new.aspect if is_continuity(w)]
    moved = [w for w in new.aspect if is_change(w)]
    if continuity and not any(c.kind == "figure" for c in found):
        return Verdict("reiteration", "said_again", flipped, cues)
    if found:
        return Verdict("shift", found[0].kind + "_change", flipped, cues, found)
    if moved:
        return Verdict("shift", "change_words", flipped, cues, (Change("cue", "", ", ".join(moved)),))
    return Verdict("reiteration", "same_point", flipped, cues)


@dataclass(frozen=True, kw_only=True)
class Dated:
    """A statement on one topic, in the order comparisons walk them."""

    statement_id: str
    stated_at: datetime
    features: StatementFeatures
    #: Ties on time are broken by this (the article and the position in it), then by statement id.
    order: str = ""

    @property
    def day(self) -> date:
        moment = self.stated_at.astimezone(UTC) if self.stated_at.tzinfo else self.stated_at
        return moment.date()

    @property
    def sort_key(self) -> tuple[datetime, str, str]:
        return (self.stated_at, self.order, self.statement_id)


@dataclass(frozen=True, kw_only=True)
class Prior:
    """An earlier statement of the series, already labelled (read back for an incremental refresh)."""

    dated: Dated
    point_id: str
    label: str


@dataclass(frozen=True, kw_only=True)
class Comparison:
    statement_id: str
    nearest_statement_id: str | None
    similarity: float | None
    verdict: Verdict
    candidates: int
    #: The point the statement makes: the statement id of the point's first statement.
    point_id: str
    #: The statement it was compared with was made the same day (an elaboration), not an earlier day.
    same_day: bool = False


class _Walk:
    """The statements walked so far (earliest first) with their vectors, points and labels.

    Walk order is by time, so the earlier days' statements are a prefix and the current day's the rest: both are
    ranges, found without scanning, and vectors of an embedding method sit in one growing matrix (a candidate
    window is a view of it, not a copy)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.entries: list[Dated] = []
        self.points: list[str] = []
        self.labels: list[str] = []
        self._vectors: list[Any] = []
        self._matrix: Any = None
        self._day_start = 0
        #: point -> indices of the entries that set its position (new, shift, reversal), in walk order.
        self._positions: dict[str, list[int]] = {}

    def add(self, dated: Dated, vector: Any, point: str, label: str) -> None:
        index = len(self.entries)
        if self.entries and dated.day != self.entries[-1].day:
            self._day_start = index
        self.entries.append(dated)
        self.points.append(point)
        self.labels.append(label)
        self._store(vector, index)
        if label in POSITION_LABELS:
            self._positions.setdefault(point, []).append(index)

    def _store(self, vector: Any, index: int) -> None:
        if isinstance(vector, numpy.ndarray):
            if self._matrix is None:
                self._matrix = numpy.empty((64, vector.shape[0]), dtype=vector.dtype)
            elif index >= len(self._matrix):
                grown = numpy.empty((2 * len(self._matrix), self._matrix.shape[1]), dtype=self._matrix.dtype)
                grown[:index] = self._matrix[:index]
                self._matrix = grown
            self._matrix[index] = vector
        self._vectors.append(vector)

    def vectors(self, window: range) -> Any:
        if self._matrix is not None:
            return self._matrix[window.start : window.stop]
        return self._vectors[window.start : window.stop]

    def vector(self, index: int) -> Any:
        return self._vectors[index]

    def windows(self, day: date) -> tuple[range, range]:
        """The earlier days' candidates (the latest ``limit``) and the same day's statements, for a statement of
        ``day`` (never earlier than the last walked)."""
        end = len(self.entries)
        today = self._day_start if self.entries and self.entries[-1].day == day else end
        return range(max(0, today - self.limit), today), range(today, end)

    def position(self, index: int, window: range) -> int:
        """The latest statement in ``window`` (earlier days) that set the position of ``index``'s point."""
        for k in reversed(self._positions.get(self.points[index], ())):
            if k in window:
                return k
            if k < window.start:
                break
        return index


def _best(scores: Sequence[float], window: range) -> tuple[int | None, float]:
    best, best_score = None, -1.0
    for index, score in zip(window, scores, strict=True):
        if score >= best_score:  # later statements win ties: the most recent of equally similar ones
            best, best_score = index, score
    return best, best_score


def compare_series(
    series: Sequence[Dated],
    similarity: Similarity,
    *,
    max_candidates: int = 2000,
    vectors: Sequence[Any] | None = None,
    prior: Sequence[Prior] = (),
    prior_vectors: Sequence[Any] | None = None,
) -> list[Comparison]:
    """Label each statement of ``series`` (one government and topic, any order), after the ``prior`` ones (already
    labelled, all on earlier days than ``series``). Only the latest ``max_candidates`` earlier days' statements are
    compared, so a label depends on a bounded window of what came before."""
    order = sorted(range(len(series)), key=lambda i: series[i].sort_key)
    encoded = list(vectors) if vectors is not None else similarity.encode([s.features for s in series])
    walk = _Walk(max_candidates)
    known = list(prior_vectors) if prior_vectors is not None else similarity.encode([p.dated.features for p in prior])
    for p, vector in sorted(zip(prior, known, strict=True), key=lambda pair: pair[0].dated.sort_key):
        walk.add(p.dated, vector, p.point_id, p.label)
    results = []
    for index in order:
        current = series[index]
        comparison = _compare_one(current, encoded[index], walk, similarity)
        walk.add(current, encoded[index], comparison.point_id, comparison.verdict.label)
        results.append(comparison)
    return results


def _compare_one(current: Dated, vector: Any, walk: _Walk, similarity: Similarity) -> Comparison:
    earlier, same_day = walk.windows(current.day)
    thresholds = similarity.thresholds
    best_e, score_e = _best(_rounded(similarity.score_many(vector, walk.vectors(earlier))), earlier)
    best_d, score_d = _best(_rounded(similarity.score_many(vector, walk.vectors(same_day))), same_day)

    def result(verdict: Verdict, nearest: int | None, score: float, point: str | None, today: bool) -> Comparison:
        return Comparison(
            statement_id=current.statement_id,
            nearest_statement_id=walk.entries[nearest].statement_id if nearest is not None else None,
            similarity=score if nearest is not None else None,
            verdict=verdict,
            candidates=len(earlier) + len(same_day),
            point_id=point or current.statement_id,
            same_day=today,
        )

    if best_e is None and best_d is None:
        return result(judge(None, current.features, None, thresholds), None, 0.0, None, False)
    returns = best_e is not None and score_e >= thresholds.new_below and (best_d is None or score_e > score_d)
    if best_d is not None and not returns:
        if max(score_d, score_e) < thresholds.same_day_new_below:
            verdict = Verdict("new", "different_point", False, _describe(current.features))
            return result(verdict, best_d, score_d, None, True)
        cues = f"{_describe(current.features)} vs {_describe(walk.entries[best_d].features)}"
        return result(Verdict("reiteration", "same_day", False, cues), best_d, score_d, walk.points[best_d], True)
    assert best_e is not None
    if score_e < thresholds.new_below:
        verdict = judge(score_e, current.features, walk.entries[best_e].features, thresholds)
        return result(verdict, best_e, score_e, None, False)
    point = walk.points[best_e]
    elaborated = [k for k in same_day if walk.points[k] == point]
    if elaborated:  # the point came up earlier today: this statement elaborates that one
        cues = f"{_describe(current.features)} vs {_describe(walk.entries[elaborated[-1]].features)}"
        return result(Verdict("reiteration", "same_day", False, cues), elaborated[-1], score_e, point, True)
    position = walk.position(best_e, earlier)
    score_p = _rounded([similarity.score(vector, walk.vector(position))])[0]
    if score_p < thresholds.new_below:  # the point has drifted away from its position: judge the match
        position, score_p = best_e, score_e
    verdict = judge_same_point(score_p, current.features, walk.entries[position].features, thresholds)
    cited = position if verdict.label in ("shift", "reversal") else best_e
    return result(verdict, cited, score_p if cited == position else score_e, point, False)


def _rounded(scores: Sequence[float]) -> list[float]:
    """Scores as stored (4 decimals): thresholds and ties are decided on what a reader of the row sees."""
    return [round(float(x), 4) for x in scores]
