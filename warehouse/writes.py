"""Every write the pipeline makes, each batch in one short transaction (see ``warehouse.connection``): fetched
batches (fetches, articles, claims), re-extracted articles, the derived position tables, and run bookkeeping.
Reads are in ``warehouse.reads``; which column each record field fills is in ``warehouse.rows``.

Idempotent by construction: ids are derived from content (``warehouse.rows``), and inserts skip ids already
stored, so running the same work twice, or resuming a killed run, adds no rows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import duckdb

from core.articles import Article, Claim, ExtractedArticle, ReusedExtraction
from core.errors import WarehouseError
from core.pages import FetchResult
from core.statements import DerivedRows
from warehouse.backend import is_lake, record_build, upsert_run, with_surrogate_keys
from warehouse.connection import retry_conflicts, writer
from warehouse.rows import (
    CLAIM_ID_SQL,
    article_page,
    article_text,
    claim_rows,
    column_types,
    comparison_rows,
    derived_rows,
    fetch_row,
    insert_rows,
    subject_rows,
    topic_rows,
    vector_rows,
)

#: The ``Batch.source`` of robots.txt fetches: they belong to a host, not to a source (stored as NULL).
ROBOTS_SOURCE = ""


@dataclass(frozen=True, kw_only=True)
class Batch:
    run_id: str | None
    source: str
    fetches: Sequence[FetchResult] = ()
    articles: Sequence[ExtractedArticle] = ()
    #: Pages whose body has a stored extraction: stored as copies of it (``extractors.pipeline.reuse_prior``).
    reuses: Sequence[ReusedExtraction] = ()
    #: URL -> why no article came out of a successfully fetched page.
    extract_errors: Mapping[str, str] = field(default_factory=dict)


@dataclass
class BatchCounts:
    fetches: int = 0
    new_articles: int = 0
    updated_articles: int = 0
    unchanged_articles: int = 0
    claims: int = 0
    governments: set[str] = field(default_factory=set)


@retry_conflicts
def ensure_schema(db: Path) -> None:
    """Apply pending migrations and views (readers cannot): a database from an older claimtrack gets the new
    tables and views."""
    with writer(db):
        pass


# --- fetched batches ---------------------------------------------------------------------------------------------


def store_batch(db: Path, batch: Batch) -> BatchCounts:
    """Write one source's fetches, articles and claims in a single transaction."""
    return store_batches(db, [batch])[batch.source]


@retry_conflicts
def store_batches(db: Path, batches: Sequence[Batch]) -> dict[str, BatchCounts]:
    """Write several sources' batches in a single transaction (all or nothing); counts per source.

    A page whose canonical URL already belongs to another stored article is not stored a second time: its
    fetch row says ``duplicate: same page as <url>`` in ``extract_error``.
    """
    results: dict[str, BatchCounts] = {}
    now = datetime.now(UTC)
    with writer(db) as con:
        fetch_rows: list[dict[str, Any]] = []
        for batch in batches:
            counts = results.setdefault(batch.source, BatchCounts())
            fetch_rows.extend(_store_one(con, _SourceWrite(batch, counts, now)))
            counts.fetches += len(batch.fetches)
        # One statement for the whole batch. Keyed: a store task retried after its commit went through (the
        # writer slot's release failed, say) must not record every fetch twice; articles and claims are keyed by
        # content already. Measured: +22 ms per 25-row batch against 1M stored fetches.
        fetch_rows = with_surrogate_keys("fetches", fetch_rows, is_lake(con))
        insert_rows(con, "fetches", fetch_rows, key=("url", "fetched_at"))
    return results


@dataclass
class _SourceWrite:
    """One source's batch on its way in: its counts, the notes its fetch rows get, and the claim rows and copies
    collected to write in one statement each."""

    batch: Batch
    counts: BatchCounts
    now: datetime
    #: URL -> the page's canonical URL (from its fetch).
    canonical: dict[str, str] = field(init=False)
    #: URL -> why no article came out of the page (the fetch row's ``extract_error``).
    notes: dict[str, str] = field(init=False)
    claims: list[dict[str, Any]] = field(default_factory=list)
    subjects: list[dict[str, Any]] = field(default_factory=list)
    topics: list[dict[str, Any]] = field(default_factory=list)
    #: ``{article_id, prior_id}`` of each article stored as a copy of a stored extraction.
    copies: list[dict[str, str]] = field(default_factory=list)
    #: article id -> the row of each new extracted article, inserted in one statement (one ``insert`` per article
    #: cost about 10 ms of the flow's CPU); :func:`_placement` looks here as well as in the table.
    new_articles: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.canonical = {f.url: f.canonical_url for f in self.batch.fetches if f.canonical_url}
        self.notes = dict(self.batch.extract_errors)


def _store_one(con: duckdb.DuckDBPyConnection, work: _SourceWrite) -> list[dict[str, Any]]:
    """Store one source's articles and claims, reused extractions first (as the pipeline lists them); returns its
    fetch rows (inserted by the caller, all at once)."""
    batch = work.batch
    for reused in batch.reuses:
        _store_copy(con, work, reused)
    for record in batch.articles:
        _store_extracted(con, work, record)
    insert_rows(con, "articles", list(work.new_articles.values()))
    work.counts.claims += _copy_claims(con, work)
    work.counts.claims += insert_rows(con, "claim_records", work.claims, key=("claim_id",))
    insert_rows(con, "claim_subjects", work.subjects, key=("claim_id", "government"))
    insert_rows(con, "claim_topics", work.topics, key=("claim_id", "topic"))
    return [fetch_row(f, batch.source, batch.run_id, work.notes.get(f.url)) for f in batch.fetches]


def _store_extracted(con: duckdb.DuckDBPyConnection, work: _SourceWrite, record: ExtractedArticle) -> None:
    """An extracted article: its row written (new or changed), its claim rows collected."""
    article = record.article
    page = article_page(record, work.batch.source, work.canonical.get(article.url), work.now)
    change = _placement(con, work, page, (article.text_sha256, record.claims_version))
    if change is None:
        return
    row = {**page, **article_text(article)}
    if change == "new" or page["article_id"] in work.new_articles:
        work.new_articles[page["article_id"]] = row
    else:
        _update_row(con, "articles", row, key="article_id")
    rows = claim_rows(
        page["article_id"], article.text_sha256, record.claims_version, record.claims, article.published_at,
        work.batch.run_id, work.now,
    )  # fmt: skip
    work.claims.extend(rows)
    work.subjects.extend(subject_rows(rows, record.claims))
    work.topics.extend(topic_rows(rows, record.claims))
    work.counts.governments.update(c.government for c in record.claims if c.government)


def _store_copy(con: duckdb.DuckDBPyConnection, work: _SourceWrite, reused: ReusedExtraction) -> None:
    """A page whose body has a stored extraction: the stored article's row copied under the page's URL (in SQL),
    its claims noted for :func:`_copy_claims`."""
    prior = reused.prior
    stored = con.execute(
        "select text_sha256 from articles where article_id = ? and content_sha256 = ? and claims_version = ?",
        [prior.article_id, reused.content_sha256, reused.claims_version],
    ).fetchone()
    if stored is None:  # re-extracted or refetched since the lookup: the batch fails, its pages are fetched again
        raise WarehouseError(
            f"the stored extraction {prior.url} that {reused.url} reuses changed while the batch was extracted;"
            " the batch is fetched and extracted again on the next run"
        )
    page = article_page(reused, work.batch.source, work.canonical.get(reused.url), work.now)
    change = _placement(con, work, page, (stored[0], reused.claims_version))
    if change is None:
        return
    _copy_article(con, page, prior.article_id, new=change == "new")
    work.copies.append({"article_id": page["article_id"], "prior_id": prior.article_id})


def _placement(
    con: duckdb.DuckDBPyConnection, work: _SourceWrite, page: Mapping[str, Any], wanted: tuple[str, str]
) -> Literal["new", "changed"] | None:
    """Is this article ``new``, ``changed`` (another text or claims version than ``wanted``), or not to be
    written (None): a duplicate of another stored article (noted) or stored as it is (counted)?"""
    article_id, canonical_url = page["article_id"], page["canonical_url"]
    if canonical_url:
        twin = _pending_twin(work, canonical_url, article_id) or con.execute(
            "select url from articles where canonical_url = ? and article_id <> ? limit 1", [canonical_url, article_id]
        ).fetchone()
        if twin is not None:
            work.notes[page["url"]] = f"duplicate: same page as {twin[0]}"
            return None
    pending = work.new_articles.get(article_id)
    existing = (
        (pending["text_sha256"], pending["claims_version"])
        if pending is not None
        else con.execute(
            "select text_sha256, claims_version from articles where article_id = ?", [article_id]
        ).fetchone()
    )
    if existing is None:
        work.counts.new_articles += 1
        return "new"
    if tuple(existing) == wanted:
        work.counts.unchanged_articles += 1
        return None
    work.counts.updated_articles += 1
    return "changed"


def _pending_twin(work: _SourceWrite, canonical_url: str, article_id: str) -> tuple[str] | None:
    """A new article of this batch, not yet inserted, with the same canonical URL (as the table query would find
    it had it been inserted at once)."""
    for row in work.new_articles.values():
        if row["canonical_url"] == canonical_url and row["article_id"] != article_id:
            return (row["url"],)
    return None


def _update_row(con: duckdb.DuckDBPyConnection, table: str, row: Mapping[str, Any], *, key: str) -> None:
    sets = ", ".join(f"{name} = ${name}" for name in row if name != key)
    con.execute(f"update {table} set {sets} where {key} = ${key}", dict(row))


# --- reused extractions, copied in SQL ---------------------------------------------------------------------------


def _copy_article(con: duckdb.DuckDBPyConnection, page: Mapping[str, Any], prior_id: str, *, new: bool) -> None:
    """The stored article's row, with the page's own columns (URL, source, outlet, ...), under the page's id."""
    stored = "from articles p where p.article_id = $prior_id"
    if new:
        replaced = ", ".join(f"${name} as {name}" for name in page)
        sql = f"insert into articles by name select p.* replace ({replaced}) {stored}"
    else:
        columns = [name for name in column_types(con, "articles") if name != "article_id"]
        sets = ", ".join(f"{name} = ${name}" if name in page else f"{name} = p.{name}" for name in columns)
        sql = f"update articles set {sets} {stored} and articles.article_id = $article_id"
    con.execute(sql, {**page, "prior_id": prior_id})


#: The current claims of the stored articles in ``$copies`` (``[{article_id, prior_id}]``), as ``claim_records``
#: rows of the copies: numbered and keyed as ``warehouse.rows.claim_rows`` numbers and keys them (``CLAIM_ID_SQL``
#: is ``claim_id_for``), continuations pointing at the copy's own claims, and ``stored_claim_id`` naming the row
#: each was copied from (for its subjects and topics).
_COPIED_CLAIMS = f"""
with
copies as (
    select unnest(from_json($copies::json, '[{{"article_id": "VARCHAR", "prior_id": "VARCHAR"}}]'), recursive := true)
),
stored as (
    select k.article_id as copy_id, n.published_at as copy_published_at, r.*
    from copies as k
    join articles as n on n.article_id = k.article_id
    join articles as p on p.article_id = k.prior_id
    join claim_records as r
      on r.article_id = p.article_id and r.text_sha256 = p.text_sha256 and r.extractor_version = p.claims_version
),
renumbered as (
    select
        * exclude (copy_id, copy_published_at) replace (
            copy_id as article_id,
            row_number() over (partition by copy_id order by ordinal) - 1 as ordinal,
            copy_published_at as published_at,
        ),
        claim_id as stored_claim_id,
    from stored
),
keyed as (select * replace ({CLAIM_ID_SQL} as claim_id) from renumbered),
final as (
    select k.* replace (c.claim_id as continues_claim_id, $now as created_at, $run_id as run_id)
    from keyed as k
    left join keyed as c on c.article_id = k.article_id and c.stored_claim_id = k.continues_claim_id
)
select * from final
"""


def _copy_claims(con: duckdb.DuckDBPyConnection, work: _SourceWrite) -> int:
    """Copy the stored claims (with subjects and topics) of every reused extraction of the batch; returns the
    number of new claim rows."""
    if not work.copies:
        return 0
    params = {"copies": json.dumps(work.copies), "now": work.now, "run_id": work.batch.run_id}
    con.execute(f"create or replace temp table copied_claims as {_COPIED_CLAIMS}", params)
    inserted = con.execute(
        "insert into claim_records by name select * exclude (stored_claim_id) from copied_claims c"
        " where not exists (select 1 from claim_records t where t.claim_id = c.claim_id)"
    ).fetchone()  # DuckDB answers an INSERT with its row count
    for table, key in (("claim_subjects", "government"), ("claim_topics", "topic")):
        con.execute(
            f"insert into {table} by name select s.* replace (c.claim_id as claim_id) from copied_claims c"
            f" join {table} s on s.claim_id = c.stored_claim_id"
            f" where not exists (select 1 from {table} t where t.claim_id = c.claim_id and t.{key} = s.{key})"
        )
    found = con.execute("select distinct government from copied_claims where government is not null").fetchall()
    work.counts.governments.update(str(r[0]) for r in found)
    con.execute("drop table copied_claims")
    return int(inserted[0]) if inserted else 0


# --- re-extracted articles ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Reprocessed:
    """A stored article re-extracted with the current extractors (``flows.reprocess``)."""

    article_id: str
    #: The text hash the re-extraction started from: if the stored text changed since, the item is skipped.
    text_sha256: str
    published_at: datetime | None
    #: The new claims, or None when the stored ones are current (only the text's extractor is recorded).
    claims: Sequence[Claim] | None
    claims_version: str
    #: The article text made again from the raw page, or None when the stored text was used.
    article: Article | None = None


@dataclass
class ReprocessCounts:
    texts: int = 0
    articles: int = 0
    claims: int = 0
    #: Items whose stored text changed while they were being re-extracted (the next reprocess handles them).
    skipped: int = 0


@retry_conflicts
def store_reprocessed(db: Path, items: Sequence[Reprocessed], run_id: str | None) -> ReprocessCounts:
    """Write re-extracted articles in one transaction: new text (and its extractor version) where it was made
    again from the raw page, a new claims version appended to ``claim_records`` and made current. The article's
    URL, source, outlet, raw page and canonical URL stay as they are."""
    now = datetime.now(UTC)
    counts = ReprocessCounts()
    with writer(db) as con:
        for item in items:
            current = con.execute("select text_sha256 from articles where article_id = ?", [item.article_id]).fetchone()
            if current is None or current[0] != item.text_sha256:
                counts.skipped += 1
                continue
            text_sha = item.text_sha256
            if item.article is not None:
                row = {"article_id": item.article_id, **article_text(item.article), "extracted_at": now}
                _update_row(con, "articles", row, key="article_id")
                text_sha = item.article.text_sha256
                counts.texts += 1
            if item.claims is not None:
                counts.claims += _store_new_claims(con, item, text_sha, run_id, now)
                counts.articles += 1
    return counts


def _store_new_claims(
    con: duckdb.DuckDBPyConnection, item: Reprocessed, text_sha: str, run_id: str | None, now: datetime
) -> int:
    """Append a re-extracted article's claims (with subjects and topics) and make their version current."""
    assert item.claims is not None
    rows = claim_rows(item.article_id, text_sha, item.claims_version, item.claims, item.published_at, run_id, now)
    added = insert_rows(con, "claim_records", rows, key=("claim_id",))
    insert_rows(con, "claim_subjects", subject_rows(rows, item.claims), key=("claim_id", "government"))
    insert_rows(con, "claim_topics", topic_rows(rows, item.claims), key=("claim_id", "topic"))
    con.execute("update articles set claims_version = ? where article_id = ?", [item.claims_version, item.article_id])
    return added


# --- derived position tables -------------------------------------------------------------------------------------

#: Derived tables that ``replace_derived`` rewrites whole (everything in them can be recomputed from claims).
DERIVED_TABLES = ("claim_statements", "statements", "statement_features", "statement_terms")


@retry_conflicts
def replace_derived(db: Path, rows: DerivedRows) -> dict[str, int]:
    """Write what a refresh derived, in one transaction (readers see the old or the new, never half): the rows of
    a full rebuild replace every derived row (``rows.replaced`` is None); an incremental refresh's replace the
    statements it regrouped and the comparisons it recomputed, and leave everything else.

    ``statement_comparisons`` keeps the rows of methods not recomputed now while both of their statements exist.
    Stored encodings (``statement_vectors``) are a cache keyed by text: added to, never cleared here.
    """
    now = datetime.now(UTC)
    tables = derived_rows(rows)
    comparisons = comparison_rows(rows, now)
    with writer(db) as con:
        if rows.replaced is None:
            for table in DERIVED_TABLES:
                con.execute(f"delete from {table}")
        else:
            _drop_replaced(con, rows)
        counts = {table: insert_rows(con, table, table_rows) for table, table_rows in tables.items()}
        _drop_stale_comparisons(con, rows.methods if rows.replaced is None else ())
        counts["statement_comparisons"] = insert_rows(con, "statement_comparisons", comparisons)
        counts["statement_vectors"] = insert_rows(
            con, "statement_vectors", vector_rows(rows), key=("content_sha256", "government", "method_version")
        )
        for name, seconds in rows.timings.items():
            stored = _stored_count(con, name)
            count = stored if stored is not None else counts.get(name, 0)
            record_build(con, is_lake(con), [name, _version_of(name, rows, con), now, count, seconds])
    return counts


def _drop_replaced(con: duckdb.DuckDBPyConnection, rows: DerivedRows) -> None:
    """Before an incremental refresh's rows go in: the statements it regrouped (with their claims' links, features,
    key phrases and comparisons), and the comparisons it recomputed or whose topic is gone."""
    replaced = sorted(rows.replaced or ())
    if replaced or rows.unlinked_claims:  # (each delete scans its table: skipped when a run only added statements)
        con.execute(
            "delete from claim_statements where statement_id in (select unnest($1))"
            " or claim_id in (select unnest($2))",
            [replaced, sorted(rows.unlinked_claims)],
        )
    if replaced:
        for table in ("statements", "statement_features", "statement_terms"):
            con.execute(f"delete from {table} where statement_id in (select unnest($1))", [replaced])
        con.execute(
            "delete from statement_comparisons where statement_id in (select unnest($1))"
            " or nearest_statement_id in (select unnest($1))",
            [replaced],
        )
    dropped = [{"s": s, "t": t, "m": m} for s, t, m in rows.dropped_comparisons]
    if dropped:
        con.execute(
            """
            delete from statement_comparisons as c
            using (select unnest($1::struct(s varchar, t varchar, m varchar)[], recursive := true)) as d
            where c.statement_id = d.s and c.topic = d.t and c.method = d.m
            """,
            [dropped],
        )


def _drop_stale_comparisons(con: duckdb.DuckDBPyConnection, methods: Sequence[str]) -> None:
    """Comparisons of the recomputed ``methods``, and of any method whose statements are gone."""
    if methods:
        marks = ", ".join("?" for _ in methods)
        con.execute(f"delete from statement_comparisons where method in ({marks})", list(methods))
    con.execute(
        "delete from statement_comparisons where statement_id not in (select statement_id from statements)"
        " or (nearest_statement_id is not null"
        "     and nearest_statement_id not in (select statement_id from statements))"
    )


#: derived_builds names that are tables, counted after a write (an incremental refresh writes a few rows of many).
_COUNTED = ("statements", "statement_features", "statement_comparisons")


def _stored_count(con: duckdb.DuckDBPyConnection, name: str) -> int | None:
    if name not in _COUNTED:
        return None
    found = con.execute(f"select count(*) from {name}").fetchone()
    return int(found[0]) if found else 0


def _version_of(name: str, rows: DerivedRows, con: duckdb.DuckDBPyConnection) -> str:
    if name == "statements":
        return rows.dedup_version
    if name == "statement_features":
        return rows.features_version
    found = con.execute("select distinct method_version from statement_comparisons order by 1").fetchall()
    versions = [str(r[0]) for r in found]
    return json.dumps(versions) if versions else "-"


# --- runs --------------------------------------------------------------------------------------------------------


@retry_conflicts
def begin_run(db: Path, run_id: str, flow: str, parameters: Mapping[str, Any]) -> None:
    with writer(db) as con:
        upsert_run(con, is_lake(con), [run_id, flow, datetime.now(UTC), json.dumps(dict(parameters), default=str)])


@retry_conflicts
def finish_run(db: Path, run_id: str, status: str, summary: Mapping[str, Any]) -> None:
    with writer(db) as con:
        con.execute(
            "update runs set finished_at = ?, status = ?, summary = ? where run_id = ?",
            [datetime.now(UTC), status, json.dumps(dict(summary), default=str), run_id],
        )
