"""What a run reports beside its return value: the per-source table and the "notable changes" note.

Plain functions returning plain data (list of dicts, markdown text); ``flows.common`` publishes them as Prefect
artifacts, and the same summary is stored in ``runs.summary``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from warehouse.queries import ClaimGroup, run_claims_by_government_topic

#: The columns of the per-source table, in order (README "Run on a Prefect server" shows one).
SOURCE_COLUMNS = ("source", "discovered", "fetched", "unchanged", "failed", "articles", "claims")


def source_table(summary: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per source plus a ``total`` row, with exactly :data:`SOURCE_COLUMNS`."""
    rows: Sequence[Mapping[str, Any]] = summary.get("sources", [])
    table = [{column: row.get(column, 0) for column in SOURCE_COLUMNS} for row in rows]
    total: dict[str, Any] = {"source": "total"}
    for column in SOURCE_COLUMNS[1:]:
        total[column] = sum(int(row.get(column, 0) or 0) for row in rows)
    return [*table, total]


def notable_changes(db: Path, run_id: str) -> str:
    """Markdown for the run's "notable position changes" artifact.

    Until the positions work lands (a ``position_changes`` query), this lists the run's new claims per
    government and topic; switching means changing only this function.
    """
    return new_claims_markdown(run_claims_by_government_topic(db, run_id), run_id)


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
