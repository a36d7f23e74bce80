"""msgpack encoders so the ``Doc`` extensions claimtrack sets survive ``nlp.pipe(n_process > 1)``.

With several processes spaCy ships each ``Doc`` back to the parent as msgpack, extensions included, and msgpack
knows neither :class:`~extractors.claims.Claim` (``doc._.claims``), the article's entities (``doc._.entities``) nor
:class:`datetime.date` (``doc._.published_on``). Importing this module registers an encoder and decoder for each
with srsly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import srsly

from core.articles import Claim
from extractors.claims.entities import ArticleEntities, Entity

_CLAIM = "__claimtrack_claim__"
_DATE = "__claimtrack_date__"
_ENTITIES = "__claimtrack_entities__"

Chain = Callable[[Any], Any] | None


def encode(obj: Any, chain: Chain = None) -> Any:
    if isinstance(obj, Claim):
        return {_CLAIM: obj.to_json()}
    if isinstance(obj, date):
        return {_DATE: obj.isoformat()}
    if isinstance(obj, ArticleEntities):
        entities = [[e.name, e.kind, [list(m) for m in e.mentions], e.gender] for e in obj.entities]
        return {_ENTITIES: [entities, list(obj.of_claims)]}
    return obj if chain is None else chain(obj)


def decode(obj: Any, chain: Chain = None) -> Any:
    if isinstance(obj, dict):
        if _CLAIM in obj:
            return Claim.from_json(obj[_CLAIM])
        if _DATE in obj:
            return date.fromisoformat(obj[_DATE])
        if _ENTITIES in obj:
            entities, of_claims = obj[_ENTITIES]
            return ArticleEntities(
                tuple(
                    Entity(name, kind, tuple(tuple(m) for m in mentions), gender)
                    for name, kind, mentions, gender in entities
                ),
                tuple(of_claims),
            )
    return obj if chain is None else chain(obj)


srsly.msgpack_encoders.register("claimtrack", func=encode)
srsly.msgpack_decoders.register("claimtrack", func=decode)
