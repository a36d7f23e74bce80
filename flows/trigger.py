"""Start a deployment's flow run on the Prefect server (``claimtrack backfill --deployment``) and follow it."""

from __future__ import annotations

import sys
import time
from typing import Any, cast

from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.settings import get_current_settings
from pydantic import BaseModel

from core.errors import ConfigError

#: How often the state of a triggered run is polled.
POLL_S = 2.0


def server_urls() -> tuple[str, str]:
    """``(api_url, ui_url)`` of the configured server; a missing ``PREFECT_API_URL`` is a clear error, since Prefect
    would otherwise start a throw-away local server that has no deployments and no worker."""
    settings = get_current_settings()
    api = settings.api.url
    if not api:
        raise ConfigError(
            "--deployment needs a Prefect server: start one and set PREFECT_API_URL, e.g. "
            "`export PREFECT_API_URL=http://127.0.0.1:4200/api` (docs/deploy.md, 'Run on a Prefect server')"
        )
    ui = settings.ui_url or api.removesuffix("/api")
    return api, ui


def deployment_parameters(params: BaseModel) -> dict[str, Any]:
    """A flow's ``params`` (``flows.params``) as a deployment run takes them: JSON, and only the fields that differ
    from their defaults, so the rest is resolved on the worker (its ``CLAIMTRACK_*`` environment)."""
    return {"params": params.model_dump(mode="json", exclude_defaults=True)}


def trigger_deployment(name: str, params: BaseModel, *, wait: bool = True) -> int:
    """Create a run of deployment ``flow/deployment`` with ``params``; with ``wait``, print its state changes until
    it ends. Returns a process exit code: 0 when the run completed (or was only created), 1 otherwise."""
    _, ui = server_urls()
    parameters = deployment_parameters(params)
    try:
        run = cast(FlowRun, run_deployment(name, parameters=parameters, timeout=0, as_subflow=False))
    except Exception as exc:
        raise ConfigError(
            f"cannot start deployment {name!r}: {exc}. Is it deployed (`prefect deploy --all`)?"
        ) from None
    print(f"flow run {run.name} ({run.id}) created for {name}: {ui}/runs/flow-run/{run.id}", file=sys.stderr)
    if not wait:
        return 0
    last = None
    with get_client(sync_client=True) as client:
        while True:
            state = client.read_flow_run(run.id).state
            if state is not None and state.name != last:
                last = state.name
                print(f"{time.strftime('%H:%M:%S')} {state.name}", file=sys.stderr)
            if state is not None and state.is_final():
                break
            time.sleep(POLL_S)
    if state.is_completed():
        return 0
    print(f"flow run {run.name} ended {state.name}: {state.message or ''}", file=sys.stderr)
    return 1
