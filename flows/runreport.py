"""What a run reports beside its return value: the per-source table and the "notable changes" note.

Plain functions returning plain data (list of dicts, markdown text); ``flows.common`` publishes them as Prefect
artifacts, and the same summary is stored in ``runs.summary``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from core.errors import WarehouseError
from core.settings import DEFAULT_SIMILARITY
from warehouse.reads import ClaimGroup, RunChange, run_claims_by_government_topic, run_position_changes

#: The columns of the per-source table, in order (docs/deploy.md, "Run on a Prefect server", shows one).
SOURCE_COLUMNS = ("source", "discovered", "fetched", "unchanged", "failed", "articles", "claims")


def source_table(summary: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per source plus a ``total`` row, with exactly :data:`SOURCE_COLUMNS`."""
    rows: Sequence[Mapping[str, Any]] = summary.get("sources", [])
    table = [{column: row.get(column, 0) for column in SOURCE_COLUMNS} for row in rows]
    total: dict[str, Any] = {"source": "total"}
    for column in SOURCE_COLUMNS[1:]:
        total[column] = sum(int(row.get(column, 0) or 0) for row in rows)
    return [*table, total]


def notable_changes(db: Path, run_id: str, *, method: str = DEFAULT_SIMILARITY) -> str:
    """Markdown for the run's ``position-changes`` artifact: the reversals and shifts among the statements this
    run reported (``position_changes``, with the earlier statement each was compared with), then its new
    statements. A run that reported none (nothing new, or positions could not be refreshed) lists its new claims
    per government and topic instead."""
    try:
        changes = run_position_changes(db, run_id, method=method)
    except (WarehouseError, duckdb.Error):  # a database from before the positions tables: fall back
        changes = []
    if changes:
        return position_changes_markdown(changes, run_id)
    return new_claims_markdown(run_claims_by_government_topic(db, run_id), run_id)


def position_changes_markdown(changes: Sequence[RunChange], run_id: str) -> str:
    moved = [c for c in changes if c.label != "new"]
    new = [c for c in changes if c.label == "new"]
    lines = [f"# Notable position changes in run {run_id}", ""]
    if moved:
        lines += [
            f"{len(moved)} statement(s) of this run shifted or reversed a government's earlier position.",
            "",
            "| government | topic | label | stated | speaker | said | earlier (date, speaker: words) | what changed |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for c in moved:
            earlier = f"{_day(c.earlier_stated_at)}, {c.earlier_speaker or '?'}: {c.earlier_content or ''}"
            lines.append(
                f"| {c.government} | {c.topic} | **{c.label}** | {_day(c.stated_at)} | {_cell(c.speaker or '', 40)} "
                f"| {_cell(c.content)} | {_cell(earlier)} | {_cell(c.change or '', 80)} |"
            )
    else:
        lines.append("No shift or reversal among this run's statements.")
    if new:
        lines += [
            "",
            f"## New statements ({len(new)})",
            "",
            "| government | topic | stated | speaker | said |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {c.government} | {c.topic} | {_day(c.stated_at)} | {_cell(c.speaker or '', 40)} | {_cell(c.content)} |"
            for c in new
        ]
    return "\n".join(lines) + "\n"


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment is not None else "undated"


def _cell(text: str, width: int = 120) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= width else text[: width - 1] + "…"


def new_claims_markdown(groups: Sequence[ClaimGroup], run_id: str) -> str:
    lines = [f"# New claims in run {run_id}", ""]
    if not groups:
        lines.append("No new claims in this run.")
        return "\n".join(lines) + "\n"
    total = sum(g.claims for g in groups)
    lines += [
        f"{total} new claims in the {len(groups)} largest government/topic groups.",
        "",
        "| government | topic | claims | speakers | example |",
        "|---|---|---:|---|---|",
    ]
    for group in groups:
        lines.append(
            f"| {group.government or '(unlinked)'} | {group.topic or '(none)'} | {group.claims} "
            f"| {_cell(', '.join(group.speakers), 60)} | {_cell(group.example)} |"
        )
    return "\n".join(lines) + "\n"
