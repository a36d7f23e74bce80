"""Reads and writes of the position-tracking tables (``003_positions``): what ``positions.refresh`` reads to
derive statements and changes, the one transaction that replaces them, and the queries the ``positions`` and
``report`` commands show.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from core.statements import DerivedRows, Report, StatementFeatures
from warehouse.connection import reader, writer
from warehouse.writes import insert_rows

#: Derived tables that ``replace_derived`` rewrites (everything in them can be recomputed from claims).
DERIVED_TABLES = ("claim_statements", "statements", "statement_features", "statement_terms")


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def ensure_schema(db: Path) -> None:
    """Apply pending migrations (readers cannot): a database from an older claimtrack gets the new tables."""
    with writer(db):
        pass


def read_reports(db: Path) -> list[Report]:
    """Every current claim, with its outlet: the input of statement grouping."""
    with reader(db) as con:
        rows = con.execute(
            """
            select c.claim_id, c.article_id, a.outlet, c.government, c.speaker_canonical, c.actor_id, c.content,
                   c.published_at, coalesce(c.confidence, 0.5), c.cue
            from claims as c
            join articles as a on a.article_id = c.article_id
            order by c.claim_id
            """
        ).fetchall()
    return [
        Report(
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
        )
        for r in rows
    ]


def read_claim_topics(db: Path) -> list[tuple[str, str]]:
    """``(claim_id, topic)`` for current claims."""
    with reader(db) as con:
        rows = con.execute(
            "select t.claim_id, t.topic from claim_topics as t"
            " join claims as c on c.claim_id = t.claim_id order by 1, 2"
        ).fetchall()
    return [(r[0], r[1]) for r in rows]


def read_feature_cache(db: Path, version: str) -> dict[tuple[str, str | None], StatementFeatures]:
    """Stored features of this ``version``, keyed by (features key, government): re-used when unchanged.

    The features key (stored in ``statement_features.content_sha256``) hashes the statement's words and its
    reporting cue (``positions.features.StatementText.features_key``); ``version`` covers the model, word lists
    and seed files."""
    with reader(db) as con:
        features = con.execute(
            """
            select statement_id, content_sha256, government, lemmas, polarity, polarity_cues, modality
            from statement_features where features_version = ?
            """,
            [version],
        ).fetchall()
        terms = con.execute("select statement_id, term, kind, mentions from statement_terms").fetchall()
    by_statement: dict[str, dict[tuple[str, str], int]] = {}
    for statement_id, term, kind, mentions in terms:
        by_statement.setdefault(statement_id, {})[(term, kind)] = int(mentions)
    cache: dict[tuple[str, str | None], StatementFeatures] = {}
    for statement_id, sha, government, lemmas, polarity, cues, modality in features:
        cache[(sha, government)] = StatementFeatures(
            lemmas=tuple(lemmas),
            polarity=int(polarity),
            polarity_cues=tuple(cues),
            modality=tuple(modality),
            normalized_text="",  # not stored; recomputed when an embedding method needs it
            terms=by_statement.get(statement_id, {}),
        )
    return cache


def replace_derived(db: Path, rows: DerivedRows) -> dict[str, int]:
    """Replace the derived position tables in one transaction (readers see the old or the new, never half)."""
    now = datetime.now(UTC)
    statement_rows: list[tuple[Any, ...]] = []
    link_rows: list[tuple[Any, ...]] = []
    for s in rows.statements:
        first = s.representative
        statement_rows.append(
            (
                s.statement_id,
                first.claim_id,
                first.article_id,
                s.government,
                first.speaker_canonical,
                first.actor_id,
                first.content,
                s.stated_at,
                s.last_reported_at,
                len(s.reports),
                s.outlets,
                rows.dedup_version,
            )
        )
        link_rows.extend((r.claim_id, s.statement_id, s.rules[r.claim_id], rows.dedup_version) for r in s.reports)
    governments = {s.statement_id: s.government for s in rows.statements}
    feature_rows: list[tuple[Any, ...]] = []
    term_rows: list[tuple[Any, ...]] = []
    for statement_id, (sha, f) in rows.features.items():
        feature_rows.append(
            (
                statement_id,
                sha,
                governments.get(statement_id),
                list(f.lemmas),
                f.polarity,
                list(f.polarity_cues),
                list(f.modality),
                rows.features_version,
            )
        )
        term_rows.extend((statement_id, term, kind, n) for (term, kind), n in f.terms.items())
    comparison_rows = [
        (
            c.statement_id,
            c.topic,
            c.method,
            c.method_version,
            c.nearest_statement_id,
            c.similarity,
            c.label,
            c.rule,
            c.polarity_changed,
            c.cues,
            c.candidates,
            now,
        )
        for c in rows.comparisons
    ]
    counts: dict[str, int] = {}
    with writer(db) as con:
        for table in DERIVED_TABLES:
            con.execute(f"delete from {table}")
        if rows.methods:
            marks = ", ".join("?" for _ in rows.methods)
            con.execute(f"delete from statement_comparisons where method in ({marks})", list(rows.methods))
        counts["statements"] = insert_rows(
            con,
            "statements",
            (
                "statement_id",
                "claim_id",
                "article_id",
                "government",
                "speaker_canonical",
                "actor_id",
                "content",
                "stated_at",
                "last_reported_at",
                "reports",
                "outlets",
                "dedup_version",
            ),
            statement_rows,
        )
        counts["claim_statements"] = insert_rows(
            con, "claim_statements", ("claim_id", "statement_id", "match_rule", "dedup_version"), link_rows
        )
        counts["statement_features"] = insert_rows(
            con,
            "statement_features",
            (
                "statement_id",
                "content_sha256",
                "government",
                "lemmas",
                "polarity",
                "polarity_cues",
                "modality",
                "features_version",
            ),
            feature_rows,
        )
        counts["statement_terms"] = insert_rows(
            con, "statement_terms", ("statement_id", "term", "kind", "mentions"), term_rows
        )
        # Comparisons of methods not recomputed now survive only while both of their statements exist.
        con.execute(
            "delete from statement_comparisons where statement_id not in (select statement_id from statements)"
            " or (nearest_statement_id is not null"
            "     and nearest_statement_id not in (select statement_id from statements))"
        )
        counts["statement_comparisons"] = insert_rows(
            con,
            "statement_comparisons",
            (
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
                "computed_at",
            ),
            comparison_rows,
        )
        for name, seconds in rows.timings.items():
            con.execute(
                "insert or replace into derived_builds values (?, ?, ?, ?, ?)",
                [name, _version_of(name, rows), now, counts.get(name, 0), seconds],
            )
    return counts


def _version_of(name: str, rows: DerivedRows) -> str:
    if name == "statements":
        return rows.dedup_version
    if name == "statement_features":
        return rows.features_version
    versions = sorted({c.method_version for c in rows.comparisons})
    return json.dumps(versions) if versions else "-"


# --- what the commands show -------------------------------------------------------------------------------


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
    db: Path, government: str | None, topic: str | None, *, method: str = "lexical", since: date | None = None
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
