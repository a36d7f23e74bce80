"""An incremental refresh writes exactly the rows a full rebuild would, does work in proportion to what was added
(not to the database), survives being killed midway, and shows its evidence in `position_changes`."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from spacy.language import Language

from claimtrack.cli import main
from core.articles import Claim, ClaimTopic
from flows.refresh import refresh_positions
from tests.positions.series import store_article
from warehouse.reads import run_sql
from warehouse.writes import Reprocessed, store_reprocessed

ROOT = Path(__file__).resolve().parent.parent.parent
#: Rows a refresh derives, compared between an incremental refresh and a full rebuild (timestamps left out).
DERIVED = {
    "statements": "*",
    "claim_statements": "*",
    "statement_features": "*",
    "statement_terms": "*",
    "statement_comparisons": "* exclude (computed_at)",
}

#: Iran on its nuclear programme (evals/gold/series/iran), one article per day.
IRAN = [
    ("2019-07-08", [("Iran has passed the 3.67% uranium enrichment cap set by its landmark 2015 nuclear deal", "said"),
                    ("it would shortly boost uranium enrichment above the cap", "said")]),
    ("2020-01-05", [("it will continue to cooperate with international atomic monitors", "said")]),
    ("2021-01-05", [("the 20-percent enriched uranium had started at its Fordow facility", "announced")]),
    ("2021-04-13", [("it will begin to enrich uranium up to a 60% purity level starting from Wednesday", "said")]),
    ("2024-11-22", [("technical and safeguards cooperation with the IAEA will continue, as in the past", "said")]),
]  # fmt: skip
#: The United States, on the same topic.
USA = [
    ("2019-07-07", [("Iran will face further sanctions in response to its expected breach of a uranium enrichment cap",
                     "said")]),
    ("2021-01-05", [("Iran enriching uranium to 20 percent at Fordow is a clear attempt to increase its campaign of "
                     "nuclear extortion", "said")]),
]  # fmt: skip


def store(db: Path, number: int, day: str, said: list[tuple[str, str]], government: str) -> None:
    speaker = {"IRN": "Iran's foreign ministry", "USA": "the State Department"}[government]
    store_article(db, number, day, said, government=government, speaker=speaker, topic="nuclear", term="nuclear")


def rows_of(db: Path) -> dict[str, list[str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: sorted(map(repr, con.execute(f"select {c} from {t}").fetchall())) for t, c in DERIVED.items()}
    finally:
        con.close()


def rebuilt(db: Path, tmp_path: Path, nlp: Language) -> dict[str, list[str]]:
    copy = tmp_path / "rebuilt.duckdb"
    shutil.copy(db, copy)
    assert refresh_positions(copy, nlp=nlp, full=True).mode == "full"
    return rows_of(copy)


@pytest.fixture
def first_half(db: Path, nlp: Language) -> Path:
    """Iran's first three days and the United States' first, refreshed."""
    for number, (day, said) in enumerate(IRAN[:3]):
        store(db, number, day, said, "IRN")
    store(db, 10, *USA[0], "USA")
    refresh_positions(db, nlp=nlp)
    return db


def test_incremental_refresh_writes_what_a_full_rebuild_writes(first_half: Path, tmp_path: Path, nlp: Language) -> None:
    db = first_half
    for number, (day, said) in enumerate(IRAN[3:], start=3):
        store(db, number, day, said, "IRN")
    store(db, 11, *USA[1], "USA")
    # And one from before the last refresh's latest day (a backfilled article): its series is relabelled from it.
    store(db, 20, "2019-07-09", [("it had no obstacle to enriching at higher levels", "said")], "IRN")
    summary = refresh_positions(db, nlp=nlp)
    assert summary.mode == "incremental" and summary.claims_added == 4
    assert rows_of(db) == rebuilt(db, tmp_path, nlp)


def test_work_follows_what_was_added(first_half: Path, nlp: Language) -> None:
    db = first_half
    before = run_sql(db, "select count(*) from statement_comparisons").rows[0][0]
    store(db, 4, *IRAN[4], "IRN")  # one statement, after everything stored
    summary = refresh_positions(db, nlp=nlp)
    assert (summary.mode, summary.statements, summary.features_computed) == ("incremental", 1, 1)
    assert sum(summary.labels["minilm-onnx"].values()) == 1  # only the new statement was labelled
    assert run_sql(db, "select count(*) from statement_comparisons").rows[0][0] == before + 1
    # Nothing new: nothing read with spaCy, nothing labelled, nothing written.
    idle = refresh_positions(db, nlp=nlp)
    assert (idle.statements, idle.features_computed, idle.labels) == (0, 0, {})
    # A statement from before the latest day relabels its series from that day on, not the whole series.
    store(db, 21, "2021-02-01", [("Iran would keep enriching uranium to 20 percent at Fordow", "said")], "IRN")
    later = refresh_positions(db, nlp=nlp)
    relabelled = sum(later.labels["minilm-onnx"].values())
    stored_after = run_sql(
        db, "select count(*) from position_changes where government = 'IRN' and stated_at >= date '2021-02-01'"
    ).rows[0][0]
    assert relabelled == stored_after < run_sql(db, "select count(*) from position_changes").rows[0][0]


def test_re_extracted_claims_are_regrouped(first_half: Path, tmp_path: Path, nlp: Language) -> None:
    db = first_half
    article, text_sha = run_sql(
        db, "select article_id, text_sha256 from articles where url = 'https://news.example.org/1'"
    ).rows[0]
    words = "it will keep cooperating with international atomic monitors"
    text = f"Iran's foreign ministry said {words}."
    claim = Claim(
        kind="indirect",
        content=words,
        content_spans=((text.index(words), text.index(words) + len(words)),),
        cue="said",
        speaker="Iran's foreign ministry",
        speaker_canonical="Iran's foreign ministry",
        government="IRN",
        topics=(ClaimTopic("nuclear", "nuclear"),),
    )
    published = run_sql(db, f"select published_at from articles where article_id = '{article}'").rows[0][0]
    store_reprocessed(
        db,
        [Reprocessed(article_id=article, text_sha256=text_sha, published_at=published, claims=[claim],
                     claims_version="claims/test-2")],
        run_id=None,
    )  # fmt: skip
    summary = refresh_positions(db, nlp=nlp)
    assert (summary.mode, summary.claims_added, summary.claims_gone) == ("incremental", 1, 1)
    assert rows_of(db) == rebuilt(db, tmp_path, nlp)


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import warehouse.rows, warehouse.writes
    from flows.refresh import refresh_positions

    real = warehouse.rows.insert_rows
    def insert_then_die(con, table, rows, key=()):
        written = real(con, table, rows, key)
        if table == "statements":  # mid-transaction: some tables written, others not
            os.kill(os.getpid(), signal.SIGKILL)
        return written
    warehouse.writes.insert_rows = insert_then_die
    refresh_positions(Path(sys.argv[1]))
    """
)


def test_a_refresh_killed_midway_loses_and_duplicates_nothing(
    first_half: Path, tmp_path: Path, nlp: Language
) -> None:
    db = first_half
    before = rows_of(db)
    for number, (day, said) in enumerate(IRAN[3:], start=3):
        store(db, number, day, said, "IRN")
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, str(db)], cwd=ROOT, capture_output=True, text=True, env=dict(os.environ)
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert rows_of(db) == before  # the transaction never committed
    summary = refresh_positions(db, nlp=nlp)
    assert summary.mode == "incremental" and summary.claims_added == 2
    assert rows_of(db) == rebuilt(db, tmp_path, nlp)


def test_position_changes_shows_the_evidence_of_a_shift(first_half: Path, nlp: Language) -> None:
    db = first_half
    for number, (day, said) in enumerate(IRAN[3:5], start=3):
        store(db, number, day, said, "IRN")
    refresh_positions(db, nlp=nlp)
    shift = run_sql(
        db,
        "select label, change, earlier_stated_at::date::varchar, earlier_content, same_day, point_id = earlier_point"
        " from (select *, (select point_id from statement_comparisons e where e.statement_id = p.nearest_statement_id"
        "                  and e.topic = p.topic and e.method = p.method) as earlier_point from position_changes p)"
        " where content like '%60%%'",
    ).rows
    assert shift == [("shift", "figure: 20% -> 60%", "2021-01-05", IRAN[2][1][0][0], False, True)]
    # Every shift and reversal compares with an earlier day's statement.
    assert run_sql(
        db,
        "select count(*) from position_changes where label in ('shift', 'reversal')"
        " and (same_day or earlier_stated_at::date >= stated_at::date)",
    ).rows == [(0,)]


def test_positions_as_of_prints_the_standing_points(
    first_half: Path, nlp: Language, capsys: pytest.CaptureFixture[str]
) -> None:
    db = first_half
    for number, (day, said) in enumerate(IRAN[3:5], start=3):
        store(db, number, day, said, "IRN")
    refresh_positions(db, nlp=nlp)
    command = ["positions", "--db", str(db), "--government", "IRN", "--topic", "nuclear", "--as-of"]
    assert main([*command, "2021-06-01"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("As of 2021-06-01, IRN says on nuclear (")
    assert "~ 2021-04-13  shift" in out and "what changed: figure: 20% -> 60%" in out
    assert "shift of 2021-01-05: the 20-percent enriched uranium had started at its Fordow facility" in out
    # Before the shift, the 20% statement stood; the 60% one was not said yet.
    assert main([*command, "2021-02-01"]) == 0
    earlier = capsys.readouterr().out
    assert "60%" not in earlier and "the 20-percent enriched uranium" in earlier
