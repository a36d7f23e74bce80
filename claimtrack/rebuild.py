"""``claimtrack rebuild``: recompute everything derived from ``articles`` (and the raw archive).

1. ``--from-raw``: articles whose text came from an older article extractor are extracted again from their
   archived raw page (``articles.content_sha256`` -> ``<archive>/ab/abcd….gz``);
2. articles whose current claims come from another claims extractor version (rules or model) get a new
   version of their claims, written atomically per batch (``claim_records`` keeps the old ones);
3. statements, features and position comparisons are recomputed (``positions.refresh``).

Nothing in ``claim_records`` or ``fetches`` is edited or deleted; the derived tables are replaced in one
transaction. Running it twice in a row changes nothing the second time.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from spacy.language import Language

from claimtrack.errors import ExtractError
from extractors.archive import RawArchive
from extractors.article import ARTICLE_EXTRACTOR_VERSION, Article
from extractors.crawl import FetchedPage
from extractors.discover import PageRef
from extractors.fetch import FetchResult
from extractors.nlp import TextItem, extract_claims, extractor_version
from extractors.pipeline import ExtractedArticle, page_to_article
from positions.refresh import DEFAULT_POSITION_SETTINGS, PositionSettings, RefreshSummary, refresh_positions
from warehouse.positions import StoredArticle, mark_text_extractor, stored_articles
from warehouse.writes import Batch, store_batch

#: Articles re-extracted per write transaction (keeps each hold on the write lock short).
REBUILD_BATCH = 25


@dataclass
class RebuildSummary:
    articles: int = 0
    text_reextracted: int = 0
    raw_missing: int = 0
    #: Raw pages that no longer give an article with the current extractor (the stored text is kept).
    raw_failed: int = 0
    claims_reextracted_articles: int = 0
    new_claims: int = 0
    positions: RefreshSummary | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        lines = [
            f"articles: {self.articles}",
            f"text re-extracted from the raw archive: {self.text_reextracted}"
            f" (raw page missing: {self.raw_missing}, no article any more: {self.raw_failed})",
            f"claims re-extracted: {self.claims_reextracted_articles} articles, {self.new_claims} new claim rows",
        ]
        if self.positions is not None:
            lines.append(self.positions.describe())
        lines.append("total time: " + ", ".join(f"{k} {v:.2f}s" for k, v in self.seconds.items()))
        return "\n".join(lines)


def _article_from_raw(stored: StoredArticle, archive: RawArchive) -> Article:
    assert stored.content_sha256 is not None
    body = archive.get(stored.content_sha256)
    headers = archive.meta(stored.content_sha256).get("headers") or {}
    content_type = headers.get("content-type") or ("text/plain" if stored.extractor_version == "text/1" else None)
    fetch = FetchResult(
        url=stored.url,
        final_url=stored.final_url or stored.url,
        fetched_at=datetime.now(UTC),
        status=200,
        body=body,
        content_type=content_type or "text/html",
    )
    ref = PageRef(url=stored.url, published_at=stored.published_at, title=stored.title)
    return page_to_article(FetchedPage(ref, fetch))


def _as_article(stored: StoredArticle) -> Article:
    return Article(
        url=stored.url,
        text=stored.text,
        title=stored.title,
        author=stored.author,
        published_at=stored.published_at,
        sitename=stored.sitename,
        language=stored.language,
        extractor_version=stored.extractor_version,
    )


def rebuild(
    db: Path,
    nlp: Language,
    *,
    archive: Path | None = None,
    from_raw: bool = False,
    settings: PositionSettings = DEFAULT_POSITION_SETTINGS,
    progress: Callable[[str], None] | None = None,
) -> RebuildSummary:
    say = progress or (lambda _message: None)
    summary = RebuildSummary()
    clock = time.perf_counter()
    version = extractor_version(nlp)
    stored = stored_articles(db)
    summary.articles = len(stored)

    # 1. Text from the raw archive where the article extractor changed.
    articles: list[tuple[StoredArticle, Article]] = []
    raw = RawArchive(archive) if archive is not None else None
    unchanged_text: dict[str, str] = {}
    for row in stored:
        article = _as_article(row)
        stale_text = row.extractor_version not in (ARTICLE_EXTRACTOR_VERSION, "text/1")
        if from_raw and raw is not None and stale_text and row.content_sha256:
            if row.content_sha256 in raw:
                try:
                    fresh = _article_from_raw(row, raw)
                except ExtractError as exc:
                    summary.raw_failed += 1
                    say(f"keeping the stored text of {row.url}: {exc}")
                else:
                    article = fresh if fresh.published_at else replace(fresh, published_at=row.published_at)
                    summary.text_reextracted += 1
                    if article.text_sha256 == _sha(row.text):
                        unchanged_text[row.article_id] = article.extractor_version
            else:
                summary.raw_missing += 1
        articles.append((row, article))
    mark_text_extractor(db, unchanged_text)
    summary.seconds["text"] = time.perf_counter() - clock

    # 2. Claims, where the claims extractor version or the text changed.
    clock = time.perf_counter()
    todo = [(row, a) for row, a in articles if row.claims_version != version or a.text_sha256 != _sha(row.text)]
    say(f"re-extracting claims of {len(todo)} of {len(stored)} articles (extractor {version})")
    by_source: dict[str, list[tuple[StoredArticle, Article]]] = defaultdict(list)
    for row, article in todo:
        by_source[row.source or "rebuild"].append((row, article))
    for source, members in by_source.items():
        for start in range(0, len(members), REBUILD_BATCH):
            chunk = members[start : start + REBUILD_BATCH]
            items = [TextItem(a.text, a.published_at.date() if a.published_at else None) for _, a in chunk]
            records = [
                ExtractedArticle(
                    article=article,
                    source=source,
                    outlet=row.outlet,
                    content_sha256=row.content_sha256,
                    final_url=row.final_url,
                    claims=claims,
                    claims_version=version,
                )
                for (row, article), claims in zip(chunk, extract_claims(nlp, items), strict=True)
            ]
            counts = store_batch(db, Batch(run_id=None, source=source, articles=records))
            summary.new_claims += counts.claims
            summary.claims_reextracted_articles += counts.new_articles + counts.updated_articles
    summary.seconds["claims"] = time.perf_counter() - clock

    # 3. Positions.
    clock = time.perf_counter()
    summary.positions = refresh_positions(db, nlp=nlp, settings=settings, progress=say)
    summary.seconds["positions"] = time.perf_counter() - clock
    return summary


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
