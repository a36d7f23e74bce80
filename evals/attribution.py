"""``claimtrack eval attribution``: speakers and governments on real news from every region.

The gold is ``evals/gold/attribution/`` (279 dated excerpts, 1740 statements, annotated before the product ran on
them: batches ``a`` … ``f`` outside Europe, China and Russia; ``h`` and ``i`` on trade; ``l`` on the war in Ukraine,
trade and every region; ``m`` on the war in Ukraine; ``g`` (the war in Ukraine and trade), ``j`` (the war in
Ukraine) and ``k`` (every region) held out whole). Each excerpt is run as ``claimtrack extract`` runs a dated
``.txt`` file (text and date, no URL). Figures, as the held-out evaluations compute them
(annotation guide, "Scoring"):

- *found*: some claim's content holds the statement's key words;
- *correct*: that claim also has the gold government and, when the gold names a person, one of the name's variants
  in ``speaker_canonical``;
- *government accuracy*: among found statements, the share whose claim has the gold government (NULL included).

Failures of found-but-not-correct statements are sorted into kinds: the right person with the wrong or no
government, both wrong, or the government right with the person not resolved.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language

from core.articles import Claim
from evals.news import GOLD, Excerpt, GoldStatement, correct, credit, grouped, load_excerpts, load_statements
from evals.news import names_match as _names_match
from extractors.nlp import TextItem, extract_claims

DEFAULT_DIR = GOLD / "attribution"
#: Batches kept out of rule writing whole, both halves (annotated blind and only scored, like the held-out sets):
#: ``g`` imitates the two held-out sets of issue 14 (the war in Ukraine and peace talks; trade and tariffs), ``j``
#: the first (2022-2025) and ``k`` the second's spread of regions (2021-2025); ``j`` and ``k`` were annotated after
#: the actors file of ``link/9`` was written; ``n`` (regions the set had least: Southeast Asia, the Pacific, Central
#: Asia, the Caucasus, Africa, Latin America) and ``o`` (trade and climate, 2019-2026) after ``link/10``.
HELD_OUT_BATCHES = ("g", "j", "k", "n", "o")


@dataclass(frozen=True)
class Outcome:
    statement: GoldStatement
    excerpt: Excerpt
    claim: Claim | None

    @property
    def found(self) -> bool:
        return self.claim is not None

    @property
    def correct(self) -> bool:
        return self.claim is not None and correct(self.statement, self.claim)

    @property
    def government_right(self) -> bool:
        return self.claim is not None and self.claim.government == self.statement.government

    @property
    def failure(self) -> str | None:
        if self.claim is None:
            return "missing"
        if self.correct:
            return None
        person = _names_match(self.statement, self.claim)
        if person:
            return "person right, government wrong or missing"
        if self.government_right:
            return "government right, person not resolved"
        return "person and government wrong"


@dataclass
class AttributionReport:
    outcomes: list[Outcome] = field(default_factory=list)
    claims_per_excerpt: dict[str, int] = field(default_factory=dict)

    def subset(self, split: str | None) -> list[Outcome]:
        return [o for o in self.outcomes if split is None or o.excerpt.split == split]

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"claims": sum(self.claims_per_excerpt.values())}
        for split in ("dev", "test", None):
            outcomes = self.subset(split)
            data[split or "all"] = {
                **figures(outcomes),
                "failures": dict(Counter(o.failure for o in outcomes if o.failure)),
            }
        return data


def figures(outcomes: Sequence[Outcome]) -> dict[str, float | int]:
    found = [o for o in outcomes if o.found]
    return {
        "statements": len(outcomes),
        "found": round(len(found) / len(outcomes), 4) if outcomes else 0.0,
        "correct": round(sum(o.correct for o in outcomes) / len(outcomes), 4) if outcomes else 0.0,
        "government_among_found": round(sum(o.government_right for o in found) / len(found), 4) if found else 0.0,
    }


def evaluate_attribution(nlp: Language, folder: Path = DEFAULT_DIR) -> AttributionReport:
    excerpts = load_excerpts(folder / "excerpts.jsonl")
    statements = grouped(load_statements(folder / "statements.jsonl"), lambda s: s.excerpt)
    order = sorted(excerpts)
    items = [TextItem(excerpts[i].text, excerpts[i].date) for i in order]
    report = AttributionReport()
    for excerpt_id, claims in zip(order, extract_claims(nlp, items), strict=True):
        excerpt = excerpts[excerpt_id]
        report.claims_per_excerpt[excerpt_id] = len(claims)
        gold = sorted(statements.get(excerpt_id, []), key=lambda s: s.number)
        for statement, claim in zip(gold, credit(gold, claims), strict=True):
            report.outcomes.append(Outcome(statement, excerpt, claim))
    return report


def _held_out(outcome: Outcome) -> bool:
    return batch_of(outcome.statement.excerpt) in HELD_OUT_BATCHES


def batch_of(excerpt_id: str) -> str:
    """The batch an excerpt was collected and annotated in: the letter before its number (``g-007`` -> ``g``)."""
    return excerpt_id.split("-", 1)[0]


def format_report(report: AttributionReport, *, show: bool = False) -> str:
    lines = ["attribution on real news (evals/gold/attribution)"]
    header = f"  {'':24} {'statements':>10} {'found':>7} {'correct':>8} {'gov among found':>16}"
    lines.append(header)
    rows: list[tuple[str, list[Outcome]]] = [
        ("dev half", report.subset("dev")),
        ("test half", report.subset("test")),
        ("all", report.subset(None)),
        (f"held out ({', '.join(HELD_OUT_BATCHES)})", [o for o in report.outcomes if _held_out(o)]),
    ]
    by_region = grouped(report.outcomes, lambda o: o.excerpt.region or "?")
    rows += [(f"  {region}", outcomes) for region, outcomes in sorted(by_region.items())]
    by_kind = grouped(report.outcomes, lambda o: o.statement.kind or "?")
    rows += [(f"  kind {kind}", outcomes) for kind, outcomes in sorted(by_kind.items())]
    by_batch = grouped(report.outcomes, lambda o: f"{batch_of(o.statement.excerpt)} {o.excerpt.split}")
    rows += [(f"  batch {batch}", outcomes) for batch, outcomes in sorted(by_batch.items())]
    for name, outcomes in rows:
        f = figures(outcomes)
        lines.append(
            f"  {name:24} {f['statements']:>10} {f['found']:>7.3f} {f['correct']:>8.3f} "
            f"{f['government_among_found']:>16.3f}"
        )
    claims = sum(report.claims_per_excerpt.values())
    lines.append(f"  claims: {claims} in {len(report.claims_per_excerpt)} excerpts")
    failures = Counter(o.failure for o in report.outcomes if o.failure)
    lines.append("  not correct, by kind:")
    lines += [f"    {count:4d}  {kind}" for kind, count in failures.most_common()]
    if show:
        lines.append(f"  dev-half failures (batches {', '.join(HELD_OUT_BATCHES)} held out whole, not listed):")
        for o in report.subset("dev"):
            if o.failure and not _held_out(o):
                claim = o.claim
                got = "-" if claim is None else f"{claim.speaker_canonical!r} {claim.government} {claim.link_evidence}"
                lines.append(
                    f"    {o.statement.excerpt}#{o.statement.number} {o.failure}: gold {o.statement.speaker!r} "
                    f"{o.statement.full_name[:1]} {o.statement.government}; got {got}"
                )
    return "\n".join(lines)
