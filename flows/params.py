"""What a run is asked to do: the parameters of the flows and of the commands that write, as pydantic models.

Prefect checks a flow run's parameters against these before the flow body starts, so a bad batch size or date
fails the run at once with the field named (nothing is fetched or recorded), and the UI shows them as a form.
``claimtrack ingest``/``backfill``/``reprocess``/``rebuild`` build the same objects a library user builds, and a
deployment run passes the same fields as JSON under ``params``::

    prefect deployment run backfill/backfill -p params='{"reprocess": true}'

A field left at ``None`` is resolved when the run starts (``core.settings``: the environment, then the defaults),
on the machine that runs it: a worker's ``CLAIMTRACK_DB`` applies to a deployment run that names no ``db``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.settings import DEFAULT_SIMILARITY, Settings
from crawler.window import DEFAULT_BATCH_SIZE

#: Extraction worker processes a run may ask for. Each holds a spaCy model (~250 MB for _sm), so more than this
#: is a typo, not a plan.
MAX_PROCESSES = 64
#: Shards one ingest may fan out into (each is a flow run on the work pool).
MAX_SHARDS = 64
#: A batch is held in memory (bodies, parsed documents) and written in one transaction; more than this only
#: lengthens each hold on the write lock.
MAX_BATCH_SIZE = 1000
#: Articles read, extracted and written per transaction by ``claimtrack reprocess`` (keeps each hold on the write
#: lock short).
DEFAULT_REPROCESS_BATCH = 50

DatabaseFile = Annotated[
    Path | None, Field(description="DuckDB file (default: $CLAIMTRACK_DB or data/claimtrack.duckdb)")
]
SourcesFile = Annotated[
    Path | None, Field(description="sources TOML (default: $CLAIMTRACK_SOURCES or seeds/sources.toml)")
]
ModelName = Annotated[
    str | None,
    Field(min_length=1, max_length=200, description="spaCy model name (default: $CLAIMTRACK_MODEL or en_core_web_sm)"),
]
Processes = Annotated[
    int | None,
    Field(
        ge=1,
        le=MAX_PROCESSES,
        description="extraction worker processes (default: $CLAIMTRACK_PROCESSES or auto = usable cores, up to 4; "
        "1 = extract in the run's own process)",
    ),
]
RawArchive = Annotated[Path | None, Field(description="raw archive (default: $CLAIMTRACK_ARCHIVE or <db folder>/raw)")]
FromRaw = Annotated[bool, Field(description="re-extract the text of articles made by an older article extractor")]


class _Params(BaseModel):
    # Frozen: a run's parameters are a value. Unknown fields are an error, so a misspelt deployment parameter
    # fails the run instead of being ignored.
    model_config = ConfigDict(frozen=True, extra="forbid")


class _RunParams(_Params):
    """Where a flow run reads and writes, and what it extracts with."""

    sources: SourcesFile = None
    db: DatabaseFile = None
    model: ModelName = None
    processes: Processes = None

    def settings(self) -> Settings:
        return Settings.resolve(db=self.db, sources=self.sources, model=self.model, processes=self.processes)


class IngestParams(_RunParams):
    """One poll of every configured source (the ``ingest`` flow)."""

    shards: int = Field(
        default=1,
        ge=1,
        le=MAX_SHARDS,
        description="split the sources into this many flow runs of the ingest-shard deployment, which the work"
        " pool's workers take (on a DuckLake warehouse; flows.fanout); 1 runs them all here",
    )
    shard: int | None = Field(
        default=None, ge=0, description="set by the fan-out: this run polls only shard number `shard` of `shards`"
    )

    def recorded(self, settings: Settings) -> dict[str, Any]:
        """``runs.parameters`` of the run: what it resolved to."""
        resolved: dict[str, Any] = {
            "sources": str(settings.sources),
            "db": str(settings.db),
            "model": settings.model,
            "processes": settings.processes,
        }
        if self.shards > 1:
            resolved.update(shards=self.shards, shard=self.shard)
        return resolved


class BackfillParams(_RunParams):
    """A period of the sources, a URL list, WARC files, or a re-extraction of stored pages (the ``backfill`` flow).

    Modes combine; with none of ``urls_file``, ``warc`` and ``reprocess`` given, the configured sources are
    backfilled.
    """

    since: date | None = Field(default=None, description="first publication day to take (UTC)")
    until: date | None = Field(default=None, description="last publication day to take (UTC)")
    urls_file: Path | None = Field(default=None, description="text file with one page URL per line")
    warc: tuple[Path, ...] | None = Field(default=None, description="WARC files to import")
    reprocess: bool = Field(
        default=False, description="re-extract stored raw pages with the current extractor (no network)"
    )
    source_names: tuple[str, ...] | None = Field(default=None, description="only these sources (sources and reprocess)")
    allow_private: bool = Field(default=False, description="let urls_file reach loopback/private addresses")
    batch_size: int = Field(default=DEFAULT_BATCH_SIZE, ge=1, le=MAX_BATCH_SIZE, description="pages per task")

    @model_validator(mode="after")
    def _window_in_order(self) -> BackfillParams:
        if self.since is not None and self.until is not None and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until}); swap them")
        return self

    @property
    def crawls_sources(self) -> bool:
        """Are the configured sources fetched: asked for, or no other mode is?"""
        return self.sources is not None or not (self.reprocess or self.urls_file or self.warc)

    def recorded(self, settings: Settings) -> dict[str, Any]:
        """``runs.parameters`` of the run: the modes as given, the paths and model as resolved."""
        return {
            "sources": str(self.sources) if self.sources is not None else None,
            "since": self.since,
            "until": self.until,
            "urls_file": str(self.urls_file) if self.urls_file is not None else None,
            "warc": [str(path) for path in self.warc] if self.warc else None,
            "reprocess": self.reprocess,
            "source_names": list(self.source_names) if self.source_names else None,
            "batch_size": self.batch_size,
            "db": str(settings.db),
            "model": settings.model,
            "processes": settings.processes,
        }


class ReprocessParams(_Params):
    """Stored articles extracted again with the current extractors (``claimtrack reprocess``)."""

    db: DatabaseFile = None
    model: ModelName = None
    force: bool = Field(default=False, description="also redo articles already at the current version")
    batch_size: int = Field(
        default=DEFAULT_REPROCESS_BATCH, ge=1, le=MAX_BATCH_SIZE, description="articles per transaction"
    )
    from_raw: FromRaw = False
    archive: RawArchive = None


class RebuildParams(_Params):
    """Everything derived from the articles made again: stale claims, then statements and positions
    (``claimtrack rebuild``)."""

    db: DatabaseFile = None
    model: ModelName = None
    methods: tuple[Literal["lexical", "minilm-onnx"], ...] = Field(
        default=(DEFAULT_SIMILARITY,), min_length=1, description="similarity method(s) for position_changes"
    )
    from_raw: FromRaw = False
    archive: RawArchive = None


DEFAULT_INGEST = IngestParams()
DEFAULT_BACKFILL = BackfillParams()
