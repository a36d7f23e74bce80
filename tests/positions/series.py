"""Dated statements written through the warehouse as the pipeline stores claims: fixed dates and known labels
for the tests of ``position_as_of``, the language macros, ``--since`` and the questions of docs/schema.md."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from core.articles import Article, Claim, ClaimTopic, ExtractedArticle
from extractors.article import ARTICLE_EXTRACTOR_VERSION
from warehouse.writes import Batch, store_batch

#: (date, what China's foreign ministry said): a reiteration, then a reversal, then talk without "ceasefire".
SERIES = [
    ("2024-01-10", "China supports a ceasefire and peace talks on Ukraine"),
    ("2024-02-12", "Beijing supports a ceasefire and peace talks on Ukraine"),
    ("2024-03-15", "China rejects a ceasefire and peace talks on Ukraine"),
    ("2024-05-20", "China will send a special envoy to Kyiv and Moscow about Ukraine"),
]


def store_statement(db: Path, number: int, day: str, words: str, *, cue: str = "said") -> None:
    """One article (URL and outlet numbered ``number``) in which China's foreign ministry ``cue`` ``words``."""
    text = f"China's foreign ministry {cue} {words}."
    start = text.index(words)
    claim = Claim(
        kind="indirect",
        content=words,
        content_spans=((start, start + len(words)),),
        cue=cue,
        speaker="China's foreign ministry",
        speaker_canonical="China's foreign ministry",
        government="CHN",
        topics=(ClaimTopic("ukraine-war", "ukraine"),),
    )
    article = Article(
        url=f"https://news.example.org/{number}",
        text=text,
        published_at=datetime.fromisoformat(day).replace(tzinfo=UTC),
        extractor_version=ARTICLE_EXTRACTOR_VERSION,
    )
    record = ExtractedArticle(
        article=article,
        source="series",
        outlet=f"Outlet {number}",
        content_sha256=None,
        final_url=None,
        claims=[claim],
        claims_version="claims/test",
    )
    store_batch(db, Batch(run_id=None, source="series", articles=[record]))


def store_series(db: Path, series: Sequence[tuple[str, str]] = SERIES) -> None:
    for number, (day, words) in enumerate(series):
        store_statement(db, number, day, words)
