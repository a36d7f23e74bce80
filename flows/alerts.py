"""How a run tells operators that it went badly, and the Prefect automation that notifies them.

A run in which most sources got nothing but failures (``flows.summary.DEGRADED_SHARE``) still completes: what was
reachable is stored, and unreachable sites are recorded in ``fetches``. Its final Prefect state is *Completed*
named ``Degraded``, with the failed sources in its message, and its ``runs`` row says ``degraded``. The server turns
that state into the event ``prefect.flow-run.Degraded``; :func:`degraded_run_automation` sends a notification through
a notification block (Slack, e-mail, a webhook...) for every such event. Create or update it once per server::

    .venv/bin/python -m flows.alerts slack-webhook/claimtrack-alerts

(docs/deploy.md, "Alerts": how to make the block, and what the message says).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, cast
from uuid import UUID

from prefect.automations import Automation
from prefect.blocks.core import Block
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import State
from prefect.events.actions import SendNotification
from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture
from prefect.states import Completed

from flows.summary import IngestSummary

#: The final state's name of a degraded run (its type stays COMPLETED: the run did what it could).
DEGRADED = "Degraded"
#: The automation's name on the server; creating it again updates it.
AUTOMATION_NAME = "claimtrack: degraded run"
SUBJECT = "claimtrack: {{ flow.name }} run {{ flow_run.name }} degraded"
BODY = (
    "The {{ flow.name }} run {{ flow_run.name }} ({{ flow_run.id }}) completed, but most of its sources got nothing "
    "but failures: {{ flow_run.state.message }}.\n"
    "Its summary is in the runs table and in the run's artifacts. {{ flow_run|ui_url }}"
)


def final_result(summary: IngestSummary) -> dict[str, Any]:
    """What a flow returns: its summary, or, for a degraded run, a Completed state named ``Degraded`` holding it.
    Prefect makes a returned state the run's final state and hands its data to a caller that called the flow."""
    if summary.status != "degraded":
        return summary.as_dict()
    state: State[dict[str, Any]] = Completed(name=DEGRADED, message=summary.degraded_note(), data=summary.as_dict())
    return cast(dict[str, Any], state)


def degraded_run_automation(block_document_id: UUID) -> Automation:
    """Notify through the notification block ``block_document_id`` whenever a flow run ends ``Degraded``."""
    return Automation(
        name=AUTOMATION_NAME,
        description="Most sources of a claimtrack run got nothing but failures (flows/alerts.py).",
        trigger=EventTrigger(
            expect={f"prefect.flow-run.{DEGRADED}"},
            match={"prefect.resource.id": "prefect.flow-run.*"},
            posture=Posture.Reactive,
            threshold=1,
            within=timedelta(0),
        ),
        actions=[SendNotification(block_document_id=block_document_id, subject=SUBJECT, body=BODY)],
    )


def install_automation(block_slug: str) -> UUID:
    """Create the automation on the server at ``PREFECT_API_URL``, or update the one of the same name; returns its
    id. ``block_slug`` is ``<block type>/<block name>``, as ``prefect block ls`` lists it."""
    block = cast(Block, Block.load(block_slug))  # sync here: Block.load is sync_compatible
    block_id = block._block_document_id
    if block_id is None:
        raise ValueError(f"block {block_slug} has no id on the server")
    automation = AutomationCore(**degraded_run_automation(block_id).model_dump(exclude={"id", "owner_resource"}))
    with get_client(sync_client=True) as client:
        existing = client.read_automations_by_name(AUTOMATION_NAME)
        if existing:
            client.update_automation(existing[0].id, automation)
            return existing[0].id
        return client.create_automation(automation)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m flows.alerts",
        description=f"Create (or update) the automation {AUTOMATION_NAME!r}: notify through BLOCK when a run ends "
        f"in the state {DEGRADED!r} (most sources got nothing but failures).",
    )
    parser.add_argument("block", metavar="BLOCK", help="notification block, e.g. slack-webhook/claimtrack-alerts")
    args = parser.parse_args(argv)
    automation_id = install_automation(args.block)
    print(f"automation {AUTOMATION_NAME!r} ({automation_id}) notifies through {args.block}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
