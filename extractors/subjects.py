"""What a claim talks *about*: the governments its content names (``claim_subjects``).

A government is a subject when the content names its country, a demonym, a capital or government metonym, an
international body, or a curated actor (``Putin`` -> RUS). The speaker's own government is left out, unless it
is the grammatical subject of the content's main clause ("the United States firmly opposes …"), so that
"what did others say about China" stays about China. Capitals used as places ("talks in Jeddah") and the
venue of a meeting ("a conference in Saudi Arabia") are not subjects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc, Token

from core.articles import Claim
from core.config import SeedFile
from extractors.component_files import ComponentFiles
from extractors.linking.actors import ACTORS_FILE, ActorDirectory
from extractors.linking.gazetteer import COUNTRIES_FILE, Place, TermIndex, parse_places

if TYPE_CHECKING:
    from extractors.seeds import Seeds

#: Prepositions after which a capital is where something happens, not who acts.
_LOCATIVE = frozenset({"in", "at", "near", "outside", "inside", "across", "around", "throughout", "to", "from"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_MEETINGS = frozenset(
    {"conference", "summit", "meeting", "talk", "talks", "forum", "gathering", "visit", "session", "ceremony", "trip"}
)


class SubjectFinder:
    def __init__(self, places: TermIndex[Place], actors: ActorDirectory) -> None:
        self.places = places
        self.actors = actors

    def subjects(self, doc: Doc, claim: Claim, when: date | None) -> tuple[tuple[str, str], ...]:
        found: dict[str, str] = {}
        roots: list[Token] = []
        for start, end in claim.content_spans:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            tokens = list(span)
            roots.extend(t for t in tokens if t.head.i < span.start or t.head.i >= span.end or t.head.i == t.i)
            for first, last, place in self.places.matches(tokens):
                matched = tokens[first:last]
                if any(t.ent_type_ == "PERSON" for t in matched) and place.kind != "metonym":
                    continue
                if (place.kind == "capital" and _locative(matched[-1])) or _venue(matched[-1]):
                    continue
                kind = "country" if place.kind == "name" else ("demonym" if place.kind == "demonym" else "metonym")
                self._add(found, place.code, f"{kind}:{_text(matched)}", matched, claim, roots)
            for first, last, actor in self.actors.matches(tokens, when):
                if actor.government:
                    matched = tokens[first:last]
                    self._add(found, actor.government, f"actor:{_text(matched)}", matched, claim, roots)
        return tuple(found.items())

    @staticmethod
    def _add(
        found: dict[str, str], code: str, evidence: str, matched: Sequence[Token], claim: Claim, roots: list[Token]
    ) -> None:
        if code in found:
            return
        if code == claim.government and not _is_main_subject(matched, roots):
            return
        found[code] = evidence


def _text(tokens: Sequence[Token]) -> str:
    return " ".join(t.text for t in tokens)


def _locative(token: Token) -> bool:
    node = token
    while node.dep_ in ("compound", "poss", "amod") and node.head.i != node.i:
        node = node.head
    return node.dep_ == "pobj" and node.head.lower_ in _LOCATIVE


def _venue(token: Token) -> bool:
    """Where a meeting happens is not what it is about: "a peace conference in Saudi Arabia"."""
    node = token
    while node.dep_ in ("compound", "poss", "amod") and node.head.i != node.i:
        node = node.head
    prep = node.head
    return node.dep_ == "pobj" and prep.lower_ in ("in", "at") and prep.head.lemma_.lower() in _MEETINGS


def _is_main_subject(matched: Sequence[Token], roots: list[Token]) -> bool:
    """Is the match (or the noun it modifies) the subject of one of the content's main verbs?"""
    node = matched[-1]
    while node.dep_ in ("compound", "poss", "amod", "case") and node.head.i != node.i:
        node = node.head
    return node.dep_ in _SUBJECT_DEPS and any(node.head.i == r.i for r in roots)


Doc.set_extension("published_on", default=None, force=True)


@Language.factory("claim_subjects", assigns=["doc._.claims"], requires=["doc._.claims"])
def make_claim_subjects(nlp: Language, name: str) -> ClaimSubjectsComponent:
    return ClaimSubjectsComponent(name)


class ClaimSubjectsComponent(ComponentFiles):
    """Fills ``Claim.subjects`` of ``doc._.claims`` (after the government linker). Its data is the countries table
    and the actors file, given by ``initialize(seeds=...)`` and saved beside the pipeline."""

    file_names = (COUNTRIES_FILE, ACTORS_FILE)

    def __init__(self, name: str) -> None:
        self.name = name
        self.finder: SubjectFinder | None = None

    def use_seeds(self, seeds: Seeds) -> None:
        self.finder = SubjectFinder(seeds.places, seeds.actors)

    def use_files(self, files: Mapping[str, SeedFile]) -> None:
        countries = files[COUNTRIES_FILE]
        self.finder = SubjectFinder(parse_places(countries), ActorDirectory.parse(files[ACTORS_FILE], countries))

    def __call__(self, doc: Doc) -> Doc:
        self.require_data()
        assert self.finder is not None
        when = doc._.published_on
        doc._.claims = [replace(c, subjects=self.finder.subjects(doc, c, when)) for c in doc._.claims or []]
        return doc
