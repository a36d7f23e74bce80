"""Score predicted attributions against gold ones: overlap matching, kinds, speakers, exact spans.

Definitions (also in docs/attribution.md, "Claims evaluation"):

- **match**: a prediction matches a gold attribution when at least half of the prediction's content characters
  fall inside the gold content spans (``MATCH_FRACTION``). Pairs are assigned one-to-one, greedily, largest
  overlap first.
- **kind** (``direct`` / ``mixed`` / ``indirect``) of gold *and* predicted content is derived the same way, from
  the quote marks around and inside the content: all words quoted, some, none.
- **speaker accuracy** on matched pairs: the predicted speaker span overlaps the gold Source span, or both have
  no source (``it was reported that ...``). PolNeAR marks the relative pronoun as the source of ``X, who said``,
  and so does the extractor (its speaker mention is ``who``, its canonical speaker X's); a prediction naming X
  instead counts as wrong, and such pairs are also counted apart (``speaker_relative``) so the report can say how
  many of the misses are only that.
- **exact**: the same alphanumeric characters are covered by the predicted and the gold content (edge punctuation,
  quote marks and spaces do not count).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

Span = tuple[int, int]
KINDS = ("direct", "mixed", "indirect")

#: Share of a prediction's content characters that must sit inside the gold content for a match.
MATCH_FRACTION = 0.5
_DOUBLE_OPEN = frozenset("“„«")
_DOUBLE_CLOSE = frozenset("”»")
_STRAIGHT = frozenset('"')
_SINGLE_OPEN = frozenset("‘")
_SINGLE_CLOSE = frozenset("’")


@dataclass(frozen=True, kw_only=True)
class Attribution:
    """What the scorer compares, for gold and prediction alike."""

    content_spans: tuple[Span, ...]
    speaker_spans: tuple[Span, ...] = ()
    #: Free-form label carried through to error listings (gold event id, predicted cue...).
    label: str = ""


@dataclass
class Counts:
    gold: int = 0
    predicted: int = 0
    #: Gold attributions matched by some prediction (recall numerator).
    gold_matched: int = 0
    #: Predictions matched to some gold attribution (precision numerator).
    predicted_matched: int = 0

    def add(self, other: Counts) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.gold_matched += other.gold_matched
        self.predicted_matched += other.predicted_matched

    @property
    def precision(self) -> float:
        return self.predicted_matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.gold_matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "gold": self.gold,
            "predicted": self.predicted,
            "gold_matched": self.gold_matched,
            "predicted_matched": self.predicted_matched,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Scores:
    overall: Counts = field(default_factory=Counts)
    by_kind: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})
    exact: Counts = field(default_factory=Counts)
    matched_pairs: int = 0
    speaker_correct: int = 0
    #: Matched pairs where gold has a source and the prediction none, and the other way round.
    speaker_missing: int = 0
    speaker_spurious: int = 0
    #: Wrong only because gold marks a relative pronoun and the prediction names the noun right before it.
    speaker_relative: int = 0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_correct / self.matched_pairs if self.matched_pairs else 0.0

    def add(self, other: Scores) -> None:
        self.overall.add(other.overall)
        self.exact.add(other.exact)
        for kind in KINDS:
            self.by_kind[kind].add(other.by_kind[kind])
        self.matched_pairs += other.matched_pairs
        self.speaker_correct += other.speaker_correct
        self.speaker_missing += other.speaker_missing
        self.speaker_spurious += other.speaker_spurious
        self.speaker_relative += other.speaker_relative

    def to_json(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_json(),
            "by_kind": {k: v.to_json() for k, v in self.by_kind.items()},
            "exact": self.exact.to_json(),
            "speaker": {
                "matched_pairs": self.matched_pairs,
                "correct": self.speaker_correct,
                "accuracy": round(self.speaker_accuracy, 4),
                "missing": self.speaker_missing,
                "spurious": self.speaker_spurious,
                "relative_pronoun_resolved": self.speaker_relative,
            },
        }


@dataclass(frozen=True)
class DocumentResult:
    """The scores of one document and its pairing, for error analysis."""

    scores: Scores
    pairs: list[tuple[int, int]]  # (prediction index, gold index)
    gold_kinds: list[str]
    predicted_kinds: list[str]


def _length(spans: Iterable[Span]) -> int:
    return sum(e - s for s, e in spans)


def _overlap(a: Sequence[Span], b: Sequence[Span]) -> int:
    return sum(max(0, min(ae, be) - max(as_, bs)) for as_, ae in a for bs, be in b)


def _is_quote_mark(text: str, i: int) -> bool:
    ch = text[i]
    if ch in _DOUBLE_OPEN or ch in _DOUBLE_CLOSE or ch in _STRAIGHT or ch in _SINGLE_OPEN:
        return True
    if ch in _SINGLE_CLOSE:
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        return not (before.isalnum() and after.isalnum())  # Russia’s, don’t: apostrophes
    return False


def quote_kind(text: str, spans: Sequence[Span]) -> str:
    """``direct`` when every word of the content is inside quote marks, ``mixed`` when some are, else ``indirect``.

    A span that starts right after an opening mark (the annotator left the mark out) starts quoted.
    """
    quoted = unquoted = 0
    for start, end in sorted(spans):
        inside = False
        j = start - 1
        while j >= 0 and text[j] in " \t":
            j -= 1
        if j >= 0 and (text[j] in _DOUBLE_OPEN | _SINGLE_OPEN or (j > 0 and text[j - 1 : j + 1] == "''")):
            inside = True
        i = start - 1
        while i + 1 < min(end, len(text)):
            i += 1
            ch = text[i]
            if text.startswith("''", i):  # two apostrophes: a straight double mark in newswire archives
                inside = not inside
                i += 1
            elif _is_quote_mark(text, i):
                if ch in _DOUBLE_OPEN or ch in _SINGLE_OPEN:
                    inside = True
                elif ch in _DOUBLE_CLOSE or ch in _SINGLE_CLOSE:
                    inside = False
                else:
                    inside = not inside
            elif ch.isalnum():
                if inside:
                    quoted += 1
                else:
                    unquoted += 1
    if quoted == 0:
        return "indirect"
    return "direct" if unquoted == 0 else "mixed"


def _alnum_positions(text: str, spans: Sequence[Span]) -> frozenset[int]:
    return frozenset(i for s, e in spans for i in range(s, min(e, len(text))) if text[i].isalnum())


def match(predicted: Sequence[Attribution], gold: Sequence[Attribution]) -> list[tuple[int, int]]:
    """One-to-one ``(prediction, gold)`` pairs: overlap ≥ ``MATCH_FRACTION`` of the prediction, greedy by overlap."""
    candidates = []
    for p, pred in enumerate(predicted):
        size = _length(pred.content_spans)
        if size == 0:
            continue
        for g, gold_item in enumerate(gold):
            common = _overlap(pred.content_spans, gold_item.content_spans)
            if common > 0 and common >= MATCH_FRACTION * size:
                candidates.append((common, -p, -g))
    candidates.sort(reverse=True)
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, neg_p, neg_g in candidates:
        p, g = -neg_p, -neg_g
        if p in used_p or g in used_g:
            continue
        used_p.add(p)
        used_g.add(g)
        pairs.append((p, g))
    pairs.sort()
    return pairs


def _speaker_ok(pred: Attribution, gold: Attribution) -> bool:
    if not gold.speaker_spans:
        return not pred.speaker_spans
    return _overlap(pred.speaker_spans, gold.speaker_spans) > 0


_RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})


def _antecedent_of_relative(text: str, pred: Attribution, gold: Attribution) -> bool:
    """Gold's source is a relative pronoun ("who") and the predicted speaker is the noun phrase right before it."""
    if len(gold.speaker_spans) != 1 or not pred.speaker_spans:
        return False
    start, end = gold.speaker_spans[0]
    if text[start:end].strip().lower() not in _RELATIVE_PRONOUNS:
        return False
    speaker_end = max(e for _, e in pred.speaker_spans)
    return speaker_end <= start and not text[speaker_end:start].strip(" ,\t\n\u00a0")


def score_document(text: str, predicted: Sequence[Attribution], gold: Sequence[Attribution]) -> DocumentResult:
    scores = Scores()
    pairs = match(predicted, gold)
    gold_kinds = [quote_kind(text, g.content_spans) for g in gold]
    predicted_kinds = [quote_kind(text, p.content_spans) for p in predicted]
    matched_p = {p for p, _ in pairs}
    matched_g = {g for _, g in pairs}
    scores.overall = Counts(len(gold), len(predicted), len(matched_g), len(matched_p))
    for kind in KINDS:
        counts = scores.by_kind[kind]
        counts.gold = gold_kinds.count(kind)
        counts.predicted = predicted_kinds.count(kind)
        counts.gold_matched = sum(1 for g in matched_g if gold_kinds[g] == kind)
        counts.predicted_matched = sum(1 for p in matched_p if predicted_kinds[p] == kind)
    for p, g in pairs:
        scores.matched_pairs += 1
        if _speaker_ok(predicted[p], gold[g]):
            scores.speaker_correct += 1
        elif gold[g].speaker_spans and not predicted[p].speaker_spans:
            scores.speaker_missing += 1
        elif predicted[p].speaker_spans and not gold[g].speaker_spans:
            scores.speaker_spurious += 1
        elif _antecedent_of_relative(text, predicted[p], gold[g]):
            scores.speaker_relative += 1
    gold_exact = [_alnum_positions(text, g.content_spans) for g in gold]
    free = set(range(len(gold)))
    exact_hits = 0
    for pred in predicted:
        chars = _alnum_positions(text, pred.content_spans)
        hit = next((g for g in sorted(free) if gold_exact[g] == chars), None)
        if hit is not None:
            free.discard(hit)
            exact_hits += 1
    scores.exact = Counts(len(gold), len(predicted), exact_hits, exact_hits)
    return DocumentResult(scores, pairs, gold_kinds, predicted_kinds)
