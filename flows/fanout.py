"""Fan-out of ``ingest`` over the work pool: the sources split into shards, each shard a flow run of the
``ingest/ingest-shard`` deployment that any worker (on any machine) takes, all writing one DuckLake at once.

Each shard stores its own pages as an ordinary ingest does (idempotent writes: a page stored twice is stored
once). The parent waits for every shard, runs a shard again when its run ends in any state but Completed, or
when its process stopped sending heartbeats (its worker or machine died: Prefect would leave the run Running
for ever), and refreshes positions once at the end (``flows.ingest``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from uuid import UUID

from prefect import get_run_logger
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.events.filters import EventFilter, EventNameFilter, EventOccurredFilter, EventResourceFilter
from prefect.settings import get_current_settings
from prefect.states import Crashed

from core.errors import ConfigError
from crawler.sources import Source

#: The deployment shard runs are made from (prefect.yaml).
SHARD_DEPLOYMENT = "ingest/ingest-shard"
#: Runs of one shard before the fan-out gives up on it (the first included).
SHARD_ATTEMPTS = 3
#: How often the parent looks at its shards.
POLL_S = 2.0
#: Heartbeats a shard may miss before it counts as dead (Prefect sends one every ``PREFECT_FLOWS_HEARTBEAT_FREQUENCY``
#: seconds from the flow run's process).
MISSED_HEARTBEATS = 2.5


def shard_of(sources: Sequence[Source], shard: int, shards: int) -> list[Source]:
    """Shard ``shard`` of ``shards``: every ``shards``-th source in name order (the same split on every machine)."""
    if not 0 <= shard < shards:
        raise ConfigError(f"shard must be between 0 and {shards - 1}, got {shard}")
    ordered = sorted(sources, key=lambda s: s.name)
    return [source for number, source in enumerate(ordered) if number % shards == shard]


@dataclass
class ShardRun:
    shard: int
    parameters: dict[str, Any]
    runs: list[UUID] = field(default_factory=list)
    state: str = "Scheduled"

    @property
    def done(self) -> bool:
        return self.state in ("Completed", "Gave up")


def run_shards(
    parameters: dict[str, Any], shards: int, *, deployment: str = SHARD_DEPLOYMENT, timeout_s: float = 6 * 3600
) -> list[ShardRun]:
    """Start one flow run of ``deployment`` per shard (``parameters`` are the ingest's, ``shard`` set per run),
    wait for all, and run again any that failed, crashed or died, up to :data:`SHARD_ATTEMPTS` runs each."""
    logger = get_run_logger()
    work = [ShardRun(n, {"params": {**parameters, "shards": shards, "shard": n}}) for n in range(shards)]
    for shard in work:
        _start(shard, deployment)
    deadline = time.monotonic() + timeout_s
    stale_after = timedelta(seconds=MISSED_HEARTBEATS * (get_current_settings().flows.heartbeat_frequency or 180))
    with get_client(sync_client=True) as client:
        while not all(shard.done for shard in work) and time.monotonic() < deadline:
            time.sleep(POLL_S)
            for shard in work:
                if shard.done:
                    continue
                run = client.read_flow_run(shard.runs[-1])
                shard.state = _settle(run, client, stale_after)
                if shard.state in ("Completed", "Running", "Scheduled", "Pending"):
                    continue
                if len(shard.runs) >= SHARD_ATTEMPTS:
                    logger.warning("shard %d: %d runs, none completed; giving up", shard.shard, len(shard.runs))
                    shard.state = "Gave up"
                    continue
                logger.warning("shard %d: run %s ended %s; running it again", shard.shard, run.id, shard.state)
                _start(shard, deployment)
    return work


def _start(shard: ShardRun, deployment: str) -> None:
    run = cast(FlowRun, run_deployment(deployment, parameters=shard.parameters, timeout=0, as_subflow=False))
    shard.runs.append(run.id)
    shard.state = "Scheduled"


def _settle(run: FlowRun, client: Any, stale_after: timedelta) -> str:
    """The shard run's state name; a Running run whose heartbeats stopped is set Crashed first."""
    state = run.state
    if state is None:
        return "Scheduled"
    if state.is_running() and _silent_since(run, client, stale_after) > stale_after:
        client.set_flow_run_state(
            run.id, Crashed(message="no heartbeat: its worker or machine stopped (flows.fanout)"), force=True
        )
        return "Crashed"
    if state.is_final():
        return "Completed" if state.is_completed() else (state.name or state.type.value)
    return "Running" if state.is_running() else "Pending"


def _silent_since(
    run: FlowRun, client: Any, stale_after: timedelta, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> timedelta:
    """How long since the run's last heartbeat (or its start, before the first)."""
    started = run.start_time or run.expected_start_time or now()
    window = EventFilter(  # only the recent past: a long run's early heartbeats say nothing
        occurred=EventOccurredFilter(since=cast(Any, max(started, now() - 2 * stale_after)), until=cast(Any, now())),
        event=EventNameFilter(name=["prefect.flow-run.heartbeat"]),
        resource=EventResourceFilter(id=[f"prefect.flow-run.{run.id}"]),
    )
    events = client.read_events(filter=window, limit=50).events
    last = max((event.occurred for event in events), default=started)
    return now() - last
