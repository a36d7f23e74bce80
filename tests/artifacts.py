"""Reading a flow run's artifacts back through the Prefect client (as the UI shows them)."""

from __future__ import annotations

import json
from typing import Any

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId


def run_artifacts(flow_run_id: str) -> dict[str, Any]:
    """``{key or type: data}`` of a flow run's artifacts; table data is parsed from its JSON."""
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))  # type: ignore[list-item]
        )
    found: dict[str, Any] = {}
    for artifact in artifacts:
        data = artifact.data
        if artifact.type == "table" and isinstance(data, str):
            data = json.loads(data)
        found[artifact.key or str(artifact.type)] = data
    return found
