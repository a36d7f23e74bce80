"""Everything position tracking derives from claims, in three steps over rows the caller read:

1. group claims into statements (``positions.dedup``);
2. read each statement's features with spaCy (``positions.features``), re-using stored ones whose text,
   reporting cue, government and features version (model, word lists, seed files) are unchanged;
3. for each government x topic, label every statement against the earlier ones under each similarity method
   (``positions.changes``), with each method's encodings (embeddings) stored once per text.

:func:`derive_positions` does it for every claim (a full rebuild); ``positions.increment`` does it for what changed
since the last refresh. ``flows.refresh`` reads the inputs from the warehouse and writes what they return.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language

from core.statements import (
    ComparisonRow,
    DerivedRows,
    Report,
    SeriesMember,
    Statement,
    StatementFeatures,
    StoredVector,
)
from positions.changes import Dated, Prior, compare_series
from positions.dedup import DEDUP_VERSION, DEFAULT_DEDUP_SETTINGS, DedupSettings, group_reports
from positions.features import StatementText, analyse, analyse_job, features_version
from positions.similarity import DEFAULT_METHOD, Similarity, similarity_for

Progress = Callable[[str], None]
#: Stored encodings of one method: (features key, government) -> the numbers.
StoredEncodings = Mapping[tuple[str, str], Sequence[float]]


@dataclass(frozen=True, kw_only=True)
class PositionSettings:
    dedup: DedupSettings = DEFAULT_DEDUP_SETTINGS
    #: Similarity methods to (re)compute; the first is the one the commands show by default.
    methods: tuple[str, ...] = (DEFAULT_METHOD,)
    #: Each statement is compared with at most this many of the latest earlier days' statements on its topic.
    max_candidates: int = 2000
    batch_size: int = 64


DEFAULT_POSITION_SETTINGS = PositionSettings()


@dataclass
class RefreshSummary:
    mode: str = "full"
    claims: int = 0
    statements: int = 0
    #: Claims that joined another report's statement (syndicated copies, rewrites).
    merged_reports: int = 0
    features_computed: int = 0
    features_reused: int = 0
    series: int = 0
    #: Incremental: claims new since the last refresh, claims gone, stored statements regrouped.
    claims_added: int = 0
    claims_gone: int = 0
    statements_replaced: int = 0
    encodings_computed: int = 0
    labels: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        if self.mode == "incremental":
            lines = [
                f"incremental: {self.claims_added} new claims, {self.claims_gone} gone -> {self.statements} statements "
                f"({self.statements_replaced} stored ones regrouped)",
            ]
        else:
            lines = [f"claims {self.claims} -> statements {self.statements} ({self.merged_reports} reports merged)"]
        lines += [
            f"features computed {self.features_computed}, re-used {self.features_reused}",
            f"government x topic series compared: {self.series}",
        ]
        for method, labels in self.labels.items():
            counts = ", ".join(f"{k} {v}" for k, v in sorted(labels.items()))
            lines.append(f"{method}: {counts or 'no comparisons'}")
        lines.append("time: " + ", ".join(f"{k} {v:.2f}s" for k, v in self.seconds.items()))
        return "\n".join(lines)


@dataclass(frozen=True)
class Workers:
    """Where features are read: ``processes`` > 1 uses the run's extraction worker pool for ``model`` (each worker
    has the pipeline loaded already), so a refresh after a large backfill takes every core, not one."""

    processes: int = 1
    model: str | None = None


#: Fewer statements than this are read in this process: shipping them to workers would cost more than it saves.
MIN_PARALLEL_FEATURES = 200


def features_for(
    statements: Sequence[Statement],
    nlp: Language | None,
    cache: Mapping[tuple[str, str | None], StatementFeatures],
    batch_size: int,
    summary: RefreshSummary,
    workers: Workers,
) -> dict[str, tuple[str, StatementFeatures]]:
    """statement id -> (features key, features): stored ones re-used, the rest read with spaCy."""
    items = [
        StatementText(
            statement_id=s.statement_id,
            content=s.representative.content,
            government=s.government,
            cue=s.representative.cue,
        )
        for s in statements
    ]
    result: dict[str, tuple[str, StatementFeatures]] = {}
    # One reading per text, cue and government: syndicated or repeated words are read once.
    missing: dict[tuple[str, str | None], StatementText] = {}
    for item in items:
        cached = cache.get((item.features_key, item.government))
        if cached is None:
            missing.setdefault((item.features_key, item.government), item)
    computed: dict[tuple[str, str | None], StatementFeatures] = {}
    if missing:
        if nlp is None:  # loaded only when some statement is new: a refresh that re-uses everything loads nothing
            from core.settings import default_model
            from extractors.nlp import load_pipeline

            nlp = load_pipeline(workers.model or default_model())
        todo = list(missing.values())
        if workers.processes > 1 and workers.model and len(todo) >= MIN_PARALLEL_FEATURES:
            read = _analyse_in_pool(nlp, todo, workers, batch_size)
        else:
            read = analyse(nlp, todo, batch_size=batch_size)
        computed = dict(zip(missing, read, strict=True))
    for item in items:
        token = (item.features_key, item.government)
        result[item.statement_id] = (item.features_key, cache.get(token) or computed[token])
    summary.features_computed += len(missing)
    summary.features_reused += len(items) - len(missing)
    return result


def _analyse_in_pool(
    nlp: Language, items: Sequence[StatementText], workers: Workers, batch_size: int
) -> list[StatementFeatures]:
    from extractors.nlp import extractor_version, seed_files
    from extractors.workers import extraction_pool, split_jobs

    assert workers.model is not None
    pool = extraction_pool(workers.model, workers.processes, extractor_version(nlp), seed_files(nlp))
    jobs = [(workers.model, chunk, batch_size) for chunk in split_jobs(items, workers.processes)]
    return [features for part in pool.map(analyse_job, jobs) for features in part]


def model_meta(nlp: Language | None, model: str | None = None) -> dict[str, Any]:
    """Name and version of the model features are read with: ``nlp``'s, or ``model``'s (None: the default model)
    read from its package's ``meta.json`` without loading it (a refresh that re-uses every stored feature loads no
    model)."""
    if nlp is not None:
        return dict(nlp.meta)
    import spacy.util

    from core.settings import default_model
    from extractors.nlp import resolve_model

    return spacy.util.get_model_meta(spacy.util.get_package_path(resolve_model(model or default_model())))


def features_version_of(nlp: Language | None, model: str | None = None) -> str:
    """The features version a refresh with ``nlp`` (None: ``model``, by default the default model) reads and
    writes."""
    return features_version(model_meta(nlp, model))


def methods_of(settings: PositionSettings, similarities: Sequence[Similarity] | None) -> list[Similarity]:
    return list(similarities) if similarities is not None else [similarity_for(m) for m in settings.methods]


def encodings_version(method: Similarity, version_of_features: str) -> str | None:
    """What a method's stored encodings are keyed by: the model and the features (text) it read, or None."""
    own = method.vector_version
    return f"{own}|{version_of_features}" if own is not None else None


class Encodings:
    """One method's encodings of statements, by (features key, government): stored ones restored, the missing ones
    computed in one batch and kept in ``computed`` for the caller to store."""

    def __init__(self, method: Similarity, stored: StoredEncodings, version: str | None) -> None:
        self.method = method
        self.version = version
        self._stored = stored
        self._known: dict[tuple[str, str], Any] = {}
        self.computed: list[StoredVector] = []

    def prepare(self, items: Iterable[tuple[str, str, StatementFeatures]]) -> None:
        """Make sure every ``(features key, government, features)`` has an encoding."""
        missing: dict[tuple[str, str], StatementFeatures] = {}
        for key, government, features in items:
            token = (key, government)
            if token in self._known or token in missing:
                continue
            if self.version is not None and token in self._stored:
                self._known[token] = self.method.restore(self._stored[token])
            else:
                missing[token] = features
        if not missing:
            return
        tokens = sorted(missing)
        for token, encoded in zip(tokens, self.method.encode([missing[t] for t in tokens]), strict=True):
            self._known[token] = encoded
            if self.version is not None:
                stored = [float(x) for x in encoded]
                self.computed.append(
                    StoredVector(features_key=token[0], government=token[1], version=self.version, vector=stored)
                )
                self._known[token] = self.method.restore(stored)  # the stored numbers, as a later refresh reads them

    def get(self, key: str, government: str) -> Any:
        return self._known[(key, government)]


def series_of(
    statements: Sequence[Statement], claim_topics: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], list[Statement]]:
    """Statements per (government, topic): those with a government, a date and at least one topic."""
    statement_of = {r.claim_id: s for s in statements for r in s.reports}
    series: dict[tuple[str, str], dict[str, Statement]] = defaultdict(dict)
    for claim_id, topic in claim_topics:
        statement = statement_of.get(claim_id)
        if statement is None or statement.government is None or statement.stated_at is None:
            continue
        series[(statement.government, topic)][statement.statement_id] = statement
    return {key: list(members.values()) for key, members in sorted(series.items())}


def dated_of(statement: Statement, features: StatementFeatures) -> Dated:
    """A statement as series comparisons walk it: by time, then article and position in it."""
    first = statement.representative
    assert statement.stated_at is not None
    return Dated(
        statement_id=statement.statement_id,
        stated_at=statement.stated_at,
        features=features,
        order=order_key(first.article_id, first.position),
    )


def order_key(article_id: str, position: int) -> str:
    return f"{article_id}:{position:09d}"


def member_dated(member: SeriesMember) -> Dated:
    return Dated(
        statement_id=member.statement_id,
        stated_at=member.stated_at,
        features=member.features,
        order=order_key(member.article_id, member.position),
    )


@dataclass(frozen=True, kw_only=True)
class ToLabel:
    """A statement to label in a series, with what its encoding is keyed by."""

    dated: Dated
    features_key: str
    government: str


def label_series(
    encodings: Encodings,
    topic: str,
    prior: Sequence[SeriesMember],
    members: Sequence[ToLabel],
    max_candidates: int,
) -> list[ComparisonRow]:
    """``members`` of one government x topic series labelled after the ``prior`` ones (already labelled, earlier
    days), as ``statement_comparisons`` rows of ``encodings.method``."""
    method = encodings.method
    encodings.prepare((p.features_key, p.government, p.features) for p in prior)
    encodings.prepare((m.features_key, m.government, m.dated.features) for m in members)
    priors = [
        Prior(dated=member_dated(p), point_id=p.point_id or p.statement_id, label=p.label or "new") for p in prior
    ]
    compared = compare_series(
        [m.dated for m in members],
        method,
        max_candidates=max_candidates,
        vectors=[encodings.get(m.features_key, m.government) for m in members],
        prior=priors,
        prior_vectors=[encodings.get(p.features_key, p.government) for p in prior],
    )
    return [
        ComparisonRow(
            statement_id=c.statement_id,
            topic=topic,
            method=method.name,
            method_version=method.version,
            nearest_statement_id=c.nearest_statement_id,
            similarity=c.similarity,
            label=c.verdict.label,
            rule=c.verdict.rule,
            polarity_changed=c.verdict.polarity_changed,
            cues=c.verdict.cues,
            candidates=c.candidates,
            point_id=c.point_id,
            change=c.verdict.change,
            same_day=c.same_day,
        )
        for c in compared
    ]


def count_labels(rows: Iterable[ComparisonRow], summary: RefreshSummary) -> None:
    counts = {method: Counter(labels) for method, labels in summary.labels.items()}
    for row in rows:
        counts.setdefault(row.method, Counter())[row.label] += 1
    summary.labels = {method: dict(labels) for method, labels in counts.items()}


def _label_all(
    series: Mapping[tuple[str, str], Sequence[Statement]],
    features: Mapping[str, tuple[str, StatementFeatures]],
    methods: Sequence[Similarity],
    version: str,
    stored: Mapping[str, StoredEncodings],
    settings: PositionSettings,
    summary: RefreshSummary,
) -> tuple[list[ComparisonRow], list[StoredVector]]:
    """Every series labelled from its first statement under every method, with the encodings computed on the way."""
    comparisons: list[ComparisonRow] = []
    vectors: list[StoredVector] = []
    for method in methods:
        encodings_key = encodings_version(method, version)
        encodings = Encodings(method, stored.get(encodings_key or "", {}), encodings_key)
        encodings.prepare(
            (features[s.statement_id][0], government, features[s.statement_id][1])
            for (government, _), members in series.items()
            for s in members
        )  # one batch for every series
        for (government, topic), members in series.items():
            to_label = [
                ToLabel(dated=dated_of(s, features[s.statement_id][1]), features_key=features[s.statement_id][0],
                        government=government)
                for s in members
            ]  # fmt: skip
            comparisons += label_series(encodings, topic, (), to_label, settings.max_candidates)
        vectors += encodings.computed
        summary.encodings_computed += len(encodings.computed)
    return comparisons, vectors


def derive_positions(
    reports: Sequence[Report],
    claim_topics: Sequence[tuple[str, str]],
    cache: Mapping[tuple[str, str | None], StatementFeatures],
    *,
    nlp: Language | None = None,
    settings: PositionSettings = DEFAULT_POSITION_SETTINGS,
    progress: Progress | None = None,
    similarities: Sequence[Similarity] | None = None,
    workers: Workers | None = None,
    stored: Mapping[str, StoredEncodings] | None = None,
) -> tuple[DerivedRows, RefreshSummary]:
    """Statements, features and comparisons from every current claim (``reports`` and their topics), re-using the
    stored features in ``cache`` (read at :func:`features_version_of` ``nlp``) and the stored encodings in ``stored``
    (by encodings version). Nothing is read or written here: ``flows.refresh`` reads and writes."""
    say = progress or (lambda _message: None)
    summary = RefreshSummary()
    clock = time.perf_counter()
    statements = group_reports(reports, settings.dedup)
    summary.claims, summary.statements = len(reports), len(statements)
    summary.merged_reports = len(reports) - len(statements)
    summary.seconds["statements"] = time.perf_counter() - clock
    say(f"grouped {len(reports)} claims into {len(statements)} statements")

    clock = time.perf_counter()
    methods = methods_of(settings, similarities)
    features = features_for(statements, nlp, cache, settings.batch_size, summary, workers or Workers())
    summary.seconds["statement_features"] = time.perf_counter() - clock
    say(f"features: {summary.features_computed} computed, {summary.features_reused} re-used")

    clock = time.perf_counter()
    version = features_version_of(nlp, (workers or Workers()).model)
    series = series_of(statements, claim_topics)
    summary.series = len(series)
    comparisons, vectors = _label_all(series, features, methods, version, stored or {}, settings, summary)
    count_labels(comparisons, summary)
    for method in methods:
        say(f"{method.name}: {sum(summary.labels.get(method.name, {}).values())} comparisons in {len(series)} series")
    summary.seconds["statement_comparisons"] = time.perf_counter() - clock
    rows = DerivedRows(
        statements=statements,
        features=features,
        features_version=version,
        dedup_version=DEDUP_VERSION,
        comparisons=comparisons,
        methods=[m.name for m in methods],
        timings=dict(summary.seconds),
        vectors=vectors,
    )
    return rows, summary
