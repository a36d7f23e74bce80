"""Backfill planning: which pages a backfill loads, and in which batches. Plain functions, no Prefect, no I/O.

A backfill is a list of :class:`WorkBatch` es. Each batch is one task in the ``backfill`` flow: a few dozen
URLs of one host, a few dozen records of one WARC file, or a few dozen stored articles to re-extract. Batches
are small enough that a killed run loses little, and large enough that Prefect's per-task overhead (~0.1 s and
a few API calls) stays far below the work inside.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, TypeVar
from urllib.parse import urlsplit

from claimtrack.errors import ConfigError
from extractors.discover import PageRef

#: Pages per batch: small enough that a killed run loses little, large enough to amortize per-task overhead.
DEFAULT_BATCH_SIZE = 25
#: Batches of different hosts loaded at the same time (the fetcher throttles within a host).
DEFAULT_PARALLEL_HOSTS = 4

BatchKind = Literal["fetch", "directory", "warc", "reprocess"]


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
class WindowFilter:
    """Result of filtering entries by publication date. Undated entries are kept: the filter only drops what it
    knows is outside the window (a sitemap without dates is taken whole)."""

    kept: list[PageRef]
    outside: int
    undated: int


def filter_window(refs: Iterable[PageRef], window: Window) -> WindowFilter:
    kept: list[PageRef] = []
    outside = undated = 0
    for ref in refs:
        if not window.bounded:
            kept.append(ref)
        elif ref.published_at is None:
            undated += 1
            kept.append(ref)
        elif window.contains(ref.published_at):
            kept.append(ref)
        else:
            outside += 1
    return WindowFilter(kept, outside, undated)


@dataclass(frozen=True, kw_only=True)
class WorkBatch:
    """One task's worth of backfill work. Only small values (URLs, offsets, ids): never bodies or connections."""

    kind: BatchKind
    #: The source name stored with the fetches and articles.
    source: str
    outlet: str | None = None
    #: What the batch loads from: a host name, a WARC file, or ``archive`` for reprocessing.
    host: str
    #: ``fetch``: the pages to fetch (with the dates and titles their listing gave).
    refs: tuple[PageRef, ...] = ()
    allow_private: bool = False
    #: ``warc``: the WARC file and its records' byte offsets; ``directory``: the folder.
    path: str | None = None
    offsets: tuple[int, ...] = ()
    #: ``reprocess``: the stored articles to extract again from the raw archive.
    article_ids: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.refs) or len(self.offsets) or len(self.article_ids) or 1

    @property
    def label(self) -> str:
        return f"{self.kind} {self.source} ({self.size} from {self.host})"


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower() or "local"


T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    if size < 1:
        raise ConfigError(f"batch_size must be at least 1, got {size}")
    for start in range(0, len(items), size):
        yield items[start : start + size]


def fetch_batches(
    refs: Sequence[PageRef], *, source: str, outlet: str | None, allow_private: bool, size: int = DEFAULT_BATCH_SIZE
) -> list[WorkBatch]:
    """Pages to fetch, one batch per host and ``size`` URLs: the fetcher's per-host politeness then holds."""
    by_host: dict[str, list[PageRef]] = defaultdict(list)
    for ref in refs:
        by_host[host_of(ref.url)].append(ref)
    return [
        WorkBatch(kind="fetch", source=source, outlet=outlet, host=host, refs=tuple(part), allow_private=allow_private)
        for host, host_refs in by_host.items()
        for part in chunks(host_refs, size)
    ]


def waves(batches: Sequence[WorkBatch], parallel: int = DEFAULT_PARALLEL_HOSTS) -> Iterator[list[WorkBatch]]:
    """Groups of batches to load at the same time: at most one per host (so a host is never hit by two batches
    at once) and at most ``parallel`` in all, in the original order within each host."""
    queues: dict[str, list[WorkBatch]] = defaultdict(list)
    for batch in batches:
        queues[batch.host].append(batch)
    while queues:
        wave = []
        for host in list(queues)[: max(1, parallel)]:
            wave.append(queues[host].pop(0))
            if not queues[host]:
                del queues[host]
        yield wave


def warc_batches(path: str, offsets: Sequence[int], *, source: str, size: int = DEFAULT_BATCH_SIZE) -> list[WorkBatch]:
    return [
        WorkBatch(kind="warc", source=source, host=f"warc:{path}", path=path, offsets=tuple(part))
        for part in chunks(offsets, size)
    ]


def reprocess_batches(
    stale: Sequence[tuple[str, str | None, str]], *, size: int = DEFAULT_BATCH_SIZE
) -> list[WorkBatch]:
    """Batches of ``(source, outlet, article_id)`` rows, one source and outlet per batch (both are stored with the
    re-extracted article, so they must stay what they were)."""
    groups: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for source, outlet, article_id in stale:
        groups[(source, outlet)].append(article_id)
    return [
        WorkBatch(kind="reprocess", source=source, outlet=outlet, host="archive", article_ids=tuple(part))
        for (source, outlet), ids in groups.items()
        for part in chunks(ids, size)
    ]
