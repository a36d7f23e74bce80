"""``claimtrack eval topics``: precision and recall of claim topics per topic, on 711 annotated real statements.

Two gold sets (``evals/gold/topics/``, annotated before the product ran on them):

- ``benchmark_topics.jsonl``: the topics of the 523 statements of ``evals/gold/linking.jsonl`` on 50 benchmark
  pages of ``../shared`` (character offsets and hashes, no page text); a claim is the statement's when its content
  overlaps at least half of the shorter of the two (as in the linking evaluation);
- ``news_statements.jsonl``: 188 statements in 32 dated news excerpts, credited by key words (``evals.news``).

Scored on the statements a claim was found for: per topic, a true positive is a gold topic the claim carries.
"""

from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language

from core.articles import Claim
from evals.linking import default_shared, locate, page_path, page_urls
from evals.news import GOLD, GoldStatement, credit, grouped, load_excerpts, load_statements, read_jsonl, split_of
from extractors.article import extract_article
from extractors.nlp import TextItem, extract_claims

DEFAULT_DIR = GOLD / "topics"


@dataclass(frozen=True)
class TopicOutcome:
    source: str
    split: str
    gold: frozenset[str]
    #: The claim's topics, or None when no claim was found for the statement.
    predicted: frozenset[str] | None
    #: How each predicted topic was decided (``term``, ``article``, ``similarity``), where the claim says.
    how: tuple[tuple[str, str], ...] = ()


@dataclass
class TopicReport:
    outcomes: list[TopicOutcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def found(self, split: str | None = None) -> list[TopicOutcome]:
        return [o for o in self.outcomes if o.predicted is not None and (split is None or o.split == split)]

    def per_topic(self, split: str | None = None) -> dict[str, dict[str, float | int]]:
        return per_topic(self.found(split))

    def as_json(self) -> dict[str, Any]:
        return {
            "statements": len(self.outcomes),
            "found": len(self.found()),
            "skipped": self.skipped,
            "decided_by": by_how(self.found()),
            **{f"{split or 'all'}": {"per_topic": self.per_topic(split), **micro(self.found(split))}
               for split in ("dev", "test", None)},
        }  # fmt: skip


def per_topic(outcomes: Sequence[TopicOutcome]) -> dict[str, dict[str, float | int]]:
    counts: dict[str, Counter[str]] = {}
    for o in outcomes:
        assert o.predicted is not None
        for topic in o.gold | o.predicted:
            c = counts.setdefault(topic, Counter())
            c["tp" if topic in o.gold and topic in o.predicted else "fn" if topic in o.gold else "fp"] += 1
    return {topic: _scores(c) for topic, c in sorted(counts.items())}


def micro(outcomes: Sequence[TopicOutcome]) -> dict[str, float | int]:
    total: Counter[str] = Counter()
    for scores in per_topic(outcomes).values():
        total.update({k: int(scores[k]) for k in ("tp", "fp", "fn")})
    return _scores(total)


def _scores(c: Counter[str]) -> dict[str, float | int]:
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 3), "recall": round(recall, 3),
            "f1": round(f1, 3)}  # fmt: skip


def _topics_of(claim: Claim | None) -> tuple[frozenset[str] | None, tuple[tuple[str, str], ...]]:
    if claim is None:
        return None, ()
    return frozenset(claim.topic_ids), tuple((t.topic, t.how) for t in claim.topics)


def evaluate_topics(nlp: Language, folder: Path = DEFAULT_DIR, *, shared: Path | None = None) -> TopicReport:
    report = TopicReport()
    report.outcomes += _news_outcomes(nlp, folder)
    shared = shared or default_shared()
    if (shared / "benchmarks" / "extraction").is_dir():
        report.outcomes += _benchmark_outcomes(nlp, folder / "benchmark_topics.jsonl", shared)
    else:
        report.skipped.append(f"benchmark statements: no pages at {shared / 'benchmarks' / 'extraction'}")
    return report


def _news_outcomes(nlp: Language, folder: Path) -> list[TopicOutcome]:
    excerpts = load_excerpts(folder / "news_excerpts.jsonl")
    statements = grouped(load_statements(folder / "news_statements.jsonl"), lambda s: s.excerpt)
    order = sorted(excerpts)
    outcomes = []
    items = [TextItem(excerpts[i].text, excerpts[i].date) for i in order]
    for excerpt_id, claims in zip(order, extract_claims(nlp, items), strict=True):
        gold = sorted(statements.get(excerpt_id, []), key=lambda s: s.number)
        for statement, claim in zip(gold, credit(gold, claims, _same_topics()), strict=True):
            predicted, how = _topics_of(claim)
            topics = frozenset(statement.extra.get("topics") or ())
            outcomes.append(TopicOutcome("news", split_of(excerpt_id), topics, predicted, how))
    return outcomes


def _same_topics() -> Callable[[GoldStatement, Claim], bool]:
    def better(statement: GoldStatement, claim: Claim) -> bool:
        return frozenset(statement.extra.get("topics") or ()) == frozenset(claim.topic_ids)

    return better


def _benchmark_outcomes(nlp: Language, path: Path, shared: Path) -> list[TopicOutcome]:
    rows = [r for r in read_jsonl(path) if not r.get("ambiguous")]
    urls = page_urls(shared)
    outcomes = []
    pages: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        pages.setdefault((row["corpus"], row["page"]), []).append(row)
    for (corpus, page), items in pages.items():
        url = urls.get((corpus, page), "")
        article = extract_article(gzip.decompress(page_path(shared, corpus, page).read_bytes()), url)
        published = article.published_at.date() if article.published_at else None
        claims = next(extract_claims(nlp, [TextItem(article.text, published, url or None, article.title)]))
        for row in items:
            span = locate(article.text, (int(row["content"][0]), int(row["content"][1])), row["content_sha"])
            claim = _overlapping(claims, span) if span else None
            predicted, how = _topics_of(claim)
            outcomes.append(TopicOutcome("benchmark", split_of(page), frozenset(row["topics"]), predicted, how))
    return outcomes


def _overlapping(claims: Sequence[Claim], span: tuple[int, int]) -> Claim | None:
    best: tuple[int, Claim] | None = None
    for claim in claims:
        shared_chars = sum(max(0, min(e, span[1]) - max(s, span[0])) for s, e in claim.content_spans)
        shorter = min(span[1] - span[0], sum(e - s for s, e in claim.content_spans))
        if shared_chars and shared_chars * 2 >= shorter and (best is None or shared_chars > best[0]):
            best = (shared_chars, claim)
    return best[1] if best else None


def by_how(outcomes: Sequence[TopicOutcome]) -> dict[str, dict[str, int]]:
    """Per way of deciding (``term``, ``article``, ``similarity``): the predicted topics that were right and wrong."""
    counts: dict[str, Counter[str]] = {}
    for o in outcomes:
        for topic, how in o.how:
            counts.setdefault(how, Counter())["tp" if topic in o.gold else "fp"] += 1
    return {how: {"tp": c["tp"], "fp": c["fp"]} for how, c in sorted(counts.items())}


def format_report(report: TopicReport) -> str:
    found = report.found()
    dev, test = report.per_topic("dev"), report.per_topic("test")
    lines = [
        f"topics of claims: {len(report.outcomes)} annotated statements, {len(found)} with a claim found",
        f"  {'':18} {'dev':^31}   {'test':^31}",
        f"  {'topic':18} " + "   ".join([f"{'tp':>4} {'fp':>4} {'fn':>4} {'prec.':>7} {'recall':>7}"] * 2),
    ]
    empty: dict[str, float | int] = {"tp": 0, "fp": 0, "fn": 0, "precision": 0.0, "recall": 0.0}
    for topic in sorted(set(dev) | set(test)):
        lines.append(f"  {topic:18} " + "   ".join(_row(split.get(topic, empty)) for split in (dev, test)))
    lines.append(f"  {'micro':18} " + "   ".join(_row(micro(report.found(split))) for split in ("dev", "test")))
    m = micro(found)
    lines.append(
        f"  micro all: tp {m['tp']}, fp {m['fp']}, fn {m['fn']}, precision {m['precision']:.3f}, "
        f"recall {m['recall']:.3f}, f1 {m['f1']:.3f}"
    )
    decided = ", ".join(f"{how} {c['tp']} right / {c['fp']} wrong" for how, c in by_how(found).items())
    lines.append(f"  topics decided by (all statements): {decided}")
    lines += [f"  skipped: {note}" for note in report.skipped]
    return "\n".join(lines)


def _row(s: dict[str, float | int]) -> str:
    return f"{s['tp']:>4} {s['fp']:>4} {s['fn']:>4} {s['precision']:>7.3f} {s['recall']:>7.3f}"
