"""Article text -> attributed statements (claims), as spaCy components over a rule cascade."""

from core.articles import CLAIM_KINDS, Claim, ClaimKind
from extractors.claims._attribution import DEFAULT_OPTIONS, AttributionOptions, attribute
from extractors.claims._lexicon import Cue, load_cues
from extractors.claims._quotes import Quote, find_quotes
from extractors.claims._speakers import resolve_speakers
from extractors.claims.component import ClaimExtractor, claims_of

__all__ = [
    "CLAIM_KINDS",
    "DEFAULT_OPTIONS",
    "AttributionOptions",
    "Claim",
    "ClaimExtractor",
    "ClaimKind",
    "Cue",
    "Quote",
    "attribute",
    "claims_of",
    "find_quotes",
    "load_cues",
    "resolve_speakers",
]
