"""Topics (``seeds/topics.toml``) -> which topics each claim's content is about (``claim_topics``).

Terms are matched with a spaCy ``Matcher`` on lower-cased lemmas *or* lower-cased words, so ``Sanctions``
finds ``sanction`` and ``peace talks`` finds ``peace talk``; ``patterns`` are spaCy Matcher token patterns
used as written. A claim gets a topic when a match lies inside its content. The file is validated on load: a
bad entry is a :class:`ConfigError` naming the topic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

from core.config import read_toml
from core.errors import ConfigError
from core.settings import SEEDS_DIR, default_topics_file
from extractors.linking.gazetteer import fingerprint

DEFAULT_TOPICS = SEEDS_DIR / "topics.toml"
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


def load_topics(path: Path) -> list[Topic]:
    data = read_toml(path, "topics file", hint="set CLAIMTRACK_TOPICS to another file")
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
    """Compiled topics for one pipeline; :meth:`topics_of` tags claims."""

    def __init__(self, nlp: Language, topics: Sequence[Topic], *, fingerprint: str = "") -> None:
        self.topics = list(topics)
        self.fingerprint = fingerprint
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


@cache
def _topics_file(path: Path) -> tuple[list[Topic], str]:
    return load_topics(path), fingerprint([path], salt=TOPICS_VERSION)


@Language.factory(
    "claim_topics", assigns=["doc._.claims"], requires=["doc._.claims", "token.lemma"], default_config={"topics": ""}
)
def make_claim_topics(nlp: Language, name: str, topics: str) -> ClaimTopicsComponent:
    loaded, print_ = _topics_file(Path(topics) if topics else default_topics_file())
    return ClaimTopicsComponent(TopicMatcher(nlp, loaded, fingerprint=print_))


class ClaimTopicsComponent:
    """Pipeline wrapper: fills ``Claim.topics`` of ``doc._.claims``."""

    def __init__(self, matcher: TopicMatcher) -> None:
        self.matcher = matcher
        #: Hash of the topics file: part of the claims extractor version (``extractors.nlp``).
        self.fingerprint = matcher.fingerprint

    def __call__(self, doc: Doc) -> Doc:
        claims = doc._.claims or []
        if not claims:
            return doc
        matches = self.matcher.matches(doc)
        doc._.claims = [replace(c, topics=topics_of(c.content_spans, matches)) for c in claims]
        return doc
