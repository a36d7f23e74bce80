"""The reads of an incremental positions refresh (``flows.refresh``): what changed in the claims since the last
refresh, the stored reports and statements a change touches, and the stored window of each series to relabel.

Each read asks for what the change needs (claims near the new ones in time, the statements they touch, the latest
``limit`` statements of a series): none reads every statement into Python. Finding the change is two anti-joins
over claim ids, done in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from core.statements import ClaimDelta, Report, SeriesMember, StatementFeatures
from warehouse.connection import reader
from warehouse.reads import REPORT_COLUMNS, report_of

#: A claim of the current extraction (the ``claims`` view) with what grouping reads.
_REPORTS = f"select {REPORT_COLUMNS}, c.statement_id from claims as c join articles as a on a.article_id = c.article_id"


def read_claim_delta(db: Path, max_days_apart: float) -> ClaimDelta:
    """Claims no statement holds yet, the stored claims published within ``max_days_apart`` of one of them (the only
    ones they can share a statement with), and the claims no longer current with their statement."""
    with reader(db) as con:
        found = con.execute(f"{_REPORTS} where c.statement_id is null order by c.claim_id").fetchall()
        added = [report_of(r) for r in found]
        gone = con.execute(
            "select s.claim_id, s.statement_id from claim_statements as s"
            " where not exists (select 1 from claims as c where c.claim_id = s.claim_id) order by 1"
        ).fetchall()
        spans = _spans([r.published_at for r in added if r.published_at is not None], max_days_apart)
        nearby: list[tuple[Report, str]] = []
        if spans:
            rows = con.execute(
                f"""
                with spans as (select unnest($1::struct(lo timestamptz, hi timestamptz)[], recursive := true))
                {_REPORTS}
                where c.statement_id is not null
                  and exists (select 1 from spans where c.published_at between spans.lo and spans.hi)
                order by c.claim_id
                """,
                [[{"lo": lo, "hi": hi} for lo, hi in spans]],
            ).fetchall()
            nearby = [(report_of(r), str(r[-1])) for r in rows]
    return ClaimDelta(added=added, nearby=nearby, gone={str(c): str(s) for c, s in gone})


def _spans(times: Iterable[datetime], days: float) -> list[tuple[datetime, datetime]]:
    """The time ranges within ``days`` of any of ``times``, overlapping ones merged."""
    spans: list[tuple[datetime, datetime]] = []
    width = timedelta(days=days)
    for moment in sorted(times):
        lo, hi = moment - width, moment + width
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
        else:
            spans.append((lo, hi))
    return spans


def read_statement_reports(db: Path, statement_ids: Iterable[str]) -> list[Report]:
    """The current claims of these statements (their reports to regroup)."""
    ids = sorted(set(statement_ids))
    if not ids:
        return []
    with reader(db) as con:
        rows = con.execute(f"{_REPORTS} where c.statement_id in (select unnest($1)) order by c.claim_id", [ids])
        return [report_of(r) for r in rows.fetchall()]


def read_topics_of_claims(db: Path, claim_ids: Iterable[str]) -> list[tuple[str, str]]:
    ids = sorted(set(claim_ids))
    if not ids:
        return []
    with reader(db) as con:
        rows = con.execute(
            "select claim_id, topic from claim_topics where claim_id in (select unnest($1)) order by 1, 2", [ids]
        ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def read_series_of_statements(db: Path, statement_ids: Iterable[str]) -> list[tuple[str, str, datetime]]:
    """(government, topic, stated_at) of each stored statement x topic among ``statement_ids``."""
    ids = sorted(set(statement_ids))
    if not ids:
        return []
    with reader(db) as con:
        rows = con.execute(
            "select government, topic, stated_at from position_statements where statement_id in (select unnest($1))",
            [ids],
        ).fetchall()
    return [(str(r[0]), str(r[1]), r[2]) for r in rows]


def read_topic_changes(db: Path, method: str) -> list[tuple[str, str, datetime, str]]:
    """Statements whose topics changed since ``method`` last labelled them: (government, topic, stated_at,
    statement id) of each statement x topic without a comparison, and of each comparison whose topic is gone."""
    with reader(db) as con:
        rows = con.execute(
            """
            select p.government, p.topic, p.stated_at, p.statement_id from position_statements as p
            where not exists (select 1 from statement_comparisons as c
                              where c.statement_id = p.statement_id and c.topic = p.topic and c.method = $1)
            union all
            select s.government, c.topic, s.stated_at, c.statement_id
            from statement_comparisons as c join statements as s on s.statement_id = c.statement_id
            where c.method = $1
              and not exists (select 1 from statement_topics as t
                              where t.statement_id = c.statement_id and t.topic = c.topic)
            """,
            [method],
        ).fetchall()
    return [(str(r[0]), str(r[1]), r[2], str(r[3])) for r in rows]


_FEATURES = (
    "f.content_sha256, f.lemmas, f.polarity, f.polarity_cues, f.modality, f.amounts, f.conditions, f.aspect,"
    " f.normalized_text"
)


def _features(row: Sequence[Any]) -> StatementFeatures:
    lemmas, polarity, cues, modality, amounts, conditions, aspect, text = row
    return StatementFeatures(
        lemmas=tuple(lemmas),
        polarity=int(polarity),
        polarity_cues=tuple(cues),
        modality=tuple(modality),
        normalized_text=text or "",
        terms={},
        amounts=tuple(amounts or ()),
        conditions=tuple(conditions or ()),
        aspect=tuple(aspect or ()),
    )


def read_series_windows(
    db: Path, starts: Mapping[tuple[str, str], date], method: str, limit: int
) -> dict[tuple[str, str], tuple[list[SeriesMember], list[SeriesMember]]]:
    """For each (government, topic) series and the day to relabel it from: the latest ``limit`` stored statements
    before that day (with the point and label ``method`` gave them), and the stored statements from that day on,
    in walk order (time, article, position in it, statement id)."""
    if not starts:
        return {}
    wanted = [{"government": g, "topic": t, "day": d} for (g, t), d in sorted(starts.items())]
    with reader(db) as con:
        rows = con.execute(
            f"""
            with starts as (
                select unnest($1::struct(government varchar, topic varchar, day date)[], recursive := true)
            ),
            members as (
                select p.government, p.topic, p.statement_id, p.stated_at, s.article_id, r.start_char,
                       timezone('UTC', p.stated_at)::date >= st.day as later, {_FEATURES}, c.point_id, c.label
                from position_statements as p
                join starts as st on st.government = p.government and st.topic = p.topic
                join statements as s on s.statement_id = p.statement_id
                join claim_records as r on r.claim_id = s.claim_id
                join statement_features as f on f.statement_id = p.statement_id
                left join statement_comparisons as c
                       on c.statement_id = p.statement_id and c.topic = p.topic and c.method = $2
            ),
            ranked as (
                select *, row_number() over (
                    partition by government, topic, later
                    order by stated_at desc, article_id desc, start_char desc, statement_id desc) as rank
                from members
            )
            select * exclude (rank) from ranked where later or rank <= $3
            order by government, topic, stated_at, article_id, start_char, statement_id
            """,
            [wanted, method, limit],
        ).fetchall()
    windows: dict[tuple[str, str], tuple[list[SeriesMember], list[SeriesMember]]] = {k: ([], []) for k in starts}
    for row in rows:
        government, topic, statement_id, stated_at, article_id, start, later = row[:7]
        member = SeriesMember(
            statement_id=statement_id,
            government=government,
            topic=topic,
            stated_at=stated_at,
            article_id=article_id,
            position=int(start or 0),
            features_key=row[7],
            features=_features(row[8:16]),
            point_id=row[16],
            label=row[17],
        )
        windows[(government, topic)][1 if later else 0].append(member)
    return windows


def read_vectors(
    db: Path, version: str, keys: Iterable[tuple[str, str]] | None = None
) -> dict[tuple[str, str], list[float]]:
    """Stored encodings of ``version`` by (features key, government): all of them, or those of ``keys``."""
    with reader(db) as con:
        if keys is None:
            rows = con.execute(
                "select content_sha256, government, vector from statement_vectors where method_version = ?", [version]
            ).fetchall()
        else:
            wanted = [{"k": k, "g": g} for k, g in sorted(set(keys))]
            if not wanted:
                return {}
            rows = con.execute(
                """
                with wanted as (select unnest($1::struct(k varchar, g varchar)[], recursive := true))
                select v.content_sha256, v.government, v.vector from statement_vectors as v
                join wanted on wanted.k = v.content_sha256 and wanted.g = v.government
                where v.method_version = $2
                """,
                [wanted, version],
            ).fetchall()
    return {(str(r[0]), str(r[1])): list(r[2]) for r in rows}


def read_build_versions(db: Path) -> dict[str, str]:
    """``derived_builds``: name -> the version its rows were last built with."""
    with reader(db) as con:
        rows = con.execute("select name, version from derived_builds").fetchall()
    return {str(r[0]): str(r[1]) for r in rows}


def read_method_versions(db: Path) -> dict[str, set[str]]:
    """Similarity method -> the versions its stored comparisons were made with."""
    with reader(db) as con:
        rows = con.execute("select method, list(distinct method_version) from statement_comparisons group by 1")
        return {str(r[0]): {str(v) for v in r[1]} for r in rows.fetchall()}
