"""Page -> article: main text and metadata with trafilatura, or a saved ``.txt`` file as it is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import trafilatura

from core.articles import Article
from core.dates import parse_date
from core.errors import ExtractError
from extractors.encoding import decode_body

#: Bumped whenever the text we store for the same page could change (settings, post-filters).
ARTICLE_EXTRACTOR_VERSION = f"trafilatura-{trafilatura.__version__}/1"
#: Version of the plain-text path (saved ``.txt`` files are stored as they are, minus a date header).
TEXT_EXTRACTOR_VERSION = "text/1"
#: Every article extractor version the current code produces: a stored article with another one is stale.
CURRENT_ARTICLE_VERSIONS = frozenset({ARTICLE_EXTRACTOR_VERSION, TEXT_EXTRACTOR_VERSION})


@dataclass(frozen=True, kw_only=True)
class ArticleSettings:
    """How main text is extracted. Defaults measured on the extraction benchmark (README, ``make bench``)."""

    #: Reader comments are not the article; they would turn into false claims.
    include_comments: bool = False
    include_tables: bool = False
    favor_precision: bool = False
    favor_recall: bool = False
    #: An extraction shorter than this is treated as a failure (paywall stubs, cookie walls, index pages).
    min_text_chars: int = 200


DEFAULT_ARTICLE_SETTINGS = ArticleSettings()


def extract_article(
    body: bytes | str,
    url: str,
    *,
    content_type: str | None = None,
    settings: ArticleSettings = DEFAULT_ARTICLE_SETTINGS,
) -> Article:
    """Main text and metadata of an HTML page. Raises :class:`ExtractError` when there is no article."""
    html = decode_body(body, content_type)[0] if isinstance(body, bytes) else body
    try:
        document = trafilatura.bare_extraction(
            html,
            url=url,
            include_comments=settings.include_comments,
            include_tables=settings.include_tables,
            favor_precision=settings.favor_precision,
            favor_recall=settings.favor_recall,
            with_metadata=True,
        )
    except Exception as exc:  # trafilatura raises assorted lxml/parser errors on hostile markup
        raise ExtractError(f"trafilatura failed on {url}: {type(exc).__name__}: {exc}") from exc
    text = (getattr(document, "text", None) or "").strip() if document is not None else ""
    if len(text) < settings.min_text_chars:
        raise ExtractError(f"no article text ({len(text)} chars, need {settings.min_text_chars}) in {url}")
    return Article(
        url=url,
        text=text,
        title=getattr(document, "title", None),
        author=getattr(document, "author", None),
        published_at=parse_date(getattr(document, "date", None)),
        sitename=getattr(document, "sitename", None),
        language=getattr(document, "language", None),
        extractor_version=ARTICLE_EXTRACTOR_VERSION,
    )


_DATE_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s*")


def split_date_header(raw: str) -> tuple[str, datetime | None, int]:
    """Saved text files may start with ``date YYYY-MM-DD``: returns ``(text, date, chars removed)``."""
    match = _DATE_HEADER.match(raw)
    if not match:
        stripped = raw.lstrip()
        return stripped, None, len(raw) - len(stripped)
    return raw[match.end() :], parse_date(match.group(1)), match.end()


def text_article(raw: str, url: str, *, title: str | None = None) -> Article:
    """An article from plain text (a saved ``.txt`` file): the text as is, minus an optional date header."""
    text, published, _ = split_date_header(raw)
    text = text.rstrip()
    if not text:
        raise ExtractError(f"empty text file: {url}")
    first_line = text.split("\n", 1)[0].strip()
    return Article(
        url=url,
        text=text,
        title=title or first_line[:200],
        published_at=published,
        extractor_version=TEXT_EXTRACTOR_VERSION,
    )


