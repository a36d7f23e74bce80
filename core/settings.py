"""Where things live and which model runs, resolved once from the environment.

Every command-line option has an environment variable behind it, so scheduled runs (Prefect deployments)
and ad-hoc commands agree without repeating flags:

=====================  ==========================  =================================================
variable               default                     what
=====================  ==========================  =================================================
``CLAIMTRACK_DB``      ``data/claimtrack.duckdb``  the DuckDB file every command reads or writes
``CLAIMTRACK_SOURCES`` ``seeds/sources.toml``      what ``ingest`` polls
``CLAIMTRACK_MODEL``   ``en_core_web_sm``          spaCy model by name (``_sm``, ``_md``, ``_lg``, ``_trf``)
``CLAIMTRACK_ARCHIVE`` ``<db folder>/raw``         the content-addressed archive of fetched bodies
``CLAIMTRACK_ACTORS``  ``seeds/actors.csv``        curated people and bodies (speaker -> government)
``CLAIMTRACK_TOPICS``  ``seeds/topics.toml``       topics claims are tagged with
``CLAIMTRACK_PROCESSES`` ``auto``                  extraction worker processes (``auto``: usable cores, up to 4)
``CLAIMTRACK_WAREHOUSE`` ``duckdb``                ``duckdb`` (the single file) or ``ducklake`` (several machines)
``CLAIMTRACK_LAKE_CATALOG`` (none)                 DuckLake: the Postgres catalog (``dbname=... host=... user=...``)
``CLAIMTRACK_LAKE_DATA`` (none)                    DuckLake: the folder (or ``s3://`` prefix) of its Parquet files
=====================  ==========================  =================================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from core.errors import ConfigError

#: The similarity method position tracking uses unless told otherwise (``positions.similarity``): refreshes compute it,
#: and ``claimtrack positions``, ``report``, ``eval positions`` and the ``position_as_of`` macro show it.
DEFAULT_SIMILARITY: Final = "minilm-onnx"

#: ``processes = "auto"`` uses every usable core up to this many (each worker holds a model: ~250 MB for _sm).
MAX_AUTO_PROCESSES = 4


def usable_cpus() -> int:
    """Cores this process may run on (CPU affinity, e.g. a container's cpuset), not the machine's total."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def resolve_processes(value: int | str | None) -> int:
    """Worker processes for extraction: a positive number, or ``auto`` (every usable core, at most
    :data:`MAX_AUTO_PROCESSES`). ``1`` extracts in the calling process, with no pool."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "auto")):
        return max(1, min(usable_cpus(), MAX_AUTO_PROCESSES))
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"processes must be a positive number or 'auto', got {value!r}") from None
    if number < 1:
        raise ConfigError(f"processes must be at least 1, got {number}")
    return number


#: The folder holding the product's own seed files (sources, actors, topics, sample article).
SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"

DEFAULT_DB = Path("data/claimtrack.duckdb")
DEFAULT_SOURCES = SEEDS_DIR / "sources.toml"
DEFAULT_MODEL = "en_core_web_sm"


def default_db() -> Path:
    return Path(os.environ.get("CLAIMTRACK_DB") or DEFAULT_DB)


def default_sources() -> Path:
    return Path(os.environ.get("CLAIMTRACK_SOURCES") or DEFAULT_SOURCES)


def default_model() -> str:
    return os.environ.get("CLAIMTRACK_MODEL") or DEFAULT_MODEL


def default_actors_file() -> Path:
    return Path(os.environ.get("CLAIMTRACK_ACTORS") or SEEDS_DIR / "actors.csv")


def default_topics_file() -> Path:
    return Path(os.environ.get("CLAIMTRACK_TOPICS") or SEEDS_DIR / "topics.toml")


@dataclass(frozen=True, kw_only=True)
class SeedPaths:
    """The seed files the spaCy components are initialized with (``extractors.seeds`` reads them). The actors
    and topics files follow ``CLAIMTRACK_ACTORS``/``CLAIMTRACK_TOPICS`` when the object is made; the generated
    tables (``tools/build_countries.py``, ``tools/build_roles.py``) are the shipped ones."""

    #: Country names, demonyms, capitals and metonyms -> government code.
    countries: Path = SEEDS_DIR / "countries.tsv"
    #: Country-code top-level domains -> government code (an outlet's country).
    tlds: Path = SEEDS_DIR / "cctlds.tsv"
    #: Role nouns -> actor type.
    roles: Path = SEEDS_DIR / "roles.tsv"
    #: Curated people and bodies, with the offices they held and when.
    actors: Path = field(default_factory=default_actors_file)
    #: Topics claims are tagged with.
    topics: Path = field(default_factory=default_topics_file)


def default_processes() -> str:
    return os.environ.get("CLAIMTRACK_PROCESSES") or "auto"


def default_archive(db: Path) -> Path:
    env = os.environ.get("CLAIMTRACK_ARCHIVE")
    return Path(env) if env else db.parent / "raw"


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The paths and model one run uses. Build with :meth:`from_env`, override fields as needed."""

    db: Path = field(default_factory=default_db)
    sources: Path = field(default_factory=default_sources)
    model: str = field(default_factory=default_model)
    archive: Path | None = None
    #: Processes that extract pages (``extractors.workers``); 1 extracts in the flow's own process.
    processes: int = field(default_factory=lambda: resolve_processes(default_processes()))

    @classmethod
    def resolve(
        cls,
        *,
        db: str | Path | None = None,
        sources: str | Path | None = None,
        model: str | None = None,
        processes: int | str | None = None,
    ) -> Settings:
        """Explicit values where given (flow parameters, CLI flags), environment defaults for the rest."""
        return cls(
            db=Path(db) if db else default_db(),
            sources=Path(sources) if sources else default_sources(),
            model=model or default_model(),
            processes=resolve_processes(processes if processes is not None else default_processes()),
        )

    @property
    def archive_dir(self) -> Path:
        return self.archive if self.archive is not None else default_archive(self.db)


#: The warehouse backends ``CLAIMTRACK_WAREHOUSE`` chooses between.
WAREHOUSE_BACKENDS = ("duckdb", "ducklake")


@dataclass(frozen=True, kw_only=True)
class WarehouseSettings:
    """Where the tables live. ``duckdb`` (the default): the one DuckDB file each command is given (``--db``).
    ``ducklake``: a DuckLake whose catalog is a Postgres database and whose data are Parquet files under
    ``lake_data``, which processes on several machines write at once (docs/deploy.md "Run on several machines");
    the ``--db`` path then only places the raw archive."""

    backend: str = "duckdb"
    #: libpq connection string of the Postgres catalog, e.g. ``dbname=claimtrack host=10.0.0.5 user=claimtrack``.
    lake_catalog: str = ""
    #: Folder (local, shared file system) or object-store prefix of the Parquet data files.
    lake_data: str = ""

    @property
    def is_lake(self) -> bool:
        return self.backend == "ducklake"

    @classmethod
    def from_env(cls) -> WarehouseSettings:
        backend = (os.environ.get("CLAIMTRACK_WAREHOUSE") or "duckdb").strip().lower()
        if backend not in WAREHOUSE_BACKENDS:
            raise ConfigError(f"CLAIMTRACK_WAREHOUSE must be one of {', '.join(WAREHOUSE_BACKENDS)}, got {backend!r}")
        found = cls(
            backend=backend,
            lake_catalog=os.environ.get("CLAIMTRACK_LAKE_CATALOG", "").strip(),
            lake_data=os.environ.get("CLAIMTRACK_LAKE_DATA", "").strip(),
        )
        if found.is_lake and not (found.lake_catalog and found.lake_data):
            raise ConfigError(
                "CLAIMTRACK_WAREHOUSE=ducklake needs CLAIMTRACK_LAKE_CATALOG (a Postgres connection string such as"
                " 'dbname=claimtrack host=127.0.0.1 user=claimtrack') and CLAIMTRACK_LAKE_DATA (the Parquet folder)"
            )
        return found
