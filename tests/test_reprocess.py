"""`claimtrack reprocess`: new claims version from stored text, no refetch; a new topic tags old claims."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from spacy.language import Language

from claimtrack.cli import main
from core.articles import ExtractedArticle
from core.pages import FetchedPage, FetchResult, PageRef
from core.settings import SEEDS_DIR
from crawler.crawl import FetchedBatch
from extractors.article import ARTICLE_EXTRACTOR_VERSION, text_article
from extractors.nlp import TextItem, build_pipeline, extract_claims, extractor_version
from extractors.pipeline import extract_pages
from extractors.seeds import load_seeds
from flows.reprocess import reprocess
from flows.store import store_fetched
from tests.conftest import FIXTURES, SEED_ARTICLE
from warehouse.connection import writer
from warehouse.reads import run_sql
from warehouse.writes import Batch, store_batch

KYIV = (FIXTURES / "pages" / "kyiv-talks.html").read_bytes()


def store_seed(db: Path, nlp: Language) -> None:
    article = text_article(SEED_ARTICLE.read_text(encoding="utf-8"), "local:seed/jeddah.txt")
    assert article.published_at is not None
    claims = next(extract_claims(nlp, [TextItem(article.text, article.published_at.date())]))
    record = ExtractedArticle(
        article=article,
        source="seed",
        outlet=None,
        content_sha256=None,
        final_url=None,
        claims=claims,
        claims_version=extractor_version(nlp),
    )
    store_batch(db, Batch(run_id="run-1", source="seed", articles=[record]))


def one(db: Path, query: str) -> object:
    return run_sql(db, query).rows[0][0]


def test_a_new_topic_tags_old_claims_after_reprocess(
    db: Path, nlp: Language, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_seed(db, nlp)
    claims_before = one(db, "select count(*) from claims")
    assert claims_before == 16
    assert one(db, "select count(*) from claim_topics where topic = 'jeddah'") == 0
    assert one(db, "select count(*) from claim_subjects s join claims c using (claim_id) where s.government = 'CHN'")

    topics = tmp_path / "topics.toml"
    topics.write_text(
        (SEEDS_DIR / "topics.toml").read_text(encoding="utf-8")
        + '\n[[topic]]\nid = "jeddah"\nlabel = "Jeddah talks"\ndescription = "The August 2023 Jeddah meeting."\n'
        'terms = ["Jeddah talks"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("CLAIMTRACK_TOPICS", str(topics))
    changed = build_pipeline("en_core_web_sm", load_seeds())  # a fresh pipeline reading the edited file
    assert extractor_version(changed) != extractor_version(nlp)

    summary = reprocess(db, changed)
    assert (summary.articles, summary.reprocessed, summary.claims) == (1, 1, 16)
    assert one(db, "select count(*) from claims") == claims_before
    assert one(db, "select count(*) from claim_records") == 2 * claims_before  # append-only history
    assert one(db, "select claims_version from articles") == extractor_version(changed)
    tagged = run_sql(
        db, "select c.speaker_canonical, t.term from claim_topics t join claims c using (claim_id) where topic='jeddah'"
    ).rows
    assert tagged == [("Kyiv", "Jeddah talks")]

    again = reprocess(db, changed)
    assert (again.reprocessed, again.skipped_current, again.claims) == (0, 1, 0)
    assert one(db, "select count(*) from claim_records") == 2 * claims_before


def test_reprocess_command(db: Path, nlp: Language, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reprocess", "--db", str(db)]) == 2  # no database yet: a clear error
    assert "no database" in capsys.readouterr().err
    store_seed(db, nlp)
    assert main(["reprocess", "--db", str(db), "--force"]) == 0
    out = capsys.readouterr().out
    assert "1 of 1 articles re-extracted" in out and "16 claims written" not in out  # same version: ids exist
    assert one(db, "select count(*) from runs where flow = 'reprocess' and status = 'completed'") == 1


def test_from_raw_remakes_changed_text_then_its_claims_and_keeps_url_facts(
    db: Path, nlp: Language, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The unified path (reprocess --from-raw = rebuild's text step = backfill --reprocess): an article whose
    text came from an older article extractor and differs from what the current one makes gets the new text and
    new claims in one go; its URL facts stay, the old claims stay in claim_records, and a second run does nothing."""
    archive = tmp_path / "raw"
    page = FetchResult(
        url="https://news.example/world/kyiv-talks",
        final_url="https://news.example/world/kyiv-talks",
        fetched_at=datetime(2024, 2, 12, tzinfo=UTC),
        status=200,
        body=KYIV,
        content_type="text/html; charset=utf-8",
        canonical_url="https://news.example/world/kyiv-talks",
    )
    stored = extract_pages([FetchedPage(PageRef(url=page.url), page, "feed")], "feed", "Example News", nlp)
    store_fetched(FetchedBatch(pages=[], fetches=[("feed", page)]), stored, db, archive, "run-1")
    current = one(db, "select text_sha256 from articles")
    claims_before = one(db, "select count(*) from claims")
    assert claims_before > 0
    with writer(db) as con:  # as if an older trafilatura had cut the text short
        con.execute(
            "update articles set text = left(text, 200), text_sha256 = 'old', extractor_version = 'trafilatura-0.1/0'"
        )
    records = one(db, "select count(*) from claim_records")

    assert main(["reprocess", "--db", str(db), "--archive", str(archive)]) == 0  # without --from-raw: text kept
    assert one(db, "select text_sha256 from articles") == "old"
    capsys.readouterr()
    assert main(["reprocess", "--db", str(db), "--archive", str(archive), "--from-raw"]) == 0
    out = capsys.readouterr().out
    assert "text re-extracted from the raw archive: 1 (1 changed" in out
    row = run_sql(db, "select text_sha256, extractor_version, canonical_url, outlet, source from articles").rows[0]
    assert row == (current, ARTICLE_EXTRACTOR_VERSION, page.canonical_url, "Example News", "feed")
    assert one(db, "select count(*) from claims") == claims_before  # the same claims as from the first extraction
    assert one(db, "select count(*) from claim_records") == records  # same ids: nothing duplicated or deleted

    again = reprocess(db, nlp, archive=archive, from_raw=True)
    assert (again.text_reextracted, again.reprocessed, again.claims, again.skipped_current) == (0, 0, 0, 1)
