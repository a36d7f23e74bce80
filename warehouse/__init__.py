"""The DuckDB warehouse: schema (numbered migrations for tables, ``views/`` for views and table macros),
connections, writes, reads and the raw archive.

All table access goes through this package, so the storage can move (e.g. to DuckLake) by changing
``warehouse.connection`` rather than the callers.
"""
