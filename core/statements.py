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
    #: Where the claim starts in its article (``start_char``): orders statements of one article.
    position: int = 0


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
    #: Figures with their unit ("60%", "274.8kg"): a changed figure on the same point is a shift.
    amounts: tuple[str, ...] = ()
    #: Condition words ("unless", "as long as"): a condition added or dropped is a shift.
    conditions: tuple[str, ...] = ()
    #: Continuity ("again", "cue:reiterate") and change ("no longer", "suspend") words, lemmas.
    aspect: tuple[str, ...] = ()


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
    #: The point the statement makes (the statement id of the point's first statement).
    point_id: str | None = None
    #: For a shift or reversal: what changed ("figure: 20% -> 60%").
    change: str | None = None
    #: The statement compared with was made the same day (an elaboration).
    same_day: bool = False


@dataclass(frozen=True, kw_only=True)
class ClaimDelta:
    """What changed in the claims since the last refresh (``positions.increment``)."""

    #: Current claims no statement holds yet.
    added: Sequence[Report]
    #: Stored claims published within the grouping window of an added one, with their statement.
    nearby: Sequence[tuple[Report, str]] = ()
    #: Claims no longer current (their article was extracted again) -> the statement that held them.
    gone: Mapping[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.added and not self.gone


@dataclass(frozen=True, kw_only=True)
class SeriesMember:
    """A stored statement of a government x topic series, as an incremental refresh reads it back: when and where
    it was said, its features, and (for one similarity method) the point and label it got."""

    statement_id: str
    government: str
    topic: str
    stated_at: datetime
    article_id: str
    position: int
    features_key: str
    features: StatementFeatures
    point_id: str | None = None
    label: str | None = None


@dataclass(frozen=True, kw_only=True)
class StoredVector:
    """A statement's embedding under one similarity method, keyed like the features cache."""

    features_key: str
    government: str
    version: str
    vector: Sequence[float]


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
    #: Embeddings computed by this refresh (stored once per text, government and method).
    vectors: Sequence[StoredVector] = ()
    #: An incremental refresh: the statements these rows replace (None: the rows replace everything), the claims
    #: whose statement is gone with them, and the (statement, topic, method) comparisons it recomputed or dropped.
    replaced: Sequence[str] | None = None
    unlinked_claims: Sequence[str] = ()
    dropped_comparisons: Sequence[tuple[str, str, str]] = ()
