"""Everything position tracking derives from claims, in three steps over rows the caller read:

1. group claims into statements (``positions.dedup``);
2. read each statement's features with spaCy (``positions.features``), re-using stored ones whose text,
   reporting cue, government and features version (model, word lists, seed files) are unchanged;
3. for each government x topic, compare every statement with the earlier ones under each similarity method
   (``positions.changes``).

``flows.refresh`` reads the inputs from the warehouse and writes what :func:`derive_positions` returns.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language

from core.statements import ComparisonRow, DerivedRows, Report, Statement, StatementFeatures
from positions.changes import Dated, compare_series
from positions.dedup import DEDUP_VERSION, DEFAULT_DEDUP_SETTINGS, DedupSettings, group_reports
from positions.features import StatementText, analyse, analyse_job, features_version
from positions.similarity import Similarity, similarity_for

Progress = Callable[[str], None]


@dataclass(frozen=True, kw_only=True)
class PositionSettings:
    dedup: DedupSettings = DEFAULT_DEDUP_SETTINGS
    #: Similarity methods to (re)compute (``lexical``, ``minilm-onnx``).
    methods: tuple[str, ...] = ("lexical",)
    #: Each statement is compared with at most this many of the latest earlier ones on its topic.
    max_candidates: int = 2000
    batch_size: int = 64


DEFAULT_POSITION_SETTINGS = PositionSettings()


@dataclass
class RefreshSummary:
    claims: int = 0
    statements: int = 0
    #: Claims that joined another report's statement (syndicated copies, rewrites).
    merged_reports: int = 0
    features_computed: int = 0
    features_reused: int = 0
    series: int = 0
    labels: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        lines = [
            f"claims {self.claims} -> statements {self.statements} ({self.merged_reports} reports merged)",
            f"features computed {self.features_computed}, re-used {self.features_reused}",
            f"government x topic series compared: {self.series}",
        ]
        for method, labels in self.labels.items():
            counts = ", ".join(f"{k} {v}" for k, v in sorted(labels.items()))
            lines.append(f"{method}: {counts or 'no comparisons'}")
        lines.append("time: " + ", ".join(f"{k} {v:.2f}s" for k, v in self.seconds.items()))
        return "\n".join(lines)


def _features_for(
    statements: Sequence[Statement],
    nlp: Language | None,
    cache: dict[tuple[str, str | None], StatementFeatures],
    batch_size: int,
    summary: RefreshSummary,
    need_text: bool,
    workers: Workers,
) -> dict[str, tuple[str, StatementFeatures]]:
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
    missing: list[StatementText] = []
    for item in items:
        cached = cache.get((item.features_key, item.government))
        if cached is not None and not need_text:
            result[item.statement_id] = (item.features_key, cached)
        else:
            missing.append(item)
    if missing:
        if nlp is None:
            from core.settings import default_model
            from extractors.nlp import load_pipeline

            nlp = load_pipeline(default_model())
        if workers.processes > 1 and workers.model and len(missing) >= MIN_PARALLEL_FEATURES:
            computed = _analyse_in_pool(nlp, missing, workers, batch_size)
        else:
            computed = analyse(nlp, missing, batch_size=batch_size)
        for item, features in zip(missing, computed, strict=True):
            result[item.statement_id] = (item.features_key, features)
    summary.features_computed = len(missing)
    summary.features_reused = len(items) - len(missing)
    return result


@dataclass(frozen=True)
class Workers:
    """Where features are read: ``processes`` > 1 uses the run's extraction worker pool for ``model`` (each worker
    has the pipeline loaded already), so a refresh after a large backfill takes every core, not one."""

    processes: int = 1
    model: str | None = None


#: Fewer statements than this are read in this process: shipping them to workers would cost more than it saves.
MIN_PARALLEL_FEATURES = 200


def _analyse_in_pool(
    nlp: Language, items: Sequence[StatementText], workers: Workers, batch_size: int
) -> list[StatementFeatures]:
    from extractors.nlp import extractor_version, seed_files
    from extractors.workers import extraction_pool, split_jobs

    assert workers.model is not None
    pool = extraction_pool(workers.model, workers.processes, extractor_version(nlp), seed_files(nlp))
    jobs = [(workers.model, chunk, batch_size) for chunk in split_jobs(items, workers.processes)]
    return [features for part in pool.map(analyse_job, jobs) for features in part]


def model_meta(nlp: Language | None) -> dict[str, Any]:
    """Name and version of the model features are read with: ``nlp``'s, or the default model's read from its
    package's ``meta.json`` without loading it (a refresh that re-uses every stored feature loads no model)."""
    if nlp is not None:
        return dict(nlp.meta)
    import spacy.util

    from core.settings import default_model
    from extractors.nlp import resolve_model

    return spacy.util.get_model_meta(spacy.util.get_package_path(resolve_model(default_model())))


def _series(
    statements: Sequence[Statement], claim_topics: Sequence[tuple[str, str]]
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


def derive_positions(
    reports: Sequence[Report],
    claim_topics: Sequence[tuple[str, str]],
    cache: dict[tuple[str, str | None], StatementFeatures],
    *,
    nlp: Language | None = None,
    settings: PositionSettings = DEFAULT_POSITION_SETTINGS,
    progress: Progress | None = None,
    similarities: Sequence[Similarity] | None = None,
    workers: Workers | None = None,
) -> tuple[DerivedRows, RefreshSummary]:
    """Statements, features and comparisons from the current claims (``reports`` and their topics), re-using the
    stored features in ``cache`` (read at :func:`features_version_of` ``nlp``). Nothing is read or written here:
    the caller (``flows.refresh``) reads the inputs and writes the rows in one transaction."""
    say = progress or (lambda _message: None)
    summary = RefreshSummary()
    clock = time.perf_counter()

    # 1. Claims -> statements.
    statements = group_reports(reports, settings.dedup)
    summary.claims, summary.statements = len(reports), len(statements)
    summary.merged_reports = len(reports) - len(statements)
    summary.seconds["statements"] = time.perf_counter() - clock
    say(f"grouped {len(reports)} claims into {len(statements)} statements")

    # 2. Features (spaCy), re-using stored ones.
    clock = time.perf_counter()
    methods = list(similarities) if similarities is not None else [similarity_for(m) for m in settings.methods]
    need_text = any(m.name != "lexical" for m in methods)
    features = _features_for(statements, nlp, cache, settings.batch_size, summary, need_text, workers or Workers())
    summary.seconds["statement_features"] = time.perf_counter() - clock
    say(f"features: {summary.features_computed} computed, {summary.features_reused} re-used")

    # 3. Comparisons per government x topic and method.
    clock = time.perf_counter()
    series = _series(statements, claim_topics)
    summary.series = len(series)
    comparisons = [row for method in methods for row in _compare(method, series, features, settings, summary)]
    for method in methods:
        say(f"{method.name}: {sum(summary.labels[method.name].values())} comparisons in {len(series)} series")
    summary.seconds["statement_comparisons"] = time.perf_counter() - clock
    rows = DerivedRows(
        statements=statements,
        features=features,
        features_version=features_version_of(nlp),
        dedup_version=DEDUP_VERSION,
        comparisons=comparisons,
        methods=[m.name for m in methods],
        timings=dict(summary.seconds),
    )
    return rows, summary


def features_version_of(nlp: Language | None) -> str:
    """The features version a refresh with ``nlp`` (None: the default model) reads and writes."""
    return features_version(model_meta(nlp))


def _compare(
    method: Similarity,
    series: dict[tuple[str, str], list[Statement]],
    features: dict[str, tuple[str, StatementFeatures]],
    settings: PositionSettings,
    summary: RefreshSummary,
) -> list[ComparisonRow]:
    """Every statement of every series against the earlier ones under one similarity method."""
    labels: Counter[str] = Counter()
    comparisons: list[ComparisonRow] = []
    in_series = sorted({s.statement_id for members in series.values() for s in members})
    encoded = dict(zip(in_series, method.encode([features[i][1] for i in in_series]), strict=True))
    for (_government, topic), members in series.items():
        dated = [
            Dated(statement_id=s.statement_id, stated_at=s.stated_at, features=features[s.statement_id][1])  # type: ignore[arg-type]
            for s in members
        ]
        vectors = [encoded[s.statement_id] for s in members]
        for c in compare_series(dated, method, max_candidates=settings.max_candidates, vectors=vectors):
            labels[c.verdict.label] += 1
            comparisons.append(
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
                )
            )
    summary.labels[method.name] = dict(labels)
    return comparisons
