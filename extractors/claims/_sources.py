"""Who is speaking: the token heading the source of a reporting cue, found through the parse.

Rules, tried from the cue verb upwards (the first that applies wins):

- ``subject``    its subject (``Wang said``); a relative pronoun stands for its antecedent (``Lavrov, who said``);
- ``unsourced``  an expletive or passive without agent (``it was reported that``, ``is said to``, ``he was asked
                 what ...``), or a passive participle clause asking something (``Asked whether ..., Ryan said``): no
                 source;
- ``agent``      the passive agent (``was told by officials``);
- ``noun``       a participle modifying a noun (``a statement announcing ...``, ``postings saying ...``): that noun,
                 or whoever issued it (``the Council issued a statement calling ...``: the Council; also a series
                 of them, ``unleashed a series of tweets criticizing ...``);
- ``inherited``  a verb without subject takes the subject of the verb it hangs from: coordination
                 (``told ... and stressed``), infinitive complements (``tried to reassure``), participle clauses
                 (``..., saying that``; one hung inside another cue's reported clause takes that cue's subject:
                 ``Perdue said he doubted X, arguing that Y``), gerunds after a preposition (``aside from saying``);
- ``inverted``   a cue right after a closing quote mark, with no comma and no subject: the noun right after it
                 (``“...” underlined the Chilean minister``, which the parser reads as the cue's object);
- ``adjacent``   a finite cue whose subject the parser lost after a long opener: the noun phrase right before it
                 (``Alarmed by the unrest, Senator Harry Reid, the minority leader, said ...``);
- ``reattached`` a coordinated cue that the parser hung inside another cue's reported clause but that agrees in
                 tense with that outer cue (``May said the country would leave and suggested ...``, ``said the
                 talks were constructive and warned ...``): the outer cue's subject.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass

from spacy.tokens import Token

from extractors.claims._lexicon import EXPLETIVES
from extractors.claims._mentions import DATELINE_BREAKS, mention_span, past_dateline

#: How many heads we climb looking for an inherited subject (deeper chains are parse noise).
MAX_INHERIT_STEPS = 4
#: How many prepositions, appositions and list items a title may hold between a name and the cue.
MAX_TITLE_STEPS = 8
#: Relative pronouns: as subjects of a relative clause they stand for the noun the clause modifies.
_RELATIVE_PRONOUNS = frozenset({"who", "that", "which"})
#: Passive cues that report without a source (``X is said to``, ``is believed to``, ``was reported``).
_UNSOURCED_PASSIVES = frozenset({"report", "say", "believe", "think", "expect", "rumor", "rumour", "understand", "ask"})
#: Dependents that hold what a passive participle clause asks (``Asked whether ...``, ``Asked to describe ...``).
_ASKED_DEPS = frozenset({"ccomp", "xcomp"})
#: Entity types that "who" cannot refer to.
_PLACE_ENTITIES = frozenset({"GPE", "LOC", "FAC", "DATE", "TIME"})
#: Nouns for what was published or said, whose words a participle right after them reports (``a report saying``).
REPORT_NOUNS = frozenset(
    {"report", "statement", "article", "post", "letter", "tweet", "video", "message", "communique", "communiqué",
     "editorial", "commentary", "column", "release", "document", "memo", "notice", "study", "survey", "poll"}
)  # fmt: skip
#: Nouns that count reports (``a series of tweets``): whoever issued or owns the series issued each.
_AMOUNTS = frozenset(
    {"series", "flurry", "barrage", "string", "stream", "volley", "spate", "torrent", "slew", "burst", "round", "set",
     "couple", "pair", "number"}
)  # fmt: skip
#: Verbs that relay another's words: their object is the speaker (``quoted the president as saying``).
RELAY_VERBS = frozenset({"quote", "cite"})
#: Nouns that say who spoke when a report is "citing" them (``citing unnamed officials``), not what it rests on
#: (``citing data``, ``citing concerns``).
_CITED_SPEAKERS = frozenset(
    {"source", "official", "spokesman", "spokeswoman", "spokesperson", "person", "people", "diplomat", "aide",
     "officer", "minister", "ministry", "department", "government", "authority", "agency", "office", "insider",
     "lawmaker", "negotiator", "envoy", "ambassador", "commander", "spokespeople"}
)  # fmt: skip
#: Verbs whose subject issues what their object says (``the Council issued a statement calling ...``).
ISSUING_VERBS = frozenset(
    {"issue", "release", "publish", "post", "send", "put", "make", "deliver", "give", "present", "unveil", "share",
     "circulate", "tweet", "write", "read", "adopt", "sign", "submit", "file", "distribute", "broadcast", "air",
     "pen", "draft", "sent", "launch", "run", "carry", "unleash", "approve", "pass"}
)  # fmt: skip
#: Marks that close a quote (a straight mark right before a verb closes one: an opening mark precedes words).
_CLOSING_QUOTES = frozenset({"”", '"', "»", "’’", "''"})
#: Finite verb tags: a coordinated cue in one of these agrees in tense with another finite cue.
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP"})


@dataclass(frozen=True, slots=True)
class Source:
    """The head token of the speaker mention (None when there is none) and the rule that found it."""

    head: Token | None
    rule: str

    @property
    def unsourced(self) -> bool:
        return self.head is None and self.rule == "unsourced"


NO_SOURCE = Source(None, "none")


def relayed(verb: Token, cue_lemmas: Container[str]) -> tuple[Token, Token] | None:
    """``the agency quoted the president as saying``, ``citing X as saying that``, ``quoted X to have said``: for a
    relay verb whose object is the person relayed and whose complement reports, ``(person, inner cue)``."""
    if verb.lemma_.lower() not in RELAY_VERBS:
        return None
    objects = [c for c in verb.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")]
    if not objects:
        return None
    for child in verb.children:
        if child.i < objects[0].i:
            continue
        if child.dep_ == "prep" and child.lower_ == "as":
            inner = [g for g in child.children if g.dep_ == "pcomp" and g.lemma_.lower() in cue_lemmas]
            if inner:
                return objects[0], inner[0]
        if child.dep_ in ("xcomp", "advcl") and child.lemma_.lower() in cue_lemmas and _speaks(objects[0]):
            return objects[0], child  # "quoted the minister saying"; not "cited the same reason, stating"
    return None


def _speaks(noun: Token) -> bool:
    """Can ``noun`` be someone quoted or cited (a name, a body, a source), not what was cited (``the reason``)?"""
    return noun.ent_type_ in ("PERSON", "ORG", "NORP") or noun.lemma_.lower() in _CITED_SPEAKERS


def cited_speaker(verb: Token) -> Token | None:
    """``the RIA news agency reported, citing Foreign Ministry Spokeswoman Maria Zakharova``: the speaker a report
    cites, whose statement it is (annotation guide: the innermost source), or None."""
    for child in verb.children:
        if child.dep_ == "advcl" and child.tag_ == "VBG" and child.lemma_.lower() == "cite":
            for noun in child.children:
                if noun.dep_ == "dobj" and _speaks(noun) and not any(c.lower_ == "as" for c in child.children):
                    return noun
    return None


def relay_of(inner: Token, cue_lemmas: Container[str]) -> Token | None:
    """The relay verb an inner reporting cue belongs to (``quoted X *as saying*``), if any."""
    verb = inner.head.head if inner.dep_ == "pcomp" else inner.head
    found = relayed(verb, cue_lemmas) if verb.i != inner.i else None
    return verb if found is not None and found[1].i == inner.i else None


def source_of(verb: Token, cue_lemmas: Container[str]) -> Source:
    current = verb
    for step in range(MAX_INHERIT_STEPS):
        relay = relay_of(current, cue_lemmas) if step else None
        person = relayed(relay, cue_lemmas) if relay is not None else None
        if person is not None:
            return Source(person[0], "relayed")  # "quoted X as saying A and warning B": B is X's too
        found = _own_source(current, is_cue=step == 0, verb=verb)
        if found is not None:
            return found if step == 0 or found.head is None else Source(found.head, "inherited")
        inverted = _speaker_after_quote(verb) if step == 0 else None
        if inverted is not None:
            return Source(inverted, "inverted")  # before climbing into the quote the parser hung the cue on
        if current.dep_ == "acl" and current.tag_ in ("VBG", "VBN") and current.head.pos_ in ("NOUN", "PROPN"):
            return _report_source(current.head)
        if current.dep_ == "relcl":
            return Source(_antecedent(current.head, None), "subject")
        if current.dep_ == "conj":
            outer = _outer_cue(current, cue_lemmas)
            if outer is not None:
                found = _own_source(outer, is_cue=False, verb=verb)
                return Source(found.head, "reattached") if found is not None and found.head is not None else NO_SOURCE
            current = current.head
            continue
        if current.dep_ == "advcl" and current.tag_ == "VBG":
            report = _report_right_before(current)
            if report is not None:
                return _report_source(report)
            voice = _relayed_before(current, cue_lemmas)
            if voice is not None:
                return Source(voice, "relayed")
            outer = _outer_cue_of_participle(current, cue_lemmas)
            if outer is not None:
                current = outer
                continue
            current = current.head
            continue
        if current.dep_ in ("xcomp", "acomp") or _purpose(current):
            # "vowed to ...", "is critical of ...", "leaders gathered Friday to discuss ...": the subject of the verb
            # it completes
            current = current.head
            continue
        if current.dep_ == "pcomp" and current.tag_ == "VBG" and current.head.head.pos_ in ("VERB", "AUX"):
            current = current.head.head
            continue
        if step == 0 and _passive_participle(current):
            return Source(None, "unsourced")
        break
    if verb.tag_ in FINITE_TAGS and verb.dep_ == "ROOT":
        adjacent = _noun_right_before(verb)
        if adjacent is not None:
            return Source(adjacent, "adjacent")
    return NO_SOURCE


def _speaker_after_quote(verb: Token) -> Token | None:
    """``“...” underlined the Chilean minister``: with no comma after the quote the parser takes the cue into the
    quoted sentence and the speaker after it for an object. A noun right after a cue that follows a closing quote
    mark is the speaker."""
    doc = verb.doc
    if verb.i == 0 or doc[verb.i - 1].text not in _CLOSING_QUOTES:
        return None
    after = [c for c in verb.children if c.dep_ == "dobj" and c.left_edge.i == verb.i + 1]
    return after[0] if after and after[0].pos_ in ("NOUN", "PROPN") else None


def _passive_participle(verb: Token) -> bool:
    """``Asked whether he would run, Ryan said ...``, ``..., he said when asked about it``: a passive participle
    clause of a cue that reports without a source; its agent (the one who asked) is nobody named, and the subject
    of the clause it hangs on is the one asked, not the asker. It must ask something of its own: a bare ``if asked``
    inside someone's statement is part of it."""
    return (
        verb.dep_ == "advcl"
        and any(c.dep_ in _ASKED_DEPS for c in verb.children)
        and verb.tag_ in ("VBN", "VBD")
        and verb.lemma_.lower() in _UNSOURCED_PASSIVES
        and not any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "agent") for c in verb.children)
    )


def _purpose(verb: Token) -> bool:
    """An infinitive of purpose (``met with the liaison to discuss document requests``)."""
    to = any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
    return verb.dep_ == "advcl" and verb.tag_ == "VB" and to


def _relayed_before(participle: Token, cue_lemmas: Container[str]) -> Token | None:
    """``..., citing the president as saying A, saying B``: a participle after a relay of the same verb carries
    on the relayed voice."""
    for sibling in reversed([c for c in participle.head.children if c.i < participle.i and c.dep_ == "advcl"]):
        found = relayed(sibling, cue_lemmas)
        if found is not None:
            return found[0]
    return None


def _report_right_before(participle: Token) -> Token | None:
    """``the report by local media earlier Saturday saying that ...``: a participle the parser hung on the main verb
    but written right after a report (no comma between) reports that report's words."""
    i = participle.i - 1
    doc = participle.doc
    while i >= participle.sent.start and (doc[i].ent_type_ in ("DATE", "TIME") or doc[i].pos_ == "ADV"):
        i -= 1
    if i < participle.sent.start or doc[i].pos_ not in ("NOUN", "PROPN"):
        return None
    node = doc[i]
    for _ in range(3):
        if node.lemma_.lower() in REPORT_NOUNS:
            return node
        if node.dep_ in ("pobj", "compound") and node.head.head.pos_ in ("NOUN", "PROPN"):
            node = node.head.head if node.dep_ == "pobj" else node.head
            continue
        break
    return None


def _report_source(noun: Token) -> Source:
    """Who speaks through a participle on ``noun`` (``a statement calling ...``): whoever issued it (``the Council
    issued a statement calling ...``, ``the ministry released a statement Wednesday saying ...``, ``the candidate
    unleashed a series of tweets criticizing ...``; but whoever *denied* ``a media report suggesting ...`` did
    not), else the noun itself."""
    carrier = _counted_in(noun)
    if carrier.dep_ in ("dobj", "pobj") and _issued(carrier):
        issuer = issuer_of(carrier)
        if issuer is not None:
            return Source(issuer, "inherited")
    return Source(noun, "noun")


def _counted_in(noun: Token) -> Token:
    """The amount a noun is counted in (``a series of tweets``, ``a flurry of posts``), else the noun itself."""
    of = noun.head
    if noun.dep_ == "pobj" and of.lower_ == "of" and of.head.lemma_.lower() in _AMOUNTS:
        return of.head
    return noun


def _issued(noun: Token) -> bool:
    """Is ``noun`` the object of a verb of issuing (``issued a statement``, ``sent tweets``, ``in a post``)?"""
    verb = noun.head if noun.dep_ == "dobj" else noun.head.head
    carried = noun.dep_ == "pobj" and noun.head.lower_ in ("in", "through", "via")
    return carried or verb.lemma_.lower() in ISSUING_VERBS


def issuer_of(noun: Token) -> Token | None:
    """The subject of the verb that governs ``noun`` as its object (directly or through a preposition)."""
    verb = noun.head if noun.dep_ == "dobj" else noun.head.head
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.lower_ not in _RELATIVE_PRONOUNS]
    return subjects[0] if subjects else None


def source_between(verb: Token, start: int) -> Source:
    """“…,” Mr. Daniloff, now 81, said: when the parser took the speaker from inside the quote, the speaker is the
    first noun phrase between the quote's end (character ``start``) and the cue."""
    for token in verb.doc[verb.sent.start : verb.i]:
        if token.idx < start or token.pos_ not in ("PROPN", "NOUN", "PRON"):
            continue
        head = token
        while head.dep_ in ("compound", "flat") and head.head.i < verb.i and head.head.idx >= start:
            head = head.head
        return Source(head, "adjacent")
    return NO_SOURCE


def _noun_right_before(verb: Token) -> Token | None:
    """The noun phrase right before a subjectless finite cue: the parser lost the subject after a long opener
    ("Alarmed by the unrest, Senator Harry Reid, the minority leader, said ...")."""
    i = verb.i - 1
    while i >= verb.sent.start and (verb.doc[i].pos_ == "ADV" or verb.doc[i].text == ","):
        i -= 1
    if i < verb.sent.start:
        return None
    token = _before_relative_clause(verb.doc[i])
    if token.pos_ not in ("NOUN", "PROPN") or token.dep_ in ("compound", "poss"):
        return None
    if token.dep_ == "pobj":
        person = _titled_person(token) or _before_aside(token)
        if person is not None:
            return person
    while token.dep_ == "appos" and token.head.dep_ not in ("pobj", "dobj"):
        token = token.head
    return token


def _before_aside(last: Token) -> Token | None:
    """The noun before an aside between commas that ``last`` ends ("Dmytro Kuleba, in Brussels to meet with top
    allied officials, said"): an aside opened by a preposition or a participle describes the noun before it, and
    the parser, finding no subject for the cue, took the aside's last noun."""
    doc = last.doc
    i = last.i - 1
    while i > last.sent.start and doc[i].text != ",":
        i -= 1
    opener = doc[i + 1] if i + 1 < len(doc) else None
    if i <= last.sent.start or opener is None or not (opener.pos_ == "ADP" or opener.tag_ in ("VBG", "VBN")):
        return None
    noun = doc[i - 1]
    while noun.dep_ == "pobj" and noun.head.head.pos_ in ("NOUN", "PROPN"):
        noun = noun.head.head  # "the head of the agency, in a statement, said": the head
    return noun if noun.pos_ in ("NOUN", "PROPN") else None


def _before_relative_clause(last: Token) -> Token:
    """The noun a relative clause between commas describes, when ``last`` ends that clause ("Senator Birmingham,
    whose efforts … were rebuffed, said"): the parser may hang the clause on another noun; the text order holds."""
    clause = next((t for t in (last, *last.ancestors) if t.dep_ == "relcl"), None)
    if clause is None:
        return last
    first = min(clause.subtree, key=lambda t: t.i)
    if first.lower_ not in (*_RELATIVE_PRONOUNS, "whose") or first.i < 2 or first.doc[first.i - 1].text != ",":
        return last
    return first.doc[first.i - 2]


def _titled_person(noun: Token) -> Token | None:
    """The person whose title ends in ``noun``: "Edem Wosornu, Director of Operations and Advocacy, United Nations
    Office for the Coordination of Humanitarian Affairs said": the noun before the cue closes the title's last
    of-phrase, which the parser hung (through prepositions, appositions and lists) on the name it describes."""
    node = noun
    for _ in range(MAX_TITLE_STEPS):
        if node.ent_type_ == "PERSON" and node.pos_ == "PROPN":
            return node
        parent = node.head.head if node.dep_ == "pobj" and node.head.dep_ == "prep" else node.head
        if node.dep_ not in ("pobj", "appos", "conj") or parent.pos_ not in ("NOUN", "PROPN") or parent.i > node.i:
            return None
        node = parent
    return None


def _own_source(current: Token, *, is_cue: bool, verb: Token) -> Source | None:
    """The source a verb names itself (subject, agent, expletive), or None to keep climbing."""
    subject = passive = None
    # "Obama and his wife are expected to visit": the parser may label a passive subject as nsubj
    passive_voice = current.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in current.children)
    for child in current.children:
        if child.dep_ == "nsubj" and passive_voice:
            passive = child
            continue
        if child.dep_ in ("nsubj", "csubj") and (subject is None or child.pos_ != "DET"):
            subject = child  # "Republican figures -- ... -- both suggested": the noun, not the quantifier
        elif child.dep_ == "nsubjpass":
            passive = child
        elif child.dep_ == "agent":
            agents = [g for g in child.children if g.dep_ == "pobj"]
            if agents:
                return Source(agents[0], "agent")
    if subject is not None:
        if is_cue and _dateline_place(subject, verb):
            adjacent = _noun_right_before(verb)
            return Source(adjacent, "adjacent") if adjacent is not None else NO_SOURCE
        if subject.lower_ in _RELATIVE_PRONOUNS and current.dep_ == "relcl":
            return Source(_antecedent(current.head, subject), "subject")
        if subject.lower_ in EXPLETIVES and subject.dep_ != "nsubj":
            return Source(None, "unsourced")
        return Source(subject, "subject")
    if passive is not None:
        if passive.lower_ in EXPLETIVES:
            return Source(None, "unsourced")
        if current.lemma_ == "quote":  # X was quoted as saying
            return Source(passive, "subject")
        unsourced = is_cue and verb.lemma_.lower() in _UNSOURCED_PASSIVES
        return Source(None, "unsourced" if unsourced else "none")
    return None


def _dateline_place(subject: Token, verb: Token) -> bool:
    """Is the subject the place of a wire dateline the parser made the cue's subject ("Colombo, Feb 21 (Daily
    Mirror) - Justifying ..., Minister Harin Fernando told Parliament")? It opens the paragraph and a dateline
    dash hangs on it before the cue."""
    doc = subject.doc
    if subject.text.isupper():
        return False  # "DHAKA, July 16 (BSS) –": an upper-case dateline the mention finder already looks past
    if subject.i != subject.sent.start or (subject.i > 0 and "\n" not in doc[subject.i - 1].text_with_ws):
        return False
    return any(c.is_punct and c.text in DATELINE_BREAKS and subject.i < c.i < verb.i for c in subject.children)


def _outer_cue_of_participle(participle: Token, cue_lemmas: Container[str]) -> Token | None:
    """``Perdue said he didn't believe X, arguing that Y``: a participle set off by a comma and hung inside another
    cue's reported clause reports the same speaker as that cue, not the clause's own subject."""
    before = participle.i - 1
    while before > 0 and participle.doc[before].text in _CLOSING_QUOTES:
        before -= 1  # "… he has “won the argument,” claiming that …": the comma inside the quote sets it off
    if before < 0 or participle.doc[before].text not in (",", "—", "–", "-"):
        return None
    node = participle.head
    while node.head.i != node.i:
        parent = node.head
        if node.dep_ in ("ccomp", "parataxis") and parent.lemma_.lower() in cue_lemmas:
            return parent
        node = parent
    return None


def _antecedent(noun: Token, pronoun: Token | None) -> Token:
    """What a relative clause's pronoun stands for. "who" means a person, so a place the parser hung the clause
    on ("Alan Berger, a gynecologist from Englewood, who said") gives way to the noun it belongs to."""
    if pronoun is None or pronoun.lower_ != "who":
        return noun
    while noun.dep_ == "pobj" and noun.ent_type_ in _PLACE_ENTITIES and noun.head.head.pos_ in ("NOUN", "PROPN"):
        noun = noun.head.head
    return noun


def antecedent_of(pronoun: Token) -> Token | None:
    """The noun a relative pronoun stands for as the subject of its clause (``Lavrov`` in ``Lavrov, who said``), as
    the cue's source rules find it; None for any other token."""
    if pronoun.lower_ not in _RELATIVE_PRONOUNS or pronoun.dep_ != "nsubj" or pronoun.head.dep_ != "relcl":
        return None
    return past_dateline(_antecedent(pronoun.head.head, pronoun))


def relative_pronoun(cue: Token, speaker_span: tuple[int, int]) -> Token | None:
    """``Lavrov, who said``, ``Lavrov, who met Blinken and said``: the relative pronoun through which ``cue`` found
    the speaker mention at ``speaker_span``: the subject of the relative clause the cue is in (or hangs from)."""
    node = cue
    for _ in range(MAX_INHERIT_STEPS + 1):
        if node.dep_ == "relcl":
            pronouns = [c for c in node.children if c.dep_ == "nsubj" and c.lower_ in _RELATIVE_PRONOUNS]
            noun = antecedent_of(pronouns[0]) if pronouns else None
            return pronouns[0] if noun is not None and mention_span(noun) == speaker_span else None
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def _outer_cue(conj: Token, cue_lemmas: Container[str]) -> Token | None:
    """For a coordinated finite cue hung inside a reported clause, the outer cue it agrees with in tense."""
    if conj.tag_ not in FINITE_TAGS or (conj.head.lemma_.lower() in cue_lemmas and conj.head.tag_ == conj.tag_):
        # "told X and stressed Y": the head is a cue itself, its subject is ours anyway; but "said the plan showed
        # they did not know the facts, and accused ...": a cue of another tense is no partner of ours
        return None
    node = conj.head
    while node.dep_ != "ROOT" and node.head.i != node.i:
        parent = node.head
        if node.dep_ in ("ccomp", "parataxis") and parent.tag_ == conj.tag_ and parent.lemma_.lower() in cue_lemmas:
            return parent
        node = parent
    return None
