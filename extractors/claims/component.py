"""The spaCy side of the claims stage: two registered components and the ``Doc`` extensions they set.

``paragraph_sentences`` (before the parser) starts a sentence at every line break, because the statistical
sentence splitter happily runs a sentence across paragraphs and then the parser attaches one paragraph's
verb to the other's quote; and it keeps a line's first word in the line's first sentence, because after a
heading line the small parser made that word a sentence of its own ("French | Ambassador … welcomed").

``claim_extractor`` (after the parser and NER) sets ``doc._.claims`` (list of :class:`Claim`, speakers
resolved within the document) and ``doc._.people`` (``(offset, name)`` of PERSON entities). Its data is the
word lists of ``data/`` (a :class:`Lexicon`) and the countries table, given by ``initialize(seeds=...)`` and saved
beside the pipeline. ``doc._.entities`` holds the article's entities (``entities``), which the linker reads.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from spacy.attrs import IDX, IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc

from core.articles import Claim
from core.config import SeedFile
from extractors.claims._attribution import DEFAULT_OPTIONS, AttributionOptions, attribute
from extractors.claims._lexicon import LEXICON_FILES, Lexicon
from extractors.claims._polls import poll_speakers
from extractors.claims.entities import NO_ENTITIES, resolve_entities
from extractors.component_files import ComponentFiles
from extractors.linking.gazetteer import COUNTRIES_FILE, Place, TermIndex, parse_places

if TYPE_CHECKING:
    from extractors.seeds import Seeds

Doc.set_extension("claims", default=None, force=True)
Doc.set_extension("people", default=None, force=True)
Doc.set_extension("entities", default=None, force=True)


#: Initials ("A.K.", "J.") and abbreviated honorifics followed by a space and a capital: a name goes on after them
#: rather than a sentence ending.
_BEFORE_A_NAME = re.compile(
    r"(?<!\S)(?:(?:[A-Z]\.){1,3}|(?:Dr|Mr|Mrs|Ms|Prof|Gen|Sen|Rep|Gov|Lt|Col|Capt|Adm|Sgt|Rev|Hon|Amb|Maj)\.)(?= [A-Z])"
)


@Language.component("paragraph_sentences", assigns=["token.is_sent_start"])
def paragraph_sentences(doc: Doc) -> Doc:
    # Whitespace tokens read as an array: building a Token object for every token would cost more than the rest.
    spaces = doc.to_array([IS_SPACE]).tolist()
    last = len(doc) - 1
    for i, is_space in enumerate(spaces):
        if is_space and i < last and not spaces[i + 1] and "\n" in doc[i].text:
            doc[i + 1].is_sent_start = True
            if i + 2 <= last and not spaces[i + 2] and doc[i + 1].is_alpha:
                # a line's first word is no sentence of its own: the small parser cuts "French | Ambassador …"
                doc[i + 2].is_sent_start = False
    _names_after_initials(doc)
    return doc


def _names_after_initials(doc: Doc) -> None:
    """ "Foreign Minister of Bangladesh Dr. A.K. | Abdul Momen said": a name goes on after its initials or an
    abbreviated honorific, where the small parser ended the sentence. Found in the text first: a Token object for
    every token would cost more than the rest of the component."""
    starts = doc.to_array([IDX]).tolist()
    for match in _BEFORE_A_NAME.finditer(doc.text):
        i = bisect.bisect_left(starts, match.end() + 1)
        if i < len(doc) and starts[i] == match.end() + 1:
            following = doc[i]
            if following.tag_ in ("NNP", "NNPS") and not following.is_sent_start:
                following.is_sent_start = False


#: ``Doc.user_data`` key under which a caller that made the ``Doc`` from a string leaves that string.
TEXT_KEY = "claimtrack_text"


def text_of(doc: Doc) -> str:
    """The document's text: the string the caller left in ``user_data`` when it matches, else ``doc.text``."""
    text = doc.user_data.get(TEXT_KEY)
    if isinstance(text, str) and len(doc) and doc[-1].idx + len(doc[-1].text_with_ws) == len(text):
        return text
    return doc.text


class ClaimExtractor(ComponentFiles):
    """Find attributed statements in a parsed ``Doc``. See ``extractors.claims._attribution`` for the rules."""

    #: Its word lists, and the countries table (a bare name that is a place is no person: ``Cuba said``).
    file_names = (*LEXICON_FILES, COUNTRIES_FILE)

    def __init__(self, nlp: Language, name: str, options: AttributionOptions) -> None:
        self.name = name
        self.options = options
        self.lexicon: Lexicon | None = None
        self.places: TermIndex[Place] = TermIndex()

    def use_seeds(self, seeds: Seeds) -> None:
        self.lexicon = seeds.lexicon
        self.places = seeds.places

    def use_files(self, files: Mapping[str, SeedFile]) -> None:
        self.lexicon = Lexicon.parse(files)
        self.places = parse_places(files[COUNTRIES_FILE])

    def __call__(self, doc: Doc) -> Doc:
        self.require_data()
        assert self.lexicon is not None
        doc._.people = [(ent.start_char, ent.text) for ent in doc.ents if ent.label_ == "PERSON"]
        text = text_of(doc)
        claims = poll_speakers(doc, attribute(doc, self.options, self.lexicon, text, self.places), self.lexicon.titles)
        if claims:
            doc._.claims, doc._.entities = resolve_entities(doc, claims, self.lexicon.titles, text, self.places)
        else:
            doc._.claims, doc._.entities = claims, NO_ENTITIES
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in stream:
            yield self(doc)


@Language.factory(
    "claim_extractor",
    assigns=["doc._.claims", "doc._.people", "doc._.entities"],
    requires=["token.dep", "token.lemma", "token.pos", "doc.ents"],
    default_config={
        "cue_classes": ",".join(sorted(DEFAULT_OPTIONS.cue_classes)),
        "min_content_chars": DEFAULT_OPTIONS.min_content_chars,
        "continuation_reach": DEFAULT_OPTIONS.continuation_reach,
        "keep_unsourced": DEFAULT_OPTIONS.keep_unsourced,
    },
)
def make_claim_extractor(
    nlp: Language,
    name: str,
    cue_classes: str,
    min_content_chars: int,
    continuation_reach: int,
    keep_unsourced: bool,
) -> ClaimExtractor:
    options = AttributionOptions(
        cue_classes=frozenset(c.strip() for c in cue_classes.split(",") if c.strip()),
        min_content_chars=min_content_chars,
        continuation_reach=continuation_reach,
        keep_unsourced=keep_unsourced,
    )
    return ClaimExtractor(nlp, name, options)


def claims_of(doc: Doc) -> list[Claim]:
    """The claims a pipeline left on ``doc`` (empty when the component did not run)."""
    return list(doc._.claims or [])
