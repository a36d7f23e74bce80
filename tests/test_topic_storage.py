"""How each claim topic was decided (``how``) and its ``score``: stored, copied with a reused extraction, read back
per statement, carried between processes, and added to old databases by migration 006."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from core.articles import Claim, ClaimTopic, ReusedExtraction
from extractors.article import ARTICLE_EXTRACTOR_VERSION
from tests.positions.test_migrations import old_database
from tests.test_warehouse import batch
from warehouse.connection import writer
from warehouse.reads import prior_extractions, run_sql
from warehouse.writes import Batch, store_batch

TOPICS = (
    ClaimTopic("peace-talks", "summit", "term", 1.0),
    ClaimTopic("ukraine-war", None, "article", 0.6),
    ClaimTopic("climate", None, "similarity", 0.47),
)
EXPECTED = [
    ("climate", None, "similarity", 0.47),
    ("peace-talks", "summit", "term", 1.0),
    ("ukraine-war", None, "article", 0.6),
]
SELECT = "select topic, term, how, round(score, 2) from claim_topics where claim_id in ({}) order by topic"


def tagged_batch() -> Batch:
    b = batch()
    claim = replace(b.articles[0].claims[0], topics=TOPICS)
    return replace(b, articles=[replace(b.articles[0], claims=[claim])])


def test_how_and_score_are_stored_and_read(db: Path) -> None:
    store_batch(db, tagged_batch())
    assert run_sql(db, SELECT.format("select claim_id from claims")).rows == EXPECTED


def test_a_reused_extraction_copies_how_and_score(db: Path) -> None:
    store_batch(db, tagged_batch())
    prior = prior_extractions(db, ["abc"], "claims/test")[("abc", ARTICLE_EXTRACTOR_VERSION)]
    url = "https://mirror.example.org/a"
    reuse = ReusedExtraction(
        url=url, source="test", outlet="Mirror", content_sha256="abc", final_url=url, claims_version="claims/test",
        prior=prior,
    )  # fmt: skip
    store_batch(db, Batch(run_id="run-2", source="test", reuses=[reuse]))
    copied = f"select claim_id from claims join articles using (article_id) where url = '{url}'"
    assert run_sql(db, SELECT.format(copied)).rows == EXPECTED


def test_statement_topics_take_the_best_decided_report(db: Path) -> None:
    from flows.refresh import refresh_positions

    store_batch(db, tagged_batch())
    refresh_positions(db)
    rows = run_sql(db, "select topic, term, how, round(score, 2) from statement_topics order by topic").rows
    assert rows == EXPECTED


def test_claim_topics_survive_json_between_processes() -> None:
    claim = replace(batch().articles[0].claims[0], topics=TOPICS)
    again = Claim.from_json(claim.to_json())
    assert again == claim
    assert all(isinstance(t, ClaimTopic) for t in again.topics)


def test_migration_006_marks_old_topics_as_found_by_a_term(db: Path) -> None:
    before = old_database(db, 5)
    assert before["claim_topics"] == 1
    with writer(db):  # opening for writing applies the pending migrations
        pass
    assert run_sql(db, "select topic, term, how, score from claim_topics").rows == [("summits", "summit", "term", 1.0)]
