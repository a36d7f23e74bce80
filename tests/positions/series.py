"""Dated statements written through the warehouse as the pipeline stores claims: fixed dates and known labels
for the tests of ``position_as_of``, the language macros, ``--since`` and the questions of docs/schema.md."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from core.articles import Article, Claim, ClaimTopic, ExtractedArticle
from extractors.article import ARTICLE_EXTRACTOR_VERSION
from warehouse.writes import Batch, store_batch

#: (date, what China's foreign ministry said): a reiteration, then a reversal, then another point, without
#: "ceasefire". (An envoy "about Ukraine" reads, to the embedding model, as close to "peace talks on Ukraine" as a
#: paraphrase does: the point is made unambiguous, grain exports; docs/positions.md lists this failure kind.)
SERIES = [
    ("2024-01-10", "China supports a ceasefire and peace talks on Ukraine"),
    ("2024-02-12", "Beijing supports a ceasefire and peace talks on Ukraine"),
    ("2024-03-15", "China rejects a ceasefire and peace talks on Ukraine"),
    ("2024-05-20", "China will send a special envoy to Kyiv and Moscow to discuss grain exports"),
]


def store_statement(db: Path, number: int, day: str, words: str, *, cue: str = "said") -> None:
    """One article (URL and outlet numbered ``number``) in which China's foreign ministry ``cue`` ``words``."""
    store_article(db, number, day, [(words, cue)])


def store_article(
    db: Path,
    number: int,
    day: str,
    said: Sequence[tuple[str, str]],
    *,
    government: str = "CHN",
    speaker: str = "China's foreign ministry",
    topic: str = "ukraine-war",
    term: str = "ukraine",
) -> None:
    """One article (URL and outlet numbered ``number``, dated ``day``) in which ``speaker`` (of ``government``)
    said each ``(words, cue)`` of ``said`` in turn, each a claim on ``topic`` (matched by ``term``)."""
    text = ""
    claims = []
    for words, cue in said:
        start = len(text) + len(f"{speaker} {cue} ")
        text += f"{speaker} {cue} {words}. "
        claims.append(
            Claim(
                kind="indirect",
                content=words,
                content_spans=((start, start + len(words)),),
                cue=cue,
                speaker=speaker,
                speaker_canonical=speaker,
                government=government,
                topics=(ClaimTopic(topic, term),),
            )
        )
    article = Article(
        url=f"https://news.example.org/{number}",
        text=text.strip(),
        published_at=datetime.fromisoformat(day).replace(tzinfo=UTC),
        extractor_version=ARTICLE_EXTRACTOR_VERSION,
    )
    record = ExtractedArticle(
        article=article,
        source="series",
        outlet=f"Outlet {number}",
        content_sha256=None,
        final_url=None,
        claims=claims,
        claims_version="claims/test",
    )
    store_batch(db, Batch(run_id=None, source="series", articles=[record]))


def store_series(db: Path, series: Sequence[tuple[str, str]] = SERIES) -> None:
    for number, (day, words) in enumerate(series):
        store_statement(db, number, day, words)
