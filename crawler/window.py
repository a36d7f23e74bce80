"""Backfill planning that the scheduled crawl does not need: the publication-date window, and batches of WARC
records. Plain functions, no Prefect, no I/O.

Fetching itself is the crawler's (``crawler.crawl``: discover -> plan -> fetch batches), and re-extraction of
stored pages is ``flows.reprocess``; a backfill only narrows what they are given.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from core.errors import ConfigError
from crawler.crawl import Discovery

#: Pages per batch: small enough that a killed run loses little, large enough to amortize per-task overhead.
DEFAULT_BATCH_SIZE = 25


@dataclass(frozen=True, kw_only=True)
class Window:
    """Publication dates a backfill takes: ``since`` and ``until`` are whole UTC days, both included."""

    since: date | None = None
    until: date | None = None

    @classmethod
    def parse(cls, since: str | date | None, until: str | date | None) -> Window:
        window = cls(since=_as_date(since, "since"), until=_as_date(until, "until"))
        if window.since and window.until and window.since > window.until:
            raise ConfigError(f"since ({window.since}) is after until ({window.until}); swap them")
        return window

    @property
    def bounded(self) -> bool:
        return self.since is not None or self.until is not None

    @property
    def start(self) -> datetime | None:
        return datetime.combine(self.since, time.min, tzinfo=UTC) if self.since else None

    @property
    def end(self) -> datetime | None:
        """Exclusive end: midnight after ``until``."""
        return datetime.combine(self.until + timedelta(days=1), time.min, tzinfo=UTC) if self.until else None

    def contains(self, moment: datetime) -> bool:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        start, end = self.start, self.end
        return (start is None or moment >= start) and (end is None or moment < end)


def _as_date(value: str | date | None, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ConfigError(f"{name} must be a date like 2024-03-01, got {value!r}") from None


@dataclass(frozen=True)
class WindowCounts:
    """Per source: listing entries dropped because their date is outside the window, and undated ones kept."""

    outside: dict[str, int]
    undated: dict[str, int]


def keep_window(discovery: Discovery, window: Window) -> WindowCounts:
    """Narrow a discovery to a backfill's window, in place, before planning.

    Entries dated outside the window are dropped; undated ones are kept (the filter only drops what it knows is
    outside, so a sitemap without dates is taken whole). The listings' validators are dropped: the backfill takes
    only part of a listing, so its ETag must not make the next scheduled poll skip the rest.
    """
    outside: dict[str, int] = {}
    undated: dict[str, int] = {}
    for found in discovery.sources:
        name = found.source.name
        kept = []
        for ref in found.refs:
            if ref.published_at is None:
                undated[name] = undated.get(name, 0) + 1
                kept.append(ref)
            elif window.contains(ref.published_at):
                kept.append(ref)
            else:
                outside[name] = outside.get(name, 0) + 1
        found.refs = kept
        found.listings = [replace(f, etag=None, last_modified=None) for f in found.listings]
    return WindowCounts(outside=outside, undated=undated)


@dataclass(frozen=True, kw_only=True)
class WarcBatch:
    """One task's worth of WARC records: only the file and byte offsets travel, never bodies."""

    path: str
    source: str
    offsets: tuple[int, ...]

    @property
    def label(self) -> str:
        return f"{self.source} ({len(self.offsets)} records)"


T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    if size < 1:
        raise ConfigError(f"batch_size must be at least 1, got {size}")
    for start in range(0, len(items), size):
        yield items[start : start + size]


def warc_batches(path: str, offsets: Sequence[int], *, source: str, size: int = DEFAULT_BATCH_SIZE) -> list[WarcBatch]:
    return [WarcBatch(path=path, source=source, offsets=tuple(part)) for part in chunks(offsets, size)]
