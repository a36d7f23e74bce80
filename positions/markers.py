"""What a careful reader looks for when the same point comes back on a later day: the figures it states (a tariff
rate, an enrichment level, a deadline), the conditions it sets ("unless", "as long as", "only if"), and the words
that say the position is unchanged ("reiterated", "again", "still", "remains") or that it moved ("no longer",
"for the first time", "now", "suspended").

These are read once per statement with the spaCy parse (``positions.features``) and compared by
``positions.changes``, which names the one that differs as the evidence of a shift.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Token

#: Units a figure is read with ("20 percent" and "20%" are the same figure).
UNITS: dict[str, str] = {
    "%": "%",
    "percent": "%",
    "per": "%",  # "per cent"
    "pct": "%",
    "kilograms": "kg",
    "kilogram": "kg",
    "kg": "kg",
    "tonnes": "t",
    "tons": "t",
    "billion": "bn",
    "million": "m",
    "trillion": "tn",
    "hours": "h",
    "hour": "h",
    "days": "d",
    "day": "d",
    "weeks": "wk",
    "week": "wk",
    "months": "mo",
    "month": "mo",
    "years": "yr",
    "year": "yr",
    "centrifuges": "centrifuges",
    "troops": "troops",
    "soldiers": "troops",
}
CURRENCIES = {"$": "$", "€": "€", "£": "£", "¥": "¥", "dollars": "$", "euros": "€"}
_SPELLED = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "twelve": "12", "fifteen": "15", "twenty": "20", "thirty": "30", "forty": "40",
    "fifty": "50", "sixty": "60", "hundred": "100",
}  # fmt: skip
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*")
#: Four-digit numbers in this range without a unit are years ("the 2015 deal"), not figures of a position.
_YEARS = range(1900, 2101)

#: Words that open a condition on the stance ("only if", "unless", "as long as", "provided that", "until").
CONDITION_WORDS = frozenset({"if", "unless", "provided", "providing", "until", "conditional", "conditioned"})
CONDITION_PHRASES = (("as", "long", "as"), ("on", "condition"), ("in", "exchange", "for"), ("in", "return", "for"))

#: The reporting cue or the words say the point is made again, unchanged.
CONTINUITY = frozenset(
    {
        "reiterate", "repeat", "reaffirm", "restate", "again", "still", "remain", "continue", "maintain", "insist",
        "always", "unchanged", "anew", "stand",
    }
)  # fmt: skip
#: ... or that the position moved: a step taken, suspended, resumed or dropped. Kept to words that name a change of
#: course: "now", "end", "first" or "stop" are left out (they read as often as "not needed now", "an end to the
#: war", "must first lift").
CHANGE = frozenset(
    {
        "no longer", "any longer", "for the first time", "halt", "suspend", "resume", "abandon", "withdraw",
        "terminate", "scrap", "pause", "reverse", "revoke", "begin", "start", "launch",
    }
)  # fmt: skip
#: Phrases matched on lower-cased words before lemmas (they span several tokens).
_CHANGE_PHRASES = (("no", "longer"), ("any", "longer"), ("for", "the", "first", "time"))


@dataclass(frozen=True, slots=True)
class Markers:
    """The figures, conditions and continuity/change words of one statement (and its reporting cue)."""

    amounts: tuple[str, ...]
    conditions: tuple[str, ...]
    aspect: tuple[str, ...]


def _figure(token: Token) -> str | None:
    """``token`` as a figure with its unit ("60%", "274.8kg", "$200bn"), or None when it is not one."""
    text = token.lower_
    value = _SPELLED.get(text)
    if value is None:
        found = _NUMBER.match(text.replace("-", " ").split()[0]) if text else None
        if found is None:
            return None
        value = found.group(0).replace(",", "")
    rest = text[len(value) :].lstrip("-") if text.startswith(value) else ""
    unit = UNITS.get(rest) if rest else None
    following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    if unit is None and following is not None:
        unit = UNITS.get(following.lower_)
        if unit is None and following.text == "-" and token.i + 2 < len(token.doc):
            unit = UNITS.get(token.doc[token.i + 2].lower_)
    preceding = token.doc[token.i - 1] if token.i > 0 else None
    currency = CURRENCIES.get(preceding.text) if preceding is not None else None
    if unit is None and currency is None:
        if value.isdigit() and int(value) in _YEARS:
            return None
        if not any(ch.isdigit() for ch in token.text):
            return None  # a bare spelled-out number ("one of the", "two sides") is not a figure
        return value
    return f"{currency or ''}{value}{unit or ''}"


def amounts_of(doc: Doc | Iterable[Token]) -> tuple[str, ...]:
    found = []
    for token in doc:
        if token.like_num or token.lower_ in _SPELLED or _NUMBER.match(token.text):
            figure = _figure(token)
            if figure is not None and figure not in found:
                found.append(figure)
    return tuple(found)


def _phrases(words: list[str], phrases: Iterable[tuple[str, ...]]) -> list[str]:
    hits = []
    for phrase in phrases:
        n = len(phrase)
        if any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1)):
            hits.append(" ".join(phrase))
    return hits


def conditions_of(tokens: list[Token]) -> tuple[str, ...]:
    words = [t.lower_ for t in tokens]
    hits = {w for w in words if w in CONDITION_WORDS}
    hits.update(_phrases(words, CONDITION_PHRASES))
    return tuple(sorted(hits))


def aspect_of(tokens: list[Token], cue: str | None, chain: set[int] | None = None) -> tuple[str, ...]:
    """Continuity and change words of the statement and its reporting cue (lemmas; multi-word phrases whole). Single
    words count on the main predicate chain only (``chain``: token indices, ``positions.polarity.main_chain``), so
    "the United States *withdrew*" in a relative clause is not the speaker's change of course."""
    words = [t.lower_ for t in tokens]
    hits = set(_phrases(words, _CHANGE_PHRASES))
    for token in tokens:
        lemma = token.lemma_.lower()
        if chain is not None and token.i not in chain:
            continue
        if lemma in CONTINUITY or lemma in CHANGE:
            if token.pos_ in ("NOUN", "PROPN"):
                continue  # "a pause", "the withdrawal" name an event; the aspect is the verb's
            hits.add(lemma)
    for word in (cue or "").lower().split():
        for lemma in (word, word.removesuffix("d"), word.removesuffix("ed"), word.removesuffix("s")):
            if lemma in CONTINUITY or lemma in CHANGE:
                hits.add(f"cue:{lemma}")
                break
    return tuple(sorted(hits))


def markers_of(tokens: Doc | list[Token], cue: str | None, chain: set[int] | None = None) -> Markers:
    listed = list(tokens)
    return Markers(
        amounts=amounts_of(listed), conditions=conditions_of(listed), aspect=aspect_of(listed, cue, chain)
    )


def is_continuity(word: str) -> bool:
    return word.removeprefix("cue:") in CONTINUITY


def is_change(word: str) -> bool:
    return word.removeprefix("cue:") in CHANGE
