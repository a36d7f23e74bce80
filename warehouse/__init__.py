"""The DuckDB warehouse: schema (numbered migrations), connections, writes and queries.

All table access goes through this package, so the storage can move (e.g. to DuckLake) by changing
``warehouse.connection`` rather than the callers.
"""
