"""The statement-features cache must not hand one statement's features to another that reads differently."""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language

from flows.refresh import refresh_positions
from positions.features import StatementText, features_version
from tests.positions.series import store_statement
from warehouse.reads import run_sql

WORDS = "it had supplied weapons to Russia for the war in Ukraine"


def test_a_denial_does_not_reuse_the_features_of_the_same_words_said(db: Path, nlp: Language) -> None:
    # Same words, same government, two months apart (so not grouped as one statement), in two refreshes: the
    # second finds the first one's features in the cache. "denied" negates, so it must be read again.
    store_statement(db, 0, "2024-01-10", WORDS, cue="said")
    refresh_positions(db, nlp=nlp)
    store_statement(db, 1, "2024-03-10", WORDS, cue="denied")
    summary = refresh_positions(db, nlp=nlp)

    # The second refresh is incremental: the stored statement is not read again, the denial is read, not reused.
    assert summary.mode == "incremental"
    assert (summary.features_reused, summary.features_computed) == (0, 1)
    rows = run_sql(
        db,
        "select c.label, c.rule, f.polarity from position_changes c join statement_features f using (statement_id)"
        " where c.method = 'minilm-onnx' order by c.stated_at",
    ).rows
    assert rows == [("new", "first_on_topic", 1), ("reversal", "polarity_flip", -1)]
    # A full rebuild finds both in the cache, each under its own cue.
    rebuilt = refresh_positions(db, nlp=nlp, full=True)
    assert (rebuilt.features_reused, rebuilt.features_computed) == (2, 0)


def test_cache_key_follows_the_cue_and_version_follows_the_model() -> None:
    def key(cue: str | None) -> str:
        return StatementText(statement_id="s", content=WORDS, government="CHN", cue=cue).features_key

    # polarity_of reads the cue lower-cased and treats a missing cue like an empty one: so does the key.
    assert key("said") != key("denied") and key("Denied") == key("denied") and key(None) == key("")
    meta = {"lang": "en", "name": "core_web_sm", "version": "3.8.0"}
    assert features_version(meta) == features_version(dict(meta))
    assert features_version(meta) != features_version({**meta, "version": "3.9.0"})
