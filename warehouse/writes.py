"""Every write the pipeline makes, each batch in one short transaction (see ``warehouse.connection``), and the
lookups it makes before writing: what is stored for a URL (``known_pages``) and for a body
(``prior_extractions``).

Idempotent by construction: ids are derived from content (``article_id`` from the URL, ``claim_id`` from the
article, its text, the extractor version and the claim's offsets), and inserts skip ids already stored, so
running the same work twice, or resuming a killed run, adds no rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import duckdb

from core.articles import Article, Claim, ClaimKind, ExtractedArticle, PriorExtraction
from core.pages import FetchResult, KnownPage
from warehouse.connection import reader, writer
from warehouse.queries import stored_articles


def article_id_for(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def claim_id_for(article_id: str, text_sha256: str, version: str, ordinal: int, claim: Claim) -> str:
    key = f"{article_id}|{text_sha256}|{version}|{ordinal}|{claim.start_char}|{claim.end_char}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, kw_only=True)
class Batch:
    run_id: str | None
    source: str
    fetches: Sequence[FetchResult] = ()
    articles: Sequence[ExtractedArticle] = ()
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


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    key: Sequence[str] = (),
) -> int:
    """Insert rows in one statement; with ``key`` columns, skip rows already stored.

    The rows travel as one JSON text parameter that DuckDB unpacks (``from_json``): binding Python lists as
    parameters converts value by value and costs ~0.4 ms per value, about 15x slower for a batch of fetches.
    """
    if not rows:
        return 0
    types = _column_types(con, table)
    struct = ", ".join(f'"{name}": "{types[name]}"' for name in columns)
    payload = json.dumps([dict(zip(columns, row, strict=True)) for row in rows], default=_json_value)
    names = ", ".join(columns)
    sql = (
        f"insert into {table} ({names}) select {names} from"
        f" (select unnest(from_json($1::json, '[{{{struct}}}]'), recursive := true)) src"
    )
    if key:
        match = " and ".join(f"t.{k} = src.{k}" for k in key)
        sql += f" where not exists (select 1 from {table} t where {match})"
    inserted = con.execute(sql, [payload]).fetchone()  # DuckDB answers an INSERT with its row count
    return int(inserted[0]) if inserted else 0


def _column_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column -> the type ``from_json`` should produce (JSON columns arrive as text and are cast on insert).

    Read from the database each time (about a millisecond): databases at other schema versions may be open in
    the same process (migration tests, upgrades), so a per-process cache would be wrong.
    """
    rows = con.execute(
        "select column_name, data_type from information_schema.columns where table_name = ?"
        " and table_schema = current_schema()",
        [table],
    ).fetchall()
    types = {}
    for name, data_type in rows:
        kind = str(data_type).upper()
        types[str(name)] = "TIMESTAMPTZ" if "TIME ZONE" in kind else "VARCHAR" if kind == "JSON" else kind
    return types


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


FETCH_COLUMNS = (
    "url",
    "final_url",
    "source",
    "fetched_at",
    "status",
    "error",
    "extract_error",
    "bytes",
    "elapsed_ms",
    "content_sha256",
    "content_type",
    "etag",
    "last_modified",
    "run_id",
    "canonical_url",
    "role",
    "attempts",
)
CLAIM_COLUMNS = (
    "claim_id",
    "article_id",
    "text_sha256",
    "extractor_version",
    "ordinal",
    "speaker",
    "speaker_canonical",
    "speaker_start",
    "speaker_end",
    "government",
    "kind",
    "cue",
    "cue_class",
    "content",
    "start_char",
    "end_char",
    "content_spans",
    "via",
    "via_government",
    "link_evidence",
    "actor_id",
    "actor_type",
    "speaker_resolution",
    "continues_claim_id",
    "confidence",
    "published_at",
    "created_at",
    "run_id",
)


#: The ``Batch.source`` of robots.txt fetches: they belong to a host, not to a source (stored as NULL).
ROBOTS_SOURCE = ""


def fetch_row(fetch: FetchResult, source: str, run_id: str | None, extract_error: str | None) -> tuple[Any, ...]:
    return (
        fetch.url,
        fetch.final_url,
        source or None,
        fetch.fetched_at,
        fetch.status,
        fetch.error,
        extract_error,
        len(fetch.body) if fetch.body is not None else None,
        fetch.elapsed_ms,
        fetch.content_sha256,
        fetch.content_type,
        fetch.etag,
        fetch.last_modified,
        run_id,
        fetch.canonical_url,
        fetch.role,
        fetch.attempts,
    )


def claim_rows(record: ExtractedArticle, article_id: str, run_id: str | None, now: datetime) -> list[tuple[Any, ...]]:
    return rows_for_claims(
        article_id,
        record.article.text_sha256,
        record.claims_version,
        record.claims,
        record.article.published_at,
        run_id,
        now,
    )


def rows_for_claims(
    article_id: str,
    text_sha: str,
    version: str,
    claims: Sequence[Claim],
    published_at: datetime | None,
    run_id: str | None,
    now: datetime,
) -> list[tuple[Any, ...]]:
    """``claim_records`` rows (in ``CLAIM_COLUMNS`` order) for one article's claims."""
    ids = [claim_id_for(article_id, text_sha, version, i, c) for i, c in enumerate(claims)]
    rows = []
    for ordinal, claim in enumerate(claims):
        rows.append(
            (
                ids[ordinal],
                article_id,
                text_sha,
                version,
                ordinal,
                claim.speaker,
                claim.speaker_canonical,
                claim.speaker_span[0] if claim.speaker_span else None,
                claim.speaker_span[1] if claim.speaker_span else None,
                claim.government,
                claim.kind,
                claim.cue,
                claim.cue_class,
                claim.content,
                claim.start_char,
                claim.end_char,
                json.dumps([list(s) for s in claim.content_spans]),
                claim.via,
                claim.via_government,
                claim.link_evidence,
                claim.actor_id,
                claim.actor_type,
                claim.speaker_resolution,
                ids[claim.continues] if claim.continues is not None and claim.continues < len(ids) else None,
                claim.confidence,
                published_at,
                now,
                run_id,
            )
        )
    return rows


def _insert_claims(con: duckdb.DuckDBPyConnection, pairs: Sequence[tuple[tuple[Any, ...], Claim]]) -> int:
    """Insert claim rows with their subjects and topics; returns the number of new claim rows."""
    subject_rows = [(row[0], code, evidence) for row, claim in pairs for code, evidence in dict(claim.subjects).items()]
    topic_rows = [(row[0], topic, term) for row, claim in pairs for topic, term in dict(claim.topics).items()]
    added = insert_rows(con, "claim_records", CLAIM_COLUMNS, [row for row, _ in pairs], key=("claim_id",))
    insert_rows(
        con, "claim_subjects", ("claim_id", "government", "evidence"), subject_rows, key=("claim_id", "government")
    )
    insert_rows(con, "claim_topics", ("claim_id", "topic", "term"), topic_rows, key=("claim_id", "topic"))
    return added


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
                a = item.article
                con.execute(
                    "update articles set title = ?, author = ?, published_at = ?, text = ?, text_sha256 = ?,"
                    " sitename = ?, language = ?, extracted_at = ?, extractor_version = ? where article_id = ?",
                    [a.title, a.author, a.published_at, a.text, a.text_sha256, a.sitename, a.language, now,
                     a.extractor_version, item.article_id],
                )  # fmt: skip
                text_sha = a.text_sha256
                counts.texts += 1
            if item.claims is None:
                continue
            rows = rows_for_claims(
                item.article_id, text_sha, item.claims_version, item.claims, item.published_at, run_id, now
            )
            counts.claims += _insert_claims(con, list(zip(rows, item.claims, strict=True)))
            con.execute(
                "update articles set claims_version = ? where article_id = ?", [item.claims_version, item.article_id]
            )
            counts.articles += 1
    return counts


def store_batch(db: Path, batch: Batch) -> BatchCounts:
    """Write one source's fetches, articles and claims in a single transaction."""
    return store_batches(db, [batch])[batch.source]


def store_batches(db: Path, batches: Sequence[Batch]) -> dict[str, BatchCounts]:
    """Write several sources' batches in a single transaction (all or nothing); counts per source.

    A page whose canonical URL already belongs to another stored article is not stored a second time: its
    fetch row says ``duplicate: same page as <url>`` in ``extract_error``.
    """
    results: dict[str, BatchCounts] = {}
    now = datetime.now(UTC)
    with writer(db) as con:
        fetch_rows: list[tuple[Any, ...]] = []
        for batch in batches:
            counts = results.setdefault(batch.source, BatchCounts())
            fetch_rows.extend(_store_one(con, batch, counts, now))
            counts.fetches += len(batch.fetches)
        # One statement for the whole batch. Keyed: a store task retried after its commit went through (the
        # writer slot's release failed, say) must not record every fetch twice; articles and claims are keyed by
        # content already. Measured: +22 ms per 25-row batch against 1M stored fetches.
        insert_rows(con, "fetches", FETCH_COLUMNS, fetch_rows, key=("url", "fetched_at"))
    return results


def _store_one(
    con: duckdb.DuckDBPyConnection, batch: Batch, counts: BatchCounts, now: datetime
) -> list[tuple[Any, ...]]:
    """Store one source's articles and claims; returns its fetch rows (inserted by the caller, all at once)."""
    canonical = {f.url: f.canonical_url for f in batch.fetches if f.canonical_url}
    extract_errors = dict(batch.extract_errors)
    pairs: list[tuple[tuple[Any, ...], Claim]] = []
    for record in batch.articles:
        article = record.article
        article_id = article_id_for(article.url)
        canonical_url = canonical.get(article.url)
        if canonical_url:
            twin = con.execute(
                "select url from articles where canonical_url = ? and article_id <> ? limit 1",
                [canonical_url, article_id],
            ).fetchone()
            if twin is not None:
                extract_errors[article.url] = f"duplicate: same page as {twin[0]}"
                continue
        existing = con.execute(
            "select text_sha256, claims_version from articles where article_id = ?", [article_id]
        ).fetchone()
        values = [
            article.url,
            record.source or batch.source,
            record.outlet,
            article.title,
            article.author,
            article.published_at,
            article.text,
            article.text_sha256,
            record.content_sha256,
            record.final_url,
            article.sitename,
            article.language,
            now,
            article.extractor_version,
            record.claims_version,
            canonical_url,
        ]
        if existing is None:
            con.execute(
                "insert into articles (article_id, url, source, outlet, title, author, published_at, text,"
                " text_sha256, content_sha256, final_url, sitename, language, extracted_at, extractor_version,"
                " claims_version, canonical_url) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [article_id, *values],
            )
            counts.new_articles += 1
        elif tuple(existing) == (article.text_sha256, record.claims_version):
            counts.unchanged_articles += 1
            continue
        else:
            con.execute(
                "update articles set url = ?, source = ?, outlet = ?, title = ?, author = ?, published_at = ?,"
                " text = ?, text_sha256 = ?, content_sha256 = ?, final_url = ?, sitename = ?, language = ?,"
                " extracted_at = ?, extractor_version = ?, claims_version = ?, canonical_url = ?"
                " where article_id = ?",
                [*values, article_id],
            )
            counts.updated_articles += 1
        rows = claim_rows(record, article_id, batch.run_id, now)
        pairs.extend(zip(rows, record.claims, strict=True))
        counts.governments.update(c.government for c in record.claims if c.government)
    counts.claims += _insert_claims(con, pairs)
    return [fetch_row(f, batch.source, batch.run_id, extract_errors.get(f.url)) for f in batch.fetches]


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


def prior_extractions(
    db: Path, content_shas: Sequence[str], claims_version: str
) -> dict[tuple[str, str], PriorExtraction]:
    """Stored extractions of these bodies whose claims are at ``claims_version``, keyed by ``(content_sha256,
    article extractor version)``: what ``extractors.pipeline.reuse_prior`` gives a new URL serving the same
    bytes instead of extracting them again. One article per key (the first by id), with its current claims."""
    if not content_shas or not db.exists():
        return {}
    with reader(db) as con:
        chosen = con.execute(
            """
            select content_sha256, extractor_version, min(article_id)
            from articles
            where content_sha256 in (select unnest(from_json($1::json, '["VARCHAR"]'))) and claims_version = $2
            group by all
            """,
            [json.dumps(sorted(set(content_shas))), claims_version],
        ).fetchall()
    if not chosen:
        return {}
    rows = {row.article_id: row for row in stored_articles(db, [r[2] for r in chosen])}
    claims = current_claims(db, list(rows))
    found: dict[tuple[str, str], PriorExtraction] = {}
    for sha, version, article_id in chosen:
        row = rows.get(article_id)
        if row is None or row.claims_version != claims_version:  # changed since the first query
            continue
        article = Article(
            url=row.url,
            text=row.text,
            title=row.title,
            author=row.author,
            published_at=row.published_at,
            sitename=row.sitename,
            language=row.language,
            extractor_version=row.extractor_version,
        )
        found[(sha, version)] = PriorExtraction(url=row.url, article=article, claims=claims.get(article_id, []))
    return found


def current_claims(db: Path, article_ids: Sequence[str]) -> dict[str, list[Claim]]:
    """The current claims (the ``claims`` view's) of these articles as :class:`Claim` objects, in article order,
    with their subjects and topics: every field ``warehouse.writes`` stores, so writing them again under another
    article gives the same rows (with that article's ids)."""
    if not article_ids:
        return {}
    with reader(db) as con:
        cursor = con.execute(
            """
            with wanted as (select unnest(from_json($1::json, '["VARCHAR"]')) as article_id),
            current as (
                select r.* from claim_records r
                join articles a on a.article_id = r.article_id and a.text_sha256 = r.text_sha256
                                and a.claims_version = r.extractor_version
                where r.article_id in (select article_id from wanted)
            )
            select c.*,
                   (select list([s.government, s.evidence] order by s.government) from claim_subjects s
                    where s.claim_id = c.claim_id) as subjects,
                   (select list([t.topic, t.term] order by t.topic) from claim_topics t
                    where t.claim_id = c.claim_id) as topics
            from current c
            order by c.article_id, c.ordinal
            """,
            [json.dumps(list(article_ids))],
        )
        names = [d[0] for d in cursor.description or []]
        records = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    by_article: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_article.setdefault(record["article_id"], []).append(record)
    return {article_id: _claims_from_rows(group) for article_id, group in by_article.items()}


def _claims_from_rows(records: list[dict[str, Any]]) -> list[Claim]:
    ordinal_of = {r["claim_id"]: i for i, r in enumerate(records)}
    claims = []
    for r in records:
        speaker = (r["speaker_start"], r["speaker_end"]) if r["speaker_start"] is not None else None
        claims.append(
            Claim(
                kind=cast(ClaimKind, r["kind"]),
                content=r["content"],
                content_spans=tuple((int(s), int(e)) for s, e in json.loads(r["content_spans"])),
                cue=r["cue"],
                cue_class=r["cue_class"],
                speaker=r["speaker"],
                speaker_span=speaker,
                speaker_canonical=r["speaker_canonical"],
                speaker_resolution=r["speaker_resolution"],
                via=r["via"],
                confidence=r["confidence"],
                continues=ordinal_of.get(r["continues_claim_id"]) if r["continues_claim_id"] else None,
                government=r["government"],
                actor_id=r["actor_id"],
                actor_type=r["actor_type"],
                link_evidence=r["link_evidence"],
                via_government=r["via_government"],
                subjects=tuple((code, evidence) for code, evidence in r["subjects"] or []),
                topics=tuple((topic, term) for topic, term in r["topics"] or []),
            )
        )
    return claims


def begin_run(db: Path, run_id: str, flow: str, parameters: Mapping[str, Any]) -> None:
    with writer(db) as con:
        con.execute(
            "insert into runs (run_id, flow, started_at, status, parameters) values (?, ?, ?, 'running', ?)"
            " on conflict (run_id) do update set started_at = excluded.started_at, status = 'running'",
            [run_id, flow, datetime.now(UTC), json.dumps(dict(parameters), default=str)],
        )


def finish_run(db: Path, run_id: str, status: str, summary: Mapping[str, Any]) -> None:
    with writer(db) as con:
        con.execute(
            "update runs set finished_at = ?, status = ?, summary = ? where run_id = ?",
            [datetime.now(UTC), status, json.dumps(dict(summary), default=str), run_id],
        )


def table_counts(db: Path) -> dict[str, int]:
    """Row counts of the public tables (for run summaries and checks)."""
    with reader(db) as con:
        return {
            table: int(con.execute(f"select count(*) from {table}").fetchone()[0])  # type: ignore[index]
            for table in ("articles", "claims", "claim_records", "fetches", "runs")
        }
