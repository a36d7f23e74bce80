"""Every read of the warehouse, on read-only connections that retry while a writer holds the file
(``warehouse.connection``): ad-hoc SQL for ``claimtrack sql``, what the crawler and the extractors ask before
they work, stored articles for ``reprocess``, run summaries, the input of a positions refresh, and what the
``positions`` and ``report`` commands show. Writes are in ``warehouse.writes``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from core.articles import PriorExtraction
from core.errors import QueryError
from core.pages import KnownPage
from core.settings import DEFAULT_SIMILARITY
from core.statements import Report, StatementFeatures
from warehouse.connection import READ_LOCK_TIMEOUT_S, reader


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def run_sql(db: Path, query: str, *, timeout_s: float | None = None) -> QueryResult:
    """Run one statement on a read-only connection (retrying while a writer holds the file)."""
    with reader(db, timeout_s=timeout_s) as con:
        try:
            cursor = con.execute(query)
        except duckdb.Error as exc:
            hint = " (claimtrack sql opens the database read-only)" if "read-only" in str(exc) else ""
            raise QueryError(f"{exc}{hint}") from None
        description = cursor.description or []
        rows = cursor.fetchall() if description else []
        return QueryResult([d[0] for d in description], rows)


@dataclass(frozen=True, kw_only=True)
class QueryLimits:
    """How SQL we did not write runs (``claimtrack sql``)."""

    #: Longest the whole query may run before it is interrupted (None or 0: no limit). A reader keeps the writer
    #: out, and an ingest waits 120 s for the file (``WRITE_LOCK_TIMEOUT_S``) before its batch fails and is retried:
    #: a minute keeps a forgotten query from costing a run its batches.
    timeout_s: float | None = 60.0
    #: How long to wait for the writer's current batch before giving up.
    lock_wait_s: float = READ_LOCK_TIMEOUT_S


DEFAULT_QUERY_LIMITS = QueryLimits()

_SANDBOX_HINT = (
    " (claimtrack sql reads the database only: file access, ATTACH, COPY/EXPORT, extensions and settings are "
    "turned off; for those, open a copy of the file in the duckdb CLI)"
)


def run_adhoc(db: Path, query: str, limits: QueryLimits = DEFAULT_QUERY_LIMITS) -> Iterator[QueryResult]:
    """Each statement of ``query`` in order, with its result, on a read-only connection that cannot touch any other
    file or the network (``warehouse.connection.SANDBOX_CONFIG``). Raises :class:`QueryError` at the first statement
    that fails or when ``limits.timeout_s`` runs out (the query is interrupted)."""
    with reader(db, timeout_s=limits.lock_wait_s, sandboxed=True) as con:
        try:
            statements = con.extract_statements(query)
        except duckdb.Error as exc:
            raise QueryError(str(exc)) from None
        deadline = time.monotonic() + limits.timeout_s if limits.timeout_s else None
        for statement in statements:
            yield _run_statement(con, statement, deadline, limits)


def _run_statement(
    con: duckdb.DuckDBPyConnection, statement: duckdb.Statement, deadline: float | None, limits: QueryLimits
) -> QueryResult:
    timer = None
    if deadline is not None:
        timer = threading.Timer(max(0.0, deadline - time.monotonic()), con.interrupt)
        timer.daemon = True
        timer.start()
    try:
        cursor = con.execute(statement)
        description = cursor.description or []
        return QueryResult([d[0] for d in description], cursor.fetchall() if description else [])
    except duckdb.InterruptException:
        raise QueryError(
            f"the query ran longer than {limits.timeout_s:g}s and was stopped (--timeout SECONDS; 0 for no limit)"
        ) from None
    except duckdb.Error as exc:
        text = str(exc)
        hint = " (claimtrack sql opens the database read-only)" if "read-only" in text else ""
        if isinstance(exc, duckdb.PermissionException) or "configuration has been locked" in text:
            hint = _SANDBOX_HINT
        raise QueryError(f"{text}{hint}") from None
    finally:
        if timer is not None:
            timer.cancel()


def governments_seen(db: Path) -> list[str]:
    """Governments with at least one current claim, most claims first."""
    result = run_sql(
        db, "select government from claims where government is not null group by 1 order by count(*) desc, 1"
    )
    return [r[0] for r in result.rows]


def table_counts(db: Path) -> dict[str, int]:
    """Row counts of the public tables (for run summaries and checks)."""
    with reader(db) as con:
        return {
            table: int(con.execute(f"select count(*) from {table}").fetchone()[0])  # type: ignore[index]
            for table in ("articles", "claims", "claim_records", "fetches", "runs")
        }


# --- before fetching and extracting: what is stored already -----------------------------------------------------------


def known_pages(db: Path, urls: Iterable[str]) -> dict[str, KnownPage]:
    """What is stored for these URLs: article presence, body hash, and the latest validators.

    A URL is also known when it is the final URL (after redirects) or the canonical URL of a stored article,
    so a page reached by another link is not fetched again.
    """
    wanted = sorted(set(urls))
    if not wanted or not db.exists():
        return {}
    with reader(db) as con:
        rows = con.execute(
            """
            with wanted as (select unnest(from_json($1::json, '["VARCHAR"]')) as url),
            latest as (
                -- validators of the latest successful fetch, even when NULL (a listing not yet settled):
                -- arg_max skips NULL values, a struct is never NULL.
                select f.url,
                       arg_max({'etag': f.etag, 'last_modified': f.last_modified}, f.fetched_at) as v,
                       arg_max(f.content_sha256, f.fetched_at) as sha
                from fetches f join wanted w on w.url = f.url
                where f.error is null and (f.status is null or f.status in (200, 304))
                group by f.url
            ),
            stored as (
                select w.url as wanted, a.content_sha256 from wanted w join articles a on a.url = w.url
                union all
                select w.url, a.content_sha256 from wanted w join articles a on a.final_url = w.url
                union all
                select w.url, a.content_sha256 from wanted w join articles a on a.canonical_url = w.url
            ),
            article as (select wanted, any_value(content_sha256) as sha from stored group by wanted)
            select w.url, l.v.etag, l.v.last_modified, coalesce(l.sha, a.sha), a.wanted is not null,
                   l.url is not null
            from wanted w
            left join latest l on l.url = w.url
            left join article a on a.wanted = w.url
            where l.url is not null or a.wanted is not null
            """,
            [json.dumps(wanted)],  # one text parameter: binding a Python list costs ~0.4 ms per URL
        ).fetchall()
    return {
        r[0]: KnownPage(
            url=r[0], etag=r[1], last_modified=r[2], content_sha256=r[3], has_article=bool(r[4]), fetched_ok=bool(r[5])
        )
        for r in rows
    }


def robots_answers(db: Path, urls: Sequence[str], max_age_s: float) -> dict[str, tuple[int | None, str | None]]:
    """robots.txt URL -> (status, body sha256) of its latest error-free fetch no older than ``max_age_s``."""
    if not urls or max_age_s <= 0 or not db.exists():
        return {}
    with reader(db) as con:
        rows = con.execute(
            """
            select url, arg_max({'status': status, 'sha': content_sha256}, fetched_at) as latest
            from fetches
            where role = 'robots' and error is null
              and url in (select unnest(from_json($1::json, '["VARCHAR"]')))
              and fetched_at >= now() - to_seconds($2)
            group by url
            """,
            [json.dumps(sorted(set(urls))), float(max_age_s)],
        ).fetchall()
    return {url: (latest["status"], latest["sha"]) for url, latest in rows}


def prior_extractions(
    db: Path, content_shas: Sequence[str], claims_version: str
) -> dict[tuple[str, str], PriorExtraction]:
    """Stored extractions of these bodies whose claims are at ``claims_version``, keyed by ``(content_sha256,
    article extractor version)``: what ``extractors.pipeline.reuse_prior`` sets aside for the warehouse to copy
    (``warehouse.writes``) instead of extracting the same bytes again. One article per key (the first by id)."""
    if not content_shas or not db.exists():
        return {}
    with reader(db) as con:
        rows = con.execute(
            """
            with chosen as (
                select content_sha256, extractor_version, min(article_id) as article_id
                from articles
                where content_sha256 in (select unnest(from_json($1::json, '["VARCHAR"]'))) and claims_version = $2
                group by all
            )
            select c.content_sha256, c.extractor_version, a.article_id, a.url, a.published_at, a.sitename
            from chosen c join articles a using (article_id)
            """,
            [json.dumps(sorted(set(content_shas))), claims_version],
        ).fetchall()
    return {
        (sha, version): PriorExtraction(article_id=article_id, url=url, published_at=published_at, sitename=sitename)
        for sha, version, article_id, url, published_at, sitename in rows
    }


# --- stored articles, for reprocess -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ArticleVersions:
    """Which extractors made a stored article's text and claims (what ``flows.reprocess`` selects by)."""

    article_id: str
    source: str | None
    extractor_version: str
    claims_version: str | None
    content_sha256: str | None


def article_versions(
    db: Path, *, sources: Sequence[str] = (), start: datetime | None = None, end: datetime | None = None
) -> list[ArticleVersions]:
    """Every stored article's versions, by source then oldest first; optionally only some sources and a
    publication window (``start`` <= published_at < ``end``; undated articles are outside any bounded window)."""
    if not db.exists():
        return []
    sql = "select article_id, source, extractor_version, claims_version, content_sha256 from articles where true"
    params: list[Any] = []
    if sources:
        sql += " and list_contains(?::varchar[], source)"
        params.append(list(sources))
    if start is not None:
        sql += " and published_at >= ?"
        params.append(start)
    if end is not None:
        sql += " and published_at < ?"
        params.append(end)
    sql += " order by source nulls last, published_at nulls last, article_id"
    with reader(db) as con:
        rows = con.execute(sql, params).fetchall()
    return [
        ArticleVersions(article_id=r[0], source=r[1], extractor_version=r[2], claims_version=r[3], content_sha256=r[4])
        for r in rows
    ]


@dataclass(frozen=True, kw_only=True)
class StoredArticle:
    """An ``articles`` row as re-extraction needs it, with the content type its raw page was served with."""

    article_id: str
    url: str
    source: str | None
    outlet: str | None
    title: str | None
    author: str | None
    published_at: datetime | None
    text: str
    text_sha256: str
    sitename: str | None
    language: str | None
    extractor_version: str
    claims_version: str | None
    content_sha256: str | None
    final_url: str | None
    content_type: str | None


def stored_articles(db: Path, article_ids: Sequence[str]) -> list[StoredArticle]:
    """The given articles (in id order). ``content_type`` comes from the latest fetch that returned the stored
    body (the raw archive keeps bodies by hash, not their headers per URL)."""
    if not article_ids:
        return []
    with reader(db) as con:
        found = _dicts(
            con,
            """
            with wanted as (select unnest(from_json($1::json, '["VARCHAR"]')) as article_id),
            chosen as (select a.* from articles a join wanted w using (article_id)),
            served as (
                select f.content_sha256, arg_max(f.content_type, f.fetched_at) as content_type
                from fetches f join chosen c on c.content_sha256 = f.content_sha256
                where f.content_type is not null
                group by f.content_sha256
            )
            select c.article_id, c.url, c.source, c.outlet, c.title, c.author, c.published_at, c.text, c.text_sha256,
                   c.sitename, c.language, c.extractor_version, c.claims_version, c.content_sha256, c.final_url,
                   s.content_type
            from chosen c left join served s using (content_sha256)
            order by c.article_id
            """,
            [json.dumps(list(article_ids))],  # one text parameter: binding a Python list costs ~0.4 ms per id
        )
    return [StoredArticle(**row) for row in found]


# --- runs -------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimGroup:
    government: str | None
    topic: str | None
    claims: int
    speakers: list[str]
    example: str


def run_claims_by_government_topic(db: Path, run_id: str, *, limit: int = 40) -> list[ClaimGroup]:
    """The claims a run added, grouped by the government that made them and the topic, most claims first."""
    if not db.exists():
        return []
    with reader(db) as con:
        rows = con.execute(
            """
            select r.government, t.topic, count(*) as n,
                   list(distinct r.speaker_canonical) filter (where r.speaker_canonical is not null) as speakers,
                   arg_max(r.content, r.confidence) as example
            from claim_records r
            left join claim_topics t on t.claim_id = r.claim_id
            where r.run_id = ?
            group by all
            order by n desc, r.government nulls last, t.topic nulls last
            limit ?
            """,
            [run_id, limit],
        ).fetchall()
    return [ClaimGroup(r[0], r[1], int(r[2]), list(r[3] or [])[:5], r[4] or "") for r in rows]


@dataclass(frozen=True, kw_only=True)
class RunChange:
    """A ``position_changes`` row of a statement a run reported (``label`` new, shift or reversal)."""

    government: str
    topic: str
    label: str
    stated_at: datetime | None
    speaker: str | None
    content: str
    url: str | None
    earlier_stated_at: datetime | None
    earlier_speaker: str | None
    earlier_content: str | None
    #: For a shift or reversal: what changed ("figure: 20% -> 60%").
    change: str | None = None


#: Labels a run's artifact lists; reiterations are the normal case and are left out.
NOTABLE_LABELS = ("reversal", "shift", "new")


def run_position_changes(
    db: Path, run_id: str, *, method: str = DEFAULT_SIMILARITY, limit: int = 40
) -> list[RunChange]:
    """Reversals, shifts and new statements among the statements whose claims this run wrote, strongest first
    (reversals, then shifts, then new ones; newest first within each)."""
    if not db.exists():
        return []
    with reader(db) as con:
        found = _dicts(
            con,
            """
            with run_statements as (
                select distinct cs.statement_id
                from claim_records r join claim_statements cs on cs.claim_id = r.claim_id
                where r.run_id = $1
            )
            select government, topic, label, stated_at, speaker, content, url,
                   earlier_stated_at, earlier_speaker, earlier_content, change
            from position_changes
            where method = $2 and list_contains($3::varchar[], label)
              and statement_id in (select statement_id from run_statements)
            order by list_position($3::varchar[], label), stated_at desc nulls last, government, topic
            limit $4
            """,
            [run_id, method, list(NOTABLE_LABELS), limit],
        )
    return [RunChange(**row) for row in found]


@dataclass(frozen=True, kw_only=True)
class PipelineCounts:
    """How long the latest run of a flow took and how many rows the tables a run fills hold (``make bench``)."""

    #: ``runs.finished_at - started_at`` of the latest run of the flow, seconds (None: no finished run).
    flow_s: float | None
    #: Page fetches (feed and sitemap fetches left out).
    fetches: int
    articles: int
    #: Current claims (the ``claims`` view) and every stored claim version (``claim_records``).
    claims: int
    claim_records: int


def pipeline_counts(db: Path, flow: str) -> PipelineCounts:
    """The latest ``flow`` run's duration and the row counts of fetches, articles and claims."""
    with reader(db) as con:
        row = con.execute(
            """
            select (select epoch(finished_at) - epoch(started_at) from runs where flow = ?
                    order by started_at desc limit 1),
                   (select count(*) from fetches where role = 'page'),
                   (select count(*) from articles),
                   (select count(*) from claims),
                   (select count(*) from claim_records)
            """,
            [flow],
        ).fetchone()
    assert row is not None  # a select without from returns one row
    return PipelineCounts(
        flow_s=None if row[0] is None else float(row[0]),
        fetches=int(row[1]),
        articles=int(row[2]),
        claims=int(row[3]),
        claim_records=int(row[4]),
    )


# --- positions: the input of a refresh --------------------------------------------------------------------------------


#: What grouping reads of a current claim (``claims`` as ``c``, ``articles`` as ``a``), in :func:`report_of` order.
REPORT_COLUMNS = (
    "c.claim_id, c.article_id, a.outlet, c.government, c.speaker_canonical, c.actor_id, c.content, c.published_at,"
    " coalesce(c.confidence, 0.5), c.cue, c.start_char"
)


def report_of(r: Sequence[Any]) -> Report:
    return Report(
        claim_id=r[0],
        article_id=r[1],
        outlet=r[2],
        government=r[3],
        speaker_canonical=r[4],
        actor_id=r[5],
        content=r[6],
        published_at=r[7],
        confidence=float(r[8]),
        cue=r[9],
        position=int(r[10] or 0),
    )


def read_reports(db: Path) -> list[Report]:
    """Every current claim, with its outlet: the input of statement grouping."""
    with reader(db) as con:
        rows = con.execute(
            f"select {REPORT_COLUMNS} from claims as c join articles as a on a.article_id = c.article_id"
            " order by c.claim_id"
        ).fetchall()
    return [report_of(r) for r in rows]


def read_claim_topics(db: Path) -> list[tuple[str, str]]:
    """``(claim_id, topic)`` for current claims."""
    with reader(db) as con:
        rows = con.execute(
            "select t.claim_id, t.topic from claim_topics as t"
            " join claims as c on c.claim_id = t.claim_id order by 1, 2"
        ).fetchall()
    return [(r[0], r[1]) for r in rows]


def read_feature_cache(
    db: Path, version: str, keys: Iterable[str] | None = None
) -> dict[tuple[str, str | None], StatementFeatures]:
    """Stored features of this ``version``, keyed by (features key, government): re-used when unchanged (all of
    them, or those whose features key is among ``keys``).

    The features key (stored in ``statement_features.content_sha256``) hashes the statement's words and its
    reporting cue (``positions.features.StatementText.features_key``); ``version`` covers the model, word lists
    and seed files."""
    wanted = sorted(set(keys)) if keys is not None else None
    only = " and content_sha256 in (select unnest($2))" if wanted is not None else ""
    params: list[Any] = [version] + ([wanted] if wanted is not None else [])
    with reader(db) as con:
        features = con.execute(
            f"""
            select statement_id, content_sha256, government, lemmas, polarity, polarity_cues, modality, amounts,
                   conditions, aspect, normalized_text
            from statement_features where features_version = $1{only}
            """,
            params,
        ).fetchall()
        ids = [r[0] for r in features]
        terms = con.execute(
            "select statement_id, term, kind, mentions from statement_terms where statement_id in (select unnest($1))",
            [ids],
        ).fetchall()
    by_statement: dict[str, dict[tuple[str, str], int]] = {}
    for statement_id, term, kind, mentions in terms:
        by_statement.setdefault(statement_id, {})[(term, kind)] = int(mentions)
    cache: dict[tuple[str, str | None], StatementFeatures] = {}
    for statement_id, sha, government, lemmas, polarity, cues, modality, amounts, conditions, aspect, text in features:
        cache[(sha, government)] = StatementFeatures(
            lemmas=tuple(lemmas),
            polarity=int(polarity),
            polarity_cues=tuple(cues),
            modality=tuple(modality),
            normalized_text=text or "",
            terms=by_statement.get(statement_id, {}),
            amounts=tuple(amounts or ()),
            conditions=tuple(conditions or ()),
            aspect=tuple(aspect or ()),
        )
    return cache


# --- positions: what the commands show --------------------------------------------------------------------------------


def _since_clause(since: date | None, column: str = "stated_at") -> tuple[str, list[Any]]:
    if since is None:
        return "", []
    return f" and timezone('UTC', {column})::date >= ?", [since]


def timeline(db: Path, government: str, topic: str, *, grain: str = "month", since: date | None = None) -> list[dict]:
    """Periods of ``position_timeline`` counted over the statements :func:`changes` lists for the same ``since``
    (made on or after that UTC day): the period containing ``since`` stays, with only those statements."""
    with reader(db) as con:
        return _dicts(
            con,
            "select * from position_timeline_since(?::date) where government = ? and topic = ? and grain = ?"
            " order by period_start",
            [since, government, topic, grain],
        )


def changes(
    db: Path, government: str | None, topic: str | None, *, method: str = DEFAULT_SIMILARITY, since: date | None = None
) -> list[dict]:
    clause, params = _since_clause(since)
    filters, values = _gov_topic(government, topic)
    with reader(db) as con:
        return _dicts(
            con,
            f"select * from position_changes where method = ?{filters}{clause} order by government, topic, stated_at,"
            " statement_id",
            [method, *values, *params],
        )


def position_as_of(
    db: Path, government: str, topic: str, as_of: date, *, method: str = DEFAULT_SIMILARITY
) -> list[dict]:
    """``position_as_of``: the statements that stood on ``as_of`` (none shifted or reversed since), newest first,
    each with its point, its reiterations by then and, for a shift or reversal, the earlier statement and what
    changed."""
    with reader(db) as con:
        return _dicts(
            con,
            "select * from position_as_of(?, ?, ?::date, method_name := ?)",
            [government.upper(), topic, as_of, method],
        )


def terms(
    db: Path, government: str | None, topic: str | None, *, since: date | None = None, limit: int = 25
) -> list[dict]:
    """Key phrases by how often they were used (noun chunks first on ties), newest language marked by first_seen."""
    filters, values = _gov_topic(government, topic)
    with reader(db) as con:
        found = _dicts(
            con,
            f"""
            select * from (
                select *, row_number() over (partition by government, topic
                                             order by statements desc, kind desc, first_seen desc, term) as rank
                from position_terms where true{filters}
            ) where rank <= ? order by government, topic, rank
            """,
            [*values, limit],
        )
    if since is not None:
        for row in found:
            row["is_new"] = row["first_seen"] is not None and row["first_seen"].date() >= since
    return found


def pairs(
    db: Path, government: str | None = None, topic: str | None = None, *, since: date | None = None
) -> list[tuple[str, str, int]]:
    """``(government, topic, statements)`` with at least one dated statement (made on or after ``since``, as
    :func:`changes` and :func:`timeline` count them), most statements first."""
    filters, values = _gov_topic(government, topic)
    clause, params = _since_clause(since)
    with reader(db) as con:
        rows = con.execute(
            f"select government, topic, count(*) from position_statements where true{filters}{clause}"
            " group by all order by 3 desc, 1, 2",
            [*values, *params],
        ).fetchall()
    return [(r[0], r[1], int(r[2])) for r in rows]


def comparison_labels(db: Path, method: str) -> dict[str, int]:
    """How many ``statement_comparisons`` of ``method`` got each label."""
    with reader(db) as con:
        rows = con.execute(
            "select label, count(*) from statement_comparisons where method = ? group by 1", [method]
        ).fetchall()
    return {r[0]: int(r[1]) for r in rows}


def comparison_agreement(db: Path, method_a: str, method_b: str) -> list[tuple[str, str, int]]:
    """``(label by method_a, label by method_b, comparisons)`` over the statement x topic rows both compared."""
    with reader(db) as con:
        rows = con.execute(
            "select a.label, b.label, count(*) from statement_comparisons a join statement_comparisons b"
            " using (statement_id, topic) where a.method = ? and b.method = ? group by all",
            [method_a, method_b],
        ).fetchall()
    return [(r[0], r[1], int(r[2])) for r in rows]


def statement_reports(db: Path, statement_ids: Iterable[str]) -> dict[str, list[dict]]:
    ids = sorted(set(statement_ids))
    if not ids:
        return {}
    with reader(db) as con:
        found = _dicts(
            con,
            "select * from statement_reports where statement_id in (select unnest(?)) order by published_at, outlet",
            [ids],
        )
    grouped: dict[str, list[dict]] = {}
    for row in found:
        grouped.setdefault(row["statement_id"], []).append(row)
    return grouped


def _gov_topic(government: str | None, topic: str | None) -> tuple[str, list[Any]]:
    clauses, values = "", []
    if government:
        clauses += " and government = ?"
        values.append(government.upper())
    if topic:
        clauses += " and topic = ?"
        values.append(topic)
    return clauses, values
