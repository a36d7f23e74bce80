"""``claimtrack rebuild``: recompute everything derived from ``articles`` (and the raw archive).

1. Re-extract stored articles (``flows.reprocess``, the same code as ``claimtrack reprocess`` and the
   backfill's ``reprocess`` mode): with ``--from-raw``, text of an older article extractor is made again from the
   archived raw page; claims of another claims extractor version (rules or model) get a new version, written
   atomically per batch (``claim_records`` keeps the old ones).
2. Statements, features and position comparisons are recomputed (``positions.refresh``).

Nothing in ``claim_records`` or ``fetches`` is edited or deleted; the derived tables are replaced in one
transaction. Running it twice in a row changes nothing the second time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from core.settings import default_archive, default_model
from extractors.nlp import extractor_version, load_pipeline
from flows.params import RebuildParams
from flows.refresh import refresh_positions
from flows.reprocess import ReprocessSummary, reprocess, stored_database
from positions.refresh import DEFAULT_POSITION_SETTINGS, PositionSettings, RefreshSummary

#: Articles re-extracted per write transaction (keeps each hold on the write lock short).
REBUILD_BATCH = 25


@dataclass
class RebuildSummary:
    articles: ReprocessSummary
    positions: RefreshSummary | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        done = self.articles
        lines = [
            f"articles: {done.articles}",
            f"text re-extracted from the raw archive: {done.text_reextracted}"
            f" (raw page missing: {done.raw_missing}, no article any more: {done.raw_failed})",
            f"claims re-extracted: {done.reprocessed} articles, {done.claims} new claim rows",
        ]
        if self.positions is not None:
            lines.append(self.positions.describe())
        lines.append("total time: " + ", ".join(f"{k} {v:.2f}s" for k, v in self.seconds.items()))
        return "\n".join(lines)


def rebuild(
    db: Path,
    nlp: Language,
    *,
    archive: Path | None = None,
    from_raw: bool = False,
    settings: PositionSettings = DEFAULT_POSITION_SETTINGS,
    run_id: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> RebuildSummary:
    say = progress or (lambda _message: None)
    clock = time.perf_counter()
    say(f"re-extracting stale articles (claims extractor {extractor_version(nlp)})")

    def batch_done(summary: ReprocessSummary) -> None:
        say(f"{summary.reprocessed} articles re-extracted, {summary.claims} new claim rows")

    articles = reprocess(
        db, nlp, archive=archive, from_raw=from_raw, run_id=run_id, batch_size=REBUILD_BATCH, progress=batch_done
    )
    for error in articles.errors:
        say(error)
    summary = RebuildSummary(articles=articles)
    summary.seconds["articles"] = time.perf_counter() - clock
    clock = time.perf_counter()
    summary.positions = refresh_positions(db, nlp=nlp, settings=settings, progress=say, full=True)
    summary.seconds["positions"] = time.perf_counter() - clock
    return summary


def rebuild_database(params: RebuildParams, progress: Callable[[str], None] | None = None) -> RebuildSummary:
    """``claimtrack rebuild``: :func:`rebuild` of an existing database with the model and methods asked for."""
    db = stored_database(params.db)
    return rebuild(
        db,
        load_pipeline(params.model or default_model()),
        archive=params.archive or default_archive(db),
        from_raw=params.from_raw,
        settings=PositionSettings(methods=params.methods),
        progress=progress,
    )
