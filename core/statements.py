"""Records of position tracking: a claim as one report of a statement, a statement with all its reports, the
features read from a statement's words, and the rows a refresh derives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, kw_only=True)
class Report:
    """One current claim, with what grouping needs."""

    claim_id: str
    article_id: str
    outlet: str | None
    government: str | None
    speaker_canonical: str | None
    actor_id: str | None
    content: str
    published_at: datetime | None
    confidence: float = 0.5
    cue: str | None = None


@dataclass(frozen=True, kw_only=True)
class Statement:
    statement_id: str
    representative: Report
    government: str | None
    reports: tuple[Report, ...]
    #: claim_id -> why it joined (``first``, ``same_text``, ``shingles:0.83``).
    rules: dict[str, str]

    @property
    def stated_at(self) -> datetime | None:
        dates = [r.published_at for r in self.reports if r.published_at is not None]
        return min(dates) if dates else None

    @property
    def last_reported_at(self) -> datetime | None:
        dates = [r.published_at for r in self.reports if r.published_at is not None]
        return max(dates) if dates else None

    @property
    def outlets(self) -> int:
        return len({r.outlet or r.article_id for r in self.reports})


@dataclass(frozen=True, kw_only=True)
class StatementFeatures:
    lemmas: tuple[str, ...]
    polarity: int
    polarity_cues: tuple[str, ...]
    modality: tuple[str, ...]
    normalized_text: str
    #: (term, kind) -> mentions, kind ``lemma`` or ``noun_chunk``.
    terms: dict[tuple[str, str], int]


@dataclass(frozen=True, kw_only=True)
class ComparisonRow:
    statement_id: str
    topic: str
    method: str
    method_version: str
    nearest_statement_id: str | None
    similarity: float | None
    label: str
    rule: str
    polarity_changed: bool
    cues: str
    candidates: int


@dataclass(kw_only=True)
class DerivedRows:
    statements: Sequence[Statement]
    #: statement_id -> (features key: sha256 of cue and words, features)
    features: Mapping[str, tuple[str, StatementFeatures]]
    features_version: str
    dedup_version: str
    comparisons: Sequence[ComparisonRow]
    #: Methods whose comparisons are replaced (rows of other methods are kept if their statements still exist).
    methods: Sequence[str]
    #: Build timings to record in ``derived_builds`` (name -> seconds).
    timings: Mapping[str, float] = field(default_factory=dict)
