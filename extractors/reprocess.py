"""Re-run claims extraction, linking and topics over stored article text, without fetching anything.

``claimtrack reprocess`` uses this after the extractor changed (new rules, a new model, an edited
``seeds/topics.toml`` or ``seeds/actors.csv``: all part of the extractor version). Each article gets a new claims
version appended to ``claim_records``; the ``claims`` view switches to it. Articles already at the current version
are skipped, so an interrupted reprocess resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from extractors.nlp import TextItem, extract_claims, extractor_version
from warehouse.queries import article_versions, stored_articles
from warehouse.writes import Reprocessed, store_reprocessed


@dataclass
class ReprocessSummary:
    version: str
    articles: int = 0
    reprocessed: int = 0
    skipped_current: int = 0
    claims: int = 0


def reprocess(
    db: Path,
    nlp: Language,
    *,
    run_id: str | None = None,
    force: bool = False,
    batch_size: int = 50,
    progress: Callable[[ReprocessSummary], None] | None = None,
) -> ReprocessSummary:
    version = extractor_version(nlp)
    summary = ReprocessSummary(version=version)
    todo = []
    for article_id, claims_version in article_versions(db):
        summary.articles += 1
        if claims_version == version and not force:
            summary.skipped_current += 1
        else:
            todo.append(article_id)
    for ids in _batches(todo, batch_size):
        articles = stored_articles(db, ids)
        items = [TextItem(a.text, a.published_at.date() if a.published_at else None) for a in articles]
        results = [
            Reprocessed(
                article_id=a.article_id,
                text_sha256=a.text_sha256,
                published_at=a.published_at,
                claims=claims,
                claims_version=version,
            )
            for a, claims in zip(articles, extract_claims(nlp, items), strict=True)
        ]
        summary.claims += store_reprocessed(db, results, run_id)
        summary.reprocessed += len(results)
        if progress is not None:
            progress(summary)
    return summary


def _batches(ids: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(ids), max(1, size)):
        yield ids[start : start + size]
