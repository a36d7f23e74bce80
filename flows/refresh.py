"""Refreshing positions: read the current claims and stored features from the warehouse, derive statements,
features and comparisons (``positions.refresh``), and replace the derived tables in one transaction.

``claimtrack rebuild`` calls :func:`refresh_positions`; so do the ingest and backfill flows after each run. It is
safe to call at any time: the result depends only on the current claims and topics.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from spacy.language import Language

from positions.refresh import (
    DEFAULT_POSITION_SETTINGS,
    PositionSettings,
    Progress,
    RefreshSummary,
    Workers,
    derive_positions,
    features_version_of,
)
from positions.similarity import Similarity
from warehouse.reads import read_claim_topics, read_feature_cache, read_reports
from warehouse.writes import ensure_schema, replace_derived


def refresh_positions(
    db: Path,
    *,
    nlp: Language | None = None,
    settings: PositionSettings = DEFAULT_POSITION_SETTINGS,
    progress: Progress | None = None,
    similarities: Sequence[Similarity] | None = None,
    workers: Workers | None = None,
) -> RefreshSummary:
    """Recompute statements, features and comparisons from the current claims and write them (one transaction)."""
    ensure_schema(db)
    reports, claim_topics = read_reports(db), read_claim_topics(db)
    cache = read_feature_cache(db, features_version_of(nlp))
    rows, summary = derive_positions(
        reports, claim_topics, cache,
        nlp=nlp, settings=settings, progress=progress, similarities=similarities, workers=workers,
    )  # fmt: skip
    clock = time.perf_counter()
    replace_derived(db, rows)
    summary.seconds["write"] = time.perf_counter() - clock
    return summary
