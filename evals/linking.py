"""``claimtrack eval linking``: speaker -> government accuracy on real news pages.

The pages are the ``news-with-quotes.json`` lists of ``../shared/benchmarks/extraction/`` (internal-only: read
at run time, never copied). ``evals/gold/linking.jsonl`` holds our annotations without page text: one line per
attributed statement, with character offsets into the page's extracted article text and a short hash of the
text at those offsets (so a changed article extractor is detected and the span found again):

    {"corpus": "scrapinghub-aeb", "page": "<page id>", "content": [s, e], "content_sha": "<8 hex>",
     "speaker": [s, e], "speaker_sha": "<8 hex>", "government": "USA" | null, "actor_type": "legislature"}

``speaker`` is the mention the statement belongs to (for a pronoun, the person's name mention). ``government``
is what the claim should be linked to on the article's date (annotation guide: docs/attribution.md, "Linking
evaluation").

A predicted claim is *correctly extracted* when its content overlaps the annotated statement (at least half of
the shorter of the two) and its speaker is the annotated one (overlapping mention, or the same resolved name).
Linking accuracy is the share of correctly extracted claims whose ``government`` equals the annotation (NULL
counts as a value). Failures are grouped by kind: ``missed`` (NULL instead of a code), ``spurious`` (a code
where there is none), ``wrong`` (another code), with the evidence kind that decided.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language

from core.articles import Claim
from core.errors import ConfigError
from extractors.article import extract_article
from extractors.nlp import TextItem, extract_claims

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = ROOT / "evals" / "gold" / "linking.jsonl"
CORPORA = ("scrapinghub-aeb", "trafilatura-eval-en")


def default_shared() -> Path:
    return ROOT.parent / "shared"


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True, slots=True)
class GoldItem:
    corpus: str
    page: str
    content: tuple[int, int]
    content_sha: str
    speaker: tuple[int, int]
    speaker_sha: str
    government: str | None
    actor_type: str | None


@dataclass
class Outcome:
    item: GoldItem
    found: bool
    predicted: str | None = None
    evidence: str | None = None
    actor_type: str | None = None
    speaker: str | None = None

    @property
    def correct(self) -> bool:
        return self.found and self.predicted == self.item.government

    @property
    def failure(self) -> str | None:
        if not self.found or self.correct:
            return None
        kind = (self.evidence or "none").split(":", 1)[0]
        if self.predicted is None:
            return "missed (no evidence found)"
        if self.item.government is None:
            return f"spurious ({kind})"
        return f"wrong code ({kind})"


@dataclass
class LinkingReport:
    gold: int = 0
    pages: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    relocated: int = 0
    lost: int = 0
    skipped: str | None = None

    @property
    def extracted(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.found]

    @property
    def accuracy(self) -> float:
        found = self.extracted
        return sum(o.correct for o in found) / len(found) if found else 0.0

    @property
    def type_accuracy(self) -> float:
        typed = [o for o in self.extracted if o.item.actor_type]
        return sum(o.actor_type == o.item.actor_type for o in typed) / len(typed) if typed else 0.0

    def failures(self) -> Counter[str]:
        return Counter(o.failure for o in self.outcomes if o.failure)

    def as_json(self) -> dict[str, Any]:
        return {
            "gold": self.gold,
            "pages": self.pages,
            "correctly_extracted": len(self.extracted),
            "linking_accuracy": round(self.accuracy, 4),
            "actor_type_accuracy": round(self.type_accuracy, 4)
            if any(o.item.actor_type for o in self.extracted)
            else None,
            "with_government": sum(1 for o in self.extracted if o.item.government),
            "accuracy_with_government": round(_share([o for o in self.extracted if o.item.government]), 4),
            "accuracy_without_government": round(_share([o for o in self.extracted if not o.item.government]), 4),
            "failures": dict(self.failures()),
            "relocated_spans": self.relocated,
            "lost_spans": self.lost,
            "skipped": self.skipped,
        }


def load_gold(path: Path) -> list[GoldItem]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            raw = json.loads(line)
            items.append(
                GoldItem(
                    corpus=raw["corpus"],
                    page=raw["page"],
                    content=(int(raw["content"][0]), int(raw["content"][1])),
                    content_sha=raw["content_sha"],
                    speaker=(int(raw["speaker"][0]), int(raw["speaker"][1])),
                    speaker_sha=raw["speaker_sha"],
                    government=raw["government"],
                    actor_type=raw.get("actor_type"),
                )
            )
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise ConfigError(f"{path}:{number}: bad annotation ({exc})") from None
    return items


def page_path(shared: Path, corpus: str, page: str) -> Path:
    folder = shared / "benchmarks" / "extraction" / corpus / "html"
    return folder / (f"{page}.gz" if corpus == "trafilatura-eval-en" else f"{page}.html.gz")


def page_urls(shared: Path) -> dict[tuple[str, str], str]:
    urls = {}
    for corpus in CORPORA:
        listing = json.loads((shared / "benchmarks" / "extraction" / corpus / "news-with-quotes.json").read_text())
        for group in listing.values():
            for entry in group:
                urls[(corpus, entry["id"])] = entry.get("url") or entry.get("key") or ""
    return urls


def locate(text: str, span: tuple[int, int], sha: str) -> tuple[int, int] | None:
    """The span whose text hashes to ``sha``: where it was, or (after an extractor change) wherever it is now."""
    start, end = span
    if short_hash(text[start:end]) == sha:
        return span
    width = end - start
    for offset in range(0, max(0, len(text) - width) + 1):
        if short_hash(text[offset : offset + width]) == sha:
            return offset, offset + width
    return None


def evaluate_linking(nlp: Language, *, gold: Path = DEFAULT_GOLD, shared: Path | None = None) -> LinkingReport:
    shared = shared or default_shared()
    report = LinkingReport()
    items = load_gold(gold)
    report.gold = len(items)
    if not (shared / "benchmarks" / "extraction").is_dir():
        report.skipped = f"no benchmark pages at {shared / 'benchmarks' / 'extraction'} (needs ../shared)"
        return report
    urls = page_urls(shared)
    pages: dict[tuple[str, str], list[GoldItem]] = {}
    for item in items:
        pages.setdefault((item.corpus, item.page), []).append(item)
    report.pages = len(pages)
    for (corpus, page), page_items in pages.items():
        article = extract_article(
            gzip.decompress(page_path(shared, corpus, page).read_bytes()), urls.get((corpus, page), "")
        )
        published = article.published_at.date() if article.published_at else None
        claims = next(extract_claims(nlp, [TextItem(article.text, published, urls.get((corpus, page)))]))
        for item in page_items:
            content = locate(article.text, item.content, item.content_sha)
            speaker = locate(article.text, item.speaker, item.speaker_sha)
            if content is None or speaker is None:
                report.lost += 1
                report.outcomes.append(Outcome(item, found=False))
                continue
            report.relocated += (content != item.content) + (speaker != item.speaker)
            claim = _match(claims, content, speaker, article.text)
            if claim is None:
                report.outcomes.append(Outcome(item, found=False))
                continue
            report.outcomes.append(
                Outcome(
                    item,
                    found=True,
                    predicted=claim.government,
                    evidence=claim.link_evidence,
                    actor_type=claim.actor_type,
                    speaker=claim.speaker,
                )
            )
    return report


def _overlap(spans: tuple[tuple[int, int], ...], span: tuple[int, int]) -> int:
    return sum(max(0, min(e, span[1]) - max(s, span[0])) for s, e in spans)


def _match(claims: list[Claim], content: tuple[int, int], speaker: tuple[int, int], text: str) -> Claim | None:
    best: tuple[int, Claim] | None = None
    gold_len = content[1] - content[0]
    for claim in claims:
        shared_chars = _overlap(claim.content_spans, content)
        predicted_len = sum(e - s for s, e in claim.content_spans)
        if shared_chars * 2 < min(gold_len, predicted_len) or shared_chars == 0:
            continue
        if not _same_speaker(claim, speaker, text):
            continue
        if best is None or shared_chars > best[0]:
            best = (shared_chars, claim)
    return best[1] if best else None


def _same_speaker(claim: Claim, speaker: tuple[int, int], text: str) -> bool:
    if claim.speaker_span and _overlap((claim.speaker_span,), speaker) > 0:
        return True
    name = " ".join(text[speaker[0] : speaker[1]].replace("’", "'").split()).lower()
    canonical = " ".join((claim.speaker_canonical or "").replace("’", "'").split()).lower()
    if not canonical:
        return False
    return canonical == name or canonical.split()[-1] == name.split()[-1]


def format_report(report: LinkingReport, *, show: bool = False) -> str:
    if report.skipped:
        return f"linking evaluation skipped: {report.skipped}"
    found = report.extracted
    with_code = [o for o in found if o.item.government]
    without = [o for o in found if not o.item.government]
    lines = [
        "linking evaluation (speaker -> government)",
        f"  annotated statements:        {report.gold} on {report.pages} pages",
        f"  correctly extracted:         {len(found)} ({len(found) / max(1, report.gold):.0%} of annotated)",
        f"    with a government:         {len(with_code)} (accuracy {_share(with_code):.3f})",
        f"    without (non-state etc.):  {len(without)} (accuracy {_share(without):.3f})",
        f"  linking accuracy:            {report.accuracy:.3f}",
    ]
    if any(o.item.actor_type for o in found):
        lines.append(f"  actor_type accuracy:         {report.type_accuracy:.3f}")
    if report.lost or report.relocated:
        lines.append(f"  spans relocated / lost:      {report.relocated} / {report.lost} (article text changed)")
    failures = report.failures()
    if failures:
        lines.append("  failures by kind:")
        lines += [f"    {count:3d}  {kind}" for kind, count in failures.most_common()]
    if show:
        lines.append("  failures:")
        for o in report.outcomes:
            if o.failure:
                lines.append(
                    f"    {o.item.page[:16]}  {o.speaker!r}: got {o.predicted} ({o.evidence}), "
                    f"expected {o.item.government}"
                )
    return "\n".join(lines)


def _share(outcomes: list[Outcome]) -> float:
    return sum(o.correct for o in outcomes) / len(outcomes) if outcomes else 0.0
