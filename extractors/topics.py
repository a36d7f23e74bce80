"""Topics (``seeds/topics.toml``) -> which topics each claim's content is about (``claim_topics``).

Terms are matched with a spaCy ``Matcher`` on lower-cased lemmas *or* lower-cased words, so ``Sanctions``
finds ``sanction`` and ``peace talks`` finds ``peace talk``; ``patterns`` are spaCy Matcher token patterns
used as written. A claim gets a topic when a match lies inside its content. The file is validated on load: a
bad entry is a :class:`ConfigError` naming the topic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

from core.config import SeedFile, fingerprint, parse_toml
from core.errors import ConfigError
from extractors.component_files import ComponentFiles

if TYPE_CHECKING:
    from extractors.seeds import Seeds

#: The name the topics file's content is known by (saved beside a pipeline under it, hashed with it).
TOPICS_FILE = "topics.toml"
TOPICS_VERSION = "topics/1"
_TOPIC_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: The components that give a term its lemmas when the topics are compiled.
_LEMMA_PIPES = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer", "morphologizer")

Token.set_extension("lemma_lower", getter=lambda t: (t.lemma_ or t.text).lower(), force=True)


@dataclass(frozen=True, slots=True)
class Topic:
    topic_id: str
    label: str
    description: str
    terms: tuple[str, ...]
    patterns: tuple[tuple[dict[str, Any], ...], ...] = ()


def parse_topics(file: SeedFile) -> list[Topic]:
    """The topics of a topics file, validated: a bad entry is a :class:`ConfigError` naming the topic."""
    path = file.origin
    data = parse_toml(file.text, path)
    entries = data.get("topic")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path}: no [[topic]] entries")
    topics: list[Topic] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: [[topic]] #{number}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: expected a table")
        unknown = set(entry) - {"id", "label", "description", "terms", "patterns"}
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        topic_id = entry.get("id")
        if not isinstance(topic_id, str) or not _TOPIC_ID.match(topic_id):
            raise ConfigError(f"{where}: 'id' must be a lower-case slug such as 'ukraine-war', got {topic_id!r}")
        where = f"{path}: topic {topic_id!r}"
        if topic_id in seen:
            raise ConfigError(f"{where}: id used twice")
        seen.add(topic_id)
        for key in ("label", "description"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ConfigError(f"{where}: '{key}' is required (a non-empty string)")
        terms = entry.get("terms", [])
        if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
            raise ConfigError(f"{where}: 'terms' must be a list of non-empty strings")
        patterns = entry.get("patterns", [])
        if not isinstance(patterns, list) or not all(
            isinstance(p, list) and p and all(isinstance(tok, dict) for tok in p) for p in patterns
        ):
            raise ConfigError(f"{where}: 'patterns' must be a list of token patterns (lists of tables)")
        if not terms and not patterns:
            raise ConfigError(f"{where}: give at least one term or pattern")
        topics.append(
            Topic(
                topic_id=topic_id,
                label=entry["label"].strip(),
                description=entry["description"].strip(),
                terms=tuple(t.strip() for t in terms),
                patterns=tuple(tuple(p) for p in patterns),
            )
        )
    return topics


class TopicMatcher:
    """Compiled topics for one pipeline; :meth:`matches` finds their terms and patterns in a ``Doc``."""

    def __init__(self, nlp: Language, topics: Sequence[Topic]) -> None:
        self.topics = list(topics)
        self.matcher = Matcher(nlp.vocab)
        for topic in self.topics:
            compiled: list[list[dict[str, Any]]] = []
            for term in topic.terms:
                words = [t.text.lower() for t in nlp.make_doc(term)]
                lemmas = [_lemma(t) for t in _lemmatise(nlp, term)]
                compiled.append([{"LOWER": w} for w in words])
                if lemmas != words and len(lemmas) == len(words):
                    compiled.append([{"_": {"lemma_lower": lemma}} for lemma in lemmas])
            compiled.extend([dict(tok) for tok in pattern] for pattern in topic.patterns)
            try:
                self.matcher.add(topic.topic_id, compiled)
            except (ValueError, KeyError) as exc:
                raise ConfigError(
                    f"topic {topic.topic_id!r}: a pattern is not a valid spaCy Matcher pattern: {exc}"
                ) from None

    def matches(self, doc: Doc) -> list[tuple[str, int, int, str]]:
        """``(topic_id, start_char, end_char, matched text)`` for every match in ``doc``."""
        found = []
        for match_id, start, end in self.matcher(doc):
            span = doc[start:end]
            found.append((doc.vocab.strings[match_id], span.start_char, span.end_char, span.text))
        return found


def topics_of(
    spans: Sequence[tuple[int, int]], matches: Sequence[tuple[str, int, int, str]]
) -> tuple[tuple[str, str], ...]:
    """The topics (first matched term each) whose matches fall inside one of ``spans``."""
    found: dict[str, str] = {}
    for topic_id, start, end, text in sorted(matches, key=lambda m: m[1]):
        if topic_id not in found and any(s <= start and end <= e for s, e in spans):
            found[topic_id] = text
    return tuple(found.items())


def _lemma(token: Token) -> str:
    return (token.lemma_ or token.text).lower()


def _lemmatise(nlp: Language, text: str) -> Doc:
    doc = nlp.make_doc(text)
    for name, component in nlp.pipeline:
        if name in _LEMMA_PIPES:
            doc = component(doc)
    return doc


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
        """Hash of the topics file: part of the claims extractor version (``extractors.nlp``)."""
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
