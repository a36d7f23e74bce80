"""The DuckDB warehouse: schema (numbered migrations for tables in ``migrations/``, one file per view or table macro
in ``views/``, applied by ``schema``), connections (one writer, retrying readers), record -> row mappings
(``rows``), every write (``writes``), every read (``reads``) and the raw archive of fetched bodies (``archive``).

All table access goes through this package, so the storage can move (e.g. to DuckLake) by changing
``warehouse.connection`` rather than the callers. It imports only ``core``.
"""

from warehouse.archive import RawArchive
from warehouse.connection import reader, writer
from warehouse.reads import known_pages, run_sql, table_counts
from warehouse.writes import Batch, BatchCounts, begin_run, finish_run, replace_derived, store_batches

__all__ = [
    "Batch",
    "BatchCounts",
    "RawArchive",
    "begin_run",
    "finish_run",
    "known_pages",
    "reader",
    "replace_derived",
    "run_sql",
    "store_batches",
    "table_counts",
    "writer",
]
