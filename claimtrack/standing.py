"""What a government says on a topic as of a day: the rows of ``position_as_of`` (statements no later statement
shifted or reversed) as the positions that stand, each a statement that set one (``new``, ``shift`` or
``reversal``) with the reiterations that repeat it since. ``claimtrack positions`` prints it; ``claimtrack report``
opens each section with it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

#: Labels that set a position; reiterations repeat one.
POSITION_LABELS = ("new", "shift", "reversal")


@dataclass(frozen=True, kw_only=True)
class StandingPoint:
    #: The ``position_as_of`` row of the statement that set the position.
    position: dict[str, Any]
    #: Statements that repeat it (reiterations, same-day elaborations), and when the last was said.
    repeats: int
    last_said: datetime | None

    @property
    def label(self) -> str:
        return str(self.position["label"])

    @property
    def point_id(self) -> str:
        return str(self.position["point_id"] or self.position["statement_id"])


def standing(rows: Sequence[dict[str, Any]]) -> list[StandingPoint]:
    """``position_as_of`` rows -> the standing positions, the most recently said first. A reiteration counts for the
    statement it repeats (following chains of reiterations); one whose position is not among the rows (it was
    compared across a change) stands on its own."""
    by_id = {str(r["statement_id"]): r for r in rows}

    def root(row: dict[str, Any]) -> dict[str, Any]:
        seen = set()
        while row["label"] not in POSITION_LABELS and row["nearest_statement_id"] in by_id:
            if row["statement_id"] in seen:
                break
            seen.add(row["statement_id"])
            row = by_id[str(row["nearest_statement_id"])]
        return row

    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(str(root(row)["statement_id"]), []).append(row)
    points = []
    for statement_id, members in groups.items():
        position = by_id[statement_id]
        last = max((r["stated_at"] for r in members), default=None)
        points.append(StandingPoint(position=position, repeats=len(members) - 1, last_said=last))
    points.sort(key=lambda p: (_ts(p.last_said), str(p.position["statement_id"])), reverse=True)
    return points


def _ts(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else 0.0
