"""Article text -> attributed statements (claims), as spaCy components over a rule cascade."""

from core.articles import CLAIM_KINDS, Claim, ClaimKind
from extractors.claims._attribution import DEFAULT_OPTIONS, AttributionOptions, attribute
from extractors.claims._lexicon import Cue, Lexicon
from extractors.claims._quotes import Quote, find_quotes
from extractors.claims.component import ClaimExtractor, claims_of
from extractors.claims.continuations import decide_in_order
from extractors.claims.entities import ArticleEntities, Entity, resolve_entities

__all__ = [
    "CLAIM_KINDS",
    "DEFAULT_OPTIONS",
    "ArticleEntities",
    "AttributionOptions",
    "Claim",
    "ClaimExtractor",
    "ClaimKind",
    "Cue",
    "Entity",
    "Lexicon",
    "Quote",
    "attribute",
    "claims_of",
    "decide_in_order",
    "find_quotes",
    "resolve_entities",
]
