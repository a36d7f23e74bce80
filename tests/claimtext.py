"""Claims of one short text, for the tests that check the extractor on sentences from real reporting."""

from __future__ import annotations

from datetime import date

from spacy.language import Language

from core.articles import Claim
from extractors.nlp import TextItem, extract_claims


def claims_of(nlp: Language, text: str, when: date | None = None, title: str | None = None) -> list[Claim]:
    """The claims ``nlp`` finds in ``text`` (published on ``when``, under ``title``)."""
    return next(extract_claims(nlp, [TextItem(text, when, title=title)]))


def said(claims: list[Claim], start: str) -> Claim:
    """The claim whose content starts with ``start`` (opening quote marks aside)."""
    found = [c for c in claims if c.content.lstrip("“\"‘'").startswith(start)]
    assert found, [(c.speaker, c.content[:40]) for c in claims]
    return found[0]
