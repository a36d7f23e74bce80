"""Person names inside one article: the phrase around each name, the titles it carries, and which full name a
short or misspelt name stands for.

A PERSON entity anywhere in the text is a name mention, with the noun phrase that describes it: the titles before
it (``Foreign Ministry Spokesman Bahram Qasemi``), the role it is in apposition to (``Ramaphosa’s spokesperson,
Vincent Magwenya``) and its appositions (``Arindam Bagchi, the spokesperson for the Ministry of External
Affairs``). The linker reads that phrase for the person's government even when the sentence reports nothing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from spacy.tokens import Doc, Token

from extractors.claims._mentions import (
    DATELINE_BREAKS,
    NAME_PARTICLES,
    ORGANISATION_WORDS,
    name_text,
    past_dateline,
    stretch_around,
)
from extractors.linking.gazetteer import Place, TermIndex

#: How alike two spellings must be for a repeat to count as a misspelling of a full name.
FUZZY_NAME_RATIO = 0.8
#: Shortest single name we try to match fuzzily (short names collide too easily).
FUZZY_MIN_CHARS = 4
#: Dependents of a name that are part of its description: titles, appositions, possessors.
_PHRASE_DEPS = frozenset({"compound", "flat", "amod", "appos", "poss", "det", "nmod", "punct", "case", "prep"})
#: A name climbs to the noun it stands in apposition to (``spokesperson, Vincent Magwenya``); a name that is a
#: compound of a noun modifies it (``the *Marcos* policy``) and describes nothing.
_CLIMB_DEPS = frozenset({"appos"})
#: Dependents inside an apposition that start a clause or a list, never a title.
_NOT_TITLE_DEPS = frozenset({"conj", "cc", "relcl", "acl", "advcl", "parataxis", "ccomp"})
_PLACES = frozenset({"GPE", "LOC", "NORP"})
#: Lower-case words inside a portfolio between a title and a name ("Minister *of* Tourism *and* Lands").
_PORTFOLIO_JOINS = frozenset({"of", "and", "&", "for", "the"})
#: How far into a text a wire dateline's place may reach.
DATELINE_CHARS = 40
#: Entity types a titled name cannot have ("Minister *Thursday*").
_NOT_NAMES = frozenset({"DATE", "TIME", "GPE", "LOC", "NORP", "CARDINAL", "ORDINAL", "MONEY", "PERCENT"})
#: Words that say a person's gender, in titles and honorifics.
FEMININE = frozenset(
    {"mrs", "ms", "miss", "madam", "madame", "spokeswoman", "chairwoman", "congresswoman", "queen", "princess",
     "businesswoman", "sheikha", "she", "her", "woman", "lady", "dame", "mother", "wife", "daughter", "sister"}
)  # fmt: skip
MASCULINE = frozenset(
    {"mr", "spokesman", "chairman", "congressman", "king", "prince", "sheikh", "businessman", "he", "him", "his",
     "man", "lord", "sir", "father", "husband", "son", "brother", "emir", "sultan"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class NameMention:
    """One PERSON name in the text and the phrase that describes it."""

    #: Character offset of the name.
    start: int
    #: The name as written, without its titles (``Bahram Qasemi``).
    name: str
    #: Character span of the describing noun phrase (titles, appositions).
    phrase: tuple[int, int]
    #: Lower-cased role words of the phrase that describe this person (``foreign``, ``ministry``, ``spokesman``).
    titles: frozenset[str]
    #: The token the phrase hangs from: its grammatical role says how prominent the mention is.
    head: Token
    gender: str | None = None
    #: Codes of the countries the phrase names beside the person (``Egyptian leader`` -> EGY).
    countries: frozenset[str] = frozenset()
    #: Character span of a title set before the name with a comma that the parse left unattached.
    title: tuple[int, int] | None = None


def name_mentions(doc: Doc, titles: frozenset[str], places: TermIndex[Place]) -> list[NameMention]:
    """Every PERSON entity of ``doc`` with its describing phrase, in text order; not those that are places
    (``Bangladeshi``) or organisations (``Tolo News``), which the tagger sometimes reads as people."""
    found = []
    covered: set[int] = set()
    for ent in doc.ents:
        if ent.label_ != "PERSON" or ent[-1].lower_ in ORGANISATION_WORDS or places.matches(list(ent)):
            continue
        if ent.start_char < DATELINE_CHARS and all(t.text.isupper() for t in ent if t.is_alpha):
            continue  # "SHARM EL SHEIKH, Egypt (AP) —": a dateline the tagger read as a name
        tokens = _past_portfolio(_whole_name(list(ent), titles), titles)
        mention = _name_mention(tokens, _span_root(tokens), titles, places)
        if mention is not None:
            found.append(mention)
            covered.update(t.i for t in tokens)
    for run in _titled_runs(doc, titles, places, covered):
        mention = _name_mention(run, _span_root(run), titles, places)
        if mention is not None:
            found.append(mention)
    found.sort(key=lambda m: m.start)
    return found


def _whole_name(tokens: list[Token], titles: frozenset[str]) -> list[Token]:
    """A PERSON entity with the rest of the name the tagger cut off ("[Seyyed Abbas] Araqchi")."""
    doc = tokens[0].doc
    end = tokens[-1].i + 1
    while end < len(doc) and doc[end].ent_type_ in ("", "PERSON"):
        token = doc[end]
        if _name_part(token, titles):
            end += 1
        elif (token.lower_ in NAME_PARTICLES or token.text in ("-", "‐")) and end + 1 < len(doc):
            if not _name_part(doc[end + 1], titles) and doc[end + 1].lower_ not in NAME_PARTICLES:
                break
            end += 1  # "... bin Jassim al-Thani"
        else:
            break
    return list(doc[tokens[0].i : end])


def _span_root(tokens: list[Token]) -> Token:
    """The token of a run whose head lies outside it (the run's syntactic head)."""
    ids = {t.i for t in tokens}
    return next((t for t in tokens if t.head.i not in ids or t.head.i == t.i), tokens[-1])


def _name_part(token: Token, titles: frozenset[str]) -> bool:
    # Letters, or letters around an apostrophe: "Mata'afa", "O’Brien", "Ng'ang'a" are one word of a name.
    letters = token.text.replace("'", "").replace("’", "")
    return token.pos_ == "PROPN" and letters.isalpha() and token.text[:1].isupper() and token.lower_ not in titles


def _name_mention(
    tokens: list[Token], root: Token, titles: frozenset[str], places: TermIndex[Place]
) -> NameMention | None:
    words = [t for t in tokens if t.lower_ not in titles and t.tag_ != "POS" and t.lower_ not in ("'s", "’s")]
    name = name_text(words) if words else None
    if not name or not any(c.isalpha() for c in name):
        return None
    head = _describing_head(root)
    phrase = describing_phrase(head, root, places)
    title = (
        _title_before_comma(phrase[0], root, titles)
        or _portfolio_title(tokens[0], titles)
        or _relative_role(head, titles)
        or []
    )
    own = {t.i for t in tokens}
    title_words = person_titles([*title, *phrase], own)
    return NameMention(
        start=tokens[0].idx,
        name=name,
        phrase=(phrase[0].idx, phrase[-1].idx + len(phrase[-1])),
        titles=title_words,
        head=head,
        gender=gender_of(title_words | {t.lower_.rstrip(".") for t in tokens}),
        countries=countries_in([*title, *phrase], places, own),
        title=(title[0].idx, title[-1].idx + len(title[-1])) if title else None,
    )


def surname_shaped(token: Token) -> bool:
    """Could ``token`` be a surname on its own? A capitalised proper noun, or a noun: the tagger reads rarer surnames
    as nouns ("Sing'oei said")."""
    return token.pos_ in ("PROPN", "NOUN") and token.text[:1].isupper()


def surname_mentions(
    doc: Doc,
    known: Sequence[NameMention],
    full_names: Sequence[tuple[int, str]],
    titles: frozenset[str],
    places: TermIndex[Place],
) -> list[NameMention]:
    """Surnames of people the article names in full that the tagger did not read as names, where they are subjects
    ("Araghchi clarified that ..."): they keep the discourse about that person."""
    covered = {t.i for m in known for t in doc.char_span(*m.phrase, alignment_mode="expand") or ()}
    found = []
    for token in doc:
        if token.i in covered or not surname_shaped(token) or token.dep_ not in ("nsubj", "nsubjpass"):
            continue
        if token.lower_ in titles or places.matches([token]):
            continue
        match = full_name_for(token.text, full_names, token.idx)
        if match is not None and match[1] == "name":
            mention = _name_mention([token], token, titles, places)
            if mention is not None:
                found.append(mention)
    return found


def countries_in(tokens: Sequence[Token], places: TermIndex[Place], own: set[int] | None = None) -> frozenset[str]:
    """The codes of the countries and bodies named in ``tokens`` (not inside ``own``, a person's name)."""
    own = own or set()
    found = places.matches([t for t in tokens if t.i not in own])
    return frozenset(place.code for _, _, place in found)


def _titled_runs(doc: Doc, titles: frozenset[str], places: TermIndex[Place], covered: set[int]) -> list[list[Token]]:
    """Names right after a title that the entity tagger missed ("Foreign Ministry Spokesman *Bahram Qasemi*", read
    as part of an organisation; "Trade Minister *Seko*")."""
    runs: list[list[Token]] = []
    run: list[Token] = []
    for token in doc:
        named = _name_part(token, titles) and token.i not in covered and token.ent_type_ not in _NOT_NAMES
        if named and (run or (token.i > 0 and doc[token.i - 1].lower_ in titles and doc[token.i - 1].is_title)):
            run.append(token)
            continue
        if run:
            runs.append(run)
        run = []
    if run:
        runs.append(run)
    return [r for r in runs if len(r) <= 4 and not places.matches(r) and r[-1].lower_ not in ORGANISATION_WORDS]


def _describing_head(root: Token) -> Token:
    """The noun a name describes or stands for: itself, or the role it is in apposition to."""
    head = root
    steps = 0
    while head.dep_ in _CLIMB_DEPS and head.head.i != head.i and steps < 3:
        parent = head.head
        if past_dateline(parent).i == head.i:
            break  # "HANOI (AP) — U.S. Defense Secretary Mark Esper": the dateline describes nobody
        if parent.ent_type_ == "PERSON" or parent.pos_ not in ("NOUN", "PROPN"):
            break  # "Muhammadu Buhari, Garba Shehu": two names the parser hung on each other
        if head.dep_ == "appos" and parent.ent_type_ in _PLACES and parent.dep_ == "pobj":
            # "the representative for Afghanistan, Arafat Jamal": the parser hangs the name on the place
            role = parent.head.head
            if role.pos_ in ("NOUN", "PROPN") and role.i != parent.head.i:
                head = role
                break
        head = parent
        steps += 1
    return head


def describing_phrase(head: Token, name_root: Token, places: TermIndex[Place] | None = None) -> list[Token]:
    """The tokens of the noun phrase around a name: titles and appositions, no clause, list or circumstance."""
    keep = [head]
    for child in head.children:
        if child.dep_ not in _PHRASE_DEPS:
            continue
        if child.dep_ == "prep" and head.i == name_root.i and not _of_place(child, places):
            continue  # "Qasemi *in his weekly conference*": a circumstance, not a title
        keep.extend(t for t in child.subtree if not _under(t, child, _NOT_TITLE_DEPS))
    return stretch_around(sorted({t.i: t for t in keep}.values(), key=lambda t: t.i), head)


def _of_place(prep: Token, places: TermIndex[Place] | None) -> bool:
    """Is ``prep`` an ``of`` naming the person's country ("Ralph Regenvanu *of Vanuatu*"): a place and nothing else?"""
    if places is None or prep.lower_ != "of":
        return False
    objects = [c for c in prep.children if c.dep_ == "pobj"]
    if len(objects) != 1:
        return False
    words = [t for t in objects[0].subtree if t.pos_ != "DET"]
    found = places.matches(words)
    return len(found) == 1 and found[0][0] == 0 and found[0][1] == len(words)


def _relative_role(head: Token, titles: frozenset[str]) -> list[Token] | None:
    """A role given in a relative clause: "Mr Luhut, *who is the Coordinating Minister for Political, Legal and
    Social Affairs*, formerly served …" describes him as an apposition would."""
    for clause in head.children:
        if clause.dep_ != "relcl" or clause.lemma_ != "be" or clause.tag_ != "VBZ":
            continue  # "Begala, who *was* a longtime advisor to …": a past role is no title
        if not any(c.dep_ == "nsubj" and c.lower_ == "who" for c in clause.children):
            continue
        for role in clause.children:
            if role.dep_ == "attr" and role.lower_ in titles:
                return list(role.doc[role.left_edge.i : role.right_edge.i + 1])
    return None


def _title_before_comma(first: Token, root: Token, titles: frozenset[str]) -> list[Token] | None:
    """A title set before a subject's name with a comma that the parser left unattached, often after a wire dateline
    ("Doha (QNA) - Official Spokesperson for the Ministry of Foreign Affairs, Dr. Majed Al Ansari emphasized"): the
    title's noun phrase, from the start of the sentence (or the dateline's dash) to the comma."""
    doc = root.doc
    comma = first.i - 1
    if root.dep_ not in ("nsubj", "nsubjpass") or comma < 1 or doc[comma].text != ",":
        return None
    start = doc[comma].sent.start
    for token in doc[start:comma]:
        if token.right_edge.i != comma - 1 or token.pos_ not in ("NOUN", "PROPN") or token.lower_ not in titles:
            continue
        if token.dep_ in ("nsubj", "nsubjpass", "appos") and token.head.i == root.i:
            return None  # already the name's own phrase
        left = token.left_edge.i
        if left == start or doc[left - 1].text in DATELINE_BREAKS:
            return list(doc[left:comma])
    return None


def _portfolio_title(first: Token, titles: frozenset[str]) -> list[Token] | None:
    """A title with its portfolio written right before the name, which the parser broke up ("Minister of Tourism
    and Lands Harin Fernando"): from the title word through ``of`` and the capitalised portfolio to the name."""
    doc = first.doc
    i = first.i - 1
    while i > first.sent.start and (doc[i].is_title or doc[i].lower_ in _PORTFOLIO_JOINS):
        if doc[i].lower_ == "of" and doc[i - 1].lower_ in titles and doc[i - 1].is_title:
            return list(doc[i - 1 : first.i])
        i -= 1
    return None


def _past_portfolio(tokens: list[Token], titles: frozenset[str]) -> list[Token]:
    """A name without the last word of a portfolio the tagger took into it ("Minister of Tourism and [Lands] Harin
    Fernando"): a first word right after ``and`` inside a title's of-phrase, when two name words remain."""
    first = tokens[0]
    if len(tokens) < 3 or first.i < 2 or first.doc[first.i - 1].lower_ not in ("and", "&"):
        return tokens
    return tokens[1:] if _portfolio_title(tokens[1], titles) else tokens


def _under(token: Token, top: Token, deps: frozenset[str]) -> bool:
    """Is ``token`` inside a dependent of one of ``deps`` below ``top``?"""
    node = token
    while node.i != top.i and node.head.i != node.i:
        if node.dep_ in deps:
            return True
        node = node.head
    return False


def person_titles(phrase: Sequence[Token], own: set[int]) -> frozenset[str]:
    """The role words of a phrase that describe the person named by ``own`` (token ids): not another person's
    name or that person's own titles (``Spokesperson for *President Muhammadu Buhari*, Garba Shehu``), not places,
    articles or punctuation."""
    others: set[int] = set()
    for token in phrase:
        if token.ent_type_ == "PERSON" and token.i not in own:
            others.add(token.i)
            others.update(c.i for c in token.children if c.dep_ in ("compound", "flat") and c.i not in own)
    words = set()
    for token in phrase:
        if token.i in own or token.i in others or token.is_punct or token.pos_ in ("DET", "ADP", "CCONJ", "PRON"):
            continue
        if token.ent_type_ in ("GPE", "NORP", "LOC") or token.tag_ == "POS" or token.lower_ in NAME_PARTICLES:
            continue  # also "al" of "al-Thani": part of a name, never a title
        words.add(token.lower_.rstrip("."))
        words.add(token.lemma_.lower())
    return frozenset(w for w in words if w and any(c.isalpha() for c in w))


def gender_of(words: frozenset[str] | set[str]) -> str | None:
    feminine = bool(words & FEMININE)
    masculine = bool(words & MASCULINE)
    if feminine == masculine:
        return None
    return "f" if feminine else "m"


@lru_cache(maxsize=8192)
def folded(name: str) -> str:
    """A name for comparison: lower case, no accents, hyphens and apostrophes as spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().replace("-", " ").replace("‐", " ").replace("’", " ").replace("'", " ").split())


def same_person(short: str, long: str) -> bool:
    """Does the name ``short`` (``Abdullah bin Zayed``, ``Lopez Obrador``) name the person ``long`` names: its
    words appear in ``long`` in the same order, one run?"""
    a, b = folded(short).split(), folded(long).split()
    if not a or len(a) > len(b):
        return False
    return any(b[i : i + len(a)] == a for i in range(len(b) - len(a) + 1))


def full_name_for(word: str, full_names: Sequence[tuple[int, str]], position: int) -> tuple[str, str] | None:
    """The full name (``Wang Yi``) a single name (``Wang``) refers to, nearest before ``position`` first; a
    misspelt repeat (``Zhovka``) takes the full name spelt most alike. Returns the name and how it was found."""
    ordered = [n for p, n in reversed(full_names) if p <= position] + [n for p, n in full_names if p > position]
    lowered = folded(word)
    words = lowered.split()  # "Sing'oei" folds to two words
    for name in ordered:
        parts = folded(name).split()
        if words and any(parts[i : i + len(words)] == words for i in range(len(parts))):
            return name, "name"
    if len(word) >= FUZZY_MIN_CHARS:
        best: tuple[float, str] | None = None
        for name in ordered:
            for part in folded(name).split():
                if part[:1] != lowered[:1]:
                    continue
                ratio = SequenceMatcher(None, lowered, part).ratio()
                if ratio >= FUZZY_NAME_RATIO and (best is None or ratio > best[0]):
                    best = (ratio, name)
        if best is not None:
            return best[1], "fuzzy"
    return None
