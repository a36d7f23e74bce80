"""Refreshing positions: read what changed in the claims, derive statements, features and labels for it
(``positions.increment``, ``positions.refresh``), and write the result in one transaction.

A refresh is incremental when the stored rows were built by the same grouping, features and method versions: it
regroups only the claims added since (with the stored statements they can join) and relabels each series only
from the first day something changed in it. Otherwise (a new database, a new model or word list, ``full=True``) it
rebuilds everything from the current claims. Both give the same rows; either is safe to kill and to re-run.

``claimtrack rebuild`` calls :func:`refresh_positions` with ``full=True``; the ingest and backfill flows call it
after each run.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from core.statements import ComparisonRow, DerivedRows, SeriesMember, Statement, StatementFeatures, StoredVector
from positions.dedup import DEDUP_VERSION
from positions.features import StatementText
from positions.increment import regroup, series_starts, touched_statements
from positions.refresh import (
    DEFAULT_POSITION_SETTINGS,
    Encodings,
    PositionSettings,
    Progress,
    RefreshSummary,
    ToLabel,
    Workers,
    count_labels,
    dated_of,
    derive_positions,
    encodings_version,
    features_for,
    features_version_of,
    label_series,
    member_dated,
    methods_of,
    series_of,
)
from positions.similarity import Similarity
from warehouse.reads import read_claim_topics, read_feature_cache, read_reports
from warehouse.refresh_reads import (
    read_build_versions,
    read_claim_delta,
    read_method_versions,
    read_series_of_statements,
    read_series_windows,
    read_statement_reports,
    read_topic_changes,
    read_topics_of_claims,
    read_vectors,
)
from warehouse.writes import ensure_schema, replace_derived


def refresh_positions(
    db: Path,
    *,
    nlp: Language | None = None,
    settings: PositionSettings = DEFAULT_POSITION_SETTINGS,
    progress: Progress | None = None,
    similarities: Sequence[Similarity] | None = None,
    workers: Workers | None = None,
    full: bool = False,
) -> RefreshSummary:
    """Bring statements, features and comparisons up to date with the current claims (one transaction). Without
    ``nlp``, the pipeline of ``workers.model`` (None: the default model) is loaded only if a statement is new."""
    ensure_schema(db)
    methods = methods_of(settings, similarities)
    version = features_version_of(nlp, workers.model if workers else None)
    if full or not _can_increment(db, methods, version):
        return _rebuild(db, nlp, settings, progress, methods, workers, version)
    return _increment(db, nlp, settings, progress, methods, workers or Workers(), version)


def _can_increment(db: Path, methods: Sequence[Similarity], version: str) -> bool:
    """Were the stored rows built the way this refresh would build them (grouping, features, methods)?"""
    built = read_build_versions(db)
    if built.get("statements") != DEDUP_VERSION or built.get("statement_features") != version:
        return False
    stored = read_method_versions(db)
    return all(stored.get(m.name, {m.version}) == {m.version} for m in methods)


def _rebuild(
    db: Path,
    nlp: Language | None,
    settings: PositionSettings,
    progress: Progress | None,
    methods: Sequence[Similarity],
    workers: Workers | None,
    version: str,
) -> RefreshSummary:
    reports, claim_topics = read_reports(db), read_claim_topics(db)
    cache = read_feature_cache(db, version)
    stored = {key: read_vectors(db, key) for m in methods if (key := encodings_version(m, version))}
    rows, summary = derive_positions(
        reports, claim_topics, cache,
        nlp=nlp, settings=settings, progress=progress, similarities=methods, workers=workers, stored=stored,
    )  # fmt: skip
    clock = time.perf_counter()
    replace_derived(db, rows)
    summary.seconds["write"] = time.perf_counter() - clock
    return summary


@dataclass
class _Relabelled:
    """What relabelling the changed series produced, for every method."""

    rows: list[ComparisonRow] = field(default_factory=list)
    vectors: list[StoredVector] = field(default_factory=list)
    dropped: set[tuple[str, str, str]] = field(default_factory=set)


def _increment(
    db: Path,
    nlp: Language | None,
    settings: PositionSettings,
    progress: Progress | None,
    methods: Sequence[Similarity],
    workers: Workers,
    version: str,
) -> RefreshSummary:
    say = progress or (lambda _message: None)
    summary = RefreshSummary(mode="incremental")
    clock = time.perf_counter()
    delta = read_claim_delta(db, settings.dedup.max_days_apart)
    touched = touched_statements(delta, settings.dedup) if not delta.empty else set()
    kept = [r for r in read_statement_reports(db, touched) if r.claim_id not in delta.gone]
    statements = regroup(delta.added, kept, settings.dedup) if delta.added or kept else []
    summary.claims_added, summary.claims_gone = len(delta.added), len(delta.gone)
    summary.statements_replaced, summary.statements = len(touched), len(statements)
    summary.seconds["statements"] = time.perf_counter() - clock
    say(f"{len(delta.added)} new claims, {len(delta.gone)} gone: {len(touched)} stored statements regrouped")

    clock = time.perf_counter()
    cache = read_feature_cache(db, version, [_features_key(s) for s in statements]) if statements else {}
    features = features_for(statements, nlp, cache, settings.batch_size, summary, workers)
    summary.seconds["statement_features"] = time.perf_counter() - clock

    clock = time.perf_counter()
    done = _relabel(db, statements, features, touched, settings, methods, version, summary)
    count_labels(done.rows, summary)
    summary.seconds["statement_comparisons"] = time.perf_counter() - clock
    say(f"relabelled {len(done.rows)} statement x topic rows in {summary.series} series")
    if statements or done.rows or touched or done.dropped:
        derived = DerivedRows(
            statements=statements,
            features=features,
            features_version=version,
            dedup_version=DEDUP_VERSION,
            comparisons=done.rows,
            methods=[m.name for m in methods],
            timings=dict(summary.seconds),
            vectors=done.vectors,
            replaced=sorted(touched),
            unlinked_claims=sorted(delta.gone),
            dropped_comparisons=sorted(done.dropped),
        )
        clock = time.perf_counter()
        replace_derived(db, derived)
        summary.seconds["write"] = time.perf_counter() - clock
    return summary


def _relabel(
    db: Path,
    statements: Sequence[Statement],
    features: Mapping[str, tuple[str, StatementFeatures]],
    touched: set[str],
    settings: PositionSettings,
    methods: Sequence[Similarity],
    version: str,
    summary: RefreshSummary,
) -> _Relabelled:
    """Each series a statement entered, left or changed in, relabelled from that day on under every method: the
    stored statements from then on (but the regrouped ones) and the new statements, after the stored window."""
    series = series_of(statements, read_topics_of_claims(db, (r.claim_id for s in statements for r in s.reports)))
    entered = [(g, t, s.stated_at) for (g, t), members in series.items() for s in members if s.stated_at]
    left = read_series_of_statements(db, touched)
    done = _Relabelled()
    for method in methods:
        retopiced = read_topic_changes(db, method.name)
        starts = series_starts([*left, *entered, *((g, t, when) for g, t, when, _ in retopiced)])
        windows = read_series_windows(db, starts, method.name, settings.max_candidates)
        key = encodings_version(method, version)
        wanted = [(m.features_key, m.government) for prior, later in windows.values() for m in (*prior, *later)]
        encodings = Encodings(method, read_vectors(db, key, wanted) if key else {}, key)
        for (government, topic), (prior, later) in windows.items():
            to_label = [_stored(m) for m in later if m.statement_id not in touched]
            to_label += [_fresh(s, features[s.statement_id]) for s in series.get((government, topic), [])]
            done.dropped.update((m.statement_id, m.topic, method.name) for m in later)
            done.rows += label_series(encodings, topic, prior, to_label, settings.max_candidates)
        done.dropped.update((statement_id, topic, method.name) for _, topic, _, statement_id in retopiced)
        done.vectors += encodings.computed
        summary.series += len(windows)
    summary.encodings_computed = len(done.vectors)
    return done


def _features_key(statement: Statement) -> str:
    first = statement.representative
    return StatementText(statement_id="", content=first.content, government=None, cue=first.cue).features_key


def _stored(member: SeriesMember) -> ToLabel:
    return ToLabel(dated=member_dated(member), features_key=member.features_key, government=member.government)


def _fresh(statement: Statement, keyed: tuple[str, StatementFeatures]) -> ToLabel:
    assert statement.government is not None
    return ToLabel(dated=dated_of(statement, keyed[1]), features_key=keyed[0], government=statement.government)
