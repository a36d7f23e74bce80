"""Table mappings: which column each field of a record fills, one mapping per record type, written once and used
by every insert, update and copy (``warehouse.writes``); and :func:`insert_rows`, the one-statement bulk insert
they feed.

A row is a ``{column: value}`` dict. Where a column holds the record field of the same name, the mapping lists
the name only (``*_FIELDS``); the rest is spelt out beside it.

Ids are derived from content, so writing the same work twice adds no rows: ``article_id`` from the URL,
``claim_id`` from the article, its text, the claims extractor version and the claim's position and offsets
(:func:`claim_id_for`, and :data:`CLAIM_ID_SQL` for claims copied in SQL).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import duckdb

from core.articles import Article, Claim, ExtractedArticle, ReusedExtraction
from core.pages import FetchResult
from core.statements import DerivedRows


def article_id_for(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def claim_id_for(article_id: str, text_sha256: str, version: str, ordinal: int, claim: Claim) -> str:
    key = f"{article_id}|{text_sha256}|{version}|{ordinal}|{claim.start_char}|{claim.end_char}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


#: :func:`claim_id_for` in SQL, over columns named as in ``claim_records``: the same ids for the same claims.
CLAIM_ID_SQL = (
    "substr(sha256(format('{}|{}|{}|{}|{}|{}', article_id, text_sha256, extractor_version, ordinal, start_char,"
    " end_char)), 1, 16)"
)


# --- fetches -----------------------------------------------------------------------------------------------------

#: ``fetches`` columns holding the :class:`FetchResult` field of the same name.
FETCH_FIELDS = (
    "url",
    "final_url",
    "fetched_at",
    "status",
    "error",
    "elapsed_ms",
    "content_sha256",
    "content_type",
    "etag",
    "last_modified",
    "canonical_url",
    "role",
    "attempts",
)


def fetch_row(fetch: FetchResult, source: str, run_id: str | None, extract_error: str | None) -> dict[str, Any]:
    return {
        **{name: getattr(fetch, name) for name in FETCH_FIELDS},
        "source": source or None,
        "extract_error": extract_error,
        "bytes": len(fetch.body) if fetch.body is not None else None,
        "run_id": run_id,
    }


# --- articles ----------------------------------------------------------------------------------------------------

#: ``articles`` columns an article extractor makes, holding the :class:`Article` field of the same name: written by
#: extraction, rewritten by ``reprocess``, copied from the stored article by a reused extraction.
ARTICLE_TEXT_FIELDS = (
    "title",
    "author",
    "published_at",
    "text",
    "text_sha256",
    "sitename",
    "language",
    "extractor_version",
)


def article_text(article: Article) -> dict[str, Any]:
    return {name: getattr(article, name) for name in ARTICLE_TEXT_FIELDS}


def article_page(
    record: ExtractedArticle | ReusedExtraction, source: str, canonical_url: str | None, now: datetime
) -> dict[str, Any]:
    """The ``articles`` columns that come from the page and this write, not from the text's extraction."""
    url = record.article.url if isinstance(record, ExtractedArticle) else record.url
    return {
        "article_id": article_id_for(url),
        "url": url,
        "source": record.source or source,
        "outlet": record.outlet,
        "content_sha256": record.content_sha256,
        "final_url": record.final_url,
        "extracted_at": now,
        "claims_version": record.claims_version,
        "canonical_url": canonical_url,
    }


# --- claims ------------------------------------------------------------------------------------------------------

#: ``claim_records`` columns holding the :class:`Claim` field (or property) of the same name.
CLAIM_FIELDS = (
    "speaker",
    "speaker_canonical",
    "government",
    "kind",
    "cue",
    "cue_class",
    "content",
    "start_char",
    "end_char",
    "via",
    "via_government",
    "link_evidence",
    "actor_id",
    "actor_type",
    "speaker_resolution",
    "confidence",
)


def claim_rows(
    article_id: str,
    text_sha256: str,
    version: str,
    claims: Sequence[Claim],
    published_at: datetime | None,
    run_id: str | None,
    now: datetime,
) -> list[dict[str, Any]]:
    """``claim_records`` rows for one article's claims (``continues`` becomes the continued claim's id)."""
    ids = [claim_id_for(article_id, text_sha256, version, i, c) for i, c in enumerate(claims)]
    return [
        {
            "claim_id": ids[ordinal],
            "article_id": article_id,
            "text_sha256": text_sha256,
            "extractor_version": version,
            "ordinal": ordinal,
            **{name: getattr(claim, name) for name in CLAIM_FIELDS},
            "speaker_start": claim.speaker_span[0] if claim.speaker_span else None,
            "speaker_end": claim.speaker_span[1] if claim.speaker_span else None,
            "content_spans": json.dumps([list(s) for s in claim.content_spans]),
            "continues_claim_id": (
                ids[claim.continues] if claim.continues is not None and claim.continues < len(ids) else None
            ),
            "published_at": published_at,
            "created_at": now,
            "run_id": run_id,
        }
        for ordinal, claim in enumerate(claims)
    ]


def subject_rows(rows: Sequence[Mapping[str, Any]], claims: Sequence[Claim]) -> list[dict[str, Any]]:
    """``claim_subjects`` rows of claims and their ``claim_records`` rows (same order)."""
    return [
        {"claim_id": row["claim_id"], "government": code, "evidence": evidence}
        for row, claim in zip(rows, claims, strict=True)
        for code, evidence in dict(claim.subjects).items()
    ]


def topic_rows(rows: Sequence[Mapping[str, Any]], claims: Sequence[Claim]) -> list[dict[str, Any]]:
    """``claim_topics`` rows of claims and their ``claim_records`` rows (same order)."""
    return [
        {"claim_id": row["claim_id"], "topic": t.topic, "term": t.term, "how": t.how, "score": t.score}
        for row, claim in zip(rows, claims, strict=True)
        for t in claim.topics
    ]


# --- derived position tables -------------------------------------------------------------------------------------


def derived_rows(rows: DerivedRows) -> dict[str, list[dict[str, Any]]]:
    """Rows of the tables a refresh rewrites whole (``warehouse.writes.DERIVED_TABLES``), by table."""
    return {
        "statements": statement_rows(rows),
        "claim_statements": link_rows(rows),
        "statement_features": feature_rows(rows),
        "statement_terms": term_rows(rows),
    }


def statement_rows(rows: DerivedRows) -> list[dict[str, Any]]:
    """``statements``: one per statement, with its representative report's speaker and words."""
    return [
        {
            "statement_id": s.statement_id,
            "claim_id": s.representative.claim_id,
            "article_id": s.representative.article_id,
            "government": s.government,
            "speaker_canonical": s.representative.speaker_canonical,
            "actor_id": s.representative.actor_id,
            "content": s.representative.content,
            "cue": s.representative.cue,
            "stated_at": s.stated_at,
            "last_reported_at": s.last_reported_at,
            "reports": len(s.reports),
            "outlets": s.outlets,
            "dedup_version": rows.dedup_version,
        }
        for s in rows.statements
    ]


def feature_rows(rows: DerivedRows) -> list[dict[str, Any]]:
    """``statement_features``, keyed by the features key and the statement's government (the cache key)."""
    governments = {s.statement_id: s.government for s in rows.statements}
    return [
        {
            "statement_id": statement_id,
            "content_sha256": key,
            "government": governments.get(statement_id),
            "lemmas": list(f.lemmas),
            "polarity": f.polarity,
            "polarity_cues": list(f.polarity_cues),
            "modality": list(f.modality),
            "amounts": list(f.amounts),
            "conditions": list(f.conditions),
            "aspect": list(f.aspect),
            "normalized_text": f.normalized_text,
            "features_version": rows.features_version,
        }
        for statement_id, (key, f) in rows.features.items()
    ]


def link_rows(rows: DerivedRows) -> list[dict[str, Any]]:
    """``claim_statements``: which statement each claim reports, and why it joined."""
    return [
        {
            "claim_id": r.claim_id,
            "statement_id": s.statement_id,
            "match_rule": s.rules[r.claim_id],
            "dedup_version": rows.dedup_version,
        }
        for s in rows.statements
        for r in s.reports
    ]


def term_rows(rows: DerivedRows) -> list[dict[str, Any]]:
    """``statement_terms``: each statement's key phrases and how often it uses them."""
    return [
        {"statement_id": statement_id, "term": term, "kind": kind, "mentions": n}
        for statement_id, (_, features) in rows.features.items()
        for (term, kind), n in features.terms.items()
    ]


#: ``statement_comparisons`` columns holding the :class:`core.statements.ComparisonRow` field of the same name.
COMPARISON_FIELDS = (
    "statement_id",
    "topic",
    "method",
    "method_version",
    "nearest_statement_id",
    "similarity",
    "label",
    "rule",
    "polarity_changed",
    "cues",
    "candidates",
    "point_id",
    "change",
    "same_day",
)


def vector_rows(rows: DerivedRows) -> list[dict[str, Any]]:
    """``statement_vectors``: the encodings a refresh computed, one per text, government and method."""
    return [
        {"content_sha256": v.features_key, "government": v.government, "method_version": v.version,
         "vector": list(v.vector)}
        for v in rows.vectors
    ]  # fmt: skip


def comparison_rows(rows: DerivedRows, now: datetime) -> list[dict[str, Any]]:
    return [{**{name: getattr(c, name) for name in COMPARISON_FIELDS}, "computed_at": now} for c in rows.comparisons]


# --- the bulk insert ---------------------------------------------------------------------------------------------


def insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Mapping[str, Any]], key: Sequence[str] = ()
) -> int:
    """Insert rows (dicts with the same columns) in one statement; with ``key`` columns, skip rows already stored.

    The rows travel as one JSON text parameter that DuckDB unpacks (``from_json``): binding Python lists as
    parameters converts value by value and costs ~0.4 ms per value, about 15x slower for a batch of fetches.
    """
    if not rows:
        return 0
    columns = list(rows[0])
    types = column_types(con, table)
    struct = ", ".join(f'"{name}": "{types[name]}"' for name in columns)
    payload = json.dumps(list(rows), default=_json_value)
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


def column_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Column -> the type ``from_json`` should produce (JSON columns arrive as text and are cast on insert), in
    table order.

    Read from the database each time (about a millisecond): databases at other schema versions may be open in
    the same process (migration tests, upgrades), so a per-process cache would be wrong.
    """
    rows = con.execute(
        "select column_name, data_type from information_schema.columns where table_name = ?"
        " and table_schema = current_schema() order by ordinal_position",
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
