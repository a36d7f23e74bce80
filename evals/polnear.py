"""Evaluate the claims extractor on PolNeAR (brat standoff; format in the corpus README).

Layout read: ``<DIR>/data/<split>/text/<article>.txt`` and ``<DIR>/data/<split>/attributions/<article>_<annotator>.ann``
(``DIR`` may also be the ``data`` folder itself). Articles annotated by several people are scored against the
first annotation file in sorted order. The corpus is read where it lies and never copied.

Our continuation claims (a quote paragraph continuing an earlier statement) are folded into the claim they
continue before scoring, because PolNeAR annotates such continuations as extra spans of one relation.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from spacy.language import Language

from core.articles import Claim
from core.errors import EvaluationDataError
from evals.brat import GoldAttribution, read_ann
from evals.scoring import KINDS, Attribution, Scores, score_document
from extractors.claims import ClaimExtractor

SPLITS = ("train", "dev", "test")


@dataclass(frozen=True, kw_only=True)
class Article:
    name: str
    text: str
    gold: tuple[GoldAttribution, ...]
    annotation: Path


@dataclass(frozen=True, kw_only=True)
class EvalSettings:
    """How to run the extractor for an evaluation."""

    model: str = "en_core_web_sm"
    batch_size: int = 16
    n_process: int = 1


@dataclass
class EvalReport:
    corpus: str
    split: str
    articles: int
    settings: dict[str, Any]
    scores: Scores
    seconds: float
    #: Per-article false negatives / false positives, for error analysis (``--errors-out``).
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "corpus": self.corpus,
            "split": self.split,
            "articles": self.articles,
            "settings": self.settings,
            "seconds": round(self.seconds, 1),
            **self.scores.to_json(),
        }


def data_root(directory: Path) -> Path:
    """The folder holding ``train/``, ``dev/``, ``test/``: ``DIR/data`` or ``DIR`` itself."""
    for candidate in (directory / "data", directory):
        if (candidate / "dev" / "text").is_dir() or (candidate / "test" / "text").is_dir():
            return candidate
    raise EvaluationDataError(
        f"no PolNeAR corpus under {directory}: expected {directory}/data/<split>/text and .../attributions "
        "(e.g. ../shared/benchmarks/attribution/polnear)"
    )


def load_split(directory: Path, split: str, limit: int | None = None) -> list[Article]:
    """The articles of one split with their gold attributions, sorted by name (``limit`` keeps the first N)."""
    if split not in SPLITS:
        raise EvaluationDataError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    root = data_root(directory) / split
    texts = root / "text"
    annotations = root / "attributions"
    if not texts.is_dir() or not annotations.is_dir():
        raise EvaluationDataError(f"{root}: needs text/ and attributions/ folders")
    first_annotation: dict[str, Path] = {}
    for ann_path in sorted(annotations.glob("*.ann")):
        article, sep, _annotator = ann_path.stem.rpartition("_")
        if sep:
            first_annotation.setdefault(article, ann_path)
    articles = []
    for text_path in sorted(texts.glob("*.txt")):
        ann = first_annotation.get(text_path.stem)
        if ann is None:
            continue  # an article nobody annotated has no gold to score against
        # newline="" keeps \r\n as two characters, which is how the offsets count them.
        with text_path.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
        articles.append(Article(name=text_path.stem, text=text, gold=tuple(read_ann(ann, len(text))), annotation=ann))
        if limit is not None and len(articles) >= limit:
            break
    if not articles:
        raise EvaluationDataError(f"{root}: no annotated articles found")
    return articles


def fold_continuations(claims: Sequence[Claim]) -> list[Claim]:
    """Continuation claims become extra content spans of the claim they continue."""
    folded: dict[int, Claim] = {}
    order: list[int] = []
    for index, claim in enumerate(claims):
        parent = claim.continues
        if parent is not None and parent in folded:
            base = folded[parent]
            folded[parent] = replace(base, content_spans=tuple(sorted(base.content_spans + claim.content_spans)))
            folded[index] = folded[parent]  # a continuation of a continuation lands on the same root
            continue
        folded[index] = claim
        order.append(index)
    roots: dict[int, Claim] = {}
    for index in order:
        roots[index] = folded[index]
    return list(roots.values())


def to_attribution(claim: Claim) -> Attribution:
    return Attribution(
        content_spans=tuple(claim.content_spans),
        speaker_spans=(claim.speaker_span,) if claim.speaker_span else (),
        label=f"{claim.cue_class}:{claim.cue}",
    )


def gold_attribution(gold: GoldAttribution) -> Attribution:
    return Attribution(content_spans=gold.content_spans, speaker_spans=gold.source_spans, label=gold.eid)


def evaluate(
    nlp: Language,
    articles: Sequence[Article],
    *,
    split: str,
    settings: EvalSettings,
    progress: Callable[[int, int], None] | None = None,
) -> EvalReport:
    """Run the extractor over ``articles`` (one ``nlp.pipe`` stream) and score it."""
    from extractors.nlp import TextItem, extract_claims

    started = time.perf_counter()
    total = Scores()
    errors: list[dict[str, Any]] = []
    items = (TextItem(a.text) for a in articles)
    stream = extract_claims(nlp, items, batch_size=settings.batch_size, n_process=settings.n_process)
    for number, (article, claims) in enumerate(zip(articles, stream, strict=True), start=1):
        predicted_claims = fold_continuations(claims)
        predicted = [to_attribution(c) for c in predicted_claims]
        gold = [gold_attribution(g) for g in article.gold]
        result = score_document(article.text, predicted, gold)
        total.add(result.scores)
        errors.append(_article_errors(article, predicted_claims, result.pairs, result.gold_kinds))
        if progress is not None:
            progress(number, len(articles))
    return EvalReport(
        corpus="polnear",
        split=split,
        articles=len(articles),
        settings={
            "model": settings.model,
            "cue_classes": ",".join(sorted(_cue_classes(nlp))),
            "n_process": settings.n_process,
        },
        scores=total,
        seconds=time.perf_counter() - started,
        errors=errors,
    )


def _cue_classes(nlp: Language) -> frozenset[str]:
    extractor = nlp.get_pipe("claim_extractor")
    assert isinstance(extractor, ClaimExtractor)
    return extractor.options.cue_classes


def _article_errors(
    article: Article, claims: Sequence[Claim], pairs: Sequence[tuple[int, int]], gold_kinds: Sequence[str]
) -> dict[str, Any]:
    text = article.text

    def show(spans: Sequence[tuple[int, int]]) -> str:
        return " … ".join(text[s:e] for s, e in spans)

    matched_p = {p: g for p, g in pairs}
    matched_g = {g for _, g in pairs}
    return {
        "article": article.name,
        "missed": [
            {
                "kind": gold_kinds[i],
                "source": show(g.source_spans),
                "cue": show(g.cue_spans),
                "content": show(g.content_spans),
                "at": g.content_spans[0][0],
            }
            for i, g in enumerate(article.gold)
            if i not in matched_g
        ],
        "spurious": [
            {"speaker": c.speaker, "cue": c.cue, "content": c.content, "at": c.start_char, "kind": c.kind}
            for i, c in enumerate(claims)
            if i not in matched_p
        ],
        "wrong_speaker": [
            {
                "speaker": claims[p].speaker,
                "gold_source": show(article.gold[g].source_spans),
                "cue": claims[p].cue,
                "content": claims[p].content[:200],
            }
            for p, g in pairs
            if not _speaker_overlaps(claims[p], article.gold[g])
        ],
    }


def _speaker_overlaps(claim: Claim, gold: GoldAttribution) -> bool:
    if not gold.source_spans:
        return claim.speaker_span is None
    if claim.speaker_span is None:
        return False
    s, e = claim.speaker_span
    return any(min(e, ge) > max(s, gs) for gs, ge in gold.source_spans)


def format_report(report: EvalReport) -> str:
    """The table ``claimtrack eval polnear`` prints (and docs/attribution.md shows)."""
    s = report.scores
    rows = [("overall", s.overall)] + [(kind, s.by_kind[kind]) for kind in KINDS] + [("exact span", s.exact)]
    header = ("", "gold", "pred", "precision", "recall", "F1")
    table = [header] + [
        (name, str(c.gold), str(c.predicted), f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}")
        for name, c in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = [
        f"PolNeAR {report.split}: {report.articles} articles, model {report.settings['model']}, "
        f"cue classes {report.settings['cue_classes']}, {report.seconds:.0f} s",
        "",
    ]
    for n, row in enumerate(table):
        lines.append(
            "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines += [
        "",
        f"speaker accuracy on matched pairs: {s.speaker_accuracy:.3f} ({s.speaker_correct}/{s.matched_pairs}; "
        f"source missed {s.speaker_missing}, source where gold has none {s.speaker_spurious})",
        f"  of the misses, {s.speaker_relative} name the noun before a relative pronoun that gold marks as the source "
        "(who, which, that), where the speaker mention should be the pronoun",
    ]
    return "\n".join(lines)


def print_progress(done: int, total: int) -> None:
    if done == total or done % 10 == 0:
        print(f"  scored {done}/{total} articles", file=sys.stderr, flush=True)
