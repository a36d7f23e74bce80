"""What every flow shares: the DuckDB writer slot, the run id, the run's ``runs`` row, and the artifacts a run
publishes."""

from __future__ import annotations

import gc
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from prefect import Task, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.client.schemas.objects import State, TaskRun
from prefect.concurrency.sync import concurrency
from prefect.context import get_run_context
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
from prefect.settings import get_current_settings
from prefect.utilities.annotations import quote

from core.errors import DiskFull
from flows.runreport import notable_changes, source_table
from warehouse.writes import begin_run, finish_run

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T")


def unwalked(value: T) -> T:
    """``value`` as a task argument Prefect passes on as it is, without walking it for futures and states
    (``prefect.utilities.annotations.quote``). For plain data only, never a future: a fetched batch holds every
    body and an extraction every claim, and walking both, object by object, cost the flow process about 2 CPU-s
    per 181 pages (py-spy, bench/README.md)."""
    return cast(T, quote(value))


_heap_frozen = threading.Event()


def collect_batch_garbage() -> None:
    """Free what a finished batch left in reference cycles. Prefect's task runs, states and futures form cycles
    that hold a batch's bodies and claims; Python's full collection, the only one that frees them once they are
    old, runs rarely in a process holding a spaCy pipeline, so a 10x backfill's flow process grew by about 170 MB
    of dead batches before one ran (bench/README.md). The first call freezes what the process holds then (modules,
    the pipeline: alive for the whole run) so that later calls scan only what the run made since (milliseconds,
    not the 0.1 s a full collection costs)."""
    if _heap_frozen.is_set():
        gc.collect()
        return
    gc.collect()
    gc.freeze()
    _heap_frozen.set()


#: Prefect global concurrency limit around every DuckDB write. DuckDB allows one writing process; two flow
#: runs (a scheduled ingest and a backfill) are two processes under a process worker, so their writes take
#: turns here instead of contending for the file lock.
WRITER_LIMIT = "duckdb-writer"
#: How long a write waits for the slot before its task fails (and is retried).
WRITER_WAIT_S = 900.0
#: A holder that dies (SIGKILL, OOM, power loss) keeps its slot until the lease runs out and the server's
#: repossessor service frees it; a live holder renews its lease in the background.
WRITER_LEASE_S = 120.0


@dataclass(frozen=True)
class Retry:
    """How often a task runs again after it raised, and how long Prefect waits before each new try."""

    retries: int
    delays_s: tuple[float, ...]

    @property
    def delays(self) -> list[float]:
        return list(self.delays_s)


def unless_disk_full(task: Task[Any, Any], task_run: TaskRun, state: State[Any]) -> bool:
    """A write task's ``retry_condition_fn``: no room to write (``DiskFull``) will not go away in seconds, and the
    run stops at it, so it is never retried."""
    try:
        state.result()
    except DiskFull:
        return False
    except Exception:
        return True
    return True


# Every task's retries, here and nowhere else. A retry is only allowed where it cannot duplicate rows or fetch a
# stored page again: reading tasks write nothing, fetch and extract tasks return data that is stored later by
# another task, and each write is one transaction that skips rows already stored (a second try adds nothing).
# Failures inside a batch that a task already absorbs (an HTTP error, a timeout, a page that gives no article)
# are recorded, not raised, so these retries are for what a task does raise: a resolver or socket failure the
# fetcher's own per-request retries did not absorb, a database lock held past its wait, an extraction worker
# that died (its pool is replaced on the next try).

#: discover, discover-listings, fetch-batch: network trouble of the whole task; late tries wait long enough for a
#: resolver or an uplink to come back.
NETWORK_RETRY = Retry(2, (5.0, 30.0))
#: plan-crawl, extract-claims, scan-warc, read-warc-batch, reprocess-batch: local work that failed for a local
#: reason (a killed worker process, a read lock). Once: a page that crashes a worker every time should not cost
#: its batch three extractions before it is recorded as failed.
LOCAL_RETRY = Retry(1, (2.0,))
#: store-batch, store-listings, refresh-positions: one transaction each, rolled back whole when it fails; never
#: after ``DiskFull`` (:func:`unless_disk_full`).
WRITE_RETRY = Retry(2, (2.0, 10.0))


def uses_server() -> bool:
    """Is this run talking to a Prefect server (a deployment's worker, or the test harness)?

    Prefect's local ephemeral mode (``claimtrack ingest``/``backfill`` without ``PREFECT_API_URL``) runs no
    repossessor service, so a slot held by a killed process would never be freed and every later local run would
    hang on it [measured: a SIGKILLed backfill blocked the next one until its 900 s timeout]. There, DuckDB's own
    file lock (``warehouse.connection`` retries it for 120 s) is the only guard, and it is freed when a process dies.
    """
    return get_current_settings().api.url is not None


def ensure_writer_limit() -> None:
    """Create the ``duckdb-writer`` limit (1 slot) if it is missing; an operator's existing limit is left alone."""
    if not uses_server():
        return
    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(WRITER_LIMIT)
        except ObjectNotFound:
            with suppress(ObjectAlreadyExists):  # another run created it in the meantime
                client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=WRITER_LIMIT, limit=1))


@contextmanager
def writer_slot() -> Iterator[None]:
    """Hold the one DuckDB writer slot (on a server). ``strict``: a missing limit is an error, never a silent
    free-for-all; a failed lease renewal does not abort a write that is already under way."""
    if not uses_server():
        yield
        return
    with concurrency(
        WRITER_LIMIT,
        occupy=1,
        timeout_seconds=WRITER_WAIT_S,
        lease_duration=WRITER_LEASE_S,
        strict=True,
        raise_on_lease_renewal_failure=False,
    ):
        yield


def current_run_id() -> str:
    """The Prefect flow-run id (``runs.run_id``); a fresh uuid when called outside a flow run."""
    try:
        return str(get_run_context().flow_run.id)  # type: ignore[union-attr]
    except Exception:
        return str(uuid.uuid4())


def publish_run_artifacts(flow: str, db: Path, run_id: str, summary: Mapping[str, Any]) -> None:
    """The per-source table and the notable-changes note, attached to the current flow run.

    Keys are stable per flow (``ingest-summary``, ``backfill-summary``, ``position-changes``), so the UI shows
    each as a versioned history across runs. An artifact that cannot be made never fails the run: the data is
    committed already, and ``runs.summary`` holds the same numbers.
    """
    logger = get_run_logger()
    try:
        create_table_artifact(
            key=f"{flow}-summary",
            table=source_table(summary),
            description=f"{flow} run {run_id}: per source discovered / fetched / unchanged / failed / articles / "
            f"claims. Database: {db}",
        )
        create_markdown_artifact(
            key="position-changes",
            markdown=notable_changes(db, run_id),
            description=f"Notable position changes ({flow} run {run_id})",
        )
    except Exception as exc:
        logger.warning("could not publish the run's artifacts (%s: %s); runs.summary has the numbers", type(exc), exc)


@dataclass
class RecordedRun:
    """One run's ``runs`` row while the run goes. The body sets ``summary`` as soon as it has one and ``status``
    when it ends well; a run that raises is recorded ``failed`` with the summary it had got to."""

    flow: str
    run_id: str
    status: str = "failed"
    summary: DataclassInstance | None = None

    def summary_dict(self) -> dict[str, Any]:
        return asdict(self.summary) if self.summary is not None else {}


@contextmanager
def recorded_run(
    flow: str, db: Path, parameters: Mapping[str, Any], *, artifacts: bool = True
) -> Iterator[RecordedRun]:
    """The lifecycle every run shares (ingest, backfill, ``claimtrack reprocess``): a ``runs`` row marked
    ``running`` with the run's parameters before the body starts; its status and summary written when the body
    ends, however it ends; then, with ``artifacts``, the run's keyed artifacts (:func:`publish_run_artifacts`).
    Both writes take the writer slot. A process killed outright leaves its row ``running``."""
    ensure_writer_limit()
    run = RecordedRun(flow=flow, run_id=current_run_id())
    with writer_slot():
        begin_run(db, run.run_id, flow, parameters)
    try:
        yield run
    except BaseException as exc:
        if isinstance(exc, DiskFull):
            exc.summary = run.summary_dict()  # for the command to print: the run stopped here, as far as it got
        try:
            _finish(run, db, artifacts)
        except DiskFull as also:  # the row stays `running`; what stopped the run is the news
            get_run_logger().warning("could not record the run's end in the runs table: %s", also)
        raise
    try:
        _finish(run, db, artifacts)
    except DiskFull as exc:
        exc.summary = run.summary_dict()
        raise


def _finish(run: RecordedRun, db: Path, artifacts: bool) -> None:
    """The run's ``runs`` row finished (status and summary), then its artifacts published."""
    summary = run.summary_dict()
    with writer_slot():
        finish_run(db, run.run_id, run.status, summary)
    if artifacts:
        publish_run_artifacts(run.flow, db, run.run_id, summary)
