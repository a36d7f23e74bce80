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
from extractors.article import ArticleSettings, split_date_header
from extractors.claims._quotes import find_quotes
from extractors.nlp import TextItem, TextLimits, extract_claims
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


def test_a_long_text_goes_through_spacy_in_bounded_batches(nlp: Language, monkeypatch) -> None:
    """A long text used to go through spaCy whole in one batch (about 3 KB per character: a 1.5 MB page took a worker
    to 4.5 GB). Memory is bounded by the characters of one batch, so that is what is checked here; the memory it
    saves (peak RSS by text length) is measured in ``make bench`` (bench/limits_bench.py)."""
    batches: list[int] = []
    real_pipe = nlp.pipe

    def counting_pipe(texts, **kwargs):
        texts = list(texts)
        batches.append(sum(len(t) if isinstance(t, str) else len(t.text) for t in texts))
        return real_pipe(texts, **kwargs)

    monkeypatch.setattr(nlp, "pipe", counting_pipe)
    base = SEED_ARTICLE.read_text(encoding="utf-8") + "\n\n"
    text = (base * (60_000 // len(base) + 1))[:60_000]
    limits = TextLimits(batch_chars=10_000, chunk_chars=5_000)
    (claims,) = extract_claims(nlp, [TextItem(text)], limits=limits)
    assert len(batches) >= 6, batches
    assert max(batches) <= limits.batch_chars, batches
    assert len(claims) > 100


def test_a_text_over_its_limit_is_cut_at_a_paragraph_and_says_so(nlp: Language) -> None:
    seed = split_date_header(SEED_ARTICLE.read_text(encoding="utf-8"))[0].strip()
    long_text = "\n\n".join([seed] * 12)  # about 60,000 characters
    page = plain_page("https://news.example/long", long_text)
    result = extract_pages([page], "hostile", None, nlp, settings=ArticleSettings(max_text_chars=20_000))
    (stored,) = result.articles
    text = stored.article.text
    assert len(text) <= 20_000 and long_text.startswith(text) and long_text[len(text)] == "\n"
    assert (
        result.notes["https://news.example/long"]
        == f"text cut to {len(text)} of {len(long_text)} characters (max_text_chars)"
    )
    assert all(end <= len(text) for claim in stored.claims for _, end in claim.content_spans)
