from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from core.articles import Article, Claim, ClaimTopic, ExtractedArticle
from core.errors import DatabaseLocked, WarehouseError
from core.pages import FetchResult
from extractors.article import ARTICLE_EXTRACTOR_VERSION
from warehouse.connection import connect, reader, writer
from warehouse.migrate import latest_version, migrate
from warehouse.reads import known_pages, run_sql
from warehouse.writes import Batch, store_batch

TEXT = "The Brazilian foreign minister said that Brasilia would host the summit."


def record(text: str = TEXT, version: str = "claims/test") -> ExtractedArticle:
    article = Article(
        url="https://news.example.org/a",
        text=text,
        title="A",
        published_at=datetime(2024, 5, 1, tzinfo=UTC),
        extractor_version=ARTICLE_EXTRACTOR_VERSION,
    )
    start = text.index("Brasilia")
    claim = Claim(
        kind="indirect",
        content=text[start:-1],
        content_spans=((start, len(text) - 1),),
        cue="said",
        speaker="The Brazilian foreign minister",
        speaker_span=(0, 30),
        government="BRA",
    )
    return ExtractedArticle(
        article=article,
        source="test",
        outlet="Example",
        content_sha256="abc",
        final_url=article.url,
        claims=[claim],
        claims_version=version,
    )


def batch(text: str = TEXT, version: str = "claims/test") -> Batch:
    fetch = FetchResult(
        url="https://news.example.org/a",
        final_url="https://news.example.org/a",
        fetched_at=datetime.now(UTC),
        status=200,
        body=text.encode(),
        etag='"e1"',
    )
    return Batch(run_id="run-1", source="test", fetches=[fetch], articles=[record(text, version)])


def counts(db: Path) -> tuple[int, int, int]:
    rows = run_sql(
        db,
        "select (select count(*) from articles), (select count(*) from claims), (select count(*) from claim_records)",
    ).rows
    return rows[0]  # type: ignore[return-value]


def test_fresh_database_is_migrated_and_recorded(db: Path) -> None:
    with writer(db):
        pass
    versions = run_sql(db, "select version from schema_migrations order by 1").rows
    assert [v[0] for v in versions] == list(range(1, latest_version() + 1))


def test_newer_database_is_refused(db: Path) -> None:
    with writer(db) as con:
        con.execute("insert into schema_migrations values (999, 'future', now())")
    with pytest.raises(WarehouseError, match="newer than this claimtrack"), writer(db):
        pass


def test_store_is_idempotent(db: Path) -> None:
    first = store_batch(db, batch())
    assert first.new_articles == 1 and first.claims == 1 and first.governments == {"BRA"}
    again = store_batch(db, batch())
    assert again.unchanged_articles == 1 and again.claims == 0
    assert counts(db) == (1, 1, 1)


def test_articles_of_one_batch_are_inserted_together_and_a_canonical_twin_in_it_is_noted(db: Path) -> None:
    """New articles of a batch go in as one statement at the end; a later page of the same batch with the same
    canonical URL is still a duplicate, as it was when each article was inserted at once."""
    first, twin, other = batch(), batch(), batch()
    twin_url, other_url = "https://news.example.org/amp/a", "https://news.example.org/b"
    canonical = "https://news.example.org/a"
    fetches = [
        replace(first.fetches[0], canonical_url=canonical),
        replace(first.fetches[0], url=twin_url, final_url=twin_url, canonical_url=canonical),
        replace(first.fetches[0], url=other_url, final_url=other_url),
    ]
    articles = [
        first.articles[0],
        replace(twin.articles[0], article=replace(twin.articles[0].article, url=twin_url), final_url=twin_url),
        replace(other.articles[0], article=replace(other.articles[0].article, url=other_url), final_url=other_url),
    ]
    stored = store_batch(db, replace(first, fetches=fetches, articles=articles))
    assert stored.new_articles == 2 and stored.claims == 2
    assert run_sql(db, "select url from articles order by url").rows == [(canonical,), (other_url,)]
    notes = run_sql(db, f"select extract_error from fetches where url = '{twin_url}'").rows
    assert notes == [(f"duplicate: same page as {canonical}",)]


def test_new_extractor_version_replaces_current_claims_but_keeps_history(db: Path) -> None:
    store_batch(db, batch())
    store_batch(db, batch(version="claims/test-2"))
    assert counts(db) == (1, 1, 2)
    current = run_sql(db, "select extractor_version from claims").rows
    assert current == [("claims/test-2",)]


def test_changed_text_updates_article_and_offsets_stay_valid(db: Path) -> None:
    store_batch(db, batch())
    changed = "Update: " + TEXT
    store_batch(db, batch(text=changed))
    rows = run_sql(
        db, "select a.text, c.start_char, c.end_char, c.content from claims c join articles a using (article_id)"
    ).rows
    assert len(rows) == 1
    text, start, end, content = rows[0]
    assert text[start:end] == content


def test_known_pages_carry_validators(db: Path) -> None:
    store_batch(db, batch())
    known = known_pages(db, ["https://news.example.org/a"])["https://news.example.org/a"]
    assert known.has_article and known.etag == '"e1"' and known.fetched_ok


def test_reader_gets_in_between_writer_batches(db: Path) -> None:
    store_batch(db, batch())
    # A second process writes in short transactions for ~3 s (announcing its first commit); we read meanwhile.
    script = (
        "import sys, time; sys.path.insert(0, '.');"
        "from warehouse.connection import writer;"
        "from pathlib import Path;"
        "end = None\n"
        "while end is None or time.time() < end:\n"
        "    with writer(Path(sys.argv[1])) as con:\n"
        '        con.execute("insert into runs (run_id, flow, started_at, status) values (gen_random_uuid()::varchar,'
        " 'w', now(), 'x')\")\n"
        "        time.sleep(0.05)\n"
        "    if end is None:\n"
        "        end = time.time() + 3; print('writing', flush=True)\n"
        "    time.sleep(0.02)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(db)], cwd=Path(__file__).parent.parent, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
        seen = []
        while proc.poll() is None:
            seen.append(run_sql(db, "select count(*) from runs", timeout_s=10).rows[0][0])
            time.sleep(0.05)
        assert len(set(seen)) >= 2, seen  # reads succeeded while the writer kept committing
    finally:
        assert proc.wait(timeout=60) == 0


def test_reader_gives_up_with_a_clear_error_when_lock_is_held(db: Path) -> None:
    store_batch(db, batch())
    script = "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('locked', flush=True); time.sleep(5)"
    proc = subprocess.Popen([sys.executable, "-c", script, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        with pytest.raises(DatabaseLocked, match="Retry in a moment"), reader(db, timeout_s=0.5):
            pass
    finally:
        proc.kill()
        proc.wait()


def test_read_only_on_missing_database_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="make run"):
        connect(tmp_path / "none.duckdb", read_only=True)


def test_failed_migration_rolls_back_and_names_itself(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "001_init.sql").write_text("create table t (x integer);", encoding="utf-8")
    (folder / "002_broken.sql").write_text(
        "alter table t add column y integer; select nonsense from nowhere;", encoding="utf-8"
    )
    con = duckdb.connect(str(tmp_path / "m.duckdb"))
    try:
        with pytest.raises(WarehouseError, match="002_broken failed"):
            migrate(con, folder=folder)
        assert con.execute("select max(version) from schema_migrations").fetchone() == (1,)
        assert [c[0] for c in con.execute("describe t").fetchall()] == ["x"]
    finally:
        con.close()


def test_duplicate_migration_numbers_are_refused(tmp_path: Path) -> None:
    from warehouse.migrate import migrations

    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "001_a.sql").write_text("select 1;", encoding="utf-8")
    (folder / "001_b.sql").write_text("select 1;", encoding="utf-8")
    with pytest.raises(WarehouseError, match="two migrations numbered 001"):
        migrations(folder)


def test_subjects_and_topics_are_stored_once(db: Path) -> None:
    from dataclasses import replace

    b = batch()
    claim = replace(
        b.articles[0].claims[0], subjects=(("USA", "country:US"),), topics=(ClaimTopic("summits", "summit"),)
    )
    b = replace(b, articles=[replace(b.articles[0], claims=[claim])])
    store_batch(db, b)
    store_batch(db, b)
    assert run_sql(db, "select government, evidence from claim_subjects").rows == [("USA", "country:US")]
    assert run_sql(db, "select topic, term from claim_topics").rows == [("summits", "summit")]


def test_pipeline_counts_take_the_latest_run_of_the_flow_and_page_fetches_only(db: Path) -> None:
    from dataclasses import replace

    from warehouse.reads import pipeline_counts

    b = batch()
    listing = replace(b.fetches[0], url="https://news.example.org/sitemap.xml", role="listing")
    store_batch(db, replace(b, fetches=[*b.fetches, listing]))
    with writer(db) as con:
        con.execute(
            "insert into runs (run_id, flow, started_at, finished_at, status) values"
            " ('r1', 'backfill', '2024-01-01 00:00:00+00', '2024-01-01 00:01:00+00', 'completed'),"
            " ('r2', 'backfill', '2024-01-02 00:00:00+00', '2024-01-02 00:00:30+00', 'completed'),"
            " ('r3', 'ingest', '2024-01-03 00:00:00+00', '2024-01-03 00:00:05+00', 'completed')"
        )
    counts = pipeline_counts(db, "backfill")
    assert counts.flow_s == 30.0
    assert (counts.fetches, counts.articles, counts.claims, counts.claim_records) == (1, 1, 1, 1)
    assert pipeline_counts(db, "reprocess").flow_s is None


def test_reused_extraction_is_copied_in_sql_with_the_ids_claim_id_for_gives(db: Path) -> None:
    from dataclasses import replace

    from core.articles import ReusedExtraction
    from warehouse.reads import prior_extractions
    from warehouse.rows import article_id_for, claim_id_for

    stored = record()
    said, quote = stored.claims[0], replace(stored.claims[0], kind="direct", content_spans=((0, 9),), continues=0)
    tagged = replace(said, subjects=(("USA", "country:US"),), topics=(ClaimTopic("summits", "summit"),))
    stored = replace(stored, claims=[tagged, quote])
    store_batch(db, replace(batch(), articles=[stored]))
    prior = prior_extractions(db, ["abc"], "claims/test")[("abc", ARTICLE_EXTRACTOR_VERSION)]
    url = "https://mirror.example.org/a"
    reuse = ReusedExtraction(
        url=url, source="test", outlet="Mirror", content_sha256="abc", final_url=url, claims_version="claims/test",
        prior=prior,
    )  # fmt: skip
    counts = store_batch(db, Batch(run_id="run-2", source="test", reuses=[reuse]))
    assert (counts.new_articles, counts.claims, counts.governments) == (1, 2, {"BRA"})

    copy_id = article_id_for(url)
    text_sha = stored.article.text_sha256
    ids = [claim_id_for(copy_id, text_sha, "claims/test", i, c) for i, c in enumerate(stored.claims)]
    rows = run_sql(
        db,
        "select c.claim_id, c.continues_claim_id, c.run_id, a.outlet, a.text_sha256 from claim_records c"
        f" join articles a using (article_id) where a.url = '{url}' order by c.ordinal",
    ).rows
    assert rows == [(ids[0], None, "run-2", "Mirror", text_sha), (ids[1], ids[0], "run-2", "Mirror", text_sha)]
    assert run_sql(db, f"select government from claim_subjects where claim_id = '{ids[0]}'").rows == [("USA",)]
    assert run_sql(db, f"select topic from claim_topics where claim_id = '{ids[0]}'").rows == [("summits",)]
    again = store_batch(db, Batch(run_id="run-3", source="test", reuses=[reuse]))
    assert (again.unchanged_articles, again.claims) == (1, 0)


def test_reused_extraction_replaces_another_text_and_refuses_a_prior_that_changed(db: Path) -> None:
    from dataclasses import replace

    from core.articles import ReusedExtraction
    from warehouse.reads import prior_extractions

    store_batch(db, batch())
    prior = prior_extractions(db, ["abc"], "claims/test")[("abc", ARTICLE_EXTRACTOR_VERSION)]
    url = "https://mirror.example.org/a"
    older = record(text="Earlier: " + TEXT)
    older = replace(older, article=replace(older.article, url=url), content_sha256="old", claims=[])
    store_batch(db, replace(batch(), fetches=[], articles=[older]))
    reuse = ReusedExtraction(
        url=url, source="test", outlet=None, content_sha256="abc", final_url=url, claims_version="claims/test",
        prior=prior,
    )  # fmt: skip
    counts = store_batch(db, Batch(run_id="run-2", source="test", reuses=[reuse]))
    assert (counts.updated_articles, counts.claims) == (1, 1)
    texts = run_sql(db, "select text, content_sha256, count(*) over () from articles where url like '%mirror%'").rows
    assert texts == [(TEXT, "abc", 1)]
    assert run_sql(db, "select count(*) from claims").rows == [(2,)]

    with pytest.raises(WarehouseError, match="changed while the batch was extracted"):
        stale = replace(reuse, url="https://other.example.org/a", claims_version="claims/other")
        store_batch(db, Batch(run_id="run-3", source="test", reuses=[stale]))
