"""Prefect orchestration over the stages: each flow reads like a table of contents over plain functions.

``ingest`` and ``backfill`` (typed ``params``), ``reprocess`` and ``rebuild``, ``refresh`` (read, derive, write
positions), ``store`` (a fetched batch -> archive + one transaction), ``common`` (the writer slot, the run
lifecycle), ``runreport``, ``summary``, ``files`` (``claimtrack extract``), ``trigger`` (``--deployment``),
``preflight`` (the files a run reads, checked before Prefect starts) and ``alerts`` (degraded runs and the
automation that notifies on them).

The exports load on first use: importing a flow imports Prefect (seconds), which ``claimtrack extract`` and
``claimtrack sql`` must not pay.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ingest": "flows.ingest",
    "backfill": "flows.backfill",
    "IngestParams": "flows.params",
    "BackfillParams": "flows.params",
    "ReprocessParams": "flows.params",
    "RebuildParams": "flows.params",
    "refresh_positions": "flows.refresh",
    "reprocess_database": "flows.reprocess",
    "rebuild_database": "flows.rebuild",
    "claims_of_files": "flows.files",
    "trigger_deployment": "flows.trigger",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'flows' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)


def __dir__() -> list[str]:
    return __all__
