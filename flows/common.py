"""What every flow shares: the DuckDB writer slot, the run id, and the artifacts a run publishes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from prefect import get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.concurrency.sync import concurrency
from prefect.context import get_run_context
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

from claimtrack.runreport import notable_changes, source_table

#: Prefect global concurrency limit around every DuckDB write. DuckDB allows one writing process; two flow
#: runs (a scheduled ingest and a backfill) are two processes under a process worker, so their writes take
#: turns here instead of failing on the file lock.
WRITER_LIMIT = "duckdb-writer"
#: How long a write waits for the slot before its task fails (and is retried).
WRITER_WAIT_S = 900.0


def ensure_writer_limit() -> None:
    """Create the ``duckdb-writer`` limit (1 slot) if it is missing; an operator's existing limit is left alone."""
    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(WRITER_LIMIT)
        except ObjectNotFound:
            with suppress(ObjectAlreadyExists):  # another run created it in the meantime
                client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=WRITER_LIMIT, limit=1))


@contextmanager
def writer_slot() -> Iterator[None]:
    """Hold the one DuckDB writer slot. ``strict``: a missing limit is an error, never a silent free-for-all."""
    with concurrency(WRITER_LIMIT, occupy=1, timeout_seconds=WRITER_WAIT_S, strict=True):
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
