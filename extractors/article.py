"""Page -> article: main text and metadata with trafilatura, or a saved ``.txt`` file as it is."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

import trafilatura

from core.articles import Article
from core.dates import parse_date
from core.errors import ExtractError
from core.text import strip_control_chars
from extractors.encoding import decode

#: Bumped whenever the text we store for the same page could change (settings, post-filters). /2: control
#: characters stripped, a declared charset decoded with bad bytes replaced (issue 15).
ARTICLE_EXTRACTOR_VERSION = f"trafilatura-{trafilatura.__version__}/2"
#: Version of the plain-text path (saved ``.txt`` files are stored as they are, minus a date header and control
#: characters).
TEXT_EXTRACTOR_VERSION = "text/2"
#: Every article extractor version the current code produces: a stored article with another one is stale.
CURRENT_ARTICLE_VERSIONS = frozenset({ARTICLE_EXTRACTOR_VERSION, TEXT_EXTRACTOR_VERSION})


@dataclass(frozen=True, kw_only=True)
class ArticleSettings:
    """How main text is extracted. Defaults measured on the extraction benchmark (bench/README.md, ``make bench``)."""

    #: Reader comments are not the article; they would turn into false claims.
    include_comments: bool = False
    include_tables: bool = False
    favor_precision: bool = False
    favor_recall: bool = False
    #: An extraction shorter than this is treated as a failure (paywall stubs, cookie walls, index pages).
    min_text_chars: int = 200
    #: A text longer than this is cut at a paragraph break before it, and the page's ``fetches.extract_error`` says
    #: so. A news article runs to 2,000-20,000 characters; half a million is a book, whose claims would take
    #: the rules longer than their time limit (``extractors.nlp.TextLimits.page_seconds``) anyway.
    max_text_chars: int = 500_000


DEFAULT_ARTICLE_SETTINGS = ArticleSettings()


def extract_article(
    body: bytes | str,
    url: str,
    *,
    content_type: str | None = None,
    settings: ArticleSettings = DEFAULT_ARTICLE_SETTINGS,
) -> Article:
    """Main text and metadata of an HTML page. Raises :class:`ExtractError` when there is no article."""
    decoded = decode(body, content_type) if isinstance(body, bytes) else None
    html = decoded.text if decoded is not None else str(body)
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
    text = strip_control_chars((getattr(document, "text", None) or "") if document is not None else "").strip()
    if len(text) < settings.min_text_chars:
        raise ExtractError(f"no article text ({len(text)} chars, need {settings.min_text_chars}) in {url}")
    return Article(
        url=url,
        text=text,
        title=_clean(getattr(document, "title", None)),
        author=_clean(getattr(document, "author", None)),
        published_at=parse_date(getattr(document, "date", None)),
        sitename=_clean(getattr(document, "sitename", None)),
        language=getattr(document, "language", None),
        extractor_version=ARTICLE_EXTRACTOR_VERSION,
        notes=(decoded.note,) if decoded is not None and decoded.note else (),
    )


def _clean(value: str | None) -> str | None:
    return strip_control_chars(value) if value else value


_DATE_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s*")


def split_date_header(raw: str) -> tuple[str, datetime | None, int]:
    """Saved text files may start with ``date YYYY-MM-DD``: returns ``(text, date, chars removed)``."""
    match = _DATE_HEADER.match(raw)
    if not match:
        stripped = raw.lstrip()
        return stripped, None, len(raw) - len(stripped)
    return raw[match.end() :], parse_date(match.group(1)), match.end()


def text_article(raw: str, url: str, *, title: str | None = None, notes: tuple[str, ...] = ()) -> Article:
    """An article from plain text (a saved ``.txt`` file): the text as is, minus an optional date header and
    control characters (``core.text``)."""
    text, published, _ = split_date_header(strip_control_chars(raw))
    text = text.rstrip()
    if not text:
        raise ExtractError(f"empty text file: {url}")
    first_line = text.split("\n", 1)[0].strip()
    return Article(
        url=url,
        text=text,
        title=_clean(title) or first_line[:200],
        published_at=published,
        extractor_version=TEXT_EXTRACTOR_VERSION,
        notes=notes,
    )


def within_limit(article: Article, settings: ArticleSettings = DEFAULT_ARTICLE_SETTINGS) -> Article:
    """``article`` with its text cut to ``settings.max_text_chars`` at the last line break before it (in the second
    half of what is kept; else at the limit), and a note saying so; unchanged when it is short enough."""
    limit = settings.max_text_chars
    if len(article.text) <= limit:
        return article
    cut = article.text.rfind("\n", limit // 2, limit + 1)
    kept = article.text[: cut if cut > 0 else limit].rstrip()
    note = f"text cut to {len(kept)} of {len(article.text)} characters (max_text_chars)"
    return replace(article, text=kept, notes=(*article.notes, note))
