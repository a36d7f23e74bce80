"""Fetched pages -> articles with their claims: the extraction half of the pipeline, no I/O, no Prefect.

A page whose body was extracted before (same bytes, by the current article and claims extractors) is not run
through trafilatura and spaCy again: :func:`reuse_prior` sets it aside, found by a lookup the caller passes
(``warehouse.reads.prior_extractions``), and the warehouse copies the stored text and claims under the new URL
in SQL, so the same wire story under a new URL costs a query and a copy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from spacy.language import Language

from core.articles import Article, ExtractedArticle, PriorExtraction, ReusedExtraction
from core.errors import ExtractError
from core.pages import FetchedPage
from extractors.article import (
    ARTICLE_EXTRACTOR_VERSION,
    DEFAULT_ARTICLE_SETTINGS,
    TEXT_EXTRACTOR_VERSION,
    ArticleSettings,
    extract_article,
    text_article,
    within_limit,
)
from extractors.encoding import decode
from extractors.nlp import (
    DEFAULT_TEXT_LIMITS,
    TextItem,
    TextLimits,
    claims_per_text,
    extractor_version,
    load_pipeline,
    seed_files,
)
from extractors.timelimit import time_limit
from extractors.workers import extraction_pool, split_jobs


@dataclass
class Extraction:
    articles: list[ExtractedArticle] = field(default_factory=list)
    #: URL -> why no article came out of the page (stored in ``fetches.extract_error``).
    errors: dict[str, str] = field(default_factory=dict)
    #: URL -> what went wrong making an article's text that did not stop it (``Article.notes``; stored in
    #: ``fetches.extract_error`` too, but the article is stored and the page is no failure).
    notes: dict[str, str] = field(default_factory=dict)
    #: Per source: pages run through the extractors (trafilatura, then spaCy); reused ones are not counted.
    extracted: dict[str, int] = field(default_factory=dict)
    #: Pages whose body has a stored extraction, to be stored as a copy of it (not extracted).
    reuses: list[ReusedExtraction] = field(default_factory=list)

    def add(self, other: Extraction) -> None:
        self.articles.extend(other.articles)
        self.reuses.extend(other.reuses)
        self.errors.update(other.errors)
        self.notes.update(other.notes)
        for source, number in other.extracted.items():
            self.extracted[source] = self.extracted.get(source, 0) + number

    def reused(self) -> dict[str, int]:
        """Per source: pages stored as a copy of a stored extraction of the same body (not extracted)."""
        counts: dict[str, int] = {}
        for record in self.reuses:
            counts[record.source] = counts.get(record.source, 0) + 1
        return counts


#: ``(content sha256s, claims version)`` -> the stored extraction of each body at that claims version, keyed by
#: ``(content_sha256, article extractor version)`` (the same bytes give another text as plain text than as HTML).
PriorLookup = Callable[[Sequence[str], str], Mapping[tuple[str, str], PriorExtraction]]


def is_plain_text(page: FetchedPage) -> bool:
    """Served (or saved) as ``text/plain``: stored as it is, not through trafilatura."""
    return (page.fetch.content_type or "").split(";")[0].strip().lower() == "text/plain"


def article_version_for(page: FetchedPage) -> str:
    """The article extractor :func:`page_to_article` runs on this page."""
    return TEXT_EXTRACTOR_VERSION if is_plain_text(page) else ARTICLE_EXTRACTOR_VERSION


#: Saved files (``directory`` sources, URLs ``local:<source>/<path>``) are UTF-8 unless they declare otherwise.
SAVED_FILE_CHARSET = "utf-8"


def page_to_article(page: FetchedPage, settings: ArticleSettings = DEFAULT_ARTICLE_SETTINGS) -> Article:
    """HTML through trafilatura; ``text/plain`` (saved ``.txt`` files) as is; a text over
    ``settings.max_text_chars`` cut (``extractors.article.within_limit``)."""
    fetch = page.fetch
    assert fetch.body is not None
    if is_plain_text(page):
        assumed = SAVED_FILE_CHARSET if page.ref.url.startswith("local:") else None
        decoded = decode(fetch.body, fetch.content_type, assumed=assumed)
        notes = (decoded.note,) if decoded.note else ()
        article = text_article(decoded.text, page.ref.url, title=page.ref.title, notes=notes)
    else:
        article = extract_article(fetch.body, page.ref.url, content_type=fetch.content_type, settings=settings)
    if article.published_at is None and page.ref.published_at is not None:
        # The feed or sitemap knew the date when the page did not say it.
        article = _with_date(article, page)
    return within_limit(article, settings)


def _with_date(article: Article, page: FetchedPage) -> Article:
    return replace(article, published_at=page.ref.published_at)


def reuse_prior(
    pages: Sequence[FetchedPage], outlets: Mapping[str, str | None], lookup: PriorLookup, version: str
) -> tuple[list[ReusedExtraction], list[FetchedPage]]:
    """Split ``pages`` into those whose bodies have a stored extraction (at claims ``version`` and the article
    extractor the page would get now), stored as copies of it, and the pages left to extract.

    The warehouse copies the stored text, metadata and claims as they are, so claim offsets index the new row's
    text exactly. Claims also depend on the publication date (who held an office on that day), so a page whose
    listing gives a date on another day than the stored article's is extracted afresh.
    """
    shas = sorted({p.fetch.content_sha256 for p in pages if p.fetch.content_sha256})
    found = lookup(shas, version) if shas else {}
    reused: list[ReusedExtraction] = []
    todo: list[FetchedPage] = []
    for page in pages:
        sha = page.fetch.content_sha256
        prior = found.get((sha or "", article_version_for(page)))
        if sha is None or prior is None or not _same_day(prior.published_at, page.ref.published_at):
            todo.append(page)
            continue
        reused.append(
            ReusedExtraction(
                url=page.ref.url,
                source=page.source,
                outlet=outlets.get(page.source) or prior.sitename,
                content_sha256=sha,
                final_url=page.fetch.final_url,
                claims_version=version,
                prior=prior,
            )
        )
    return reused, todo


def _same_day(stored: datetime | None, listed: datetime | None) -> bool:
    """Would the page's own listing date leave the extraction's date as stored? (No listing date: it would.)"""
    if listed is None:
        return True
    return stored is not None and stored.astimezone(UTC).date() == listed.astimezone(UTC).date()


def extract_pages(
    pages: Sequence[FetchedPage],
    source_name: str,
    outlet: str | None,
    nlp: Language,
    *,
    settings: ArticleSettings = DEFAULT_ARTICLE_SETTINGS,
    batch_size: int = 32,
    n_process: int = 1,
    limits: TextLimits = DEFAULT_TEXT_LIMITS,
) -> Extraction:
    """Articles and claims of one source's pages. A page that yields no article, or whose extraction runs past
    ``limits.page_seconds`` (trafilatura, then the claim rules, each), is recorded in ``errors``; the rest go on."""
    result = Extraction(extracted={source_name: len(pages)} if pages else {})
    ready: list[tuple[FetchedPage, Article]] = []
    for page in pages:
        try:
            with time_limit(limits.page_seconds, message=limits.overrun("trafilatura")):
                article = page_to_article(page, settings)
        except ExtractError as exc:
            result.errors[page.ref.url] = f"extract_error: {exc}"
        else:
            ready.append((page, article))
    version = extractor_version(nlp)
    items = [TextItem(a.text, a.published_at.date() if a.published_at else None, a.url, a.title) for _, a in ready]
    found = claims_per_text(nlp, items, batch_size=batch_size, n_process=n_process, limits=limits)
    for (page, article), claims in zip(ready, found, strict=True):
        if claims.error is not None:
            result.errors[page.ref.url] = f"extract_error: {claims.error}"
            continue
        if article.notes:
            result.notes[page.ref.url] = "; ".join(article.notes)
        result.articles.append(
            ExtractedArticle(
                article=article,
                source=source_name,
                outlet=outlet or article.sitename,
                content_sha256=page.fetch.content_sha256,
                final_url=page.fetch.final_url,
                claims=claims.claims,
                claims_version=version,
            )
        )
    return result


def extract_by_source(
    pages: Sequence[FetchedPage],
    outlets: Mapping[str, str | None],
    nlp: Language,
    *,
    processes: int = 1,
    model: str | None = None,
    prior: PriorLookup | None = None,
    limits: TextLimits = DEFAULT_TEXT_LIMITS,
) -> Extraction:
    """:func:`extract_pages` for a batch that mixes sources (the crawler interleaves hosts and sources).

    With ``processes`` > 1 (and the ``model`` name ``nlp`` was loaded from, for the workers to load), the pages
    go to a pool of worker processes (``extractors.workers``) in chunks, each chunk through both stages there.
    With ``prior``, pages whose body was extracted before are reused first (:func:`reuse_prior`).
    """
    result = Extraction()
    if prior is not None:
        result.reuses, pages = reuse_prior(pages, outlets, prior, extractor_version(nlp))
    groups: dict[str, list[FetchedPage]] = {}
    for page in pages:
        groups.setdefault(page.source, []).append(page)
    parts: list[Extraction]
    if processes > 1 and model is not None and len(pages) > 1:
        pool = extraction_pool(model, processes, extractor_version(nlp), seed_files(nlp))
        jobs = [
            ExtractionJob(chunk, name, outlets.get(name), model, limits)
            for name, group in groups.items()
            for chunk in split_jobs(group, processes)
        ]
        parts = pool.map(run_extraction_job, jobs)
    else:
        parts = [extract_pages(group, name, outlets.get(name), nlp, limits=limits) for name, group in groups.items()]
    for part in parts:
        result.add(part)
    return result


@dataclass(frozen=True, slots=True)
class ExtractionJob:
    """Pages of one source for a worker process, with the model it extracts them with."""

    pages: Sequence[FetchedPage]
    source: str
    outlet: str | None
    model: str
    limits: TextLimits = DEFAULT_TEXT_LIMITS


def run_extraction_job(job: ExtractionJob) -> Extraction:
    """In a worker: :func:`extract_pages` with the worker's own pipeline (loaded once per process)."""
    return extract_pages(job.pages, job.source, job.outlet, load_pipeline(job.model), limits=job.limits)
