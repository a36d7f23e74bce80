"""What the ``claimtrack`` command prints: run summaries, query results, and parameter errors, as text."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

from core.text import escape_control_chars
from flows.runreport import SOURCE_COLUMNS

if TYPE_CHECKING:
    from pydantic_core import ValidationError

    from flows.reprocess import ReprocessSummary

#: Problems listed under a run summary (the fetches table has them all).
MAX_PROBLEMS = 20


def format_summary(summary: dict[str, Any]) -> str:
    """An ingest or backfill run's summary (``flows.summary``): per-source counts, problems, totals."""
    rows = summary["sources"]
    flow = "backfill" if "batches" in summary else "ingest"
    lines = ["", f"{flow} run {summary['run_id']}", ""]
    table = [SOURCE_COLUMNS] + [tuple(str(r[k]) for k in SOURCE_COLUMNS) for r in rows]
    table.append(("total", *(str(sum(r[k] for r in rows)) for k in SOURCE_COLUMNS[1:])))
    widths = [max(len(row[i]) for row in table) for i in range(len(SOURCE_COLUMNS))]
    for n, row in enumerate(table):
        if n in (1, len(table) - 1):
            lines.append("  ".join("-" * w for w in widths))
        lines.append(
            "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        )
    failed = [(r["source"], e) for r in rows for e in r["errors"]]
    failed += [("circuit breaker", reason) for reason in summary.get("hosts_skipped", {}).values()]
    if failed:
        lines += ["", f"problems ({len(failed)}):"]
        lines += [f"  {source}: {error}" for source, error in failed[:MAX_PROBLEMS]]
        if len(failed) > MAX_PROBLEMS:
            lines.append(f"  ... and {len(failed) - MAX_PROBLEMS} more (see the fetches table)")
    for path, skipped in summary.get("warc_damage", {}).items():
        lines.append(f"damaged WARC:     {path}: {skipped} bytes of damaged records skipped, the rest imported")
    lines += [
        "",
        f"sources polled:   {len(rows)}",
        f"articles stored:  {summary['articles_total']}",
        f"claims stored:    {summary['claims_total']}",
        f"governments seen: {', '.join(summary['governments']) or 'none'}",
        f"database:         {summary['db']}",
        "",
        "try:",
        f'  claimtrack sql "{summary["example_query"]}"',
    ]
    return "\n".join(lines)


def degraded_warning(summary: dict[str, Any]) -> str:
    """The warning line of a degraded run."""
    from flows.summary import describe_failed_sources

    failed = describe_failed_sources(summary["failed_sources"], len(summary["sources"]))
    return f"{failed} (run status degraded; see the problems above)"


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], max_width: int = 60) -> str:
    """Query results as aligned columns, cells cut at ``max_width``, with a row count. Control characters are
    shown as escapes (``core.text``), never sent to the terminal as they are."""
    if not columns:
        return "OK"

    def cell(value: Any) -> str:
        text = "NULL" if value is None else escape_control_chars(str(value).replace("\n", " ").replace("\t", " "))
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    table = [list(columns)] + [[cell(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(columns))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(table[0], widths, strict=True)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in table[1:]]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def format_json_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Query results as a JSON list of objects (values JSON cannot hold, such as dates, as text)."""
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    return json.dumps(records, default=str, indent=1, ensure_ascii=False)


def write_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]], out: IO[str]) -> None:
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)


def format_reprocess(summary: ReprocessSummary, *, from_raw: bool) -> str:
    """The one line ``claimtrack reprocess`` ends with."""
    text = (
        f", text re-extracted from the raw archive: {summary.text_reextracted} ({summary.text_changed} changed, "
        f"raw page missing: {summary.raw_missing}, no article any more: {summary.raw_failed})"
        if from_raw
        else ""
    )
    return (
        f"claims version {summary.version}: {summary.reprocessed} of {summary.articles} articles re-extracted "
        f"({summary.skipped_current} already current), {summary.claims} claims written{text}"
    )


def describe_invalid(exc: ValidationError) -> str:
    """A run's parameters that failed their bounds, one clause per field: ``batch_size: Input should be ...``."""
    problems = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(part) for part in error["loc"])
        problems.append(f"{where}: {error['msg']}" if where else error["msg"])
    return f"invalid {exc.title} parameters: " + "; ".join(problems)
