"""Where a topic's terms and patterns occur in a document.

A term is found two ways, and either counts:

1. **As written, whatever the typography**, on the text: case-insensitive; any apostrophe reads as ``'``
   ("Ukraine's" finds "Ukraine’s"); a hyphen inside a term also finds a space, an en dash or nothing
   ("cease-fire" finds "ceasefire", "cease fire" and "cease–fire"); a space also finds a hyphen; a word in
   capitals (an abbreviation: "US", "IAEA") finds itself with or without dots ("U.S.") and in capitals only, so
   "US" never finds "us". The text is matched character by character, so a term is found inside a token spaCy
   keeps whole ("U.S.-China").
2. **On lemmas**, lower-cased, token by token ("sanctions" finds "sanctioned", "peace talks" finds "peace talk").

``patterns`` of the topics file are spaCy ``Matcher`` token patterns, used as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from core.articles import ClaimTopic
from core.errors import ConfigError
from extractors.claims.component import text_of
from extractors.topics.catalog import Topic

#: Apostrophes and single quotes, and hyphens and dashes that join words, each read as its ASCII form. One
#: character for one, so offsets in the translated text are offsets in the original.
TYPOGRAPHY = str.maketrans({**dict.fromkeys("’‘‛ʼ′`´", "'"), **dict.fromkeys("‐‑‒–−﹣－", "-")})
#: The components that give a term its lemmas when the topics are compiled.
_LEMMA_PIPES = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer", "morphologizer")
#: A word in capitals, with or without dots: an abbreviation, matched in capitals only.
_ABBREVIATION = re.compile(r"^(?:[A-Z]\.?){2,5}$")


class TermMatch(NamedTuple):
    """One place a topic's term or pattern was found: character offsets and the text found."""

    topic_id: str
    start: int
    end: int
    text: str


def term_regex(term: str) -> str:
    """The regular expression that finds ``term`` in a text translated with :data:`TYPOGRAPHY` (read it with
    ``re.IGNORECASE``; abbreviations switch it off for themselves)."""
    parts: list[str] = []
    for piece in re.split(r"(\s+|-)", term.translate(TYPOGRAPHY).strip()):
        if not piece:
            continue
        if piece.isspace():
            parts.append(r"[\s-]+")
        elif piece == "-":
            parts.append(r"[\s-]?")
        elif _ABBREVIATION.match(piece):
            parts.append("(?-i:" + r"\.?".join(piece.replace(".", "")) + r"\.?)")
        else:
            parts.append(re.escape(piece))
    return r"(?<!\w)" + "".join(parts) + r"(?!\w)"


class TopicMatcher:
    """Compiled topics for one pipeline; :meth:`matches` finds their terms and patterns in a ``Doc``."""

    def __init__(self, nlp: Language, topics: Sequence[Topic]) -> None:
        self.topics = list(topics)
        self.terms = TermIndex((t.topic_id, term) for t in self.topics for term in t.terms)
        self.lemmas = LemmaIndex((t.topic_id, _term_lemmas(nlp, term)) for t in self.topics for term in t.terms)
        self.matcher = Matcher(nlp.vocab)
        for topic in self.topics:
            if not topic.patterns:
                continue
            try:
                self.matcher.add(topic.topic_id, [[dict(tok) for tok in p] for p in topic.patterns])
            except (ValueError, KeyError) as exc:
                raise ConfigError(
                    f"topic {topic.topic_id!r}: a pattern is not a valid spaCy Matcher pattern: {exc}"
                ) from None

    def text_topics(self, text: str) -> set[str]:
        """The topics whose terms are in a short text outside the document (a title): as written only."""
        return {m.topic_id for m in self.terms.find(text)}

    def matches(self, doc: Doc) -> list[TermMatch]:
        """Every match of a term or pattern in ``doc`` (a place may match several topics)."""
        found = self.terms.find(text_of(doc)) + self.lemmas.find(doc)
        if len(self.matcher):
            for match_id, start, end in self.matcher(doc):
                span = doc[start:end]
                found.append(TermMatch(doc.vocab.strings[match_id], span.start_char, span.end_char, span.text))
        return found


class LemmaIndex:
    """The terms on lemmas (2. above), indexed by their first lemma: the document's lemmas are read once, and a
    term is compared only where its first lemma is (the spaCy ``Matcher`` tries every pattern at every token)."""

    def __init__(self, terms: Iterable[tuple[str, tuple[str, ...] | None]]) -> None:
        self.by_first_lemma: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for topic_id, lemmas in terms:
            if lemmas:
                self.by_first_lemma.setdefault(lemmas[0], []).append((topic_id, lemmas))

    def find(self, doc: Doc) -> list[TermMatch]:
        lemmas = [_lemma_key(token.lemma_ or token.text) for token in doc]
        found: list[TermMatch] = []
        for i, lemma in enumerate(lemmas):
            for topic_id, term in self.by_first_lemma.get(lemma, ()):
                if tuple(lemmas[i : i + len(term)]) == term:
                    span = doc[i : i + len(term)]
                    found.append(TermMatch(topic_id, span.start_char, span.end_char, span.text))
        return found


class TermIndex:
    """The terms as written (1. above), indexed by the words a match can start with, so a text is read once, word
    by word, and a term's expression is tried only where its first word is."""

    _WORD = re.compile(r"\w+")

    def __init__(self, terms: Iterable[tuple[str, str]]) -> None:
        self.by_first_word: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
        for topic_id, term in terms:
            expression = re.compile(term_regex(term), re.IGNORECASE)
            for word in _first_words(term):
                self.by_first_word.setdefault(word, []).append((topic_id, expression))

    def find(self, text: str) -> list[TermMatch]:
        plain = text.translate(TYPOGRAPHY)
        found: list[TermMatch] = []
        for word in self._WORD.finditer(plain):
            for topic_id, expression in self.by_first_word.get(word.group().lower(), ()):
                match = expression.match(plain, word.start())
                if match:
                    found.append(TermMatch(topic_id, match.start(), match.end(), text[match.start() : match.end()]))
        return found


def _first_words(term: str) -> set[str]:
    """The words (lower case) a match of ``term`` can start with: its first word; an abbreviation's first letter
    too ("U.S." starts with "U"); a hyphenated first word written solid too ("ceasefire" for "cease-fire")."""
    words = re.findall(r"\w+", term.translate(TYPOGRAPHY).lower())
    if not words:
        return set()
    first = {words[0]}
    head = term.strip().split()[0] if term.strip() else ""
    if _ABBREVIATION.match(head.split("-")[0]):
        first.add(words[0][0])
    if "-" in head:
        first.add("".join(re.findall(r"\w+", head.split("'")[0].lower())))
    return first


def _lemma_key(lemma: str) -> str:
    return lemma.lower().translate(TYPOGRAPHY)


def _term_lemmas(nlp: Language, term: str) -> tuple[str, ...] | None:
    """The term's lemmas, when they differ from its words (else the text search finds it all)."""
    words = [_lemma_key(t.text) for t in nlp.make_doc(term)]
    lemmas = [_lemma_key(t.lemma_ or t.text) for t in _lemmatise(nlp, term)]
    if lemmas == words or len(lemmas) != len(words):
        return None
    return tuple(lemmas)


def _lemmatise(nlp: Language, text: str) -> Doc:
    doc = nlp.make_doc(text)
    for name, component in nlp.pipeline:
        if name in _LEMMA_PIPES:
            doc = component(doc)
    return doc


def topics_of(spans: Sequence[tuple[int, int]], matches: Sequence[TermMatch]) -> tuple[ClaimTopic, ...]:
    """The topics whose terms or patterns fall inside one of ``spans`` (a claim's content), each with the first
    term found."""
    found: dict[str, ClaimTopic] = {}
    for match in sorted(matches, key=lambda m: m.start):
        if match.topic_id not in found and any(s <= match.start and match.end <= e for s, e in spans):
            found[match.topic_id] = ClaimTopic(match.topic_id, match.text, "term", 1.0)
    return tuple(found.values())
