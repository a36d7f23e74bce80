"""Per-host manners for one run: robots.txt, the gap between requests, Retry-After pauses, and the circuit
breaker that stops hammering a host that keeps failing.

A :class:`HostBook` is plain data (no sockets, no event loop), so the flow hands it from one fetch batch to the
next: robots.txt is read once per host per run, and a host skipped in one batch stays skipped.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from crawler.robots import RobotsRules


@dataclass
class HostState:
    #: robots.txt as read this run (None: not read yet).
    robots: RobotsRules | None = None
    #: ``kind: reason`` applied to every URL of the host (robots.txt unreachable, Crawl-delay above our limit).
    blocked: str | None = None
    #: Minimum gap between request starts (the larger of our setting and the site's Crawl-delay).
    delay_s: float = 0.0
    #: ``time.monotonic()`` before which no request may start (politeness gap, Retry-After).
    next_start: float = 0.0
    consecutive_failures: int = 0
    #: Set when the circuit breaker opened: why the host is skipped for the rest of the run.
    skipped: str | None = None
    requests: int = 0
    failures: int = 0


@dataclass
class HostBook:
    """Every host this run has talked to, keyed by ``host[:port]``."""

    hosts: dict[str, HostState] = field(default_factory=dict)

    def get(self, host: str, delay_s: float) -> HostState:
        state = self.hosts.get(host)
        if state is None:
            state = self.hosts[host] = HostState(delay_s=delay_s)
        return state

    def skipped(self) -> dict[str, str]:
        """Hosts the circuit breaker took out of the run, with the reason (for the run summary)."""
        return {host: s.skipped for host, s in sorted(self.hosts.items()) if s.skipped}


def record_outcome(state: HostState, host: str, *, failed: bool, threshold: int, reason: str = "") -> None:
    """Count a finished fetch; ``threshold`` consecutive failures open the breaker for the rest of the run."""
    state.requests += 1
    if not failed:
        state.consecutive_failures = 0
        return
    state.failures += 1
    state.consecutive_failures += 1
    if threshold > 0 and state.consecutive_failures >= threshold and state.skipped is None:
        state.skipped = (
            f"host {host} skipped for the rest of the run after {state.consecutive_failures} consecutive "
            f"failures (last: {reason})"
        )


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); None if absent or junk."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_seconds(attempt: int, base_s: float, cap_s: float) -> float:
    """Exponential backoff with full jitter: a random wait in [0.5, 1.5) x base x 2^(attempt-1), capped."""
    return min(cap_s, base_s * (2 ** max(0, attempt - 1))) * (0.5 + random.random())


def pause_host(state: HostState, seconds: float) -> None:
    """Hold every request to the host for ``seconds`` (a 429/503 Retry-After speaks for the whole host)."""
    state.next_start = max(state.next_start, time.monotonic() + seconds)
