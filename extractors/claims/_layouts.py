"""Attributions made by layout rather than syntax, found on the raw paragraphs.

- ``byline``      a quote followed by a dash and a name, in the same paragraph or on the next line:
                  ``“The most unqualified child to ever run.” ― Francisco Herrero`` (reader comments, pull quotes,
                  letters; a trailing ``-Commissioner X`` is the same thing);
- ``transcript``  a paragraph opening with a speaker label and a colon: ``WALLACE: Do you really see ...``,
                  ``Sergey Lavrov: We are ready ...`` (interview and briefing transcripts);
- ``dash``        a paragraph of speech with no quote marks that ends with a dash, a speaker and a reporting verb:
                  ``… Therefore, we need a drone law. - Rutte emphasized.`` (the style of several Ukrainian and
                  Russian outlets in English).

Labels that are not speakers (``UPDATE:``, ``Editor's note:``, ``Q:``) are ignored, and a title-case label must be
parsed as a proper name of two words or more, so ``Washington: ...`` or ``Update: ...`` never count; a headline
(the text's first paragraph) may open with a short label naming a person, organisation or report
(``Pence: ...``, ``Poll: ...``).
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from extractors.claims._quotes import QuoteIndex
from extractors.claims._sources import REPORT_NOUNS
from extractors.linking.gazetteer import Place, TermIndex

Span = tuple[int, int]

#: ``― Name`` after a quote: a dash, then up to six capitalised words (initials and hyphens allowed).
_BYLINE = re.compile(
    r"^[\s\u00a0]*[―—–-]{1,2}[\s\u00a0]*(?P<name>[A-Z][\w.'’-]*(?:[\s\u00a0]+(?:[A-Z][\w.'’-]*|de|van|von|bin|al)){0,5})"
    r"(?P<rest>[^\n]*)$"
)
#: `` - Rutte emphasized.`` / `` - he added, noting that …`` closing a paragraph: a dash, a name or pronoun of up to
#: four words, a verb, and whatever follows it in that sentence.
_DASH_CUE = re.compile(
    r"(?P<dash>[\s\u00a0][-–—][\s\u00a0]+)(?P<name>(?:he|she|they|[A-Z][\w'’.-]*(?:[\s\u00a0][A-Z][\w'’.-]*){0,3}))"
    r"[\s\u00a0]+(?P<cue>[a-z]+)\b[^\n]*$"
)
#: Most characters after the name on a byline (``, a nurse from Ohio``); longer means it is prose.
MAX_BYLINE_TAIL = 80
#: ``NAME:`` at a paragraph start, in capitals (``WALLACE:``, ``SEN. KAINE:``) or in title case (``Sergey Lavrov:``).
_LABEL = re.compile(r"^[\s\u00a0\"“]*(?P<name>[A-Z][A-Za-z.'’ -]{1,40}?)\s?:\s+(?P<rest>\S)")
#: Labels that introduce something other than a speaker's words.
_NOT_SPEAKERS = frozenset(
    {
        "update",
        "updated",
        "note",
        "editor's note",
        "editor’s note",
        "watch",
        "read more",
        "see more",
        "see also",
        "also read",
        "read also",
        "more",
        "listen",
        "recommended",
        "trending",
        "sponsored",
        "subscribe",
        "follow us",
        "click here",
        "image",
        "latest",
        "top stories",
        "don't miss",
        "don’t miss",
        "must read",
        "related",
        "photo",
        "video",
        "breaking",
        "correction",
        "source",
        "sources",
        "q",
        "a",
        "question",
        "answer",
        "warning",
        "disclaimer",
        "advertisement",
        "the implication",
    }
)
#: Entity types of places: a label naming one is a dateline (``ISLAMABAD: Pakistan on Sunday rejected ...``).
_PLACES = frozenset({"GPE", "LOC", "FAC"})
#: A turn opening in the first or second person is the labelled speaker's own ("ZAKHAROVA: We have said ...").
_FIRST_PERSON = re.compile(r"(?:I|We|My|Our|You|Your)\b")
#: Most words of a headline's source label, and words that make a label a topic rather than a source.
MAX_HEADLINE_LABEL_WORDS = 5
_TOPIC_JOINERS = frozenset({"and", "&", "vs", "vs.", "for", "of"})
#: Entity types of a headline label that can be a source.
_SOURCE_ENTITIES = frozenset({"PERSON", "ORG", "NORP"})
#: The fewest words a title-case label needs to count as a name (``Sergey Lavrov``, not ``Washington``).
MIN_TITLE_CASE_WORDS = 2


@dataclass(frozen=True, kw_only=True)
class LayoutAttribution:
    layout: str
    content_spans: tuple[Span, ...]
    speaker_span: Span
    cue: str
    cue_span: Span


def layout_attributions(
    doc: Doc,
    quotes: QuoteIndex,
    paras: list[Span],
    places: TermIndex[Place] | None = None,
    cues: Container[str] = (),
) -> list[LayoutAttribution]:
    found = []
    text = quotes.text
    for index, (start, end) in enumerate(paras):
        byline = _byline(text, quotes, paras, index) or _dash_cue(doc, text, start, end, cues)
        if byline is not None:
            found.append(byline)
            continue
        label = _transcript_label(doc, text, start, end, places)
        if label is not None:
            found.append(label)
    return found


def _byline(text: str, quotes: QuoteIndex, paras: list[Span], index: int) -> LayoutAttribution | None:
    start, end = paras[index]
    in_para = [q for q in quotes.overlapping(start, end) if not q.single]
    if in_para and in_para[-1].end < end:
        last = in_para[-1]
        tail_start = last.end
        content = [(q.start, q.end) for q in in_para if q.start >= start]
    elif not in_para and index > 0:
        # The dash line is a paragraph of its own; the quote is the paragraph before it.
        prev_start, prev_end = paras[index - 1]
        before = [q for q in quotes.overlapping(prev_start, prev_end) if not q.single]
        if not before or text[before[-1].end : prev_end].strip(" \u00a0.,"):
            return None
        tail_start = start
        content = [(q.start, q.end) for q in before]
    else:
        return None
    match = _BYLINE.match(text[tail_start:end])
    if match is None or len(match.group("rest").strip()) > MAX_BYLINE_TAIL:
        return None
    dash = tail_start + len(text[tail_start:end]) - len(text[tail_start:end].lstrip(" \u00a0"))
    name_start = tail_start + match.start("name")
    name_end = tail_start + match.end("name")
    while name_end > name_start and text[name_end - 1] in ".,":
        name_end -= 1
    return LayoutAttribution(
        layout="byline",
        content_spans=tuple(content),
        speaker_span=(name_start, name_end),
        cue=text[dash : dash + 1],
        cue_span=(dash, dash + 1),
    )


def _dash_cue(doc: Doc, text: str, start: int, end: int, cues: Container[str]) -> LayoutAttribution | None:
    """``However, we are assessing whether it is intentional … we need a drone law. - Rutte emphasized.``: the
    paragraph before the dash is what the named speaker said (the verb after the name must be a reporting cue)."""
    match = _DASH_CUE.search(text[start:end])
    if match is None or match.start() == 0:
        return None
    cue_start = start + match.start("cue")
    verb = doc.char_span(cue_start, start + match.end("cue"), alignment_mode="expand")
    if verb is None or verb[0].lemma_.lower() not in cues or verb[0].tag_ not in ("VBD", "VBZ"):
        return None
    body_end = start + match.start("dash")
    while body_end > start and text[body_end - 1] in " \u00a0":
        body_end -= 1
    if text[body_end - 1 : body_end] not in (".", "!", "?"):
        return None  # an aside between dashes in a sentence ("The plan - he said - will fail"), not a closing cue
    return LayoutAttribution(
        layout="dash",
        content_spans=((start, body_end),),
        speaker_span=(start + match.start("name"), start + match.end("name")),
        cue=text[cue_start : start + match.end("cue")],
        cue_span=(cue_start, start + match.end("cue")),
    )


def _dateline(words: list[Token], *, at_start: bool) -> bool:
    """Is a label a wire dateline (``SEOUL: North Korean leader Kim Jong Un said ...``, ``New Delhi: India said``)
    rather than a speaker? A place is never a speaker label; at the top of a text, neither is a word in capitals
    that is not a person (``KABUL:``, which the tagger may read as an organisation)."""
    if any(t.ent_type_ in _PLACES for t in words):
        return True
    return (
        at_start
        and all(t.text.isupper() or not t.is_alpha for t in words)
        and not any(t.ent_type_ == "PERSON" for t in words)
    )


def _headline_source(words: list[Token]) -> bool:
    """A short label opening a headline that names a person, an organisation or a report (``Pence: Gennifer
    Flowers Won't Be at Debate``, ``Poll: Wealthy Voters Abandon ...``, ``Former AG Mukasey at RNC: ...``): headlines
    attribute with a colon. The tagger often misreads a headline's words, so a name counts when the text names a
    source with it below. Labels joining two names or topics (``Netanyahu and Obama: A tortured relationship``) are
    what the piece is about."""
    if not words or len(words) > MAX_HEADLINE_LABEL_WORDS or any(w.lower_ in _TOPIC_JOINERS for w in words):
        return False
    word = words[-1]
    if any(w.ent_type_ in _SOURCE_ENTITIES for w in words) or word.lemma_.lower() in REPORT_NOUNS:
        return True
    return any(t.ent_type_ in _SOURCE_ENTITIES and t.text == word.text for t in word.doc[word.i + 1 :])


def _transcript_label(
    doc: Doc, text: str, start: int, end: int, places: TermIndex[Place] | None
) -> LayoutAttribution | None:
    match = _LABEL.match(text[start:end])
    if match is None:
        return None
    name = match.group("name").strip()
    if name.lower() in _NOT_SPEAKERS or len(name) < 2:
        return None
    name_start = start + match.start("name")
    name_end = name_start + len(name)
    label = doc.char_span(name_start, name_end, alignment_mode="expand")
    words = [t for t in label] if label is not None else []
    opener = match.group("rest") + text[start + match.end("rest") : start + match.end("rest") + 6]
    headline = not text[:start].strip()
    if _dateline(words, at_start=headline and not _FIRST_PERSON.match(opener)):
        return None
    if places is not None and words and headline and places.matches(words):
        return None  # "DOHA: Qatar's Prime Minister ... said", whatever the tagger made of DOHA
    if (
        not name.isupper()
        and not (headline and _headline_source(words))
        and (len(words) < MIN_TITLE_CASE_WORDS or any(t.pos_ != "PROPN" for t in words if t.is_alpha))
    ):
        return None
    colon = text.index(":", name_end)
    content_start = start + match.start("rest")
    while end > content_start and text[end - 1] in ". \u00a0":
        end -= 1  # like reported clauses, the turn's content stops before its final full stop
    return LayoutAttribution(
        layout="transcript",
        content_spans=((content_start, end),),
        speaker_span=(name_start, name_end),
        cue=":",
        cue_span=(colon, colon + 1),
    )
