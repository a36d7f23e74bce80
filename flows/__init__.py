"""Thin Prefect orchestration: each flow reads like a table of contents over ``extractors`` and ``warehouse``."""
