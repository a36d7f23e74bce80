"""Speaker mentions: from the token heading a source to the full mention, its person name and its head word."""

from __future__ import annotations

from itertools import pairwise

from spacy.tokens import Doc, Span, Token

#: Words a name of an organisation ends with; the tagger sometimes reads such a name as a person's ("Tolo News").
ORGANISATION_WORDS = frozenset(
    {"news", "times", "post", "agency", "television", "tv", "radio", "press", "daily", "journal", "herald", "tribune",
     "network", "channel", "newspaper", "gazette", "telegraph", "guardian", "review", "magazine", "online", "centre",
     "center", "university", "institute", "foundation", "hospital", "school", "college", "airport", "stadium",
     "hotel", "company", "group", "bank", "fund", "council", "committee", "party", "front", "army", "ministry",
     "office", "service", "commission", "association", "union", "forum", "court", "assembly"}
)  # fmt: skip
#: What ends a wire dateline before the first sentence ("HANOI (AP) —", "DHAKA, July 16, 2025 (BSS) –").
DATELINE_BREAKS = frozenset({"—", "–", "-", "--", "―", ":"})
#: Documents that speak for whoever issued them ("The statement says ..."), and through which one speaks ("in a
#: statement").
DOCUMENTS = frozenset(
    {"statement", "communique", "communiqué", "release", "readout", "letter", "declaration", "note", "notice", "post",
     "tweet", "message", "memo", "circular"}
)  # fmt: skip
#: Where or how a speaker spoke: "Tarriela *in a statement* said", "Daza *in a briefing*": not part of the mention.
_OCCASIONS = DOCUMENTS | {
    "interview", "briefing", "conference", "speech", "address", "remarks", "meeting", "video", "broadcast",
    "session", "hearing", "summit", "rally", "podcast",
}  # fmt: skip
_OCCASION_PREPS = frozenset({"in", "at", "during", "through", "via"})
#: Dependents of a mention head that start a clause about the speaker, never part of the mention.
_CLAUSE_DEPS = frozenset({"relcl", "acl", "parataxis", "advcl", "ccomp"})


def mention_tokens(head: Token) -> list[Token]:
    """The full speaker mention: titles, possessives and appositives, but no relative clause or verb."""
    keep = [head]
    for child in head.children:
        if child.dep_ in _CLAUSE_DEPS or (child.dep_ == "advmod" and child.i > head.i) or _occasion(child, head):
            continue
        keep.extend(child.subtree)
    tokens = sorted({t.i: t for t in keep}.values(), key=lambda t: t.i)
    # A mention never swallows a verb of the sentence (parse errors can make that happen), but keeps its head
    # even when the parser made that a verb ("the Daily News reads: ...").
    tokens = [
        t for t in tokens if t.i == head.i or not (t.pos_ in ("VERB", "AUX") and t.dep_ in ("ROOT", "ccomp", "conj"))
    ]
    return stretch_around(tokens, head)


def _occasion(child: Token, head: Token) -> bool:
    """Is ``child`` a phrase after the head saying where or how the speaker spoke ("in a statement")?"""
    if child.dep_ != "prep" or child.i < head.i or child.lower_ not in _OCCASION_PREPS:
        return False
    if child.i > 0 and child.doc[child.i - 1].text == ",":
        return True  # an aside: "Dmytro Kuleba, in Brussels to meet with top allied officials, said"
    return any(o.dep_ == "pobj" and o.lemma_.lower() in _OCCASIONS for o in child.children)


def stretch_around(tokens: list[Token], head: Token) -> list[Token]:
    """The contiguous stretch of ``tokens`` (in order) around ``head``, after any wire dateline before it, without
    punctuation at its edges."""
    ids = [t.i for t in tokens]
    lo = hi = ids.index(head.i)
    while lo > 0 and ids[lo - 1] == ids[lo] - 1:
        lo -= 1
    while hi < len(ids) - 1 and ids[hi + 1] == ids[hi] + 1:
        hi += 1
    tokens = tokens[lo : hi + 1]
    tokens = tokens[_after_dateline(tokens, head) :]
    while (
        len(tokens) > 1
        and not _closes_bracket(tokens)
        and (
            tokens[-1].is_punct
            or tokens[-1].is_space
            or tokens[-1].tag_ == "POS"
            or (tokens[-1].ent_type_ in ("DATE", "TIME") and tokens[-1].pos_ == "PROPN")
            or tokens[-1].lower_ in CALENDAR_WORDS
            or tokens[-1].pos_ == "ADP"
        )
    ):
        # also "Russia’s" (claim) -> Russia; "Yellen Friday" -> Yellen; "The Department … (DFA) on [Friday]"
        tokens = tokens[:-1]
    while len(tokens) > 1 and (tokens[0].is_punct or tokens[0].is_space):
        tokens = tokens[1:]
    return _balanced(tokens, head)


def _closes_bracket(tokens: list[Token]) -> bool:
    """Is the last token a ``)`` whose ``(`` is in the stretch ("Karen Kuo (郭雅慧)")?"""
    return tokens[-1].text == ")" and any(t.text == "(" for t in tokens[:-1])


def _balanced(tokens: list[Token], head: Token) -> list[Token]:
    """A bracket is kept whole or dropped whole: "Chen Binhua (陳斌華)", never "Chen Binhua (陳斌華"."""
    opened = [n for n, t in enumerate(tokens) if t.text == "("]
    closed = [n for n, t in enumerate(tokens) if t.text == ")"]
    if len(opened) <= len(closed):
        return tokens
    doc = head.doc
    after = tokens[-1].i + 1
    if after < len(doc) and doc[after].text == ")":
        return [*tokens, doc[after]]
    cut = opened[-1]
    kept = tokens[:cut] if cut > 0 and all(t.i != head.i for t in tokens[cut:]) else tokens
    while len(kept) > 1 and (kept[-1].is_punct or kept[-1].is_space):
        kept = kept[:-1]
    return kept


def _after_dateline(tokens: list[Token], head: Token) -> int:
    """Where a mention starts after a wire dateline the parser hung on it ("HANOI, Vietnam (AP) — U.S. Defense
    Secretary Mark Esper", "ABU DHABI, 9th September, 2025 (WAM) -- H.H. Sheikh ..."): past the last dash or colon
    before the head that follows a bracketed agency or words in capitals."""
    for n in range(len(tokens) - 1, 0, -1):
        token = tokens[n]
        if token.i >= head.i or not _dateline_break(token):
            continue
        before = tokens[:n]
        words = [t for t in before if t.is_alpha]
        if any(t.text == "(" for t in before) or (words and all(t.text.isupper() for t in words)):
            return n + 1
        return 0
    return 0


def past_dateline(head: Token) -> Token:
    """The speaker a wire dateline stands in front of: the parser may make the dateline's place the subject and
    hang the speaker on it ("HANOI, Vietnam (AP) — U.S. Defense Secretary Mark Esper on Wednesday accused ...")."""
    if not (head.is_alpha and head.text.isupper() and len(head.text) > 1) or head.i - head.sent.start > 2:
        return head
    doc = head.doc
    for child in reversed(list(head.children)):
        between = doc[head.i + 1 : child.left_edge.i + 1]
        if child.dep_ == "appos" and child.i > head.i and any(_dateline_break(t) for t in between):
            return child
    return head


def _dateline_break(token: Token) -> bool:
    """A dash or colon ending a wire dateline, alone or glued to a bracket ("(AP):")."""
    return token.is_punct and token.text.strip("()[] ") in DATELINE_BREAKS


def mention_span(head: Token) -> tuple[int, int]:
    tokens = mention_tokens(head)
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def speaker_name(doc: Doc | Span, span: tuple[int, int], titles: frozenset[str]) -> str | None:
    """The person-name part of a speaker mention (``Kremlin spokesman Dmitry Peskov`` -> ``Dmitry Peskov``), without
    the ``titles`` (words that describe a name but are not part of it: President, spokesman).

    Uses the parse (runs of proper nouns) before the entity labels, because NER mislabels rare names.
    """
    mention = doc.char_span(span[0], span[1], alignment_mode="expand")
    if mention is None:
        return None
    persons = [found for found in _person_runs(mention) if not _names_another(found, mention.root)]
    # The run that heads the mention or stands in apposition to its head is the speaker's own name ("Spokesperson
    # for President Muhammadu Buhari, Garba Shehu"); a name hung on a preposition of the head is someone else's.
    persons.sort(key=lambda found: _own_name_rank(found, mention.root))
    for person in persons:
        if person[-1].lower_ in ORGANISATION_WORDS:
            continue
        words = [t for t in person if t.lower_ not in titles and not _possessive(t) and not _not_a_name(t)]
        if any(t.is_alpha and (t.is_title or t.is_upper) for t in words):
            return name_text(words)
    runs: list[list[Token]] = [[]]
    for token in mention:
        if token.pos_ == "PROPN" and not _not_a_name(token):
            runs[-1].append(token)
        elif runs[-1]:
            runs.append([])
    # A run ending in a possessor (Zelenskyy's office) or modifying a common noun (the Trump administration, the
    # Security Council members) names someone else; titles inside a run are not part of the name.
    names = []
    for found in runs:
        if (
            not found
            or _possessive_after(found[-1])
            or (found[-1].dep_ in _MODIFIER_DEPS and found[-1].head.pos_ == "NOUN")
            or _bracketed_abbreviation(found)
        ):
            continue
        words = [t for t in found if t.lower_ not in titles]
        if words:
            names.append(words)
    # The run that heads the mention is the speaker ("Zippy Duvall, the president of the American Farm Bureau"),
    # however long the names after it; otherwise the longest.
    head_run = next((n for n in names if any(t.i == mention.root.i for t in n)), [])
    chosen = head_run or max(names, key=len, default=[])
    if chosen and chosen[-1].lower_ in ORGANISATION_WORDS:
        return None  # "Tolo News", "the Shehu Musa Yaradua Centre": an organisation, whatever the tagger thinks
    return name_text(chosen) if chosen else None


def _bracketed_abbreviation(run: list[Token]) -> bool:
    """``China's Foreign Ministry (FM)``: the abbreviation a bracket defines for the name before it, not a person."""
    doc = run[0].doc
    first, last = run[0].i, run[-1].i
    bracketed = first > 0 and doc[first - 1].text == "(" and last + 1 < len(doc) and doc[last + 1].text == ")"
    return bracketed and all(t.is_upper for t in run)


def name_text(tokens: list[Token]) -> str | None:
    """The words of a name as written: "Lee Nak-yeon" and "al-Sisi" keep their hyphens, other punctuation goes."""
    words: list[Token] = []
    for n, token in enumerate(tokens):
        if token.is_punct and not _joining(token, tokens[n - 1] if n else None, tokens[n + 1 : n + 2]):
            continue
        words.append(token)
    if not words:
        return None
    text = words[0].text
    for previous, token in pairwise(words):
        glued = previous.i + 1 == token.i and not previous.whitespace_
        text += token.text if glued else " " + token.text
    return text


def _joining(token: Token, before: Token | None, after: list[Token]) -> bool:
    """A hyphen or apostrophe inside a name, written without spaces ("Nak-yeon", "O'Brien")."""
    return (
        token.text in _NAME_JOINERS
        and before is not None
        and bool(after)
        and before.i + 1 == token.i == after[0].i - 1
        and not before.whitespace_
        and not token.whitespace_
    )


def _own_name_rank(run: list[Token], root: Token) -> int:
    """0 for the run that is the mention's head, 1 for one in apposition to it, 2 for any other."""
    if any(t.i == root.i for t in run):
        return 0
    ids = {t.i for t in run}
    top = next((t for t in run if t.head.i not in ids), run[-1])
    if top.dep_ == "appos":
        return 1  # "Spokesperson for President Muhammadu Buhari, Garba Shehu": the parser hangs it on either name
    return 2


#: How a name hangs on another noun when it is not the speaker's own ("the *Trump* administration").
_MODIFIER_DEPS = frozenset({"compound", "poss", "nmod", "amod"})
#: The possessive marker, also where the tagger reads "’s" as a verb ("is") or leaves the bare apostrophe alone.
_POSSESSIVE_MARKS = frozenset({"'s", "’s", "'", "’"})
#: Punctuation that belongs inside a name when written without spaces around it.
_NAME_JOINERS = frozenset({"-", "‐", "'", "’"})


#: Days and months: never part of a name ("Yellen Friday", "June").
CALENDAR_WORDS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
     "april", "may", "june", "july", "august", "september", "october", "november", "december", "jan", "feb", "mar",
     "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
)  # fmt: skip


#: Lower-case particles inside names ("Mohammed bin Salman", "Ursula von der Leyen", "Luiz Inácio Lula da Silva").
NAME_PARTICLES = frozenset(
    {
        "bin",
        "bint",
        "ibn",
        "al",
        "el",
        "de",
        "da",
        "do",
        "dos",
        "das",
        "di",
        "du",
        "van",
        "von",
        "der",
        "den",
        "la",
        "le",
    }
)


def _not_a_name(token: Token) -> bool:
    """A place, nationality, date or weekday the tagger may fold into a name."""
    return token.ent_type_ in ("GPE", "NORP", "DATE", "TIME") or token.lower_.rstrip(".") in CALENDAR_WORDS


def _possessive_after(token: Token) -> bool:
    return token.i + 1 < len(token.doc) and _possessive(token.doc[token.i + 1])


def _possessive(token: Token) -> bool:
    return token.tag_ == "POS" or token.lower_ in _POSSESSIVE_MARKS


def _names_another(run: list[Token], root: Token) -> bool:
    """Does this PERSON run name someone other than the speaker: a possessor ("President Trump’s *advisers*") or
    a modifier ("the *Trump administration*") of a mention headed by another noun?"""
    if any(t.i == root.i for t in run):
        return False
    after = run[-1].nbor(1) if run[-1].i + 1 < len(run[-1].doc) else None
    if after is not None and _possessive(after):
        return True
    ids = {t.i for t in run}
    top = next((t for t in run if t.head.i not in ids), run[-1])
    return top.dep_ in _MODIFIER_DEPS and top.head.ent_type_ != "PERSON"


def speaker_head(doc: Doc | Span, span: tuple[int, int]) -> tuple[str | None, bool]:
    """The lower-cased head word of a speaker mention and whether a PERSON entity is in it."""
    mention = doc.char_span(span[0], span[1], alignment_mode="expand")
    if mention is None:
        return None, False
    return mention.root.lower_, any(t.ent_type_ == "PERSON" for t in mention)


def _person_runs(mention: Span) -> list[list[Token]]:
    """The PERSON entities inside a mention, from the token annotations (``Span.ents`` rebuilds every entity of
    the document on each call)."""
    runs: list[list[Token]] = []
    for token in mention:
        if token.ent_type_ != "PERSON":
            continue
        # Two PERSON entities back to back are one long name the tagger cut ("Mohammed bin Abdulrahman | bin Jassim
        # al-Thani"); a new run starts only after a gap.
        if not runs or runs[-1][-1].i != token.i - 1:
            runs.append([token])
        else:
            runs[-1].append(token)
    return runs
