"""Fetched pages -> articles with their claims: the extraction half of the pipeline, no I/O, no Prefect."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from spacy.language import Language

from claimtrack.errors import ExtractError
from extractors.article import DEFAULT_ARTICLE_SETTINGS, Article, ArticleSettings, extract_article, text_article
from extractors.claims import Claim
from extractors.crawl import FetchedPage
from extractors.encoding import decode_body
from extractors.nlp import TextItem, extract_claims, extractor_version, load_pipeline
from extractors.workers import extraction_pool, split_jobs


@dataclass(frozen=True, kw_only=True)
class ExtractedArticle:
    """An article with its claims, ready to store."""

    article: Article
    source: str
    outlet: str | None
    content_sha256: str | None
    final_url: str | None
    claims: Sequence[Claim]
    claims_version: str


@dataclass
class Extraction:
    articles: list[ExtractedArticle] = field(default_factory=list)
    #: URL -> why no article came out of the page (stored in ``fetches.extract_error``).
    errors: dict[str, str] = field(default_factory=dict)


def page_to_article(page: FetchedPage, settings: ArticleSettings = DEFAULT_ARTICLE_SETTINGS) -> Article:
    """HTML through trafilatura; ``text/plain`` (saved ``.txt`` files) as is."""
    fetch = page.fetch
    assert fetch.body is not None
    media = (fetch.content_type or "").split(";")[0].strip().lower()
    if media == "text/plain":
        article = text_article(decode_body(fetch.body, fetch.content_type)[0], page.ref.url, title=page.ref.title)
    else:
        article = extract_article(fetch.body, page.ref.url, content_type=fetch.content_type, settings=settings)
    if article.published_at is None and page.ref.published_at is not None:
        # The feed or sitemap knew the date when the page did not say it.
        article = _with_date(article, page)
    return article


def _with_date(article: Article, page: FetchedPage) -> Article:
    from dataclasses import replace

    return replace(article, published_at=page.ref.published_at)


def extract_pages(
    pages: Sequence[FetchedPage],
    source_name: str,
    outlet: str | None,
    nlp: Language,
    *,
    settings: ArticleSettings = DEFAULT_ARTICLE_SETTINGS,
    batch_size: int = 32,
    n_process: int = 1,
) -> Extraction:
    result = Extraction()
    ready: list[tuple[FetchedPage, Article]] = []
    for page in pages:
        try:
            ready.append((page, page_to_article(page, settings)))
        except ExtractError as exc:
            result.errors[page.ref.url] = f"extract_error: {exc}"
    version = extractor_version(nlp)
    items = [TextItem(a.text, a.published_at.date() if a.published_at else None, a.url) for _, a in ready]
    for (page, article), claims in zip(
        ready, extract_claims(nlp, items, batch_size=batch_size, n_process=n_process), strict=True
    ):
        result.articles.append(
            ExtractedArticle(
                article=article,
                source=source_name,
                outlet=outlet or article.sitename,
                content_sha256=page.fetch.content_sha256,
                final_url=page.fetch.final_url,
                claims=claims,
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
) -> Extraction:
    """:func:`extract_pages` for a batch that mixes sources (the crawler interleaves hosts and sources).

    With ``processes`` > 1 (and the ``model`` name ``nlp`` was loaded from, for the workers to load), the pages
    go to a pool of worker processes (``extractors.workers``) in chunks, each chunk through both stages there.
    """
    groups: dict[str, list[FetchedPage]] = {}
    for page in pages:
        groups.setdefault(page.source, []).append(page)
    parts: list[Extraction]
    if processes > 1 and model is not None and len(pages) > 1:
        pool = extraction_pool(model, processes, extractor_version(nlp))
        jobs = [
            ExtractionJob(chunk, name, outlets.get(name), model)
            for name, group in groups.items()
            for chunk in split_jobs(group, processes)
        ]
        parts = pool.map(run_extraction_job, jobs)
    else:
        parts = [extract_pages(group, name, outlets.get(name), nlp) for name, group in groups.items()]
    result = Extraction()
    for part in parts:
        result.articles.extend(part.articles)
        result.errors.update(part.errors)
    return result


@dataclass(frozen=True, slots=True)
class ExtractionJob:
    """Pages of one source for a worker process, with the model it extracts them with."""

    pages: Sequence[FetchedPage]
    source: str
    outlet: str | None
    model: str


def run_extraction_job(job: ExtractionJob) -> Extraction:
    """In a worker: :func:`extract_pages` with the worker's own pipeline (loaded once per process)."""
    return extract_pages(job.pages, job.source, job.outlet, load_pipeline(job.model))
