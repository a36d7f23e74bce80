"""`claimtrack reprocess`: new claims version from stored text, no refetch; a new topic tags old claims."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from claimtrack.cli import main
from claimtrack.settings import SEEDS_DIR
from extractors.article import text_article
from extractors.nlp import TextItem, extract_claims, extractor_version, load_pipeline
from extractors.pipeline import ExtractedArticle
from extractors.reprocess import reprocess
from tests.conftest import SEED_ARTICLE
from warehouse.queries import run_sql
from warehouse.writes import Batch, store_batch


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
    changed = load_pipeline.__wrapped__("en_core_web_sm")  # a fresh pipeline reading the edited file
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
