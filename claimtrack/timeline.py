"""The terminal timeline of ``claimtrack positions``: volume per period, every statement with its label and the
earlier statement it was compared with, and the language used (new since ``--since`` marked)."""

from __future__ import annotations

import textwrap
from datetime import date, datetime
from pathlib import Path
from typing import Any

from claimtrack.standing import standing
from core.settings import DEFAULT_SIMILARITY
from warehouse import reads

#: One row of a read, by column name.
Row = dict[str, Any]

GRAINS = ("day", "week", "month")
LABEL_MARKS = {"new": "+", "reiteration": "=", "shift": "~", "reversal": "!"}
BAR = "█"


def _day(value: datetime | date | None) -> str:
    if value is None:
        return "?"
    return value.strftime("%Y-%m-%d")


def _period(value: date, grain: str) -> str:
    if grain == "month":
        return value.strftime("%Y-%m")
    if grain == "week":
        return f"{value.isocalendar().year}-W{value.isocalendar().week:02d}"
    return value.isoformat()


def _clip(text: str | None, width: int) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def render_as_of(
    db: Path, government: str, topic: str, as_of: date, *, method: str = DEFAULT_SIMILARITY, width: int = 100
) -> str:
    """The "as of DAY, GOVERNMENT says on TOPIC" block: each point's standing statement, what changed in it (for a
    shift or reversal, the earlier statement and the evidence), and how often it was said again since."""
    government = government.upper()
    points = standing(reads.position_as_of(db, government, topic, as_of, method=method))
    if not points:
        return f"As of {as_of}, {government} had said nothing on {topic} ({method} method)."
    lines = [f"As of {as_of}, {government} says on {topic} ({len(points)} standing positions; {method} method):"]
    indent = " " * 8
    wrap = textwrap.TextWrapper(width=width, initial_indent=indent, subsequent_indent=indent)
    for point in points:
        row = point.position
        lines.append(
            f"    {LABEL_MARKS.get(point.label, '?')} {_day(row['stated_at'])}  {point.label}"
            f"  {_clip(row['speaker'] or '(unnamed)', 40)}"
        )
        lines.extend(wrap.wrap(_clip(row["content"], 400)))
        if point.label in ("shift", "reversal") and row["earlier_content"] is not None:
            lines.extend(
                wrap.wrap(f"{point.label} of {_day(row['earlier_stated_at'])}: {_clip(row['earlier_content'], 300)}")
            )
            if row["change"]:
                lines.append(f"{indent}what changed: {row['change']}")
        if point.repeats:
            times = f"{point.repeats} time{'s' if point.repeats != 1 else ''}"
            lines.append(f"{indent}said again {times}, last {_day(point.last_said)}")
        lines.append(f"{indent}{row['url']}")
    return "\n".join(lines)


def render_positions(
    db: Path,
    government: str,
    topic: str,
    *,
    since: date | None = None,
    grain: str = "month",
    method: str = DEFAULT_SIMILARITY,
    width: int = 100,
) -> str:
    government = government.upper()
    periods = reads.timeline(db, government, topic, grain=grain, since=since)
    changes = reads.changes(db, government, topic, method=method, since=since)
    terms = reads.terms(db, government, topic, since=since, limit=15)
    if not periods and not changes:
        known = reads.pairs(db, government=government) or reads.pairs(db, topic=topic)
        hint = ", ".join(f"{g}/{t} ({n})" for g, t, n in known[:8]) or "none yet: run `claimtrack rebuild`"
        return (
            f"No dated statements by {government} on {topic}"
            + (f" since {since}" if since else "")
            + f".\nGovernment/topic pairs with statements: {hint}"
        )
    last = max((p["last_stated_at"] for p in periods), default=None)
    lines = _heading(db, government, topic, periods, changes, grain=grain, method=method)
    if last is not None:
        lines += [render_as_of(db, government, topic, last.date(), method=method, width=width), ""]
    lines += _volume(periods, grain, width) + _statements(changes, width) + _language(terms, since)
    return "\n".join(lines)


def _heading(
    db: Path, government: str, topic: str, periods: list[Row], changes: list[Row], *, grain: str, method: str
) -> list[str]:
    statements = sum(p["statements"] for p in periods)
    reports = sum(p["reports"] for p in periods)
    first = min((p["first_stated_at"] for p in periods), default=None)
    last = max((p["last_stated_at"] for p in periods), default=None)
    outlets = {
        r["outlet"] for rows in reads.statement_reports(db, (c["statement_id"] for c in changes)).values() for r in rows
    }
    return [
        f"{government} on {topic}: what it said, {_day(first)} to {_day(last)}",
        f"{statements} statements in {reports} reports from {len(outlets)} outlets"
        f" · by {grain} · changes by the {method} method",
        "",
    ]


def _volume(periods: list[Row], grain: str, width: int) -> list[str]:
    scale = max((p["statements"] for p in periods), default=1)
    bar_width = 20
    lines = ["Timeline", f"  {'period':<10} {'stmts':>5} {'outlets':>7}  {'volume':<{bar_width}}  leading speakers"]
    for p in periods:
        bar = BAR * max(1, round(bar_width * p["statements"] / scale))
        speakers = ", ".join(p["leading_speakers"] or [])
        lines.append(
            f"  {_period(p['period_start'], grain):<10} {p['statements']:>5} {p['outlets']:>7}  {bar:<{bar_width}}  "
            + _clip(speakers, width - bar_width - 30)
        )
    return [*lines, ""]


def _statements(changes: list[Row], width: int) -> list[str]:
    """Each statement with its label, the statement it was compared with and, for a change, what changed."""
    lines = [
        "Statements (+ new, = reiteration, ~ shift, ! reversal; score = similarity to the statement compared with,"
        " an earlier day's, or the same day's for an elaboration)"
    ]
    wrap = textwrap.TextWrapper(width=width, initial_indent="      ", subsequent_indent="      ")
    for c in changes:
        score = "" if c["similarity"] is None else f" {c['similarity']:.2f}"
        lines.append(
            f"  {LABEL_MARKS.get(c['label'], '?')} {_day(c['stated_at'])}  {c['label']}{score} ({c['rule']})"
            f"  {_clip(c['speaker'] or '(unnamed)', 40)}"
        )
        lines.extend(wrap.wrap(_clip(c["content"], 400)))
        if c["earlier_content"] is not None and c["label"] != "new":
            when = "same day" if c["same_day"] else _day(c["earlier_stated_at"])
            lines.append(f"      vs {when}: {_clip(c['earlier_content'], width - 22)}")
        if c["label"] in ("shift", "reversal") and c["change"]:
            lines.append(f"      what changed: {c['change']}")
        lines.append(f"      {c['url']}")
    return [*lines, ""]


def _language(terms: list[Row], since: date | None) -> list[str]:
    lines = [
        "Language" + (f" (* = first used on or after {since})" if since else "") + " — most used first",
        f"  {'term':<36} {'kind':<10} {'stmts':>5}  {'first seen':<10}  {'last seen':<10}",
    ]
    for t in terms:
        mark = "*" if t.get("is_new") else " "
        lines.append(
            f" {mark}{_clip(t['term'], 36):<36} {t['kind']:<10} {t['statements']:>5}  "
            f"{_day(t['first_seen']):<10}  {_day(t['last_seen']):<10}"
        )
    return lines
