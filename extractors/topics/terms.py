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
from collections.abc import Sequence
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

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

Token.set_extension("lemma_key", getter=lambda t: (t.lemma_ or t.text).lower().translate(TYPOGRAPHY), force=True)


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
        self.regexes: list[tuple[str, re.Pattern[str]]] = []
        self.matcher = Matcher(nlp.vocab)
        for topic in self.topics:
            if topic.terms:
                alternatives = "|".join(term_regex(t) for t in sorted(topic.terms, key=len, reverse=True))
                self.regexes.append((topic.topic_id, re.compile(alternatives, re.IGNORECASE)))
            compiled = [_lemma_pattern(nlp, term) for term in topic.terms]
            token_patterns = [p for p in compiled if p] + [[dict(tok) for tok in p] for p in topic.patterns]
            if not token_patterns:
                continue
            try:
                self.matcher.add(topic.topic_id, token_patterns)
            except (ValueError, KeyError) as exc:
                raise ConfigError(
                    f"topic {topic.topic_id!r}: a pattern is not a valid spaCy Matcher pattern: {exc}"
                ) from None

    def matches(self, doc: Doc) -> list[TermMatch]:
        """Every match of a term or pattern in ``doc`` (a place may match several topics)."""
        text = text_of(doc)
        plain = text.translate(TYPOGRAPHY)
        found = [
            TermMatch(topic_id, m.start(), m.end(), text[m.start() : m.end()])
            for topic_id, regex in self.regexes
            for m in regex.finditer(plain)
        ]
        for match_id, start, end in self.matcher(doc):
            span = doc[start:end]
            found.append(TermMatch(doc.vocab.strings[match_id], span.start_char, span.end_char, span.text))
        return found


def _lemma_pattern(nlp: Language, term: str) -> list[dict[str, Any]] | None:
    """A token pattern on the term's lemmas, when they differ from its words (else the regex finds it all)."""
    words = [t.text.lower().translate(TYPOGRAPHY) for t in nlp.make_doc(term)]
    lemmas = [t._.lemma_key for t in _lemmatise(nlp, term)]
    if lemmas == words or len(lemmas) != len(words):
        return None
    return [{"_": {"lemma_key": lemma}} for lemma in lemmas]


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
