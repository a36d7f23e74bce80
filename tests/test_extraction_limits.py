"""Hostile page text against the extraction stage (issue 15, items 5 and 6): quote marks by the thousand, and
pages whose claim rules run long, must neither hang a batch nor take it down.

Speed targets are in ``make bench`` (bench/extraction_limits.py); the bounds here are generous, only there to say
"does not hang the suite".
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime

from spacy.language import Language

from core.pages import FetchedPage, FetchResult, PageRef
from core.settings import DEFAULT_MODEL
from extractors.article import ArticleSettings, split_date_header
from extractors.claims._quotes import find_quotes
from extractors.nlp import TextLimits
from extractors.pipeline import extract_by_source, extract_pages
from tests.conftest import ROOT, SEED_ARTICLE

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


#: Run in a fresh process: the growth of its peak memory while one long text is extracted, in MB.
MEMORY_PROBE = """
import resource, sys
from pathlib import Path
from extractors.nlp import TextItem, extract_claims, load_pipeline
nlp = load_pipeline()
list(extract_claims(nlp, [TextItem("Warm-up. The minister said it was so.")]))
base = Path(sys.argv[1]).read_text(encoding="utf-8") + "\\n\\n"
text = (base * (int(sys.argv[2]) // len(base) + 1))[: int(sys.argv[2])]
before = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) // 1024
claims = sum(len(found) for found in extract_claims(nlp, [TextItem(text)]))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(peak - before, claims)
"""


def test_memory_stays_bounded_whatever_the_text_length() -> None:
    """A long text used to go through spaCy whole in one batch (about 3 KB per character: a 1.5 MB page took a worker
    to 4.5 GB). Now a batch holds at most ``TextLimits.batch_chars`` characters, however long the text; the
    measured figures are in ``make bench``. 300,000 characters: +936 MB before, about +330 MB now."""
    probe = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(SEED_ARTICLE), "300000"],
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    growth_mb, claims = (int(value) for value in probe.stdout.split())
    assert claims > 1000
    assert growth_mb < 600, f"peak memory grew by {growth_mb} MB"


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
