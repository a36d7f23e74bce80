"""Extractions cached by body hash and extractor version: a page whose bytes were extracted before, under another
URL, gets the stored text and claims (found by ``warehouse.reads.prior_extractions``, set aside by
``extractors.pipeline.reuse_prior``, copied in SQL by ``warehouse.writes``) instead of another run of trafilatura and
spaCy; real DuckDB, real pipeline."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from spacy.language import Language

from core.pages import FetchedPage, FetchResult, PageRef
from crawler.crawl import FetchedBatch
from extractors.article import TEXT_EXTRACTOR_VERSION
from extractors.nlp import extractor_version
from extractors.pipeline import extract_by_source
from flows.store import store_fetched
from tests.conftest import FIXTURES
from tests.crawlrun import claims_off_their_text
from warehouse.reads import prior_extractions, run_sql

KYIV = (FIXTURES / "pages" / "kyiv-talks.html").read_bytes()
CLAIM_FIELDS = ", ".join(
    f"c.{name}"
    for name in (
        "ordinal", "kind", "speaker", "speaker_canonical", "speaker_start", "speaker_end", "government", "cue",
        "cue_class", "content", "start_char", "end_char", "content_spans::varchar", "via", "via_government",
        "link_evidence", "actor_id", "actor_type", "speaker_resolution", "confidence", "published_at",
    )
)  # fmt: skip


def page(url: str, body: bytes, *, listed: datetime | None = None, content_type: str = "text/html") -> FetchedPage:
    fetch = FetchResult(
        url=url, final_url=url, fetched_at=datetime.now(UTC), status=200, body=body, content_type=content_type
    )
    return FetchedPage(PageRef(url=url, published_at=listed), fetch, "wire")


def extract_and_store(db: Path, pages: list[FetchedPage], nlp: Language) -> dict[str, int]:
    """One batch through extraction (with the warehouse lookup) and storage; returns ``{extracted, reused}``."""
    extraction = extract_by_source(pages, {"wire": None}, nlp, prior=partial(prior_extractions, db))
    batch = FetchedBatch(pages=pages, fetches=[(p.source, p.fetch) for p in pages])
    store_fetched(batch, extraction, db, db.parent / "raw", "run")
    return {"extracted": sum(extraction.extracted.values()), "reused": sum(extraction.reused().values())}


def claims_of(db: Path, url: str) -> list[tuple[object, ...]]:
    return run_sql(
        db, f"select {CLAIM_FIELDS} from claims c join articles a using (article_id) where a.url = '{url}' order by 1"
    ).rows


def test_same_body_under_another_url_reuses_text_and_claims(db: Path, nlp: Language) -> None:
    first = "https://wire.example/kyiv-talks"
    assert extract_and_store(db, [page(first, KYIV)], nlp) == {"extracted": 1, "reused": 0}
    stored = claims_of(db, first)
    assert len(stored) > 3

    copy = "https://mirror.example/2024/kyiv"
    assert extract_and_store(db, [page(copy, KYIV)], nlp) == {"extracted": 0, "reused": 1}
    assert claims_of(db, copy) == stored  # the same claims, offsets included
    rows = run_sql(db, "select url, text_sha256, content_sha256, claims_version from articles order by url").rows
    assert len(rows) == 2 and rows[0][1:] == rows[1][1:] and rows[0][3] == extractor_version(nlp)
    # New rows, not shared ones: the copy's claims have their own ids, subjects and topics.
    ids = run_sql(db, "select count(distinct claim_id), count(*) from claims").rows[0]
    assert ids == (2 * len(stored), 2 * len(stored))
    per_article = run_sql(
        db,
        "select (select count(*) from claim_subjects s where s.claim_id in (select claim_id from claims c"
        " where c.article_id = a.article_id)), (select count(*) from claim_topics t where t.claim_id in"
        " (select claim_id from claims c where c.article_id = a.article_id)) from articles a order by a.url",
    ).rows
    assert per_article[0] == per_article[1] and per_article[0][0] + per_article[0][1] > 0
    # Continuation quotes point at the copy's own claims.
    dangling = run_sql(
        db,
        "select count(*) from claims c where c.continues_claim_id is not null and c.continues_claim_id not in"
        " (select claim_id from claims d where d.article_id = c.article_id)",
    ).rows
    assert dangling == [(0,)]
    assert claims_off_their_text(db) == 0


def test_reuse_needs_the_same_extractors_and_date(db: Path, nlp: Language) -> None:
    assert extract_and_store(db, [page("https://wire.example/a", KYIV)], nlp)["extracted"] == 1
    published = run_sql(db, "select published_at from articles").rows[0][0]
    assert published == datetime(2024, 2, 12, tzinfo=UTC)  # from the page's own metadata
    same_day = datetime(2024, 2, 12, 23, 0, tzinfo=UTC)  # a feed's time of day differs: still reused
    other_day = datetime(2020, 1, 1, tzinfo=UTC)
    pages = [
        page("https://b.example/same-day", KYIV, listed=same_day),
        page("https://b.example/other-day", KYIV, listed=other_day),  # claims depend on the date: extracted
        page("https://b.example/plain", KYIV, content_type="text/plain"),  # another article extractor
    ]
    assert extract_and_store(db, pages, nlp) == {"extracted": 2, "reused": 1}
    versions = dict(run_sql(db, "select url, extractor_version from articles").rows)
    assert versions["https://b.example/plain"] == TEXT_EXTRACTOR_VERSION

    # Claims made by another claims extractor version are not reused.
    assert prior_extractions(db, [pages[0].fetch.content_sha256 or ""], "claims/0+old") == {}
