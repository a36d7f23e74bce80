"""Resolve each speaker mention to a canonical name within one document.

Rules, tried in order for each claim (document order):

1. a full name in the mention (``China's top diplomat Wang Yi``) is its own canonical form;
2. a single name (``Wang``) resolves to the full name holding that word elsewhere in the document
   (``Wang Yi``); failing that, to a full name with a close spelling (``Zhovka`` -> ``Igor Zhovkva``);
3. ``he``/``she`` resolve to the nearest earlier person speaker; ``they``/``we`` to the nearest earlier
   group speaker;
4. a definite description (``the spokesman``, ``the ministry``) resolves to the nearest earlier speaker
   whose mention holds all its words (``A spokesman for the German foreign ministry``);
5. anything else (``China's foreign ministry``, ``a Kremlin spokesman``) is canonical as written, minus its
   article, with one spelling per document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from difflib import SequenceMatcher

from core.articles import Claim
from extractors.claims._lexicon import FIRST_PERSON, PERSONAL_PRONOUNS, PLURAL_PRONOUNS
from extractors.claims.continuations import decide_in_order

#: How alike two spellings must be for a repeat to count as a misspelling of a full name.
FUZZY_NAME_RATIO = 0.8
#: Shortest single name we try to match fuzzily (short names collide too easily).
FUZZY_MIN_CHARS = 4
_ARTICLES = ("the ", "a ", "an ")
_WORD = re.compile(r"[\w’'-]+")


def resolve_speakers(claims: Sequence[Claim], people: Sequence[tuple[int, str]] = ()) -> list[Claim]:
    """Fill ``speaker_canonical`` and ``speaker_resolution``.

    ``people``: ``(offset, full name)`` of PERSON entities anywhere in the document, so a surname can resolve to a
    name introduced outside any claim.
    """
    full_names = [(pos, name) for pos, name in people if len(name.split()) >= 2]
    full_names += [
        (c.speaker_span[0], c.speaker_name)
        for c in claims
        if c.speaker_span and c.speaker_name and len(c.speaker_name.split()) >= 2
    ]
    full_names.sort()
    spellings: dict[str, str] = {}
    return decide_in_order(
        claims,
        lambda claim, earlier: _resolve_one(claim, full_names, earlier, spellings),
        inherit=("speaker_canonical", "speaker_resolution", "speaker_is_person"),
    )


def _resolve_one(
    claim: Claim, full_names: list[tuple[int, str]], earlier: list[Claim], spellings: dict[str, str]
) -> Claim:
    if claim.speaker is None or claim.speaker_span is None:
        return claim
    position = claim.speaker_span[0]
    mention = claim.speaker.strip()
    lowered = mention.lower()
    if claim.speaker_name:
        words = claim.speaker_name.split()
        if len(words) >= 2:
            return replace(claim, speaker_canonical=claim.speaker_name, speaker_resolution="mention")
        match = _full_name_for(words[0], full_names, position)
        if match is not None:
            full, how = match
            return replace(claim, speaker_canonical=full, speaker_resolution=how, speaker_is_person=True)
        return replace(claim, speaker_canonical=claim.speaker_name, speaker_resolution="mention")
    if lowered in PERSONAL_PRONOUNS:
        for previous in reversed(earlier):
            if previous.speaker_is_person and previous.speaker_canonical:
                return replace(
                    claim,
                    speaker_canonical=previous.speaker_canonical,
                    speaker_resolution="pronoun",
                    speaker_is_person=True,
                )
        before = [name for pos, name in full_names if pos < position]
        if before:
            return replace(claim, speaker_canonical=before[-1], speaker_resolution="pronoun", speaker_is_person=True)
        return claim
    if lowered in PLURAL_PRONOUNS or lowered in FIRST_PERSON:
        for previous in reversed(earlier):
            if previous.speaker_canonical and not previous.speaker_is_person:
                return replace(claim, speaker_canonical=previous.speaker_canonical, speaker_resolution="pronoun")
        return claim
    if lowered.startswith("the ") and claim.speaker_head:
        description = set(_WORD.findall(lowered)[1:])
        for previous in reversed(earlier):
            if (
                previous.speaker_canonical
                and previous.speaker
                and previous.speaker_span != claim.speaker_span
                and description <= set(_WORD.findall(previous.speaker.lower()))
            ):
                return replace(
                    claim,
                    speaker_canonical=previous.speaker_canonical,
                    speaker_resolution="description",
                    speaker_is_person=previous.speaker_is_person,
                )
    canonical = mention
    for article in _ARTICLES:
        if canonical.lower().startswith(article):
            canonical = canonical[len(article) :]
            break
    canonical = spellings.setdefault(canonical.lower(), canonical)
    return replace(claim, speaker_canonical=canonical, speaker_resolution="mention")


def _full_name_for(word: str, full_names: list[tuple[int, str]], position: int) -> tuple[str, str] | None:
    """The full name (``Wang Yi``) a single name (``Wang``) refers to, nearest before ``position`` first."""
    ordered = [n for p, n in reversed(full_names) if p <= position] + [n for p, n in full_names if p > position]
    lowered = word.lower()
    for name in ordered:
        if lowered in (w.lower() for w in name.split()):
            return name, "name"
    if len(word) >= FUZZY_MIN_CHARS:
        best: tuple[float, str] | None = None
        for name in ordered:
            for part in name.split():
                if part[:1].lower() != lowered[:1]:
                    continue
                ratio = SequenceMatcher(None, lowered, part.lower()).ratio()
                if ratio >= FUZZY_NAME_RATIO and (best is None or ratio > best[0]):
                    best = (ratio, name)
        if best is not None:
            return best[1], "fuzzy"
    return None
