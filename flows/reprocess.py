"""Re-extract stored articles with the current extractors, without the network: the one implementation behind
``claimtrack reprocess``, ``claimtrack rebuild`` (this, then ``positions.refresh``) and the backfill flow's
``reprocess`` mode (this, batch by batch as Prefect tasks).

Per stored article:

- **text** is made again from its raw page (``articles.content_sha256`` -> the raw archive) when ``from_raw`` is
  on and the article extractor that made the stored text is not a current one (a trafilatura upgrade, new
  settings). A missing raw page, or one that no longer gives an article, keeps the stored text (counted).
- **claims** are extracted again when the claims extractor version differs from the current one (rules, model,
  ``seeds/actors.csv``, ``seeds/topics.toml``: all part of the version), when the text changed, or with ``force``.
  The new claims version is appended to ``claim_records`` and becomes current; old versions stay.

Batched (:func:`reprocess_articles` reads, extracts and writes one batch in one transaction), resumable (an
article at the current versions is not selected again, so an interrupted run goes on where it stopped) and
idempotent (claim ids derive from the article, its text, the version and the offsets).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path

from spacy.language import Language

from core.articles import Article
from core.errors import ExtractError, WarehouseError
from core.pages import FetchedPage, FetchResult, PageRef
from core.settings import default_archive, default_db, default_model
from extractors.article import CURRENT_ARTICLE_VERSIONS
from extractors.nlp import TextItem, claims_per_text, extractor_version, load_pipeline
from extractors.pipeline import page_to_article
from flows.common import recorded_run
from flows.params import DEFAULT_REPROCESS_BATCH, ReprocessParams
from warehouse.archive import RawArchive
from warehouse.reads import ArticleVersions, StoredArticle, article_versions, stored_articles
from warehouse.writes import Reprocessed, store_reprocessed


@dataclass
class ReprocessSummary:
    version: str
    #: Stored articles looked at (all, or those of the chosen sources and window).
    articles: int = 0
    #: Articles already at the current versions (nothing to do).
    skipped_current: int = 0
    #: Texts made again from the raw archive, and how many of them came out different.
    text_reextracted: int = 0
    text_changed: int = 0
    #: Stale texts whose raw page is not in the archive, or no longer gives an article (stored text kept).
    raw_missing: int = 0
    raw_failed: int = 0
    #: Articles given a new claims version, and the claim rows that added.
    reprocessed: int = 0
    claims: int = 0
    #: Articles changed by another writer while they were re-extracted (left for the next run).
    skipped_changed: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: ReprocessSummary) -> None:
        """Add a batch's counts (``version`` and ``articles`` are the whole run's)."""
        for item in fields(self):
            if item.name in ("version", "articles", "skipped_current"):
                continue
            value = getattr(self, item.name)
            setattr(self, item.name, value + getattr(other, item.name))


@dataclass(frozen=True, kw_only=True)
class ReprocessPlan:
    """What a reprocess will do: the stale articles (with their sources, for per-source reports)."""

    summary: ReprocessSummary
    todo: list[ArticleVersions]

    def batches(self, size: int = DEFAULT_REPROCESS_BATCH) -> Iterator[list[ArticleVersions]]:
        """Batches of one source each, in plan order."""
        current: list[ArticleVersions] = []
        for row in self.todo:
            if current and (len(current) >= max(1, size) or current[-1].source != row.source):
                yield current
                current = []
            current.append(row)
        if current:
            yield current


def stale_text(row: ArticleVersions | StoredArticle) -> bool:
    return row.extractor_version not in CURRENT_ARTICLE_VERSIONS


def plan_reprocess(
    db: Path,
    version: str,
    *,
    archive: Path | None = None,
    from_raw: bool = False,
    force: bool = False,
    sources: Sequence[str] = (),
    start: datetime | None = None,
    end: datetime | None = None,
) -> ReprocessPlan:
    """The stored articles to re-extract against claims extractor ``version`` (see the module docstring)."""
    summary = ReprocessSummary(version=version)
    raw = RawArchive(archive) if from_raw and archive is not None else None
    todo = []
    for row in article_versions(db, sources=sources, start=start, end=end):
        summary.articles += 1
        redo_text = False
        if raw is not None and stale_text(row) and row.content_sha256:
            if row.content_sha256 in raw:
                redo_text = True
            else:
                summary.raw_missing += 1  # counted here, so a repeated run does not select it again
        if force or redo_text or row.claims_version != version:
            todo.append(row)
        else:
            summary.skipped_current += 1
    return ReprocessPlan(summary=summary, todo=todo)


def reprocess_articles(
    db: Path,
    nlp: Language,
    article_ids: Sequence[str],
    *,
    archive: Path | None = None,
    from_raw: bool = False,
    force: bool = False,
    run_id: str | None = None,
    write_guard: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> ReprocessSummary:
    """Re-extract one batch of stored articles and write it in one transaction (inside ``write_guard``: the
    flows' DuckDB writer slot)."""
    version = extractor_version(nlp)
    summary = ReprocessSummary(version=version)
    raw = RawArchive(archive) if from_raw and archive is not None else None
    ready: list[tuple[StoredArticle, Article | None]] = []
    for row in stored_articles(db, article_ids):
        fresh = _fresh_text(row, raw, summary)
        if force or fresh is not None or row.claims_version != version:
            ready.append((row, fresh))
    needs_claims = [
        (row, fresh)
        for row, fresh in ready
        if force or row.claims_version != version or (fresh is not None and fresh.text_sha256 != row.text_sha256)
    ]
    items = [_text_item(row, fresh) for row, fresh in needs_claims]
    claims_of = {}
    for (row, _), found in zip(needs_claims, claims_per_text(nlp, items), strict=True):
        if found.error is not None:  # past its time limit: the article keeps what is stored
            summary.errors.append(f"{row.url}: keeping the stored article and claims: {found.error}")
            continue
        claims_of[row.article_id] = found.claims
    failed = {row.article_id for row, _ in needs_claims} - claims_of.keys()
    results = [
        Reprocessed(
            article_id=row.article_id,
            text_sha256=row.text_sha256,
            published_at=fresh.published_at if fresh is not None else row.published_at,
            claims=claims_of.get(row.article_id),
            claims_version=version,
            article=fresh,
        )
        for row, fresh in ready
        if row.article_id not in failed
    ]
    with write_guard():
        counts = store_reprocessed(db, results, run_id)
    summary.reprocessed = counts.articles
    summary.claims = counts.claims
    summary.skipped_changed = counts.skipped
    return summary


def _fresh_text(row: StoredArticle, raw: RawArchive | None, summary: ReprocessSummary) -> Article | None:
    """The article made again from its raw page when its text is stale and the page archived; else None (a raw page
    missing from the archive was counted by the plan; the stored text is kept)."""
    if raw is None or not stale_text(row) or not row.content_sha256 or row.content_sha256 not in raw:
        return None
    try:
        fresh = article_from_raw(row, raw)
    except (ExtractError, OSError, EOFError) as exc:
        summary.raw_failed += 1
        summary.errors.append(f"{row.url}: keeping the stored text: {exc}")
        return None
    summary.text_reextracted += 1
    summary.text_changed += fresh.text_sha256 != row.text_sha256
    return fresh


def _text_item(row: StoredArticle, fresh: Article | None) -> TextItem:
    if fresh is not None:
        return TextItem(fresh.text, fresh.published_at.date() if fresh.published_at else None, row.url, fresh.title)
    return TextItem(row.text, row.published_at.date() if row.published_at else None, row.url, row.title)


def article_from_raw(row: StoredArticle, archive: RawArchive) -> Article:
    """The article made again from its archived raw page. The stored publication date and title travel along:
    they may have come from the feed or sitemap, which a reprocess does not read again."""
    assert row.content_sha256 is not None
    body = archive.get(row.content_sha256)
    content_type = row.content_type or (archive.meta(row.content_sha256).get("headers") or {}).get("content-type")
    if not content_type:  # saved files carry no headers: the extractor that made the text tells which they were
        content_type = "text/plain" if row.extractor_version.startswith("text/") else "text/html"
    fetch = FetchResult(
        url=row.url,
        final_url=row.final_url or row.url,
        fetched_at=datetime.now(UTC),
        status=200,
        body=body,
        content_type=content_type,
    )
    ref = PageRef(url=row.url, published_at=row.published_at, title=row.title)
    return page_to_article(FetchedPage(ref, fetch, row.source or ""))


def reprocess(
    db: Path,
    nlp: Language,
    *,
    archive: Path | None = None,
    from_raw: bool = False,
    force: bool = False,
    sources: Sequence[str] = (),
    start: datetime | None = None,
    end: datetime | None = None,
    run_id: str | None = None,
    batch_size: int = DEFAULT_REPROCESS_BATCH,
    progress: Callable[[ReprocessSummary], None] | None = None,
) -> ReprocessSummary:
    """Re-extract every stale stored article (see the module docstring), batch by batch."""
    plan = plan_reprocess(
        db,
        extractor_version(nlp),
        archive=archive,
        from_raw=from_raw,
        force=force,
        sources=sources,
        start=start,
        end=end,
    )
    summary = plan.summary
    for batch in plan.batches(batch_size):
        done = reprocess_articles(
            db, nlp, [row.article_id for row in batch], archive=archive, from_raw=from_raw, force=force, run_id=run_id
        )
        summary.add(done)
        if progress is not None:
            progress(summary)
    return summary


def reprocess_database(
    params: ReprocessParams, progress: Callable[[ReprocessSummary], None] | None = None
) -> ReprocessSummary:
    """``claimtrack reprocess``: every stale stored article re-extracted (:func:`reprocess`), recorded in ``runs``
    as a ``reprocess`` run."""
    db = stored_database(params.db)
    nlp = load_pipeline(params.model or default_model())
    parameters = {"db": str(db), "force": params.force, "from_raw": params.from_raw}
    with recorded_run("reprocess", db, parameters, artifacts=False) as run:
        summary = reprocess(
            db,
            nlp,
            archive=params.archive or default_archive(db),
            from_raw=params.from_raw,
            force=params.force,
            run_id=run.run_id,
            batch_size=params.batch_size,
            progress=progress,
        )
        run.summary = summary
        run.status = "completed"
    return summary


def stored_database(db: Path | None) -> Path:
    """The database a command re-derives from (``db``, else the default), which must exist already."""
    path = Path(db or default_db())
    if not path.exists():
        raise WarehouseError(f"no database at {path}: run `claimtrack ingest --db {path}` first")
    return path
