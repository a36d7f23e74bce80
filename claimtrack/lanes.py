"""The report's position chart: one lane per point a government keeps making on a topic, over time.

A point starts with its ``new`` statement (a large dot), its reiterations are small dots on the lane, and a shift
or a reversal is a marked transition: a bar across the lane and a triangle (shift) or diamond (reversal), with the
text before and after, and what changed, on hover (SVG ``<title>``, no script) and in the changes table below the
chart. Lanes are ordered by when the point was first made; the lane is drawn in the colour of its latest change.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from claimtrack.timeline import _clip, _day

LABEL_COLOURS = {"new": "#4e79a7", "reiteration": "#59a14f", "shift": "#f28e2b", "reversal": "#e15759"}
#: More lanes than this: the most recently active are drawn, the rest counted under the chart.
MAX_LANES = 40
LANE_HEIGHT = 26
LABEL_WIDTH = 300
CHART_WIDTH = 1000


def esc(value: object) -> str:
    """Text for HTML content or a quoted attribute value (all page text is untrusted: ``claimtrack.report``)."""
    return html.escape("" if value is None else str(value), quote=True)


@dataclass
class Lane:
    point_id: str
    statements: list[dict[str, Any]] = field(default_factory=list)

    @property
    def first(self) -> dict[str, Any]:
        return self.statements[0]

    @property
    def last_at(self) -> datetime:
        moment: datetime = self.statements[-1]["stated_at"]
        return moment

    @property
    def colour(self) -> str:
        moved = [s["label"] for s in self.statements if s["label"] in ("shift", "reversal")]
        return LABEL_COLOURS[moved[-1]] if moved else "#9aa5b1"


def lanes_of(changes: Sequence[dict[str, Any]]) -> list[Lane]:
    """``position_changes`` rows of one government and topic -> one lane per point, by first statement."""
    by_point: dict[str, Lane] = {}
    for row in sorted(changes, key=lambda r: (_ts(r["stated_at"]), r["statement_id"])):
        if row["stated_at"] is None:
            continue
        point = str(row.get("point_id") or row["statement_id"])
        by_point.setdefault(point, Lane(point)).statements.append(row)
    return sorted(by_point.values(), key=lambda lane: (_ts(lane.first["stated_at"]), lane.point_id))


def _ts(value: datetime | None) -> float:
    if value is None:
        return 0.0
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def transition_title(row: dict[str, Any]) -> str:
    """Hover text of a shift or reversal: before, after, what changed."""
    before = f"before ({_day(row['earlier_stated_at'])}): {_clip(row['earlier_content'], 300)}"
    after = f"after ({_day(row['stated_at'])}): {_clip(row['content'], 300)}"
    changed = f"\nwhat changed: {row['change']}" if row.get("change") else ""
    return f"{row['label']} · {row['speaker'] or '(unnamed)'}\n{before}\n{after}{changed}"


def _mark(row: dict[str, Any], x: float, y: float) -> str:
    label = row["label"]
    colour = LABEL_COLOURS.get(label, "#999")
    if label in ("shift", "reversal"):
        title = transition_title(row)
        bar = (
            f'<line x1="{x:.1f}" y1="{y - 10:.1f}" x2="{x:.1f}" y2="{y + 10:.1f}" stroke="{colour}" '
            'stroke-width="2"/>'
        )
        if label == "shift":
            triangle = f"M{x - 6:.1f},{y + 5:.1f} L{x + 6:.1f},{y + 5:.1f} L{x:.1f},{y - 6:.1f} Z"
            shape = f'<path d="{triangle}" fill="{colour}">'
            closing = "</path>"
        else:
            shape = (
                f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{colour}" '
                f'transform="rotate(45 {x:.1f} {y:.1f})">'
            )
            closing = "</rect>"
        return f'<g class="transition">{bar}{shape}<title>{esc(title)}</title>{closing}</g>'
    radius = 6 if label == "new" else 3.5
    when = "same day" if row.get("same_day") else _day(row.get("earlier_stated_at"))
    context = "" if label == "new" else f"\n(said before: {when})"
    title = f"{_day(row['stated_at'])} {label} · {row['speaker'] or '(unnamed)'}\n{_clip(row['content'], 300)}{context}"
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{colour}"><title>{esc(title)}</title></circle>'


def _ticks(start: float, end: float, count: int = 8) -> list[float]:
    if end <= start:
        return [start]
    step = (end - start) / count
    return [start + i * step for i in range(count + 1)]


def lanes_svg(changes: Sequence[dict[str, Any]]) -> str:
    """The lane chart of one government and topic (empty when nothing is dated)."""
    lanes = lanes_of(changes)
    if not lanes:
        return ""
    shown = sorted(lanes, key=lambda lane: _ts(lane.last_at), reverse=True)[:MAX_LANES]
    shown.sort(key=lambda lane: (_ts(lane.first["stated_at"]), lane.point_id))
    start = min(_ts(lane.first["stated_at"]) for lane in shown)
    end = max(_ts(lane.last_at) for lane in shown)
    span = max(end - start, 86400.0)
    top, bottom, right = 20, 30, 45
    plot_width = CHART_WIDTH - LABEL_WIDTH - right
    height = top + bottom + LANE_HEIGHT * len(shown)

    def x_of(moment: datetime) -> float:
        return LABEL_WIDTH + plot_width * (_ts(moment) - start) / span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_WIDTH}" height="{height}" role="img" '
        f'aria-label="points over time" class="lanes">'
    ]
    for tick in _ticks(start, start + span):
        x = LABEL_WIDTH + plot_width * (tick - start) / span
        label = datetime.fromtimestamp(tick, UTC).strftime("%Y-%m-%d")
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - bottom}" stroke="#eee"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{height - bottom + 16}" font-size="10" text-anchor="middle" fill="#666">'
            f"{esc(label)}</text>"
        )
    for index, lane in enumerate(shown):
        y = top + LANE_HEIGHT * index + LANE_HEIGHT / 2
        first_x, last_x = x_of(lane.first["stated_at"]), x_of(lane.last_at)
        name = _clip(lane.first["content"], 48)
        parts.append(
            f'<text x="4" y="{y + 4:.1f}" font-size="11" fill="#333">{esc(name)}'
            f"<title>{esc(lane.first['content'])}</title></text>"
        )
        parts.append(
            f'<line x1="{first_x:.1f}" y1="{y:.1f}" x2="{max(last_x, first_x + 2):.1f}" y2="{y:.1f}" '
            f'stroke="{lane.colour}" stroke-width="2" stroke-opacity="0.5"/>'
        )
        for row in lane.statements:
            parts.append(_mark(row, x_of(row["stated_at"]), y))
    parts.append("</svg>")
    more = len(lanes) - len(shown)
    note = f" · {more} older points not drawn" if more > 0 else ""
    legend = (
        '<div class="legend small"><span style="color:#4e79a7">● new point</span>'
        '<span style="color:#59a14f">• reiteration</span><span style="color:#f28e2b">▲ shift</span>'
        f'<span style="color:#e15759">◆ reversal</span><span>one lane per point{esc(note)}; hover for the texts</span>'
        "</div>"
    )
    return "".join(parts) + legend
