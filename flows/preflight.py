"""What a run reads, checked before it starts: the sources file (with its ``[crawler]`` table), the seed files
(actors, topics, the generated tables, the claim extractor's word lists), that the spaCy model and the sentence
embedder's files are installed (looked up, not loaded: a run that finds nothing new never loads them), and a
backfill's URL list and WARC files.

``claimtrack ingest``/``backfill`` call these before they start a flow, so a typo is one line of error and exit 2
within seconds: Prefect's local server is not started and no database or folder is created. Nothing here imports
Prefect. The flows read the same files again when they run (a deployment run is not checked by the command line).
"""

from __future__ import annotations

from core.errors import ConfigError
from core.settings import Settings
from crawler.sources import load_crawl_settings, load_sources, read_url_list, select_sources
from extractors.embeddings import embedder_files
from extractors.nlp import resolve_model
from extractors.seeds import load_seeds
from flows.params import BackfillParams


def check_ingest(settings: Settings) -> None:
    """Raise :class:`ConfigError` for the first problem in the files an ingest reads."""
    load_sources(settings.sources)
    load_crawl_settings(settings.sources)
    resolve_model(settings.model)
    embedder_files()
    load_seeds()


def check_backfill(params: BackfillParams, settings: Settings) -> None:
    """Raise :class:`ConfigError` for the first problem in the files a backfill reads: the sources file when it
    crawls the sources (and the sources it names), the URL list and the WARC files it is given, the seed files."""
    if params.crawls_sources:
        select_sources(load_sources(settings.sources), params.source_names, settings.sources)
        load_crawl_settings(settings.sources)
    if params.urls_file is not None:
        if not params.urls_file.is_file():
            raise ConfigError(f"urls_file not found: {params.urls_file}")
        read_url_list(params.urls_file, allow_private=params.allow_private)
    for path in params.warc or ():
        if not path.is_file():
            raise ConfigError(f"WARC file not found: {path}")
    resolve_model(settings.model)
    embedder_files()
    load_seeds()
