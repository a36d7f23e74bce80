"""Hostile page text against the extraction stage (issue 15, items 5 and 6): quote marks by the thousand, and
pages whose claim rules run long, must neither hang a batch nor take it down.

Speed targets are in ``make bench`` (bench/extraction_limits.py); the bounds here are generous, only there to say
"does not hang the suite".
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from spacy.language import Language

from core.pages import FetchedPage, FetchResult, PageRef
from core.settings import DEFAULT_MODEL
from extractors.claims._quotes import find_quotes
from extractors.nlp import TextLimits
from extractors.pipeline import extract_by_source, extract_pages
from tests.conftest import SEED_ARTICLE

#: Double and single quote pairs side by side: pairing the singles looked at every double quote of the paragraph.
QUOTE_MARKS = "\"a\" 'b' " * 25_000
#: Each "said" is a cue whose content is the rest of one endless sentence: the claim rules' work grows with the
#: square of its length (30,000 characters took over two minutes).
SAID_RUN = '"he said" "' * 2_500


def plain_page(url: str, text: str) -> FetchedPage:
    body = text.encode("utf-8")
    fetch = FetchResult(
        url=url, final_url=url, fetched_at=datetime.now(UTC), status=200, body=body, content_type="text/plain"
    )
    return FetchedPage(PageRef(url=url), fetch, "hostile")


def test_quote_pairing_is_linear() -> None:
    started = time.monotonic()
    quotes = find_quotes(QUOTE_MARKS)
    assert time.monotonic() - started < 10  # was about two minutes for these 200,000 characters
    assert len(quotes) == 50_000
    assert sum(q.single for q in quotes) == 25_000


def test_a_page_past_its_time_limit_fails_and_the_batch_goes_on(nlp: Language) -> None:
    hostile = plain_page("https://news.example/said", SAID_RUN)
    normal = plain_page("https://news.example/talks", SEED_ARTICLE.read_text(encoding="utf-8"))
    started = time.monotonic()
    result = extract_pages([hostile, normal], "hostile", None, nlp, limits=TextLimits(page_seconds=3))
    assert time.monotonic() - started < 120
    assert "ran past the page's 3s" in result.errors["https://news.example/said"]
    (article,) = result.articles
    assert article.article.url == "https://news.example/talks" and len(article.claims) == 16


def test_the_time_limit_holds_in_the_worker_processes(nlp: Language) -> None:
    """The flows extract in a pool of worker processes (``extractors.workers``): the limit travels with the job."""
    hostile = plain_page("https://news.example/said", SAID_RUN)
    normal = plain_page("https://news.example/talks", SEED_ARTICLE.read_text(encoding="utf-8"))
    started = time.monotonic()
    result = extract_by_source(
        [hostile, normal], {"hostile": None}, nlp, processes=2, model=DEFAULT_MODEL, limits=TextLimits(page_seconds=3)
    )
    assert time.monotonic() - started < 180  # worker start-up (a model load each) included
    assert "ran past the page's 3s" in result.errors["https://news.example/said"]
    assert [a.article.url for a in result.articles] == ["https://news.example/talks"]
