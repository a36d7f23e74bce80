"""What every stage shares and nothing else: the error family, settings, and the records passed between stages.

``core`` imports nothing else of claimtrack; every other package may import it. The records are plain frozen
dataclasses: ``pages`` (what the crawler hands on), ``articles`` (what the extractors hand on), ``statements``
(what position tracking derives), read and written by ``warehouse`` through one mapping per record type.
"""

from core.articles import CLAIM_KINDS, Article, Claim, ClaimKind, ExtractedArticle, PriorExtraction, ReusedExtraction
from core.dates import parse_date
from core.errors import (
    BackfillIncomplete,
    ClaimtrackError,
    ConfigError,
    DatabaseLocked,
    DiscoveryError,
    EvaluationDataError,
    ExtractError,
    FetchError,
    QueryError,
    UnknownChoice,
    WarehouseError,
)
from core.pages import FetchedPage, FetchResult, KnownPage, PageRef
from core.settings import SeedPaths, Settings
from core.statements import ComparisonRow, DerivedRows, Report, Statement, StatementFeatures

__version__ = "0.1.0"

__all__ = [
    "CLAIM_KINDS",
    "Article",
    "BackfillIncomplete",
    "Claim",
    "ClaimKind",
    "ClaimtrackError",
    "ComparisonRow",
    "ConfigError",
    "DatabaseLocked",
    "DerivedRows",
    "DiscoveryError",
    "EvaluationDataError",
    "ExtractError",
    "ExtractedArticle",
    "FetchError",
    "FetchResult",
    "FetchedPage",
    "KnownPage",
    "PageRef",
    "PriorExtraction",
    "QueryError",
    "Report",
    "ReusedExtraction",
    "SeedPaths",
    "Settings",
    "Statement",
    "StatementFeatures",
    "UnknownChoice",
    "WarehouseError",
    "__version__",
    "parse_date",
]
