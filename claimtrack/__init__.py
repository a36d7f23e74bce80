"""claimtrack: who said what, for which government, and how stated positions change over time.

The product is split by job (see README "Layout"):

- ``extractors``: html -> article, article -> claims, speaker -> government (plain Python, no Prefect).
- ``warehouse``: the DuckDB schema, migrations, writes, views and queries.
- ``flows``: thin Prefect orchestration over the two packages above.
- ``claimtrack``: what they share (settings, errors) and the ``claimtrack`` command line.
"""

__version__ = "0.1.0"
