"""What was said: the content span(s) of a reporting cue, from the parse and the quotes around it.

A cue's *frames* (``data/cue_verbs.tsv``) say where its content may sit:

- ``clause``    a reported clause: ``said (that) ...``, ``..., he said``, ``X, he said, Y`` (mid-sentence);
- ``question``  like ``clause`` but an embedded question counts too (``asked whether ...``, ``explained why ...``);
- ``object``    a direct object (``denied the report``, ``trumpeted China's participation``);
- ``xcomp``     an infinitive (``urged X to ...``, ``vowed to ...``);
- ``oprd``      an object with its predicate (``called X "Y"``, ``considered X a success``, ``framed X as Y``);
- ``prep``      the object of a listed preposition (``called for ...``, ``warned against ...``, ``pointed to ...``).
- ``it``        a cue only with the object ``it``, whose content is the quote beside it (``as Tom Ridge put it:
                ''…''``).

When no frame yields content, a quote right beside the attribution is the content (``“…,” X said``;
``X said: “…”``; ``X told reporters on Monday, “…”``), and an attribution that closes its paragraph with a colon
introduces the next paragraph (``Limbaugh added:`` ⏎ ``And from ...``).

Content never crosses its attribution: reported clauses before the cue run from the sentence start (``A, but
B, the source added`` reports A and B), those after it stop at a ``;``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spacy.tokens import Token

from extractors.claims._lexicon import Cue
from extractors.claims._mentions import mention_tokens
from extractors.claims._quotes import CLOSING_MARKS, Quote, QuoteIndex

Spans = list[tuple[int, int]]

#: Dependents of a cue verb that belong to the attribution itself, not to what was said.
_CUE_PARTS = frozenset({"aux", "auxpass", "neg", "prt", "advmod", "npadvmod"})
#: Punctuation that ends a reported clause: what follows is the reporter's text again.
_CLAUSE_BREAKS = frozenset({";"})
#: Words that open an embedded question ("did not say whether ..."), content only for ``question`` frames.
_QUESTION_WORDS = frozenset({"whether", "if", "how", "what", "when", "why", "who", "where", "which"})
#: Objects that carry no statement ("said so", "denied it").
EMPTY_CONTENT = frozenset({"so", "it", "this", "that", "nothing", "something", "anything", "yes", "no", "otherwise"})
#: Subordinators of adverbial clauses that are the reporter's aside, not part of the report ("..., although he").
_ASIDE_MARKERS = frozenset({"although", "though", "while", "whereas", "even"})
#: Subordinators of clauses about the circumstances of an act, not its content (refused to speak as she left).
_EVENT_MARKERS = frozenset({"as", "after", "before", "when", "because", "since", "until"})
#: The event markers that place even a reported clause in time, never part of what was said.
_SEQUENCE_MARKERS = frozenset({"after", "before"})
#: "as long as", "as soon as", "as far as": conditions inside what was said.
_AS_CONDITIONS = frozenset({"long", "soon", "far", "much", "well"})
#: Relative words that open a non-restrictive relative clause after a comma ("..., which forced her to leave").
_ASIDE_RELATIVES = frozenset({"which", "who", "whom", "whose", "where"})
#: Punctuation an aside opens after: a comma or a dash (``opposed the deal — one of the biggest goals of ...``).
_ASIDE_BREAKS = frozenset({",", "—", "–", "--", "-"})
#: Prepositions after an object that give the reason of praise or blame (criticized X for Y, over Y).
_REASON_PREPS = frozenset({"for", "over"})
#: Prepositions of a phrase saying where, when or how something was said (``noted in The Intercept``).
_SETTING_PREPS = frozenset({"in", "at", "during", "with"})
#: Frames whose cue reports what its object is, and so what its passive subject is.
_OBJECT_FRAMES = frozenset({"object", "oprd"})
#: Prepositions after a passive cue that say what was said of its subject (accused of, praised for, seen as).
_PASSIVE_PREPS = frozenset({"of", "as"})
#: Entity types that say when, never what (commented on Monday).
_WHEN = frozenset({"DATE", "TIME"})
#: Fewest tokens an object must have before it may be a misparsed reported clause.
_MIN_MISPARSED_TOKENS = 4
#: Most tokens allowed between an attribution and the quote it introduces (``told reporters on Monday, “…”``).
MAX_LEAD_TOKENS = 12
#: Parts of speech of a noun phrase head (a subject a mid-sentence cue may hang on).
_NOMINALS = frozenset({"NOUN", "PROPN", "PRON"})
#: Frames read as a complement clause.
_CLAUSE_LIKE = frozenset({"question", "that"})
#: A cue that reports only with a that-clause (``the FO held that ...``): no other frame, no quote beside it.
_THAT_ONLY = frozenset({"that"})
#: Dependencies of a clause the parser hangs on a noun.
_NOUN_CLAUSE_DEPS = frozenset({"relcl", "acl"})
#: Dependencies of a subject.
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


def attribution_core(verb: Token, source: Token | None) -> tuple[int, int]:
    """First and last token index of the attribution itself: the source mention and the cue with its auxiliaries."""
    ids = [verb.i] + [c.i for c in verb.children if c.dep_ in _CUE_PARTS and abs(c.i - verb.i) <= 3]
    if source is not None:
        ids += [t.i for t in mention_tokens(source)]
    return min(ids), max(ids)


def content_for(verb: Token, cue: Cue, source: Token | None, quotes: QuoteIndex) -> tuple[Spans, str]:
    """The content spans of ``verb`` and the frame that produced them (``("", [])`` when none)."""
    before, after = adjacent_quotes(verb, source, quotes)
    passive = passive_report(verb, cue)
    if passive:
        return _subtree_span(passive, verb, source), "object"
    core_start = verb.doc[attribution_core(verb, source)[0]].idx
    for frame, finder in _FRAME_ORDER:
        if frame in cue.frames or (frame == "clause" and cue.frames & _CLAUSE_LIKE):
            spans = finder(verb, cue, source)
            if spans and before is not None and spans[-1][1] <= core_start and _opens_statement(before, quotes.text):
                # “…,” X said: the quote is what was said, whatever the parser hung on it
                return [(before.start, before.end)], "quote"
            if spans:
                return spans, frame
    quote = before or after
    if quote is not None and cue.frames != _THAT_ONLY:
        return [(quote.start, quote.end)], "quote"
    if "quote" not in cue.frames:
        spans = _misparsed_complement(verb, cue, source)
        if spans:
            return spans, "object"
    following = _paragraph_after_colon(verb, source, quotes)
    if following is not None:
        opening = quotes.at(following[0])
        return [following], "quote" if opening is not None and opening.start == following[0] else "clause"
    return [], ""


def passive_report(verb: Token, cue: Cue) -> list[Token]:
    """The passive subject of a cue that reports what its object is (``The move was criticized by economists``,
    ``Mr. Quiros was accused of using $50 million ...``, ``His rhetoric has been widely condemned as
    fearmongering``), with what is said of it (``as``, ``of``, ``for`` or the cue's prepositions, a predicate:
    ``has been called a charlatan``), empty for any other cue. Without an agent only speech reports (no one is
    named: the claim has no source)."""
    children = list(verb.children)
    subjects = [c for c in children if c.dep_ == "nsubjpass" and c.lower_ not in EMPTY_CONTENT]
    agent = "object" in cue.frames and any(c.dep_ == "agent" for c in children)
    # "is seen as", "is considered": a view held by nobody named is mostly the writer's own
    speech = cue.cue_class == "speech" and bool(cue.frames & _OBJECT_FRAMES)
    # "No damage has been reported ..., according to the ministry": the according claim holds the whole clause
    according = any(c.lower_ == "according" for c in children)
    unsourced = speech and any(c.dep_ == "auxpass" for c in children) and not according
    if not subjects or not (agent or unsourced):
        return []
    said_of = cue.preps | _REASON_PREPS | _PASSIVE_PREPS
    complements = [c for c in children if c.dep_ in ("oprd", "attr") or (c.dep_ == "prep" and c.lower_ in said_of)]
    if not agent and not complements and subjects[0].pos_ == "PRON":
        return []  # "it was mentioned": nothing said
    return subjects + [c for c in complements if c.i > verb.i]


def _paragraph_after_colon(verb: Token, source: Token | None, quotes: QuoteIndex) -> tuple[int, int] | None:
    """``Limbaugh added:`` ⏎ ``And from a supposed front-runner, ...``: an attribution that ends its paragraph with a
    colon introduces the next paragraph, quoted or not."""
    doc = verb.doc
    last = doc[attribution_core(verb, source)[1]]
    after = [t for t in doc[last.i + 1 : min(last.i + 3, len(doc))] if not t.is_space]
    if not after or after[0].text != ":":
        return None
    text = quotes.text
    colon_end = after[0].idx + 1
    para_end = text.find("\n", colon_end)
    if para_end < 0 or text[colon_end:para_end].strip():
        return None
    start = para_end
    while start < len(text) and text[start].isspace():
        start += 1
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    return (start, end) if end > start else None


# -- frames ------------------------------------------------------------------------------------------------------


def _clause(verb: Token, cue: Cue, source: Token | None) -> Spans:
    if cue.frames == _THAT_ONLY and not any(c.dep_ == "ccomp" and _opens_with_that(c) for c in verb.children):
        return []  # "held that ..." reports; "held talks", "holds $10 billion", "held a ''Grand Bargain''" do not
    source_ids = _mention_ids(source)
    children = list(verb.children)
    clauses = [c for c in children if c.dep_ in ("ccomp", "csubj") and c.i not in source_ids]
    if not clauses:
        clauses = [c for c in children if c.dep_ == "parataxis" and c.i < verb.i]
    if not clauses:
        # "Language unclear on whether ..., experts say": the parser gives up and labels the clause ``dep``.
        clauses = [c for c in children if c.dep_ == "dep" and c.i < verb.i and _comma_before(verb, source)]
    if not clauses:
        clauses = _clause_in_setting(verb)
    clauses = [c for c in clauses if not _inverted_condition(c)]
    if "question" not in cue.frames:
        clauses = [c for c in clauses if not _is_question(c)]
    elif not clauses:
        # "asked the students if they were serious": the parser reads the if-clause as a condition
        clauses = [c for c in children if c.dep_ == "advcl" and c.i > verb.i and _is_question(c)]
    if clauses and any(c.i > verb.i for c in clauses):
        clauses = [c for c in clauses if c.i > verb.i]  # "A; Iran insists B": B is what Iran insists
    if clauses:
        tokens = _tokens_of(clauses, exclude=source_ids | {verb.i})
        after = all(c.i > verb.i for c in clauses)
        before = all(c.i < verb.i for c in clauses)
        if after or before:
            tokens = _one_side(tokens, verb, source, after=after)
        if before and tokens:
            tokens = _from_sentence_start(tokens, verb)
        elif tokens:
            tokens = drop_trailing_asides(tokens)
        tokens = _strip_that(tokens)
        if tokens:
            return [_span(tokens)]
    trailing = _trailing_attribution(verb, source)
    if (verb.dep_ == "parataxis" or _as_clause(verb, cue) or trailing) and verb.head.i != verb.i:
        # Mid-sentence attribution: "To understand it, Roberts said, one should visit this museum."; the same with
        # "as": "It also does not answer whether Scott had a gun, as police have said."
        skip = {t.i for t in verb.subtree}
        if trailing:
            # what the parser hung on the cue before the comma ("…, as a means to strengthen emerging countries, its
            # foreign ministry said") is part of the reported clause
            comma = attribution_core(verb, source)[0] - 1
            skip = {i for i in skip if i >= comma}
        tokens = [t for t in _interrupted_clause(verb).subtree if t.i not in skip and not t.is_space]
        while tokens and tokens[-1].is_punct and tokens[-1].text not in CLOSING_MARKS:
            tokens = tokens[:-1]
        return runs(tokens)
    return []


def _clause_in_setting(verb: Token) -> list[Token]:
    """``emphasized in an interview with Reuters that Iraq wants ...``: the parser hangs the reported clause on the
    last noun of the phrase saying where it was said. A clause opened by the conjunction ``that`` (a relative
    ``that`` is its subject or object, never its marker) hung on a noun of a phrase after the cue is the cue's."""
    found: list[Token] = []
    phrases = [c for c in verb.children if c.dep_ == "prep" and c.i > verb.i]
    while phrases and not found:
        nouns = [o for p in phrases for o in p.children if o.dep_ == "pobj"]
        found = [c for n in nouns for c in n.children if c.dep_ in _NOUN_CLAUSE_DEPS and _opens_with_that(c)]
        phrases = [c for n in nouns for c in n.children if c.dep_ == "prep"]
    return found


def _opens_with_that(clause: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ == "that" and c.i == clause.left_edge.i for c in clause.children)


def _interrupted_clause(verb: Token) -> Token:
    """The clause a mid-sentence cue interrupts. The parser may hang ``These moves, Cambodia asserted, not only
    escalate ...`` on the subject noun before it: the clause is then the predicate that noun belongs to."""
    head = verb.head
    if verb.dep_ != "parataxis" or head.pos_ not in _NOMINALS or not _between_commas(verb):
        return head
    while head.pos_ in _NOMINALS and head.dep_ in _SUBJECT_DEPS and head.head.i != head.i:
        head = head.head
    return head


def _trailing_attribution(verb: Token, source: Token | None) -> bool:
    """``Indonesia has expressed its desire to join BRICS …, its foreign ministry said in a statement.``: the parser
    hung the closing attribution on the clause it reports, as an adverbial clause with a subject of its own, after a
    comma, with nothing of its own to say (no object, clause or conjunction such as ``as``, ``when``, ``because``)."""
    if verb.dep_ != "advcl" or verb.i < verb.head.i:
        return False
    children = list(verb.children)
    if not any(c.dep_ in _SUBJECT_DEPS for c in children):
        return False
    if any(c.dep_ in ("mark", "dobj", "ccomp", "xcomp", "advmod") for c in children):
        return False
    return _comma_before(verb, source)


def _between_commas(verb: Token) -> bool:
    """Is the cue's clause set off by commas on both sides (``X, Cambodia asserted, Y``)?"""
    doc = verb.doc
    left, right = verb.left_edge.i, verb.right_edge.i
    opened = doc[left].text == "," or (left > 0 and doc[left - 1].text == ",")
    closed = doc[right].text == "," or (right + 1 < len(doc) and doc[right + 1].text == ",")
    return opened and closed


def _as_clause(verb: Token, cue: Cue) -> bool:
    """``..., as police have said`` / ``As Mr. Bown observed, ...``: a cue in an as-clause with nothing of its own to
    report attributes the clause it modifies, unless that clause reports a clause itself (``As we have repeatedly
    stated, the United States believes the only thing ...``: the belief is the statement). A phrase saying where or
    how (``as David Dayen noted in The Intercept``) is not something reported, unless the cue reports through that
    preposition (``as he pointed to ...``); an embedded question in the clause (``does not answer whether ...``) is
    no report."""
    return (
        verb.dep_ == "advcl"
        and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
        and not any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in verb.children)
        and all(_setting(c, verb, cue) for c in verb.children if c.dep_ == "prep")
        and not any(c.dep_ == "ccomp" and not _is_question(c) for c in verb.head.children)
    )


def _setting(prep: Token, verb: Token, cue: Cue) -> bool:
    """Does the phrase ``prep`` opens say where, when or how the cue was said (``noted in The Intercept``, ``as we
    saw in 2009``, ``pointed out with a telling side-by-side``), not what (``decides on his replacement``,
    ``responded to Republican efforts``)? Not past a comma either: ``as Mr. Bown observed, in the early days ...``
    is the parser hanging the reported clause's own phrase on the cue."""
    after_comma = any(t.is_punct for t in verb.doc[verb.i + 1 : prep.i])
    return prep.lower_ in _SETTING_PREPS and prep.lower_ not in cue.preps and not after_comma


def _oprd(verb: Token, cue: Cue, source: Token | None) -> Spans:
    children = list(verb.children)
    objects = [c for c in children if c.dep_ == "dobj"]
    if not objects:
        return []
    predicates = [c for c in children if c.dep_ in ("oprd", "ccomp", "xcomp")]
    predicates += [c for o in objects for c in o.children if c.dep_ == "prep" and c.lower_ == "as"]
    predicates += [c for c in children if c.dep_ == "prep" and c.lower_ == "as"]
    if not predicates and cue.cue_class == "speech":
        # "deemed the release of a few sanctions-busters a reasonable trade-off": the parser folded the
        # predicate into the object, which then carries the whole statement (perception verbs -- "saw the
        # same thing" -- have no statement to fold).
        predicates = [t for t in objects if sum(1 for _ in t.subtree) >= _MIN_MISPARSED_TOKENS]
    return _subtree_span(objects + predicates, verb, source) if predicates else []


def _xcomp(verb: Token, cue: Cue, source: Token | None) -> Spans:
    children = list(verb.children)
    infinitives = [c for c in children if c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children)]
    if not infinitives:
        return []
    if verb.lemma_ == "tell":  # told X to ...: the order, not the person ordered
        return _subtree_span(infinitives, verb, source)
    objects = [c for c in children if c.dep_ == "dobj"]
    # "called on the news media to not print ...", "urged upon X to": whom the call is on is part of it
    objects += [c for c in children if c.dep_ == "prep" and c.lower_ in ("on", "upon") and c.i < infinitives[0].i]
    # "threatened to boycott the meeting *if Solomon Islands blocks Taiwan*": the condition is part of the threat
    # or the promise, wherever the parser hung it
    conditions = [c for c in children if c.dep_ == "advcl" and c.i > infinitives[-1].i and _conditional(c)]
    return _subtree_span(objects + infinitives + conditions, verb, source)


def _conditional(clause: Token) -> bool:
    return any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in clause.children)


def _object(verb: Token, cue: Cue, source: Token | None) -> Spans:
    objects = [c for c in verb.children if c.dep_ == "dobj" and c.lower_ not in EMPTY_CONTENT and c.pos_ != "PRON"]
    if not objects:
        return []
    # accused Trump of using divisive rhetoric, criticised Trump over his call: the charge goes with its target
    # cited the audit as the reason, derided the deal as toothless: the object's predicate goes with it
    reasons = cue.preps | _REASON_PREPS | {"as"}
    objects += [c for c in verb.children if c.dep_ == "prep" and c.lower_ in reasons and c.i > objects[0].i]
    return _subtree_span(objects, verb, source)


def _prep(verb: Token, cue: Cue, source: Token | None) -> Spans:
    preps = [c for c in verb.children if c.dep_ == "prep" and c.lower_ in cue.preps and c.i > verb.i]
    objects = [
        p for prep in preps[:1] for p in prep.children if p.dep_ in ("pobj", "pcomp") and p.ent_type_ not in _WHEN
    ]
    if not preps:
        objects = _for_clauses(verb, cue)
    return _subtree_span(objects, verb, source) if objects else []


def _for_clauses(verb: Token, cue: Cue) -> list[Token]:
    """``is calling for some of his Republican rivals to drop out``: the parser reads the preposition as opening an
    infinitive clause with its own subject, which is what is called for."""
    return [
        c
        for c in verb.children
        if c.dep_ == "advcl"
        and c.i > verb.i
        and any(m.dep_ == "mark" and m.lower_ in cue.preps and m.i == c.left_edge.i for m in c.children)
        and any(a.lower_ == "to" for a in c.children)
    ]


def _misparsed_complement(verb: Token, cue: Cue, source: Token | None) -> Spans:
    """The small model often parses a reported clause as an object (``said families of people killed by police
    file lawsuits``) or an object as a clause (``assailed Clinton's paid speeches``). A complement right after
    the cue that holds a verb of its own is taken as the content."""
    after = [c for c in verb.children if c.i > verb.i and c.dep_ in ("dobj", "ccomp", "oprd")]
    if not after and "object" in cue.frames:
        # "supports squeezing out undocumented immigrants": a gerund clause is the object
        after = [c for c in verb.children if c.i > verb.i and c.dep_ == "xcomp" and c.tag_ == "VBG"]
    if not after:
        return []
    first = after[0]
    tokens = list(first.subtree)
    if first.dep_ == "dobj":
        if "clause" not in cue.frames and "object" not in cue.frames and "oprd" not in cue.frames:
            return []
        if len(tokens) < _MIN_MISPARSED_TOKENS or not any(t.pos_ == "VERB" for t in tokens):
            return []
    elif "object" not in cue.frames and "oprd" not in cue.frames:
        return []
    return _subtree_span(after, verb, source)


_FRAME_ORDER = (("clause", _clause), ("oprd", _oprd), ("xcomp", _xcomp), ("object", _object), ("prep", _prep))


# -- quotes beside the attribution -------------------------------------------------------------------------------


def adjacent_quotes(verb: Token, source: Token | None, quotes: QuoteIndex) -> tuple[Quote | None, Quote | None]:
    """The quotes directly before (“…,” X said) and after (X said: “…”) the attribution, in its paragraph."""
    doc = verb.doc
    text = quotes.text
    first_i, last_i = attribution_core(verb, source)
    first, last = doc[first_i].idx, doc[last_i].idx + len(doc[last_i])
    para_start = text.rfind("\n", 0, first) + 1
    para_end = text.find("\n", last)
    para_end = len(text) if para_end < 0 else para_end
    before = [q for q in quotes.overlapping(para_start, first) if q.end <= first]
    after = [q for q in quotes.overlapping(last, para_end) if q.start >= last]
    return (
        before[-1] if before and only_glue(text[before[-1].end : first]) else None,
        after[0] if after and _leads_to(verb, last_i, after[0]) else None,
    )


def _opens_statement(quote: Quote, text: str) -> bool:
    """Does the quote start a statement of its own (after a sentence end, a dash or a colon), rather than close
    a partly quoted sentence (``... a resolution of the “Ukraine crisis,” the ministry added``)?"""
    before = text[: quote.start].rstrip(" \t\u00a0")
    return not before or before[-1] in "\n.!?:—–-”\"'"


def only_glue(gap: str) -> bool:
    """Is the text between a quote and its attribution only punctuation and space?"""
    return not gap.strip(" \t,:;–—-")


def _leads_to(verb: Token, last_i: int, quote: Quote) -> bool:
    """Does the attribution run straight into the quote? Only the cue's own dependents may sit in between
    (``told his radio audience on Monday, “…”``, ``said that “…”``)."""
    doc = verb.doc
    gap = []
    for token in doc[last_i + 1 : last_i + 2 + MAX_LEAD_TOKENS]:
        if token.idx >= quote.start:
            break
        gap.append(token)
    if len(gap) > MAX_LEAD_TOKENS:
        return False
    for token in gap:
        if token.is_punct or token.is_space or token.lower_ == "that":
            continue
        if token.pos_ in ("VERB", "AUX") and token.dep_ not in ("aux", "auxpass"):
            return False
        if not any(a.i == verb.i for a in token.ancestors):
            return False
    return True


# -- helpers -----------------------------------------------------------------------------------------------------


def _tokens_of(heads: Iterable[Token], exclude: set[int]) -> list[Token]:
    tokens = {t.i: t for head in heads for t in head.subtree if t.i not in exclude}
    return [tokens[i] for i in sorted(tokens)]


def _mention_ids(source: Token | None) -> set[int]:
    """The speaker mention's tokens (not its whole subtree: "X, who said Y" has the cue inside X's subtree)."""
    return {t.i for t in mention_tokens(source)} if source is not None else set()


def _span(tokens: Sequence[Token]) -> tuple[int, int]:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def _subtree_span(heads: Sequence[Token], verb: Token, source: Token | None) -> Spans:
    """The heads' subtrees without the attribution: one span, or several where the source and cue sit inside
    (``what former employees have called a “fraudulent scheme”`` -> ``what`` + ``a “fraudulent scheme”``)."""
    exclude = _mention_ids(source) | {verb.i} | {c.i for c in verb.children if c.dep_ in _CUE_PARTS}
    tokens = drop_trailing_asides(_strip_that(_tokens_of(heads, exclude)), reported_clause=False)
    return runs(_before_sibling_predicate(tokens, verb))


def drop_trailing_asides(tokens: list[Token], *, reported_clause: bool = True) -> list[Token]:
    """Cut content before a closing aside set off by a comma: a non-restrictive relative clause (``, which forced
    her to leave``), an appositive (``, the existing military alliance``), a concessive clause (``, although he
    again refused``) or a participle clause (``, implicitly putting his name on the line``). Outside reported
    clauses (``refused to speak to reporters as she left``) temporal and causal clauses are asides too."""
    if len(tokens) < 4:
        return tokens
    markers = _ASIDE_MARKERS | _EVENT_MARKERS
    last = tokens[-1].i
    for n, token in enumerate(tokens[1:-1], start=1):
        comma = n - 1
        while comma > 0 and tokens[comma].text in CLOSING_MARKS:
            comma -= 1  # ..., the party,” claiming that ...
        after_comma = tokens[comma].text in _ASIDE_BREAKS and tokens[comma].i >= token.i - 2
        if not after_comma and not _opens_event_clause(token, reported_clause):
            continue
        head = _aside_head(token, markers)
        if head is None or head.right_edge.i < last - 1:
            continue
        return tokens[:comma] if after_comma else tokens[:n]
    return tokens


def _opens_event_clause(token: Token, reported_clause: bool) -> bool:
    """``after``/``before`` place the act in time (reassured Moscow it remains impartial after China played a
    role); in a non-reported complement, ``as``, ``when``, ``because`` ... do so too."""
    markers = _SEQUENCE_MARKERS if reported_clause else _EVENT_MARKERS
    if token.lower_ == "as" and token.i > 0 and token.doc[token.i - 1].lower_ in _AS_CONDITIONS:
        return False  # "continue fighting as long as ...": a condition of the statement, not its circumstance
    return token.lower_ in markers and token.dep_ in ("mark", "advmod")


def _aside_head(first: Token, markers: frozenset[str]) -> Token | None:
    """The head of the aside that ``first`` opens, or None when ``first`` opens no aside."""
    for head in [first, *first.ancestors]:
        if head.left_edge.i != first.i:
            return None
        if head.dep_ == "relcl" and (
            first.lower_ in _ASIDE_RELATIVES
            or (first.dep_ == "prep" and first.i + 1 < len(first.doc) and first.nbor(1).lower_ in _ASIDE_RELATIVES)
        ):
            return head  # ..., which forced her / ..., for whom he was scheduled
        if head.dep_ == "appos" or (head.dep_ == "advcl" and first.lower_ in _ASIDE_RELATIVES):
            return head  # ..., the existing alliance / ..., which the opposition called illegal
        if head.dep_ == "advcl" and (
            any(c.dep_ in ("mark", "advmod") and c.lower_ in markers for c in head.children) or head.tag_ == "VBG"
        ):
            return head
    return None


def _before_sibling_predicate(tokens: list[Token], verb: Token) -> list[Token]:
    """``urged the party to unite and tried to make the case``: a finite verb in the cue's own tense, coordinated
    inside an object or infinitive (which hold no finite verbs of their own), is the speaker's next act."""
    if verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return tokens
    for n, token in enumerate(tokens[1:], start=1):
        if token.dep_ == "conj" and token.tag_ == verb.tag_ and not any(c.dep_ == "nsubj" for c in token.children):
            cut = n
            while cut > 0 and (tokens[cut - 1].is_punct or tokens[cut - 1].lower_ in ("and", "but", "or")):
                cut -= 1
            return tokens[:cut]
    return tokens


def _strip_that(tokens: list[Token]) -> list[Token]:
    while len(tokens) > 1 and tokens[0].dep_ == "mark" and tokens[0].lower_ == "that":
        tokens = tokens[1:]
    return tokens


def _inverted_condition(clause: Token) -> bool:
    """``... should the military coup masterminds fail to heed its ultimatum``: a condition, not what was said."""
    first = clause.left_edge
    return (
        first.lower_ in ("should", "had", "were")
        and first.dep_ == "aux"
        and first.i < clause.i
        and any(c.dep_ in ("nsubj", "nsubjpass") and c.i > first.i for c in clause.children)
    )


def _is_question(clause: Token) -> bool:
    first = clause.left_edge
    return (first.lower_ in _QUESTION_WORDS and first.i < clause.i) or any(
        c.dep_ == "mark" and c.lower_ in ("whether", "if") for c in clause.children
    )


def _one_side(tokens: list[Token], verb: Token, source: Token | None, *, after: bool) -> list[Token]:
    """Keep the content tokens on one side of the attribution, up to a clause break (``;``)."""
    first, last = attribution_core(verb, source)
    if after:
        kept = [t for t in tokens if t.i > last]
        for n, token in enumerate(kept):
            if token.text in _CLAUSE_BREAKS and not _list_before(kept[:n]):
                return kept[:n]
            if token.text == ":" and n + 1 < len(kept) and kept[n + 1].is_title and n > 0:
                return kept[:n]  # "..., polls show X: A Quinnipiac poll found Y" -- a new statement starts
        return kept
    kept = [t for t in tokens if t.i < first]
    for n in range(len(kept) - 1, -1, -1):
        if kept[n].text in _CLAUSE_BREAKS:
            return kept[n + 1 :]
    return kept


def _list_before(tokens: list[Token]) -> bool:
    """Is a ``;`` a list separator inside the reported clause rather than its end? No verb before it has been said
    yet ("said that Claudia Sheinbaum, head of ...; Adan Augusto Lopez, ...; and Ricardo Monreal ... will resign")."""
    return bool(tokens) and not any(t.pos_ in ("VERB", "AUX") for t in tokens)


def _from_sentence_start(tokens: list[Token], verb: Token) -> list[Token]:
    """Content before its attribution runs from the sentence start: "A, but B, the source added" reports A and B."""
    first = tokens[0].i
    prefix = [t for t in verb.sent if t.i < first and not t.is_space]
    for n in range(len(prefix) - 1, -1, -1):
        if prefix[n].text in _CLAUSE_BREAKS or prefix[n].text == ":":
            prefix = prefix[n + 1 :]
            break
    return prefix + tokens


def _comma_before(verb: Token, source: Token | None) -> bool:
    first, _ = attribution_core(verb, source)
    return first > 0 and verb.doc[first - 1].text == ","


#: What stands between a claim's spans in its ``content`` (the words the spans leave out).
SPAN_JOINER = " … "


def spans_text(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """A claim's ``content``: the text of its spans, in order, joined by :data:`SPAN_JOINER`."""
    return SPAN_JOINER.join(text[s:e] for s, e in spans)


def runs(tokens: Iterable[Token]) -> Spans:
    """Character spans of the runs of consecutive tokens (a gap of only punctuation does not break a run)."""
    ordered = sorted({t.i: t for t in tokens}.values(), key=lambda t: t.i)
    spans: Spans = []
    previous: Token | None = None
    for token in ordered:
        if previous is not None and all(t.is_punct or t.is_space for t in token.doc[previous.i + 1 : token.i]):
            spans[-1] = (spans[-1][0], token.idx + len(token))
        else:
            spans.append((token.idx, token.idx + len(token)))
        previous = token
    return spans
