"""Rules that turn one parsed ``Doc`` into claims. No state, no I/O: ``attribute(doc, options, lexicon)``.

The cascade, in order (each stage only adds what earlier stages did not cover):

1. quotes     quoted passages per paragraph (``_quotes``), so no odd mark can spoil the document;
2. cues       every reporting verb outside quotes (``data/cue_verbs.tsv``) with a source (``_sources``) and a
              content (``_content``: the complement its frames allow, or the quote right beside it);
2b. frames    a verb outside the lexicon in a report's frame: a person, group or pronoun as subject and a finite
              complement clause with its own subject (``Cohn noticed that poor voters have been shifting``);
3. nouns      reporting nouns (``data/cue_nouns.tsv``): ``Russia's claim that ...``, ``his support for ...``,
              ``in Beijing's view, ...``, ``He issued a clear warning: “...”``;
4. according  ``according to X, ...`` claims, or a ``via`` on the claim it relays (nested sources);
5. layouts    attributions made by layout, not syntax (``_layouts``): ``“…” ― Name`` bylines, ``NAME: ...``
              transcript labels and ``… - Rutte emphasized.`` paragraph ends;
6. tidy       a claim's content stops where a sibling claim starts (``said A and warned B``; ``A said X, and
              others said Y``); of two claims over the same words the surer one stays, or the outer one when
              the other's cue is inside what it reports;
7. leftovers  quotes nobody claimed: a cue joined on after a quote (``X explained, “A,” but added, “B.”``) reports
              the next quote for the same speaker; split quotes (``“A,” X said, “B.”``) join their claim, quote-only
              paragraphs continue the last speaker, open quote paragraphs join the claim that closes them;
8. finish     snap spans to whole quotes, drop wire datelines, kinds (direct / mixed / indirect from the quote
              marks), speaker mentions;
9. paragraphs a quote that runs over paragraphs is one claim per paragraph, all with its speaker
              (``_paragraph_claims``: the annotation guide's unit; step 7 gathered them to find the speaker).

Who each speaker is across the whole document (canonical names, entities) is ``entities.resolve_entities``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from spacy.attrs import DEP, LEMMA, LOWER, POS
from spacy.tokens import Doc, Token

from core.articles import Claim, ClaimKind
from extractors.claims._content import (
    EMPTY_CONTENT,
    adjacent_quotes,
    attribution_core,
    content_for,
    drop_trailing_asides,
    only_glue,
    passive_report,
    runs,
    spans_text,
)
from extractors.claims._layouts import LayoutAttribution, layout_attributions
from extractors.claims._lexicon import (
    FIRST_PERSON,
    PERSONAL_PRONOUNS,
    PLURAL_PRONOUNS,
    PRONOUNS,
    Cue,
    Lexicon,
    NounCue,
)
from extractors.claims._mentions import mention_span, past_dateline, speaker_head, speaker_name
from extractors.claims._paragraph_claims import one_claim_per_paragraph
from extractors.claims._quotes import CLOSING_MARKS, OPENING_MARKS, QuoteIndex, paragraphs
from extractors.claims._sources import (
    FINITE_TAGS,
    cited_speaker,
    issuer_of,
    relay_of,
    relayed,
    source_between,
    source_of,
)
from extractors.linking.gazetteer import Place, TermIndex

Span = tuple[int, int]

#: Dependency labels under which a verb is used as a noun modifier or argument, never as a reporting cue.
_NON_CUE_DEPS = frozenset({"amod", "compound", "nmod", "pobj", "dobj", "nsubj", "nsubjpass", "attr"})
#: A negated cue ("did not say that") reports a non-statement, less sure as a claim.
_NEGATED_PENALTY = 0.15
#: How much surer a draft is made than the one it is preferred to.
_PREFERENCE_STEP = 0.01
#: How sure each way of finding content is (a quote beside a named speaker is the surest).
_FRAME_CONFIDENCE = {
    "quote": 0.9,
    "stated": 0.9,
    "clause": 0.85,
    "question": 0.6,
    "oprd": 0.7,
    "xcomp": 0.65,
    "object": 0.6,
    "prep": 0.55,
    "noun": 0.6,
    "according": 0.75,
    # Layout attributions are outermost: cues inside a transcript turn are the speaker's own words.
    "byline": 0.92,
    "dash": 0.9,
    "transcript": 0.92,
    "continuation": 0.6,
}
#: Beliefs and knowledge are inferred states, less sure as statements than speech.
_NON_SPEECH_PENALTY = 0.15
#: A claim with no named source is less sure.
_UNSOURCED_PENALTY = 0.2
#: A pronoun speaker must be resolved, which may go wrong.
_PRONOUN_PENALTY = 0.1
#: Most words between an attribution and the next sentence's quote for that quote to continue it
#: (“A,” X said on Monday. “B.”); more words mean the reporter has moved on (“A,” X said, and Y cut in. “B.”).
MAX_SPLIT_GAP_WORDS = 4
#: Most words of the cue's own phrases (place, time, medium) a split quote may skip.
MAX_CUE_WORDS = 10
_EDGE_PUNCT = " \t\n,;:–—-"
#: A wire dateline opening a sentence: "WASHINGTON (AP) — ", "CAMBRIDGE, Mass., Dec. 11 (UPI) — ".
_DATELINE = re.compile(
    r"[A-Z][A-Z .'’-]{2,}(?:,\s*[A-Z][\w.]*)*"  # place: WASHINGTON / CAMBRIDGE, Mass.
    r"(?:,?\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)?"  # date: Dec. 11 / July 8 / June 22, 2025
    r"\s*(?:\([A-Za-z /.-]{2,30}\))?\s*(?:[—–-]+|:)\s*"  # agency and dash: (AP) —, (Reuters) -, (AP):
)
#: Bullets and spaces a list item opens with ("  • “This is the definitive ... policy”"): not part of the quote.
_BULLETS = " \t\u00a0•·▪‣◦*–—-"
_CONJUNCTIONS = frozenset({"and", "but", "or", "while", "as"})
#: Dependencies that lead from a cue down into the clause it reports (through coordinated clauses).
_REPORTED_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "conj"})
#: The class and frames of a verb taken as a cue for its frame alone (step 2b), and how much less sure it is.
FRAME_CUE_CLASS = "belief"
_FRAME_CUE_FRAMES = frozenset({"clause"})
_FRAME_CUE_PENALTY = 0.1
#: Verbs that take a clause as what they cause, allow or mean, not as a view (make sure, let, ensure, mean).
NON_REPORTING_VERBS = frozenset(
    {"make", "let", "allow", "help", "have", "get", "ensure", "mean", "cause", "see", "watch", "prove", "turn", "need",
     "keep", "put", "take", "give", "go", "become", "try", "require", "bet", "guess", "imagine", "wish", "swear",
     "remember", "forget", "love", "hate", "like", "want", "spend", "end", "begin", "start", "win", "lose"}
)  # fmt: skip
#: Verbs whose subject is the target of the report it takes as object, not its maker ("faced questions about").
_RECEIVING_VERBS = frozenset(
    {"face", "receive", "draw", "get", "field", "answer", "take", "attract", "endure", "weather", "deflect", "dodge",
     "ignore", "hear", "invite", "prompt", "spark", "trigger", "provoke", "earn"}
)  # fmt: skip
#: Entity types of a subject that can hold a view.
_SOURCE_ENTITIES = frozenset({"PERSON", "ORG", "NORP", "GPE"})
#: Frames whose content is a thing acted on, not words: a nested cue with one reports no earlier statement.
_TOPIC_FRAMES = frozenset({"object", "prep"})


@dataclass(frozen=True, kw_only=True)
class AttributionOptions:
    """Knobs of the rule cascade; defaults were tuned on PolNeAR train/dev."""

    #: Cue classes to extract: ``speech`` always; ``belief`` (thinks, considers) and ``knowledge`` (knew, found).
    cue_classes: frozenset[str] = frozenset({"speech", "belief", "knowledge", "stance"})
    #: Shortest content worth keeping, in characters.
    min_content_chars: int = 4
    #: How many paragraphs a quote-only paragraph may reach back for its speaker.
    continuation_reach: int = 2
    #: Keep statements with no named source (``it was reported that ...``).
    keep_unsourced: bool = True
    #: Take a verb outside the lexicon as a cue when its frame is a report's: a plausible source as subject and a
    #: finite complement clause with a subject of its own (``Bump illustrates just how few people voted``).
    frame_cues: bool = True


DEFAULT_OPTIONS = AttributionOptions()


@dataclass
class _Draft:
    """A claim under construction; offsets are doc character offsets."""

    cue_token: Token | None
    cue_text: str | None
    cue_span: Span | None
    cue_class: str
    source: Token | None
    spans: list[Span]
    frame: str
    #: Character range of the attribution itself (source and cue), for quotes that lead into or follow it.
    core: Span | None = None
    via: Token | None = None
    according: bool = False
    continues: _Draft | None = None
    #: For layout attributions, the speaker span found without a parse (``― Francisco Herrero``).
    speaker_span: Span | None = None
    confidence: float = 0.7


def attribute(
    doc: Doc,
    options: AttributionOptions,
    lexicon: Lexicon,
    text: str | None = None,
    places: TermIndex[Place] | None = None,
) -> list[Claim]:
    """All claims in ``doc``, in text order, speakers not yet resolved across the document.

    ``text`` is ``doc.text`` when the caller has it already (``Doc.text`` is rebuilt from the tokens on each call);
    ``places`` (the countries table) tells a dateline (``DOHA: ...``) from a transcript's speaker label.
    """
    quotes = QuoteIndex.of(text if text is not None else doc.text)
    text = quotes.text
    paras = paragraphs(text)
    verbs, nouns, accordings = _scan(doc, lexicon)
    drafts = _cue_drafts(verbs, lexicon.cues, quotes, options)
    if options.frame_cues:
        drafts += _frame_drafts(doc, lexicon.cues, quotes, options)
    drafts += _noun_drafts(nouns, lexicon.nouns, quotes, options)
    for according in accordings:
        _apply_according(according, drafts, quotes)
    drafts += [_layout_draft(found) for found in layout_attributions(doc, quotes, paras, places, lexicon.cues)]
    _trim_siblings(drafts)
    _prefer_reported_attitudes(drafts)
    drafts = _drop_overlaps(_relays(drafts))
    drafts = _attach_leftover_quotes(drafts, quotes, paras, text, options, lexicon.cues)
    finished = [(d, _finish(d, quotes, text, doc, lexicon.titles)) for d in drafts]
    kept = [(d, c) for d, c in finished if c is not None and _keep(c, options)]
    position = {id(d): i for i, (d, _) in enumerate(kept)}
    claims = [replace(c, continues=position.get(id(d.continues))) if d.continues is not None else c for d, c in kept]
    return one_claim_per_paragraph(claims, text)


# -- 2. cues -----------------------------------------------------------------------------------------------------


def _scan(doc: Doc, lexicon: Lexicon) -> tuple[list[Token], list[Token], list[Token]]:
    """Candidate cue verbs, reporting nouns, and the ``according`` of ``according to``.

    Reads lemma and part-of-speech ids as arrays and builds ``Token`` objects only for the candidates: building one
    per token costs more than all the rules together.
    """
    cues, nouns = lexicon.cues, lexicon.nouns
    strings = doc.vocab.strings
    verb_lemmas = {strings.add(lemma) for lemma in cues} | {strings.add(lemma.capitalize()) for lemma in cues}
    noun_lemmas = {strings.add(lemma) for lemma in nouns} | {strings.add(lemma.capitalize()) for lemma in nouns}
    verb_pos = {strings.add("VERB"), strings.add("AUX"), strings.add("ADJ")}
    noun_pos = strings.add("NOUN")
    according = strings.add("according")
    to = strings.add("to")
    per = strings.add("per")
    comma = strings.add(",")
    rows = doc.to_array([LEMMA, POS, LOWER])
    verbs: list[Token] = []
    noun_cues: list[Token] = []
    accordings: list[Token] = []
    last = len(doc) - 1
    lower_before = 0
    for i, (lemma, pos, lower) in enumerate(rows.tolist()):
        if lemma in verb_lemmas and pos in verb_pos:
            verbs.append(doc[i])
        elif lemma in noun_lemmas and pos == noun_pos:
            noun_cues.append(doc[i])
        elif (lower == according and i < last and rows[i + 1][2] == to) or (lower == per and lower_before == comma):
            accordings.append(doc[i])
        lower_before = lower
    return verbs, noun_cues, accordings


def _cue_drafts(
    verbs: list[Token], cues: dict[str, Cue], quotes: QuoteIndex, options: AttributionOptions
) -> list[_Draft]:
    drafts = []
    for token in verbs:
        cue = _cue_for(token, cues, quotes, options)
        if cue is not None:
            draft = _draft_from_cue(token, cue, quotes, cues)
            if draft is not None:
                drafts.append(draft)
    return drafts


def _cue_for(token: Token, cues: dict[str, Cue], quotes: QuoteIndex, options: AttributionOptions) -> Cue | None:
    if token.pos_ not in ("VERB", "AUX") and not _predicate_adjective(token):
        return None
    cue = cues.get(token.lemma_.lower())
    if cue is None or cue.cue_class not in options.cue_classes:
        return None
    if token.dep_ in _NON_CUE_DEPS or quotes.inside(token.idx) or _heading(token) or _called_to(token, cues):
        return None
    if "it" in cue.frames and not any(c.dep_ == "dobj" and c.lower_ == "it" for c in token.children):
        return None  # "as Tom Ridge put it: ..." reports; "put the money in ..." does not
    if cue.lemma == "see" and any(c.dep_ == "nsubj" and c.ent_type_ in ("DATE", "TIME") for c in token.children):
        return None  # "the past months have seen some of the highest casualties": a time sees nothing
    return cue


def _predicate_adjective(token: Token) -> bool:
    """An attitude adjective after a copula is a cue like a verb ("Graham has been critical of Trump", "Democrats
    are afraid that ..."); its subject is the copula's."""
    return token.pos_ == "ADJ" and token.dep_ == "acomp"


def _called_to(token: Token, cues: dict[str, Cue]) -> bool:
    """The infinitive of a call ("called on Hamas to accept the proposal", "urged them to reject it") is what was
    called for, inside the caller's claim, not a report of its own."""
    head_cue = cues.get(token.head.lemma_.lower())
    if token.dep_ != "xcomp" or head_cue is None or not any(child.lower_ == "to" for child in token.children):
        return False
    # "continues to call on Thailand to accept ...": a cue after a verb that reports no infinitive, calling for an
    # infinitive of its own, is the call ("continued to focus on a counteroffensive" stays no statement)
    own = cues.get(token.lemma_.lower())
    calls = own is not None and "xcomp" in own.frames and any(c.dep_ == "xcomp" for c in token.children)
    return "xcomp" in head_cue.frames or not calls


def _heading(token: Token) -> bool:
    """A cue in a section heading ending in a colon ("What they're saying: “…”"), not an attribution."""
    doc = token.doc
    return (
        token.i + 1 < len(doc)
        and doc[token.i + 1].text == ":"
        and token.sent[0].lower_ in ("what", "why", "how", "where", "who")
    )


def _negated(verb: Token, quotes: QuoteIndex) -> bool:
    """Is the cue itself negated ("did not say")? A "not" inside the quote before it ("Probably not," he said)
    negates the quote, not the cue."""
    return any(c.dep_ == "neg" and not quotes.at(c.idx) and c.i > verb.i - 4 for c in verb.children)


def _draft_from_cue(verb: Token, cue: Cue, quotes: QuoteIndex, cues: dict[str, Cue]) -> _Draft | None:
    relay = relayed(verb, cues)
    if relay is not None:
        return _relayed_draft(verb, relay, quotes, cues)
    if relay_of(verb, cues) is not None or (verb.dep_ == "advcl" and cited_speaker(verb.head) is not None):
        return None  # "quoted X *as saying*", "reported, citing X": the relay's claim holds it
    source = source_of(verb, cues)
    if source.head is not None:
        source = replace(source, head=past_dateline(source.head))
    if source.head is not None and quotes.inside(source.head.idx):
        quote = quotes.at(source.head.idx)
        assert quote is not None
        if quote.end > verb.idx:
            return None  # the cue is the speaker's own word inside the quote
        source = source_between(verb, quote.end)
        if source.head is None:
            return None
    if source.head is None and not source.unsourced and not passive_report(verb, cue):
        return None
    spans, frame = content_for(verb, cue, source.head, quotes)
    stated = _stated_before(verb) if source.head is not None else None
    if stated is not None:
        spans, frame = [stated], "stated"
    elif any(
        _stated_before(c) is not None and c.lemma_.lower() in cues
        for c in verb.children
        if c.dep_ in ("ccomp", "parataxis")
    ):
        return None  # "This was stated by X, writes UNN": the outlet's frame around X's attribution says nothing
    if not spans:
        return None
    cue_tokens = [verb] + [c for c in verb.children if c.dep_ == "prt"]
    negated = _negated(verb, quotes)
    if negated:
        # "did not deny", "has not commented on": the cue keeps its negation, so nobody reads it as a yes
        cue_tokens += [c for c in verb.children if c.dep_ in ("aux", "neg") and verb.i - 4 < c.i < verb.i]
    cue_start = min(t.idx for t in cue_tokens)
    cue_end = max(t.idx + len(t) for t in cue_tokens)
    confidence = _FRAME_CONFIDENCE[frame] - (_NEGATED_PENALTY if negated else 0.0)
    if cue.cue_class != "speech":
        confidence -= _NON_SPEECH_PENALTY
    if source.head is None:
        confidence -= _UNSOURCED_PENALTY
    first, last = attribution_core(verb, source.head)
    doc = verb.doc
    cited = cited_speaker(verb)
    return _Draft(
        cue_token=verb,
        cue_text=quotes.text[cue_start:cue_end],
        cue_span=(cue_start, cue_end),
        cue_class=cue.cue_class,
        source=cited if cited is not None else source.head,
        spans=spans,
        frame=frame,
        core=(doc[first].idx, doc[last].idx + len(doc[last])),
        via=source.head if cited is not None else None,
        confidence=confidence,
    )


def _stated_before(verb: Token) -> Span | None:
    """``NATO emphasizes that … . This was stated by NATO Secretary General Mark Rutte``: a passive cue whose subject
    is "this" or "that" and whose agent is named reports the sentence before it, for the agent."""
    subjects = [c for c in verb.children if c.dep_ == "nsubjpass"]
    agents = [c for c in verb.children if c.dep_ == "agent"]
    if len(subjects) != 1 or subjects[0].lower_ not in ("this", "that") or not agents or verb.sent.start == 0:
        return None
    before = verb.doc[verb.sent.start - 1].sent
    words = [t for t in before if not t.is_space]
    if not words:
        return None
    return (words[0].idx, words[-1].idx + len(words[-1]))


def _relayed_draft(verb: Token, relay: tuple[Token, Token], quotes: QuoteIndex, cues: dict[str, Cue]) -> _Draft | None:
    """``“…,” the news agency quoted the president as saying``; ``citing the president as saying that …``: the
    statement is the relayed person's (annotation guide: the innermost source with its own reporting frame), and
    the relay is kept as ``via``."""
    person, inner = relay
    relayer = source_of(verb, cues).head
    spans, frame = content_for(inner, cues[inner.lemma_.lower()], person, quotes)
    if not spans:
        before, after = adjacent_quotes(verb, relayer, quotes)
        quote = before or after
        if quote is None:
            return None
        spans, frame = [(quote.start, quote.end)], "quote"
    doc = verb.doc
    first, last = attribution_core(verb, relayer)
    return _Draft(
        cue_token=inner,
        cue_text=inner.text,
        cue_span=(inner.idx, inner.idx + len(inner)),
        cue_class="speech",
        source=person,
        spans=spans,
        frame=frame,
        core=(doc[min(first, person.i)].idx, doc[max(last, inner.i)].idx + len(doc[max(last, inner.i)])),
        via=relayer,
        confidence=_FRAME_CONFIDENCE[frame],
    )


# -- 2b. report frames -------------------------------------------------------------------------------------------


def _frame_drafts(doc: Doc, cues: dict[str, Cue], quotes: QuoteIndex, options: AttributionOptions) -> list[_Draft]:
    """Verbs outside the lexicon used in a report's frame: a person, group or pronoun as subject and a finite
    complement clause with a subject of its own after the verb (``Cohn noticed that poor voters have been
    shifting``). Their class is belief: what the frame shows is an attitude to a proposition, not a way of speaking."""
    if FRAME_CUE_CLASS not in options.cue_classes:
        return []
    ccomp = doc.vocab.strings.add("ccomp")
    drafts = []
    for i in (i for i, dep in enumerate(doc.to_array([DEP]).tolist()) if dep == ccomp):
        clause = doc[i]
        verb = clause.head
        if verb.i >= clause.i or not _report_frame(verb, clause, cues) or quotes.inside(verb.idx):
            continue
        cue = Cue(verb.lemma_.lower(), FRAME_CUE_CLASS, _FRAME_CUE_FRAMES)
        draft = _draft_from_cue(verb, cue, quotes, cues)
        if draft is not None:
            draft.confidence -= _FRAME_CUE_PENALTY
            drafts.append(draft)
    return drafts


def _report_frame(verb: Token, clause: Token, cues: dict[str, Cue]) -> bool:
    """Is ``verb`` (not a lexicon cue) a report of ``clause`` by the subject it has?"""
    if verb.pos_ != "VERB" or verb.lemma_.lower() in cues or verb.lemma_.lower() in NON_REPORTING_VERBS:
        return False
    if verb.dep_ in _NON_CUE_DEPS or not verb.lemma_.isalpha():
        return False
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    own_subject = any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in clause.children)
    finite = clause.tag_ in FINITE_TAGS or any(c.dep_ == "aux" and c.tag_ == "MD" for c in clause.children)
    return bool(subjects) and _plausible_source(subjects[0]) and own_subject and finite


def _plausible_source(subject: Token) -> bool:
    """A person, organisation, group or personal pronoun: someone who can hold a view."""
    if subject.pos_ == "PRON":
        return subject.lower_ in PERSONAL_PRONOUNS | PLURAL_PRONOUNS | FIRST_PERSON
    return subject.pos_ == "PROPN" or subject.ent_type_ in _SOURCE_ENTITIES


# -- 3. reporting nouns ------------------------------------------------------------------------------------------


def _noun_drafts(
    candidates: list[Token], nouns: dict[str, NounCue], quotes: QuoteIndex, options: AttributionOptions
) -> list[_Draft]:
    """Reporting nouns (``data/cue_nouns.tsv``): ``Russia's claim that the drone was Ukrainian``, ``his support for
    the deal``, ``in Beijing's view, the dispute ...``."""
    drafts = []
    for token in candidates:
        cue = nouns[token.lemma_.lower()]
        if cue.cue_class not in options.cue_classes or quotes.inside(token.idx):
            continue
        that_clause = "that" in cue.frames and _that_clause(token) is not None
        source = _noun_cue_source(token, that_clause)
        colon = _colon_quote(token, quotes) if source is not None else None
        spans = [colon] if colon is not None else _noun_content(token, cue, source)
        if not spans:
            continue
        confidence = _FRAME_CONFIDENCE["noun"] - (_UNSOURCED_PENALTY if source is None else 0.0)
        start = min(source.idx, token.idx) if source is not None else token.idx
        drafts.append(
            _Draft(
                cue_token=token,
                cue_text=token.text,
                cue_span=(token.idx, token.idx + len(token)),
                cue_class=cue.cue_class,
                source=source,
                spans=spans,
                frame="noun",
                core=(start, token.idx + len(token)),
                confidence=confidence,
            )
        )
    return drafts


def _colon_quote(noun: Token, quotes: QuoteIndex) -> Span | None:
    """The quote a reporting noun announces with a colon: ``He issued a clear warning: "If no mutually acceptable
    solution is reached, …"``."""
    doc = noun.doc
    if noun.i + 2 >= len(doc) or doc[noun.i + 1].text != ":":
        return None
    quote = quotes.at(doc[noun.i + 2].idx)
    if quote is None or quote.single or quote.start != doc[noun.i + 2].idx:
        return None
    return (quote.start, quote.end)


def _noun_content(noun: Token, cue: NounCue, source: Token | None) -> list[Span]:
    clause = _that_clause(noun) if "that" in cue.frames else None
    if clause is not None:
        tokens = [t for t in clause.subtree if t.i > noun.i]
        if tokens and tokens[0].lower_ == "that":
            tokens = tokens[1:]
        return runs(tokens)
    if source is None or not (_voiced_by(noun, source) or any(c.dep_ == "poss" for c in noun.children)):
        return []  # "the attack on the embassy", "faced questions about": nobody's own claim
    if "prep" in cue.frames:
        preps = [c for c in noun.children if c.dep_ == "prep" and c.lower_ in cue.preps and c.i > noun.i]
        objects = [o for p in preps[:1] for o in p.children if o.dep_ in ("pobj", "pcomp")]
        if objects:
            return runs(drop_trailing_asides(list(objects[0].subtree), reported_clause=False))
    if "in" in cue.frames and noun.dep_ == "pobj" and noun.head.lower_ == "in" and source.dep_ == "poss":
        # "In Professor Knittel's view, the only other necessary action would be ...": the rest of the sentence
        phrase = {t.i for t in noun.head.subtree}
        tokens = [t for t in noun.sent if t.i not in phrase and not t.is_space]
        while tokens and tokens[-1].is_punct and tokens[-1].text not in CLOSING_MARKS:
            tokens = tokens[:-1]
        while tokens and tokens[0].is_punct:
            tokens = tokens[1:]
        return runs(tokens)
    return []


def _voiced_by(noun: Token, source: Token) -> bool:
    """``Democrats voiced criticism of the plan``, ``Trump is raising questions about ...``: the subject of the verb
    whose object the noun is made it, unless the verb receives it (``faced questions about``: the target)."""
    verb = noun.head
    return noun.dep_ == "dobj" and source.head == verb and verb.lemma_.lower() not in _RECEIVING_VERBS


def _noun_cue_source(noun: Token, that_clause: bool) -> Token | None:
    """Who made the claim: the possessor (``Russia's claim``; for ``his``/``their``, the subject of the verb that
    governs the noun when it names someone: ``Trump is doubling down on his support for``), else whoever made it
    (``Democrats persisted in arguments that``, ``said in a statement that``), else a name the tagger glued to a
    verb it read as a noun (``Trump claims that ...`` tagged as a noun phrase)."""
    owners = [c for c in noun.children if c.dep_ == "poss"]
    issuer = issuer_of(noun) if noun.dep_ in ("dobj", "pobj") else None
    if owners:
        if owners[0].pos_ == "PRON" and issuer is not None and issuer.pos_ in ("PROPN", "NOUN") and not that_clause:
            return issuer
        return owners[0]
    if issuer is not None:
        return issuer
    names = [c for c in noun.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < noun.i]
    if names and noun.tag_ == "NNS" and noun.dep_ == "ROOT":
        return names[-1]
    return None


def _that_clause(noun: Token) -> Token | None:
    clauses = [
        c for c in noun.children if c.dep_ in ("acl", "ccomp", "relcl") and c.i > noun.i and _opens_with_that(c, noun)
    ]
    return clauses[0] if clauses else None


def _opens_with_that(clause: Token, noun: Token) -> bool:
    """A complement clause (``claim that X``), not a relative one (``claim that he made``): "that" is a marker."""
    first = clause.left_edge
    return first.i == noun.i + 1 and first.lower_ == "that" and first.dep_ == "mark"


# -- 4. according to ---------------------------------------------------------------------------------------------


def _apply_according(according: Token, drafts: list[_Draft], quotes: QuoteIndex) -> None:
    """``according to X`` (and ``..., per the AP``)."""
    doc = according.doc
    to = doc[according.i + 1] if according.lower_ == "according" else according
    objects = [c for c in to.children if c.dep_ == "pobj"] or [c for c in according.children if c.dep_ == "pobj"]
    if not objects or quotes.inside(according.idx):
        return
    if according.lower_ == "per" and not _per_source(according, objects[0]):
        return
    source = objects[0]
    phrase = {t.i for t in according.subtree} | {t.i for t in to.subtree}
    head = according.head
    for draft in drafts:
        if draft.cue_token is not None and draft.cue_token == head:
            draft.via = source  # “…,” Wang said, according to China's Foreign Ministry
            return
    sentence = according.sent
    tokens = [t for t in sentence if t.i not in phrase and not t.is_space]
    if head.i not in phrase and head.sent == sentence and according.lower_ != "per":
        clause = [t for t in head.subtree if t.i not in phrase]
        if len(clause) >= 3:
            tokens = clause
    tokens = [t for t in tokens if t.i not in phrase]
    while tokens and tokens[-1].is_punct and tokens[-1].text not in CLOSING_MARKS:
        tokens = tokens[:-1]
    if not tokens:
        return
    phrase_end = max(phrase)
    drafts.append(
        _Draft(
            cue_token=according,
            cue_text=quotes.text[according.idx : to.idx + len(to)],
            cue_span=(according.idx, to.idx + len(to)),
            cue_class="speech",
            source=source,
            spans=runs(tokens),
            frame="according",
            core=(according.idx, doc[phrase_end].idx + len(doc[phrase_end])),
            according=True,
            confidence=_FRAME_CONFIDENCE["according"],
        )
    )


def _per_source(per: Token, source: Token) -> bool:
    """``..., per the AP.``: a named source or a report closing its sentence, not ``per year`` or ``per cent``."""
    if source.ent_type_ in ("DATE", "TIME", "CARDINAL", "PERCENT", "MONEY", "QUANTITY"):
        return False
    named = source.pos_ == "PROPN" or source.lemma_.lower() in ("report", "statement", "official", "source", "data")
    rest = [t for t in per.doc[source.right_edge.i + 1 : per.sent.end] if not (t.is_punct or t.is_space)]
    return named and not rest


# -- 5. layouts --------------------------------------------------------------------------------------------------


def _layout_draft(found: LayoutAttribution) -> _Draft:
    return _Draft(
        cue_token=None,
        cue_text=found.cue,
        cue_span=found.cue_span,
        cue_class="speech",
        source=None,
        spans=list(found.content_spans),
        frame=found.layout,
        core=found.cue_span,
        speaker_span=found.speaker_span,
        confidence=_FRAME_CONFIDENCE[found.layout],
    )


# -- 6. tidy -----------------------------------------------------------------------------------------------------


def _trim_siblings(drafts: list[_Draft]) -> None:
    """A claim's content stops where a sibling claim starts: the same speaker's next cue (``said A and warned B``,
    ``said A, adding B``) or a coordinated attribution of someone else (``A said X, and more than 4 in 10 said
    Y``). A cue nested in the content (``said that B claimed Y``) is part of what was said and stays."""
    cues = [d for d in drafts if d.cue_token is not None and not d.according and d.frame != "noun"]
    for draft in drafts:
        if draft.cue_token is None or draft.according:
            continue
        start, end = draft.spans[0]
        for other in cues:
            cue = other.cue_token
            if other is draft or cue is None or not (start < cue.idx < end):
                continue
            same_speaker = draft.source is not None and other.source is not None and other.source.i == draft.source.i
            if not same_speaker and not _coordinated_report(other, draft):
                continue
            cut = _left_edge_before(cue)
            if cut.idx > start:
                end = min(end, cut.idx)
        draft.spans[0] = (start, end)


def _coordinated_report(other: _Draft, draft: _Draft) -> bool:
    """Is ``other`` someone else's report coordinated with ``draft`` (``A said X, and 4 in 10 said Y``), not a
    stance inside what ``draft`` reports (``Biden said he commended Netanyahu and that the U.S. backs Israel's
    right ...``)?"""
    cue = other.cue_token
    assert cue is not None and draft.cue_token is not None
    return cue.dep_ == "conj" and (other.cue_class == "speech" or cue.head.i == draft.cue_token.i)


def _prefer_reported_attitudes(drafts: list[_Draft]) -> None:
    """``Voting rights advocates have expressed deep concern about the policy``: when a verb's object is a reporting
    noun that says what it is about, the noun's draft (``the policy``) is the attribution, not the verb's whole
    object; its speaker is the verb's subject either way."""
    verbs = {d.cue_token.i: d for d in drafts if d.frame == "object" and d.cue_token is not None}
    for draft in drafts:
        noun = draft.cue_token
        if draft.frame != "noun" or noun is None or noun.dep_ != "dobj" or noun.head.i not in verbs:
            continue
        verb = verbs[noun.head.i]
        if draft.source is not None and verb.source is not None and draft.source.i == verb.source.i:
            draft.confidence = max(draft.confidence, verb.confidence + _PREFERENCE_STEP)


def _left_edge_before(cue: Token) -> Token:
    """Where a sibling clause starts, taking the conjunction and comma before it along."""
    edge = cue.left_edge
    doc = cue.doc
    while edge.i > 0 and (doc[edge.i - 1].is_punct or doc[edge.i - 1].lower_ in _CONJUNCTIONS):
        edge = doc[edge.i - 1]
    return edge


def _relays(drafts: list[_Draft]) -> list[_Draft]:
    """``Baghaei said Araghchi had emphasized that ...``; ``According to the UN official, talks are ongoing, Tolo
    News reported``: a report whose reported clause is itself someone's statement with its own reporting frame only
    relays it. The statement is the innermost source's (annotation guide, "Relays"); the relay becomes ``via``. A
    relay that makes its own claim (``the paper reported that officials had met``) has no inner frame and stays."""
    dropped: set[int] = set()
    for inner in drafts:
        outer = _relaying(inner, drafts)
        if outer is not None and id(outer) not in dropped:
            inner.via = inner.via or outer.source
            inner.confidence = max(inner.confidence, outer.confidence)
            dropped.add(id(outer))
    return [d for d in drafts if id(d) not in dropped]


def _relaying(inner: _Draft, drafts: list[_Draft]) -> _Draft | None:
    """The draft that only relays ``inner``: its reported clause is ``inner``'s statement."""
    cue = inner.cue_token
    if cue is None or inner.source is None or inner.cue_class != "speech":
        return None
    for outer in drafts:
        if outer is inner or outer.cue_token is None or outer.source is None or outer.according:
            continue
        if outer.source.i == inner.source.i or not outer.spans:
            continue
        start, end = outer.spans[0]
        if not (start <= inner.source.idx < end and start <= cue.idx < end):
            continue
        if inner.according and cue.head.dep_ == "ccomp" and cue.head.head.i == outer.cue_token.i:
            return outer  # According to X, Y, Z reported
        nested = not inner.according and cue.dep_ == "ccomp" and cue.head.i == outer.cue_token.i
        if nested and _relays_words(inner, outer):
            return outer  # Z said X had emphasized that Y; ABC reported X threatened to Y
    return None


def _relays_words(inner: _Draft, outer: _Draft) -> bool:
    """Is a nested report someone else's words that the outer speaker relays: earlier words (``a White House
    official had dismissed``, ``Araghchi had emphasized``), or a person's words an outlet *reported* in any tense
    (``ABC reported Fiamē threatened to boycott the meeting``); not the outer speaker's own account (``India has
    noted``, ``his country has confirmed``)?"""
    cue, source = inner.cue_token, inner.source
    assert cue is not None and source is not None and outer.cue_token is not None
    if source.lower_ in PRONOUNS or inner.frame in _TOPIC_FRAMES:
        return False  # "said the G77 group had discussed the option": an object is what they did, not words
    if outer.cue_token.lemma_ == "report" and (source.ent_type_ == "PERSON" or source.pos_ == "PROPN"):
        return True
    person = source.ent_type_ == "PERSON" or (source.pos_ == "NOUN" and source.tag_ == "NN")
    return person and any(c.dep_ == "aux" and c.lower_ == "had" for c in cue.children)


def _relayed_person(inner: _Draft) -> bool:
    """Does a person speak in ``inner`` (``Kim said ..., KCNA reported``)? A relayed statement is the innermost
    speaker's (annotation guide, "Relays"), so the nested report stays."""
    source = inner.source
    if inner.cue_class != "speech" or source is None:
        return False
    return source.ent_type_ == "PERSON" or source.lower_ in PERSONAL_PRONOUNS


def _drop_overlaps(drafts: list[_Draft]) -> list[_Draft]:
    """Where two drafts claim the same content, keep the surer one (a quote frame beats an object frame)."""
    drafts = sorted(drafts, key=lambda d: -d.confidence)
    kept: list[_Draft] = []
    for draft in drafts:
        s, e = draft.spans[0]
        if e <= s:
            continue
        clashes = [other for other in kept if _clash(draft, other)]
        if not clashes:
            kept.append(draft)
        elif all(_nested_in(other, draft) for other in clashes):
            # "She says Trump represents the “system that he claims he's going to change”": the report that holds
            # another's cue in what it reports is the outermost one, which is the attribution
            kept = [k for k in kept if not any(k is other for other in clashes)] + [draft]
    kept.sort(key=lambda d: d.spans[0][0])
    return kept


def _clash(draft: _Draft, other: _Draft) -> bool:
    """Do two drafts claim mostly the same words?"""
    s, e = draft.spans[0]
    os_, oe = other.spans[0]
    return min(e, oe) - max(s, os_) > 0.5 * min(e - s, oe - os_)


def _nested_in(inner: _Draft, outer: _Draft) -> bool:
    """Is ``inner``'s cue inside the clause ``outer`` reports (``says [Trump represents ... he claims ...]``), not
    coordinated with ``outer``'s cue (``accuse X of ... and encourage Y``) nor in a relative clause of its own?"""
    cue, outer_cue = inner.cue_token, outer.cue_token
    if cue is None or outer_cue is None or inner.according or outer.according or cue.i == outer_cue.i:
        return False
    if not any(s <= cue.idx < e for s, e in outer.spans) or _relayed_person(inner):
        return False
    token = cue
    while token.head.i != outer_cue.i:
        if token.dep_ not in _REPORTED_CLAUSE_DEPS or token.head.i == token.i:
            return False
        token = token.head
    return token.dep_ in _REPORTED_CLAUSE_DEPS and token.dep_ != "conj"


# -- 7. leftover quotes ------------------------------------------------------------------------------------------


def _attach_leftover_quotes(
    drafts: list[_Draft],
    quotes: QuoteIndex,
    paras: list[Span],
    text: str,
    options: AttributionOptions,
    cues: dict[str, Cue],
) -> list[_Draft]:
    claimed = [s for d in drafts for s in d.spans]
    para_starts = [p[0] for p in paras]
    result = list(drafts)
    for quote in quotes.items:
        if quote.single or any(s < quote.end and quote.start < e for s, e in claimed):
            continue
        p = bisect.bisect_right(para_starts, quote.start) - 1
        if p < 0:
            continue
        para_start, para_end = paras[p]
        in_para = [d for d in result if para_start <= d.spans[0][0] < para_end and d.frame != "according"]
        coordinated = _coordinated_quote(quote.start, quote.end, in_para, quotes, cues)
        if coordinated is not None:
            result.append(coordinated)
            claimed.append((quote.start, quote.end))
            continue
        owner = _split_quote_owner(quote.start, quote.end, in_para, quotes, text, para_start)
        if owner is None and quote.open_ended and not in_para:
            owner = _closing_paragraph_owner(p, paras, quotes, result, text)
        if owner is not None:
            owner.spans.append((quote.start, quote.end))
            claimed.append((quote.start, quote.end))
            continue
        if in_para:
            continue
        # Continuation: a paragraph that is (mostly) a quote, after a paragraph whose speaker was talking.
        paragraph = text[para_start:para_end]
        body = paragraph.lstrip(_BULLETS)
        if body[:1] not in OPENING_MARKS or (quote.end - quote.start) < 0.6 * len(body.rstrip()):
            continue
        previous = _last_speaking_draft(result, para_starts, p, options.continuation_reach)
        if previous is None:
            continue
        result.append(
            _Draft(
                cue_token=previous.cue_token,
                cue_text=previous.cue_text,
                cue_span=previous.cue_span,
                cue_class=previous.cue_class,
                source=previous.source,
                spans=[(quote.start, quote.end)],
                frame="continuation",
                via=previous.via,
                continues=previous if previous.continues is None else previous.continues,
                speaker_span=previous.speaker_span,
                confidence=_FRAME_CONFIDENCE["continuation"],
            )
        )
        claimed.append((quote.start, quote.end))
    result.sort(key=lambda d: d.spans[0][0])
    return result


def _split_quote_owner(
    start: int,
    end: int,
    in_para: list[_Draft],
    quotes: QuoteIndex,
    text: str,
    para_start: int,
) -> _Draft | None:
    """The claim an unclaimed quote of the same paragraph belongs to.

    ``“A,” X said, “B.”`` and ``“A,” X said. “B.”``: B belongs to X; ``“A,” X said`` where X's cue found its
    content elsewhere: A leads into the attribution.
    """
    talking = [d for d in in_para if d.frame in ("quote", "clause", "byline", "transcript") and d.core is not None]
    for draft in talking:
        assert draft.core is not None
        if draft.core[0] >= end and only_glue(text[end : draft.core[0]]):
            return draft  # “A,” X said ...: A leads into the attribution
        if draft.core[1] <= start and only_glue(text[draft.core[1] : start]):
            return draft  # ... X said, “B”
    before = [d for d in talking if d.spans[0][0] < start and (d.source is not None or d.speaker_span is not None)]
    if before:
        draft = before[-1]
        claimed_end = max(e for _, e in draft.spans)
        between = [q for q in quotes.overlapping(claimed_end, start) if q.start >= claimed_end]
        gap_start = max(claimed_end, draft.core[1] if draft.core else claimed_end)
        gap = text[gap_start:start]
        near = len(gap.split()) <= MAX_SPLIT_GAP_WORDS or _cues_own_words(draft, gap_start, start)
        if not between and _starts_sentence(text, start, para_start) and near:
            return draft  # “A,” X said. “B.” / “A,” X threatened in a post on Truth Social. “B.”
    return None


def _coordinated_quote(
    start: int, end: int, in_para: list[_Draft], quotes: QuoteIndex, cues: dict[str, Cue]
) -> _Draft | None:
    """``X explained, “A,” but added, “B.”``: a cue joined on after a quote with no subject of its own (the parser
    hangs it inside the quote before) reports the next quote for the same speaker, as a statement of its own."""
    before = [
        d for d in in_para if d.frame in ("quote", "clause") and d.cue_token is not None and d.spans[0][0] < start
    ]
    if not before:
        return None
    draft = max(before, key=lambda d: d.spans[0][0])
    assert draft.cue_token is not None
    claimed_end = max(e for _, e in draft.spans)
    # the claim's own quote may run on past its first sentence: the gap starts where that quote closes
    after = max([claimed_end, *(q.end for q in quotes.overlapping(claimed_end - 1, claimed_end) if not q.single)])
    gap = draft.cue_token.doc.char_span(after, start, alignment_mode="contract")
    words = [t for t in gap or () if not (t.is_punct or t.is_space)]
    if len(words) < 2 or words[0].lower_ not in ("and", "but") or not gap or gap[-1].text not in (",", ":"):
        return None
    verbs = [t for t in words[1:] if t.pos_ == "VERB"]
    if len(verbs) != 1 or verbs[0].lemma_.lower() not in cues or any(t.pos_ not in ("VERB", "ADV") for t in words[1:]):
        return None
    verb = verbs[0]
    return replace(
        draft,
        cue_token=verb,
        cue_text=verb.text,
        cue_span=(verb.idx, verb.idx + len(verb.text)),
        cue_class=cues[verb.lemma_.lower()].cue_class,
        spans=[(start, end)],
        core=(verb.idx, verb.idx + len(verb.text)),
        continues=None,
    )


def _cues_own_words(draft: _Draft, start: int, end: int) -> bool:
    """Are the words between an attribution and the next quote all the cue's own (``in a post on Truth Social``,
    ``at a news conference on Monday``), at most a short sentence's worth?"""
    cue = draft.cue_token
    if cue is None:
        return False
    gap = cue.doc.char_span(start, end, alignment_mode="contract")
    words = [t for t in gap or () if not (t.is_punct or t.is_space)]
    return 0 < len(words) <= MAX_CUE_WORDS and all(cue in t.ancestors for t in words)


def _closing_paragraph_owner(
    p: int, paras: list[Span], quotes: QuoteIndex, drafts: list[_Draft], text: str
) -> _Draft | None:
    """A multi-paragraph quote attributed only at its end: every paragraph but the last opens a quote and leaves
    it open (“A ⏎ “B ⏎ “C,” the minister said). The open paragraphs belong to the claim of the closing one."""
    for start, end in paras[p + 1 :]:
        opening = [q for q in quotes.overlapping(start, end) if not q.single]
        if not opening or text[start:end].lstrip(_BULLETS)[:1] not in OPENING_MARKS:
            return None
        first = opening[0]
        if first.open_ended:
            continue  # the quote runs on into the next paragraph
        owners = [d for d in drafts if d.frame == "quote" and any(s <= first.start < e for s, e in d.spans)]
        return owners[0] if owners else None
    return None


def _starts_sentence(text: str, position: int, para_start: int) -> bool:
    before = text[para_start:position].rstrip()
    return not before or before[-1] in ".!?”\"'’:"


def _last_speaking_draft(drafts: list[_Draft], para_starts: list[int], p: int, reach: int) -> _Draft | None:
    lower = para_starts[max(p - reach, 0)]
    upper = para_starts[p]
    candidates = [
        d for d in drafts if lower <= d.spans[0][0] < upper and (d.source is not None or d.speaker_span is not None)
    ]
    if not candidates:
        return None
    last = max(candidates, key=lambda d: d.spans[0][0])
    if last.frame not in ("quote", "clause", "continuation", "transcript"):
        return None
    return last


# -- 8. finishing ------------------------------------------------------------------------------------------------


def _finish(draft: _Draft, quotes: QuoteIndex, text: str, doc: Doc, titles: frozenset[str]) -> Claim | None:
    spans = [_snap(s, e, quotes, text) for s, e in draft.spans]
    spans = sorted({s for s in spans if s[1] > s[0]})
    if spans:
        dateline = _DATELINE.match(text, spans[0][0], spans[0][1])
        if dateline is not None:
            spans[0] = (dateline.end(), spans[0][1])  # "WASHINGTON (AP) — ..." is the agency's, not the speaker's
    if not spans:
        return None
    kind = _kind_of(spans, quotes, draft.according)
    content = spans_text(text, spans)
    speaker_span = mention_span(draft.source) if draft.source is not None else draft.speaker_span
    via_span = mention_span(draft.via) if draft.via is not None else None
    confidence = draft.confidence
    if draft.source is not None and draft.source.lower_ in PRONOUNS:
        confidence -= _PRONOUN_PENALTY
    name = speaker_name(doc, speaker_span, titles) if speaker_span else None
    head, is_person = speaker_head(doc, speaker_span) if speaker_span else (None, False)
    return Claim(
        kind=kind,
        content=content,
        content_spans=tuple(spans),
        cue=draft.cue_text,
        cue_span=draft.cue_span,
        cue_class=draft.cue_class,
        speaker=text[speaker_span[0] : speaker_span[1]] if speaker_span else None,
        speaker_span=speaker_span,
        speaker_name=name,
        speaker_head=head,
        speaker_is_person=is_person,
        via=text[via_span[0] : via_span[1]] if via_span else None,
        via_span=via_span,
        confidence=round(max(min(confidence, 0.99), 0.05), 2),
    )


def _snap(start: int, end: int, quotes: QuoteIndex, text: str) -> Span:
    """Trim edge punctuation, then grow to whole quotes where the content starts or ends inside one."""
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    opening = quotes.at(start)
    if opening is not None and opening.start < start:
        start = opening.start
    elif start > 0 and (q := quotes.at(start - 1)) is not None and q.start == start - q.mark_chars:
        start = q.start
    closing = quotes.at(max(end - 1, start))
    if closing is not None and closing.end > end:
        end = closing.end
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    return start, end


def _kind_of(spans: list[Span], quotes: QuoteIndex, according: bool) -> ClaimKind:
    if according:
        return "according_to"
    total = sum(e - s for s, e in spans)
    quoted = sum(quotes.quoted_chars(s, e) for s, e in spans)
    if quoted == 0:
        return "indirect"
    if quoted >= total - 2:
        return "direct"
    return "mixed"


def _keep(claim: Claim, options: AttributionOptions) -> bool:
    if claim.speaker is None and not options.keep_unsourced:
        return False
    stripped = claim.content.strip(" “”\"'‘’.,")
    return len(stripped) >= options.min_content_chars and stripped.lower() not in EMPTY_CONTENT
