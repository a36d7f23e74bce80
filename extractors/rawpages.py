"""Stored articles -> their raw pages again, from the raw archive: re-extraction (article text and claims) with the
current extractors and no network, for `backfill(reprocess=True)`. (`extractors.reprocess` re-runs claims only,
over stored text.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from extractors.archive import RawArchive
from extractors.crawl import FetchedPage
from extractors.discover import PageRef
from extractors.fetch import FetchResult


@dataclass(frozen=True, kw_only=True)
class StoredPage:
    """What the warehouse knows about a stored article's raw page (``warehouse.queries.stored_pages``)."""

    article_id: str
    url: str
    source: str
    outlet: str | None
    content_sha256: str
    content_type: str | None
    final_url: str | None
    fetched_at: datetime | None
    title: str | None
    published_at: datetime | None


@dataclass
class ArchivedPages:
    pages: list[FetchedPage] = field(default_factory=list)
    #: URL -> why the raw page could not be loaded.
    errors: dict[str, str] = field(default_factory=dict)


def pages_from_archive(archive: RawArchive, stored: Iterable[StoredPage]) -> ArchivedPages:
    """The raw pages of stored articles, as the extractor expects them. The stored publication date travels
    along: it may have come from the feed or sitemap, which a reprocess does not read again."""
    result = ArchivedPages()
    for page in stored:
        if page.content_sha256 not in archive:
            result.errors[page.url] = f"raw_missing: raw page {page.content_sha256} is not in {archive.root}"
            continue
        try:
            body = archive.get(page.content_sha256)
        except (OSError, EOFError) as exc:
            result.errors[page.url] = f"raw_unreadable: {page.content_sha256}: {exc}"
            continue
        fetch = FetchResult(
            url=page.url,
            final_url=page.final_url or page.url,
            fetched_at=page.fetched_at or datetime.now(UTC),
            status=200,
            body=body,
            content_type=page.content_type,
        )
        ref = PageRef(url=page.url, published_at=page.published_at, title=page.title)
        result.pages.append(FetchedPage(ref, fetch))
    return result
