"""The ``claim_topics`` spaCy component: fills ``Claim.topics`` of ``doc._.claims``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc

from core.config import SeedFile, fingerprint
from extractors.component_files import ComponentFiles
from extractors.topics.catalog import TOPICS_FILE, parse_topics
from extractors.topics.terms import TopicMatcher, topics_of

if TYPE_CHECKING:
    from extractors.seeds import Seeds

#: The version of the topic rules: part of the claims extractor version, with the topics file's hash.
TOPICS_VERSION = "topics/2"


@Language.factory("claim_topics", assigns=["doc._.claims"], requires=["doc._.claims", "token.lemma"])
def make_claim_topics(nlp: Language, name: str) -> ClaimTopicsComponent:
    return ClaimTopicsComponent(nlp, name)


class ClaimTopicsComponent(ComponentFiles):
    """Fills ``Claim.topics`` of ``doc._.claims``. Its data is the topics file (``initialize(seeds=...)``); the terms
    are compiled with the pipeline's own lemmatizer, so the component keeps ``nlp`` (as spaCy's span_ruler does)
    and compiles them again when the pipeline is loaded from disk."""

    file_names = (TOPICS_FILE,)

    def __init__(self, nlp: Language, name: str) -> None:
        self.nlp = nlp
        self.name = name
        self.matcher: TopicMatcher | None = None

    def use_seeds(self, seeds: Seeds) -> None:
        self.matcher = TopicMatcher(self.nlp, seeds.topics)

    def use_files(self, files: Mapping[str, SeedFile]) -> None:
        self.matcher = TopicMatcher(self.nlp, parse_topics(files[TOPICS_FILE]))

    @property
    def fingerprint(self) -> str:
        """Hash of the topics file and the rules' version: part of the claims extractor version (``extractors.nlp``)."""
        return fingerprint(self.seed_files, salt=TOPICS_VERSION)

    def __call__(self, doc: Doc) -> Doc:
        self.require_data()
        assert self.matcher is not None
        claims = doc._.claims or []
        if not claims:
            return doc
        matches = self.matcher.matches(doc)
        doc._.claims = [replace(c, topics=topics_of(c.content_spans, matches)) for c in claims]
        return doc
