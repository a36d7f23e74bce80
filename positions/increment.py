"""An incremental refresh: what to recompute when claims were added (or an article's claims replaced) since the
last refresh, so that a run adding k statements costs in proportion to k and the candidates they are compared with.

1. **Grouping.** The pair rule of ``positions.dedup`` looks at two reports only, and reports more than
   ``max_days_apart`` apart never match, so a new claim can only join statements with a report published near it.
   Those statements (and the statements that lost a claim) are regrouped with the new claims; every other
   statement stays as it is, exactly as a full rebuild would make it.
2. **Labels.** A label depends only on the statements before it in its series (``positions.changes``), so a series
   is relabelled from the first day a statement entered, left or changed in it: normally today, i.e. only the new
   statements, each against the stored window of earlier ones.

The caller (``flows.refresh``) reads what each step needs and writes the result in one transaction, so a refresh
killed midway leaves the previous state, and the next one finds the same work again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

from core.statements import ClaimDelta, Report, Statement
from positions.dedup import DedupSettings, Words, group_reports, matches


def touched_statements(delta: ClaimDelta, settings: DedupSettings) -> set[str]:
    """Stored statements a refresh must regroup: those with a report matching an added claim, and those that lost
    a claim."""
    reports = [*delta.added, *(r for r, _ in delta.nearby)]
    words = [Words.of(r, settings) for r in reports]
    added = range(len(delta.added))
    touched = set(delta.gone.values())
    for i, j, _ in matches(reports, words, settings, among=added):
        for k in (i, j):
            if k >= len(delta.added):
                touched.add(delta.nearby[k - len(delta.added)][1])
    return touched


def regroup(added: Sequence[Report], kept: Sequence[Report], settings: DedupSettings) -> list[Statement]:
    """The statements of the added claims and of the kept claims of the touched statements (a set that holds every
    report matching one of its reports, so grouping it alone gives what grouping everything would)."""
    return group_reports([*added, *kept], settings)


def day_of(moment: datetime) -> date:
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


def series_starts(changes: Iterable[tuple[str, str, datetime]]) -> dict[tuple[str, str], date]:
    """(government, topic) -> the first day to relabel from, for each series a statement entered, left or
    changed in (``changes``: government, topic and time of each such statement, old or new)."""
    starts: dict[tuple[str, str], date] = {}
    for government, topic, stated_at in changes:
        day = day_of(stated_at)
        key = (government, topic)
        if key not in starts or day < starts[key]:
            starts[key] = day
    return starts
