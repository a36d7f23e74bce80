"""``claimtrack eval extraction``: main-text quality of the article stage on pages with known article bodies.

The corpus is ``scrapinghub-aeb`` in ``../shared/benchmarks/extraction/`` (181 pages, each with its hand-checked
article body; internal-only, read in place, never copied). The metric is the one the corpus's leaderboard
publishes, so our numbers sit next to published ones:

- a text becomes the multiset of its 4-word shingles (words are ``\\w+`` runs; a text of fewer than 4 words is one
  shingle);
- per page, true positives are the shingles predicted and gold share (multiset intersection), false positives
  the predicted rest, false negatives the gold rest, all three divided by their sum (each page weighs the same);
- precision is averaged over pages that predicted something, recall over pages with a gold text, and F1 is the
  harmonic mean of the two averages. An empty prediction (no article found) thus costs recall only.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import EvaluationDataError, ExtractError
from extractors.article import DEFAULT_ARTICLE_SETTINGS, ArticleSettings, extract_article

CORPUS = "scrapinghub-aeb"
SHINGLE_WORDS = 4
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class GoldPage:
    page_id: str
    url: str
    html: bytes
    body: str


def default_corpus() -> Path:
    return Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks" / "extraction" / CORPUS


def load_corpus(folder: Path, limit: int | None = None) -> list[GoldPage]:
    """The pages of a scrapinghub-aeb folder (``ground-truth.json`` + ``html/<id>.html.gz``), sorted by id."""
    truth_file = folder / "ground-truth.json"
    if not truth_file.is_file():
        raise EvaluationDataError(
            f"{truth_file} not found: point at the scrapinghub-aeb folder of ../shared/benchmarks/extraction"
        )
    try:
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EvaluationDataError(f"{truth_file}: cannot read the ground truth: {exc}") from exc
    pages = []
    for page_id in sorted(truth)[:limit]:
        record = truth[page_id]
        html_file = folder / "html" / f"{page_id}.html.gz"
        try:
            html = gzip.decompress(html_file.read_bytes())
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise EvaluationDataError(f"{html_file}: cannot read page {page_id}: {exc}") from exc
        if not isinstance(record, dict) or not isinstance(record.get("articleBody"), str):
            raise EvaluationDataError(f"{truth_file}: page {page_id} has no articleBody string")
        pages.append(GoldPage(page_id, str(record.get("url") or ""), html, record["articleBody"]))
    return pages


def shingles(text: str, size: int = SHINGLE_WORDS) -> Counter[tuple[str, ...]]:
    words = _WORD.findall(text)
    if len(words) < size:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


@dataclass(frozen=True, slots=True)
class PageScore:
    """One page's shingle counts, normalised so that tp + fp + fn = 1 (all zero when both texts are empty)."""

    tp: float
    fp: float
    fn: float

    @classmethod
    def of(cls, gold: str, predicted: str) -> PageScore:
        want, got = shingles(gold), shingles(predicted)
        shared = sum((want & got).values())
        fp, fn = sum(got.values()) - shared, sum(want.values()) - shared
        total = shared + fp + fn
        return cls(shared / total, fp / total, fn / total) if total else cls(0.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class Quality:
    precision: float
    recall: float
    f1: float
    pages: int
    empty: int

    @classmethod
    def of(cls, scores: Sequence[PageScore]) -> Quality:
        precisions = [s.tp / (s.tp + s.fp) for s in scores if s.tp + s.fp > 0]
        recalls = [s.tp / (s.tp + s.fn) for s in scores if s.tp + s.fn > 0]
        p = sum(precisions) / len(precisions) if precisions else 0.0
        r = sum(recalls) / len(recalls) if recalls else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return cls(p, r, f1, len(scores), sum(1 for s in scores if s.tp + s.fp == 0))


Extractor = Callable[[GoldPage], str]


def ours(settings: ArticleSettings = DEFAULT_ARTICLE_SETTINGS) -> Extractor:
    """The product's article stage (``extract_article``, as the pipeline runs it); no article = empty text."""

    def run(page: GoldPage) -> str:
        try:
            return extract_article(page.html, page.url, content_type="text/html", settings=settings).text
        except ExtractError:
            return ""

    return run


def trafilatura_defaults(page: GoldPage) -> str:
    """``trafilatura.extract`` with no options: the baseline the product's settings are compared with."""
    import trafilatura

    return trafilatura.extract(page.html.decode("utf-8", "replace"), url=page.url) or ""


@dataclass(frozen=True, slots=True)
class ExtractionRun:
    name: str
    quality: Quality
    seconds: float

    @property
    def pages_per_s(self) -> float:
        return self.quality.pages / self.seconds if self.seconds else 0.0


def evaluate(pages: Sequence[GoldPage], name: str, extractor: Extractor) -> ExtractionRun:
    started = time.perf_counter()
    scores = [PageScore.of(page.body, extractor(page)) for page in pages]
    return ExtractionRun(name, Quality.of(scores), time.perf_counter() - started)


def format_runs(runs: Sequence[ExtractionRun]) -> str:
    lines = [f"{'settings':<22} {'pages':>5} {'empty':>5} {'precision':>9} {'recall':>6} {'F1':>6} {'pages/s':>7}"]
    for run in runs:
        q = run.quality
        lines.append(
            f"{run.name:<22} {q.pages:>5} {q.empty:>5} {q.precision:>9.3f} {q.recall:>6.3f} {q.f1:>6.3f} "
            f"{run.pages_per_s:>7.1f}"
        )
    return "\n".join(lines)
