"""Who each speaker is across one article: a graph of the article's mentions, clustered into entities.

Mentions, in text order: every PERSON name in the text with the phrase that describes it (``_names``), every
claim's speaker mention (a name, a pronoun, a description such as ``the president``, a body such as ``the Foreign
Office``, ``SIS``, ``the statement``, ``it``), and the pronouns ``he``/``she`` that are subjects outside quotes
(they say whom the discourse is about). Each mention joins an entity:

1. a name joins the person of the same full name (in a mention naming two people, "A and B announced", only its
   own part describes it); a shorter name whose words the full name holds (``Lopez
   Obrador``, ``Abdullah bin Zayed``) or a single name (``Baghaei``) joins that person, nearest before first, else
   after; a misspelt repeat (``Zhovka``) the full name spelt most alike;
2. ``he``/``she``: the most salient person of that gender, not the nearest name: the subject of the main clause
   or the speaker in the same or the previous sentences, outside quotes, ahead of objects, possessors and names in
   reported content, of a known gender before an unknown one; a plural or a body never, nor anyone named in a
   photo caption (a paragraph that ends with a credit, a name alone);
3. a description (``the president``, ``the Head of State``, ``the trade minister``, ``the UN official``): the
   person whose titles hold its role (or a synonym: head of state ~ president), the one mentioned last before it
   first; failing that, the salient person with no title of their own (``Petro wrote ... the president wrote``);
   a body description (``the ministry``) the last body whose words hold its words;
4. ``it`` and a document (``the statement``, ``the communique``): the body (for a document, whoever) that spoke
   last, within a few sentences; ``it`` with no body before it, the document that spoke last; ``they``/``we`` the
   last group or body;
5. an abbreviation: the body it stands for, defined as ``State Information Service (SIS)`` or made of the
   initials (``FO`` = ``Foreign Office``).

Every entity keeps all its describing mentions (character spans); the government linker reads them for evidence
(``extractors.linking.governments``), so a title given once (``Foreign Ministry spokesperson Esmail Baghaei``, even
outside any claim) speaks for every later ``Baghaei``, ``he`` and ``the spokesperson``.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span, Token

from core.articles import Claim
from extractors.claims._lexicon import FIRST_PERSON, PLURAL_PRONOUNS
from extractors.claims._mentions import DOCUMENTS, ORGANISATION_WORDS, mention_span, speaker_name
from extractors.claims._names import (
    NameMention,
    countries_in,
    folded,
    full_name_for,
    gender_of,
    name_mentions,
    person_titles,
    same_person,
    surname_mentions,
    surname_shaped,
)
from extractors.claims._quotes import QuoteIndex, paragraphs
from extractors.claims._sources import antecedent_of, relative_pronoun
from extractors.claims.continuations import decide_in_order
from extractors.linking.context import NATION_NOUNS, country_named_before
from extractors.linking.gazetteer import Place, TermIndex

Spans = tuple[tuple[int, int], ...]

#: How many sentences back a pronoun or a description looks for the person it stands for.
PERSON_REACH_SENTENCES = 6
#: How many sentences back ``it`` or ``the statement`` looks for the body (or speaker) it stands for.
BODY_REACH_SENTENCES = 5
#: How many sentences a description with no titled match may look at a person with no title (before or after).
UNTITLED_REACH_SENTENCES = 2
_PERSON_PRONOUNS = {"he": "m", "him": "m", "she": "f", "her": "f"}
_GROUP_PRONOUNS = PLURAL_PRONOUNS | FIRST_PERSON
_DEFINITE = frozenset({"the", "this", "that"})
_ARTICLES = ("the ", "a ", "an ")
_WORD = re.compile(r"[\w’'-]+")
#: Heads of a description that is a person in an office (``the president``, ``the spokesperson``).
PERSON_ROLES = frozenset(
    {"president", "premier", "minister", "spokesman", "spokeswoman", "spokesperson", "official", "adviser",
     "advisor", "aide", "ambassador", "envoy", "diplomat", "secretary", "general", "chairman", "chairwoman",
     "chair", "chairperson", "director", "leader", "king", "queen", "prince", "princess", "emir", "sheikh",
     "sultan", "chancellor", "governor", "mayor", "senator", "lawmaker", "representative", "commissioner",
     "negotiator", "commander", "colonel", "officer", "head", "chief", "deputy", "coordinator", "monarch",
     "ruler", "prosecutor", "judge", "attorney", "vice-president", "counsellor", "counselor", "pm", "dg", "mp",
     "legislator", "congressman", "congresswoman", "parliamentarian"}
)  # fmt: skip
#: A description's role -> other titles it also fits (``the head of state`` is the person titled president).
ROLE_SYNONYMS: dict[str, frozenset[str]] = {
    "head of state": frozenset({"president", "king", "emir", "sultan", "monarch", "queen", "leader"}),
    "president": frozenset({"leader", "head of state"}),
    "head of government": frozenset({"prime minister", "premier", "chancellor"}),
    "premier": frozenset({"prime minister"}),
    "prime minister": frozenset({"premier"}),
    "leader": frozenset({"president", "prime minister", "premier", "king", "emir", "chancellor", "head of state"}),
    "diplomat": frozenset({"foreign minister", "ambassador", "envoy", "foreign secretary", "secretary of state"}),
    "top diplomat": frozenset({"foreign minister", "foreign secretary", "secretary of state"}),
    # Japan's chief cabinet secretary is its "top government spokesman"
    "spokesperson": frozenset({"spokesman", "spokeswoman", "press secretary", "chief cabinet secretary"}),
    "spokesman": frozenset({"spokesperson", "press secretary", "chief cabinet secretary"}),
    "spokeswoman": frozenset({"spokesperson", "press secretary", "chief cabinet secretary"}),
    "adviser": frozenset({"advisor", "aide"}),
    "advisor": frozenset({"adviser", "aide"}),
    "negotiator": frozenset({"envoy", "negotiator"}),
    # "the IAEA chief" is its director general, "the UN chief" its secretary-general
    "chief": frozenset({"head", "director", "director-general", "secretary-general", "chairman", "chairperson"}),
    "head": frozenset({"chief", "director", "director-general", "secretary-general", "chairman", "chairperson"}),
    "secretary general": frozenset({"secretary-general"}),
    "secretary-general": frozenset({"secretary general"}),
    "dg": frozenset({"director-general", "director general"}),
}
#: Descriptions that fit any titled official (``the official``).
GENERIC_ROLES = frozenset({"official", "officer", "representative"})
#: Nouns by which an article refers back to an international body that spoke (``ECOWAS urged … the bloc said``).
BLOC_NOUNS = frozenset({"bloc", "grouping"})
#: An abbreviation defined in brackets after the name it stands for: ``State Information Service (SIS)``.
_DEFINED_ABBREVIATION = re.compile(r"\(([A-Z][A-Za-z]{1,7})\)")
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "h.h", "h.e", "sheikh", "sheikha", "sir", "dame", "hon"})
_FUNCTION_WORDS = frozenset({"of", "for", "the", "to", "on", "and"})


@dataclass(frozen=True, slots=True)
class Entity:
    """One person, body or group of an article, with every mention that describes it."""

    name: str
    #: ``person``, ``body`` or ``group``.
    kind: str
    #: Character spans of the mentions that describe it (names with titles, descriptions, bodies), in text order.
    mentions: Spans = ()
    gender: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleEntities:
    """The entities of one article, and which one each claim's speaker is (index into ``entities``, claim order)."""

    entities: tuple[Entity, ...] = ()
    of_claims: tuple[int | None, ...] = ()

    def of(self, claim_index: int) -> Entity | None:
        if claim_index >= len(self.of_claims):
            return None
        found = self.of_claims[claim_index]
        return None if found is None else self.entities[found]


#: The entities of an article with no claims.
NO_ENTITIES = ArticleEntities()


@dataclass
class _Cluster:
    name: str
    kind: str
    mentions: list[tuple[int, int]] = field(default_factory=list)
    titles: set[str] = field(default_factory=set)
    gender: str | None = None
    #: Lower-cased words of all its mentions: a body description matches on them.
    words: set[str] = field(default_factory=set)
    #: Has a name of its own (a person's name), not only a description.
    named: bool = False
    #: Codes of the countries its describing mentions name (``Egyptian leader``): a description naming another
    #: country (``the U.S. president``) is someone else.
    countries: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _Seen:
    """A mention of a cluster at ``position``: how prominent it is in its sentence, and whether it is quoted."""

    cluster: int
    position: int
    sentence: int
    #: 3 the subject of the main clause, 2 another subject or a speaker, 1 any other, 0 inside reported content.
    prominence: int
    quoted: bool
    speaker: bool = False


def resolve_entities(
    doc: Doc, claims: Sequence[Claim], titles: frozenset[str], text: str, places: TermIndex[Place]
) -> tuple[list[Claim], ArticleEntities]:
    """Claims with ``speaker_canonical`` / ``speaker_resolution`` / ``speaker_is_person`` filled from their
    entity, and the article's entities (continuations share the entity of the claim they continue). ``places``
    (the countries table) tells a place from a bare surname (``Cuba said``, ``Petro wrote``)."""
    article = _Article(doc, claims, titles, text, places)
    article.run()
    chosen: dict[int, tuple[int | None, str | None]] = article.chosen

    def decide(claim: Claim, earlier: list[Claim]) -> Claim:
        cluster, how = chosen.get(len(earlier), (None, None))
        if cluster is None:
            return claim
        found = article.clusters[cluster]
        return replace(
            claim,
            speaker_canonical=found.name,
            speaker_resolution=how,
            speaker_is_person=found.kind == "person" or claim.speaker_is_person,
        )

    resolved = decide_in_order(claims, decide, inherit=("speaker_canonical", "speaker_resolution", "speaker_is_person"))
    resolved = [_relative_speaker(doc, claim, text) for claim in resolved]
    of_claims: list[int | None] = []
    for index, claim in enumerate(claims):
        if claim.continues is not None and claim.continues < index:
            of_claims.append(of_claims[claim.continues])
        else:
            of_claims.append(chosen.get(index, (None, None))[0])
    return resolved, article.entities(of_claims)


def _relative_speaker(doc: Doc, claim: Claim, text: str) -> Claim:
    """``Lavrov, who said``: the speaker mention is the relative pronoun, as it is ``he`` in ``he said``, while the
    canonical speaker (resolved above from the noun it stands for) stays that noun's. The annotation guide and
    PolNeAR mark the pronoun as the source."""
    if claim.speaker_span is None or claim.cue_span is None:
        return claim
    cue = doc.char_span(*claim.cue_span, alignment_mode="expand")
    pronoun = relative_pronoun(cue.root, claim.speaker_span) if cue is not None and len(cue) else None
    if pronoun is None:
        return claim
    start, end = pronoun.idx, pronoun.idx + len(pronoun)
    speaker = text[start:end]
    return replace(claim, speaker=speaker, speaker_span=(start, end), speaker_name=None, speaker_head=speaker.lower())


def as_antecedent(doc: Doc, claim: Claim) -> Claim:
    """The claim with a relative pronoun speaker (``who``) read as the noun the pronoun stands for, whose words say
    who the speaker is and whom they speak for (the government linker reads them)."""
    if claim.speaker_span is None:
        return claim
    mention = doc.char_span(*claim.speaker_span)
    noun = antecedent_of(mention[0]) if mention is not None and len(mention) == 1 else None
    if noun is None:
        return claim
    start, end = mention_span(noun)
    words = doc.char_span(start, end)
    return replace(claim, speaker=words.text if words is not None else claim.speaker, speaker_span=(start, end))


class _Article:
    """The mention graph of one document, built in text order."""

    def __init__(
        self, doc: Doc, claims: Sequence[Claim], titles: frozenset[str], text: str, places: TermIndex[Place]
    ) -> None:
        self.doc = doc
        self.text = text
        self.places = places
        self.claims = claims
        self.titles = titles
        self.quotes = QuoteIndex.of(text)
        self.clusters: list[_Cluster] = []
        self.seen: list[_Seen] = []
        self.chosen: dict[int, tuple[int | None, str | None]] = {}
        self.by_span: dict[tuple[int, int], tuple[int | None, str | None]] = {}
        self.spellings: dict[str, int] = {}
        self.sentence_starts = [s.start_char for s in doc.sents]
        self.paragraph_starts = [start for start, _ in paragraphs(text)]
        self.contents = sorted(span for c in claims for span in c.content_spans)
        self.names = name_mentions(doc, titles, places)
        full = [(m.start, m.name) for m in self.names if len(m.name.split()) >= 2]
        for claim in claims:
            if claim.speaker_span and claim.speaker_name and len(claim.speaker_name.split()) >= 2:
                mention = doc.char_span(*claim.speaker_span, alignment_mode="expand")
                if claim.speaker_is_person or (mention is not None and self._name_shaped(claim.speaker_name, mention)):
                    full.append((claim.speaker_span[0], claim.speaker_name))
        self.full_names = sorted(full)
        self.names = sorted(
            self.names + surname_mentions(doc, self.names, self.full_names, titles, places), key=lambda m: m.start
        )
        self.abbreviations = _defined_abbreviations(doc, text)
        self.spellings_out: dict[str, list[tuple[int, tuple[int, int, str]]]] = {}
        #: ``(position, issuer)`` of each speaker mention that is a document ("The statement reminded …").
        self.documents: list[tuple[int, int]] = []
        # Titles are the person's, wherever in the article they are given ("President Marcos" after "Marcos").
        named_titles = [(m.name, m.titles) for m in self.names]
        for claim in claims:
            if claim.speaker_name and claim.speaker_span:
                mention = doc.char_span(*claim.speaker_span, alignment_mode="expand")
                if mention is not None:
                    named_titles.append((claim.speaker_name, _speaker_titles(mention, claim.speaker_name)))
        # Each name with the full name it stands for, worked out once (a single name may stand for a full one).
        self.name_titles = [(_fullest(name, self.full_names), titles) for name, titles in named_titles if titles]

    # -- the walk ------------------------------------------------------------------------------------------------

    def run(self) -> None:
        speaker_spans = [c.speaker_span for c in self.claims if c.speaker_span]
        events: list[tuple[int, int, object]] = []
        for mention in self.names:
            inside = [s for s in speaker_spans if s[0] <= mention.start < s[1]]
            # The claim's mention stands for the name, unless the name has a title it leaves out ("Official
            # Spokesperson for the Ministry of Foreign Affairs, Dr. Majed Al Ansari").
            if mention.title is None and any(self._names_speaker(mention, span) for span in inside):
                continue
            events.append((mention.start, 1, mention))
        for index, claim in enumerate(self.claims):
            if claim.speaker_span is not None and claim.continues is None:
                events.append((claim.speaker_span[0], 0, index))
        for token in self._subject_pronouns(speaker_spans):
            events.append((token.idx, 2, token))
        for index, claim in enumerate(self.claims):
            if claim.via_span is not None and claim.continues is None:
                events.append((claim.via_span[0], 3, ("via", index)))
        events.sort(key=lambda e: (e[0], e[1]))
        for _, _, event in events:
            if isinstance(event, NameMention):
                self._name_event(event)
            elif isinstance(event, int):
                self._claim_event(event)
            elif isinstance(event, Token):
                self._pronoun_event(event)
            elif isinstance(event, tuple):
                self._relay_event(event[1])

    def _names_speaker(self, mention: NameMention, span: tuple[int, int]) -> bool:
        """Is this PERSON name the speaker named by the claim mention ``span`` (not a principal inside it)?"""
        for claim in self.claims:
            if claim.speaker_span == span and claim.speaker_name:
                return same_person(mention.name, claim.speaker_name) or same_person(claim.speaker_name, mention.name)
        return False

    def _subject_pronouns(self, speaker_spans: list[tuple[int, int]]) -> list[Token]:
        starts = {s[0] for s in speaker_spans}
        found = []
        for token in self.doc:
            if (
                token.lower_ in ("he", "she")
                and token.dep_ in ("nsubj", "nsubjpass")
                and token.idx not in starts
                and not self.quotes.inside(token.idx)
            ):
                found.append(token)
        return found

    def _name_event(self, mention: NameMention) -> None:
        cluster = self._person_cluster(mention.name, mention.start)
        found = self.clusters[cluster]
        found.mentions.append(mention.phrase)
        if mention.title is not None:
            found.mentions.append(mention.title)
        self._add_defined_bodies(found, mention.phrase)
        found.titles |= mention.titles
        found.countries |= mention.countries
        found.gender = found.gender or mention.gender
        if not _in_caption(mention.head, self.text):
            self._see(cluster, mention.start, mention.head, speaker=False)

    def _pronoun_event(self, token: Token) -> None:
        cluster = self._salient_person(token.idx, _PERSON_PRONOUNS[token.lower_])
        if cluster is not None:
            self._gender(cluster, _PERSON_PRONOUNS[token.lower_])
            self._see(cluster, token.idx, token, speaker=False)

    def _claim_event(self, index: int) -> None:
        claim = self.claims[index]
        span = claim.speaker_span
        assert span is not None
        if span in self.by_span:
            self.chosen[index] = self.by_span[span]
            cluster = self.by_span[span][0]
            if cluster is not None:
                self._see_speaker(cluster, span)
            return
        mention = self.doc.char_span(span[0], span[1], alignment_mode="expand")
        if mention is None or not len(mention) or claim.speaker is None:
            return
        cluster, how = self._resolve(claim, mention)
        self.chosen[index] = self.by_span[span] = (cluster, how)
        if cluster is not None:
            self._see_speaker(cluster, span)

    def _relay_event(self, index: int) -> None:
        """A relaying source (``Baghaei said Araghchi had emphasized``, ``according to China's Foreign Ministry``)
        spoke too: it joins its entity and stays salient."""
        claim = self.claims[index]
        span = claim.via_span
        assert span is not None
        if span not in self.by_span:
            mention = self.doc.char_span(span[0], span[1], alignment_mode="expand")
            if mention is None or not len(mention):
                return
            relay = replace(
                claim,
                speaker=claim.via,
                speaker_span=span,
                speaker_name=speaker_name(self.doc, span, self.titles),
                speaker_is_person=any(t.ent_type_ == "PERSON" for t in mention),
            )
            self.by_span[span] = self._resolve(relay, mention)
        cluster = self.by_span[span][0]
        if cluster is not None:
            self._see_speaker(cluster, span)

    def _see_speaker(self, cluster: int, span: tuple[int, int]) -> None:
        mention = self.doc.char_span(span[0], span[1], alignment_mode="expand")
        if mention is not None and len(mention):
            self._see(cluster, span[0], mention.root, speaker=True)

    # -- resolving one speaker mention ---------------------------------------------------------------------------

    def _resolve(self, claim: Claim, mention: Span) -> tuple[int | None, str | None]:
        assert claim.speaker is not None and claim.speaker_span is not None
        position = claim.speaker_span[0]
        lowered = claim.speaker.strip().lower()
        root = mention.root
        # Before names: an all-capitals "FO" the tagger reads as a name stands for the body it abbreviates.
        abbreviation = self._abbreviation(mention)
        if abbreviation is not None:
            self._add_mention(abbreviation, claim.speaker_span, mention)
            return abbreviation, "name"
        if claim.speaker_name and self._person_name(claim, mention):
            return self._named_speaker(claim, mention)
        if lowered in _PERSON_PRONOUNS:
            cluster = self._salient_person(position, _PERSON_PRONOUNS[lowered])
            if cluster is not None:
                self._gender(cluster, _PERSON_PRONOUNS[lowered])
            return cluster, "pronoun" if cluster is not None else None
        if lowered in _GROUP_PRONOUNS:
            cluster = self._last_speaker(position, kinds=("group", "body"))
            return cluster, "pronoun" if cluster is not None else None
        if lowered == "it":
            cluster = self._last_speaker(position, kinds=("body",), reach=BODY_REACH_SENTENCES)
            if cluster is None:
                cluster = self._last_document(position)  # "The statement reminded … ⏎ It also noted …"
            return (cluster, "pronoun") if cluster is not None else (None, None)
        if _name_like(mention) and not self.places.matches(list(mention)):
            # A surname the tagger did not read as a name ("During the briefing, Magwenya said").
            match = full_name_for(mention.text, self.full_names, position)
            if match is not None or all(t.ent_type_ in ("", "PERSON", "GPE") for t in mention):
                cluster = self._person_cluster(match[0] if match else mention.text, position)
                self._add_mention(cluster, claim.speaker_span, mention)
                return cluster, match[1] if match else "mention"
        surname = self._surname_head(mention, position)
        if surname is not None:
            self._add_mention(surname, claim.speaker_span, mention)
            return surname, "name"
        nation = self._nation(mention, position)
        if nation is not None:
            return nation, "description"
        owner = self._pronoun_owner(mention, position)
        if owner is not None:
            self._add_mention(owner, claim.speaker_span, mention)
            return owner, "description"
        if root.lemma_.lower() in DOCUMENTS and not _possessed(mention):
            issuer = self._last_speaker(position, kinds=("body", "person", "group"), reach=BODY_REACH_SENTENCES)
            if issuer is not None:
                self.documents.append((position, issuer))
                return issuer, "description"
        if _definite(mention) and root.pos_ in ("NOUN", "PROPN"):
            cluster = self._description(mention, position)
            if cluster is not None:
                self._add_mention(cluster, claim.speaker_span, mention)
                return cluster, "description"
        return self._body(claim, mention), "mention"

    def _person_name(self, claim: Claim, mention: Span) -> bool:
        """Is the name in a speaker mention a person's? A PERSON entity or a name of one in the article; else any
        name that is no place, body or plural the parser took for a name (``the Arab League``, ``Protesters``)."""
        name = claim.speaker_name
        assert name is not None and claim.speaker_span is not None
        if claim.speaker_is_person or any(same_person(name, m.name) or same_person(m.name, name) for m in self.names):
            return True
        if len(name.split()) == 1 and full_name_for(name, self.full_names, claim.speaker_span[0]) is not None:
            return True
        return self._name_shaped(name, mention)

    def _name_shaped(self, name: str, mention: Span) -> bool:
        """Could the words of ``name`` in ``mention`` be a person's? Not a place, an organisation or a plural (the
        entity tagger is no help here: it reads "Baghaei" and "Randhir Jaiswal" as organisations)."""
        words = [t for t in mention if t.text in name.split()]
        if not any(t.text[:1].isupper() for t in words):
            return False  # "the bloc", tagged as a proper noun, is no one's name
        return bool(words) and not (
            self.places.matches(words) or words[-1].lower_ in ORGANISATION_WORDS or words[-1].tag_ in ("NNS", "NNPS")
        )

    def _surname_head(self, mention: Span, position: int) -> int | None:
        """``Russia’s Nebenzia``: a mention headed by a surname of a person the article names in full (the tagger
        may call it a place)."""
        root = mention.root
        if not surname_shaped(root) or self.places.matches([root]):
            return None
        match = full_name_for(root.text, self.full_names, position)
        return self._person_cluster(match[0], position) if match is not None and match[1] == "name" else None

    def _nation(self, mention: Span, position: int) -> int | None:
        """``The North African nation``, ``the Gulf state``: the country named last before, within a few sentences."""
        root = mention.root
        if root.lemma_.lower() not in NATION_NOUNS or not _definite(mention) or root.tag_ != "NN":
            return None
        country = country_named_before(self.doc, position, self.places)
        if country is None:
            return None
        start, end, _ = country
        name = self.text[start:end]
        key = name.lower()
        if key not in self.spellings:
            self.clusters.append(_Cluster(name=name, kind="body", mentions=[(start, end)], words={key}))
            self.spellings[key] = len(self.clusters) - 1
        return self.spellings[key]

    def _pronoun_owner(self, mention: Span, position: int) -> int | None:
        """``his office``, ``A statement released by his office``: the person the possessive pronoun stands for."""
        root = mention.root
        owners = [c for c in root.children if c.dep_ == "poss" and c.lower_ in ("his", "her")]
        for child in root.children:
            if child.dep_ == "acl":
                agents = [g for a in child.children if a.dep_ == "agent" for g in a.children if g.dep_ == "pobj"]
                owners += [c for g in agents for c in g.children if c.dep_ == "poss" and c.lower_ in ("his", "her")]
        if not owners:
            return None
        return self._salient_person(position, "m" if owners[0].lower_ == "his" else "f")

    def _named_speaker(self, claim: Claim, mention: Span) -> tuple[int | None, str | None]:
        assert claim.speaker_name is not None and claim.speaker_span is not None
        name = claim.speaker_name
        how = "mention"
        if len(name.split()) < 2:
            match = full_name_for(name, self.full_names, claim.speaker_span[0])
            if match is not None:
                name, how = match
        cluster = self._person_cluster(name, claim.speaker_span[0], exact=how == "fuzzy")
        found = self.clusters[cluster]
        # "US President Donald Trump and European Commission President Jean-Claude Juncker announced": only the
        # speaker's own conjunct describes the speaker.
        mention = own_conjunct(mention, claim.speaker_name)
        titles = _speaker_titles(mention, claim.speaker_name)
        found.titles |= titles
        found.countries |= countries_in(list(mention), self.places, _name_tokens(mention, claim.speaker_name))
        found.gender = found.gender or gender_of(titles | {t.lower_.rstrip(".") for t in mention})
        self._add_mention(cluster, (mention.start_char, mention.end_char), mention)
        self._add_defined_bodies(found, claim.speaker_span)
        return cluster, how

    def _add_defined_bodies(self, found: _Cluster, span: tuple[int, int]) -> None:
        """Add to a person's mentions where the abbreviations in their title are defined ("AEOI spokesman" after
        "The Atomic Energy Organization of Iran (AEOI)"): the body's full name says whose it is."""
        mention = self.doc.char_span(span[0], span[1], alignment_mode="expand")
        for token in mention or ():
            defined = self.abbreviations.get(token.text)
            if defined is not None and not defined[0] <= token.idx < defined[1] and defined[:2] not in found.mentions:
                found.mentions.append(defined[:2])

    def _person_cluster(self, name: str, position: int, *, exact: bool = False) -> int:
        """The person cluster of ``name``: the same person by a fuller or shorter name, or a new one named by the
        fullest variant of the name in the article."""
        if len(name.split()) < 2 and not exact:
            match = full_name_for(name, self.full_names, position)
            if match is not None:
                name = match[0]
        for index, cluster in enumerate(self.clusters):
            if (
                cluster.kind == "person"
                and cluster.named
                and (same_person(name, cluster.name) or same_person(cluster.name, name))
            ):
                if len(folded(name).split()) > len(folded(cluster.name).split()):
                    cluster.name = name
                return index
        fullest = max(
            (n for _, n in self.full_names if same_person(name, n)), key=lambda n: len(n.split()), default=name
        )
        cluster = _Cluster(name=fullest, kind="person", named=True)
        for other, titles in self.name_titles:
            if same_person(other, fullest):
                cluster.titles |= titles
        self.clusters.append(cluster)
        return len(self.clusters) - 1

    def _description(self, mention: Span, position: int) -> int | None:
        role = _role_words(mention)
        head = mention.root.lemma_.lower()
        single = mention.root.tag_ in ("NN", "NNP") and not any(t.dep_ == "conj" for t in mention.root.children)
        if single and (head in PERSON_ROLES or _role_phrase(role) in ROLE_SYNONYMS):
            person = self._titled_person(role, head, position, countries_in(list(mention), self.places))
            if person is None:
                person = self._untitled_person(position)
            if person is not None:
                return person
        if mention.root.lemma_.lower() in BLOC_NOUNS and mention.root.text.islower():
            return self._last_bloc(position)
        if mention.root.pos_ != "NOUN":
            return None  # "The US believes ...": a name, no description of an earlier speaker
        words = set(_WORD.findall(mention.text.lower())) - _DEFINITE
        for seen in reversed(self.seen):
            cluster = self.clusters[seen.cluster]
            if seen.position < position and seen.speaker and words and words <= cluster.words:
                return seen.cluster
        return None

    def _last_bloc(self, position: int) -> int | None:
        """``the bloc``: the international body that spoke last, within a few sentences."""
        sentence = self._sentence(position)
        for seen in reversed(self.seen):
            if seen.position >= position or not seen.speaker or sentence - seen.sentence > BODY_REACH_SENTENCES:
                continue
            cluster = self.clusters[seen.cluster]
            spans = [self.doc.char_span(a, b, alignment_mode="expand") for a, b in cluster.mentions]
            if cluster.kind == "body" and any(p.is_igo for m in spans if m for _, _, p in self.places.matches(list(m))):
                return seen.cluster
        return None

    def _titled_person(self, role: list[str], head: str, position: int, countries: frozenset[str]) -> int | None:
        phrase = _role_phrase(role)
        wanted = {phrase, head} | ROLE_SYNONYMS.get(phrase, frozenset()) | ROLE_SYNONYMS.get(head, frozenset())
        best: tuple[tuple[int, int, int, int], int] | None = None
        last_seen = self._last_positions()
        for index, cluster in enumerate(self.clusters):
            if cluster.kind != "person" or not cluster.named or not _same_country(countries, cluster.countries):
                continue
            exact = phrase in cluster.titles or _holds(cluster.titles, phrase) or head in cluster.titles
            fits = exact or any(_holds(cluster.titles, w) for w in wanted)
            generic = head in GENERIC_ROLES and bool(cluster.titles - _HONORIFICS)
            if not (fits or generic) or not cluster.titles:
                continue
            overlap = len(set(role) & cluster.titles)
            seen = last_seen.get(index)
            before = seen is not None and seen < position
            closeness = seen if before and seen is not None else -(seen or 0)
            key = (2 if exact else 1 if fits else 0, overlap, int(before), closeness)
            if best is None or key > best[0]:
                best = (key, index)
        if best is None and self._paragraph(position) == 0:
            return self._titled_in_lede(wanted, phrase, head, position, countries)
        return best[1] if best else None

    def _titled_in_lede(
        self, wanted: set[str], phrase: str, head: str, position: int, countries: frozenset[str]
    ) -> int | None:
        """A lede that describes before it names: "The Egyptian president told a summit ... Egyptian leader Abdel
        Fattah el-Sissi, the co-chair of the summit, told Trump ..."."""
        for mention in self.names:
            if mention.start <= position or self._paragraph(mention.start) > 2:
                continue
            if not _same_country(countries, mention.countries):
                continue
            titles = set(mention.titles)
            if phrase in titles or _holds(titles, phrase) or any(_holds(titles, w) for w in wanted | {head}):
                return self._person_cluster(mention.name, mention.start)
        return None

    def _untitled_person(self, position: int) -> int | None:
        """The named speaker with no title of their own just before a description that matched no titled person
        (``Petro wrote ... the president wrote``); in the first paragraph, which may describe before it names
        (``the UN secretary general has warned ... ⏎ António Guterres told``), the first such subject after it, in
        that paragraph or the next."""
        sentence = self._sentence(position)
        for seen in reversed(self.seen):
            if seen.position >= position or sentence - seen.sentence > UNTITLED_REACH_SENTENCES:
                continue
            cluster = self.clusters[seen.cluster]
            untitled = cluster.kind == "person" and cluster.named and not (cluster.titles - _HONORIFICS)
            if untitled and seen.speaker and not seen.quoted:
                return seen.cluster
        lede = self._paragraph(position) == 0
        # A lede that describes before it names: "the UN secretary general has warned ... António Guterres told";
        # elsewhere, the next sentence ("Israel's prime minister warned ... ⏎ Benjamin Netanyahu issued ...").
        upcoming = [(m.start, m.name, m.head) for m in self.names if m.start > position]
        for claim in self.claims:
            span = claim.speaker_span
            if span and span[0] > position and claim.speaker_name:
                mention = self.doc.char_span(*span, alignment_mode="expand")
                if mention is not None and len(mention):
                    upcoming.append((span[0], claim.speaker_name, mention.root))
        for start, name, head in sorted(upcoming, key=lambda u: u[0]):
            if (lede and self._paragraph(start) > 1) or (not lede and self._sentence(start) > sentence + 1):
                break
            reported = self.quotes.inside(start) or any(s <= start < e for s, e in self.contents)
            if head.dep_ in ("nsubj", "nsubjpass") and not reported:
                person = self._person_cluster(name, start)
                if not (self.clusters[person].titles - _HONORIFICS):
                    return person
        return None

    def _body(self, claim: Claim, mention: Span) -> int:
        """A body or group speaker: one cluster per spelling (minus its article)."""
        assert claim.speaker is not None and claim.speaker_span is not None
        canonical = claim.speaker.strip()
        for article in _ARTICLES:
            if canonical.lower().startswith(article):
                canonical = canonical[len(article) :]
                break
        key = canonical.lower()
        if key not in self.spellings:
            root = mention.root
            person = claim.speaker_is_person or (root.lemma_.lower() in PERSON_ROLES and root.tag_ in ("NN", "NNP"))
            kind = "person" if person else "group" if root.tag_ in ("NNS", "NNPS") else "body"
            self.clusters.append(_Cluster(name=canonical, kind=kind))
            self.spellings[key] = len(self.clusters) - 1
        cluster = self.spellings[key]
        self._add_mention(cluster, claim.speaker_span, mention)
        return cluster

    def _abbreviation(self, mention: Span) -> int | None:
        """The body an abbreviation in the mention stands for (``SIS``, ``the FO statement``)."""
        root = mention.root
        for token in mention:
            text = token.text
            if not (2 <= len(text) <= 8 and text.isupper() and text.isalpha()):
                continue
            # The abbreviation is the speaker itself ("SIS said") or whose document speaks ("the FO statement").
            if not (token.i == root.i or (token.head.i == root.i and root.lemma_.lower() in DOCUMENTS)):
                continue
            defined = self.abbreviations.get(text)
            if defined is not None:
                return self._defined_body(text, defined)
            for index, cluster in enumerate(self.clusters):
                if cluster.kind == "body" and _initials(cluster.name) == text:
                    return index
            spelled = self._spelled_out_before(text, mention.start)
            if spelled is not None:
                return self._defined_body(text, spelled)
        return None

    def _spelled_out_before(self, abbreviation: str, end: int) -> tuple[int, int, str] | None:
        """The last name before token ``end`` that spells out ``abbreviation`` (the document is read once for each
        abbreviation, not once for each mention of it)."""
        if abbreviation not in self.spellings_out:
            self.spellings_out[abbreviation] = _spelled_out(self.doc, abbreviation)
        before = [phrase for last, phrase in self.spellings_out[abbreviation] if last < end]
        return before[-1] if before else None

    def _defined_body(self, abbreviation: str, phrase: tuple[int, int, str]) -> int:
        start, end, name = phrase
        key = name.lower()
        if key not in self.spellings:
            self.clusters.append(_Cluster(name=name, kind="body", mentions=[(start, end)]))
            self.spellings[key] = len(self.clusters) - 1
            self.clusters[-1].words |= set(_WORD.findall(name.lower()))
        return self.spellings[key]

    # -- salience ------------------------------------------------------------------------------------------------

    def _salient_person(self, position: int, gender: str) -> int | None:
        """The person a pronoun at ``position`` stands for: the most prominent one of the latest sentences."""
        sentence = self._sentence(position)
        best: tuple[float, int] | None = None
        chosen = None
        for seen in self.seen:
            if seen.position >= position or seen.quoted or sentence - seen.sentence > PERSON_REACH_SENTENCES:
                continue
            cluster = self.clusters[seen.cluster]
            if cluster.kind != "person" or cluster.gender not in (None, gender):
                continue
            # A name earlier in the pronoun's own sentence competes with the previous sentence's: it wins over
            # everything there but the subject of the main clause.
            rank = 4.0 * seen.sentence + seen.prominence
            if seen.sentence == sentence:
                rank = 4.0 * (sentence - 1) + seen.prominence + 1.5
            # "she" after "Ms Ngozi Okonjo-Iweala … Ambassador Jamieson Greer": a known gender beats an unknown one
            rank += 0.5 if cluster.gender == gender else 0.0
            key = (rank, seen.position)
            if best is None or key > best:
                best, chosen = key, seen.cluster
        return chosen

    def _last_document(self, position: int) -> int | None:
        """The issuer of the document that spoke last, when it spoke in the last few sentences."""
        sentence = self._sentence(position)
        before = [(at, issuer) for at, issuer in self.documents if at < position]
        if not before or sentence - self._sentence(before[-1][0]) > BODY_REACH_SENTENCES:
            return None
        return before[-1][1]

    def _last_speaker(self, position: int, *, kinds: tuple[str, ...], reach: int = 99) -> int | None:
        sentence = self._sentence(position)
        for seen in reversed(self.seen):
            if seen.position >= position or not seen.speaker or sentence - seen.sentence > reach:
                continue
            if self.clusters[seen.cluster].kind in kinds:
                return seen.cluster
        return None

    def _see(self, cluster: int, position: int, head: Token, *, speaker: bool) -> None:
        quoted = self.quotes.inside(position)
        reported = any(s <= position < e for s, e in self.contents)
        prominence = 2 if speaker else 1
        if head.dep_ in ("nsubj", "nsubjpass"):
            prominence = 3 if _main_clause(head) else 2
        if head.dep_ == "poss" or (reported and not speaker):
            prominence = 0
        seen = _Seen(cluster, position, self._sentence(position), prominence, quoted, speaker)
        bisect.insort(self.seen, seen, key=lambda s: s.position)
        if self.clusters[cluster].kind == "person" and head.lower_ in _PERSON_PRONOUNS:
            self._gender(cluster, _PERSON_PRONOUNS[head.lower_])

    def _gender(self, cluster: int, gender: str) -> None:
        if self.clusters[cluster].gender is None:
            self.clusters[cluster].gender = gender

    def _add_mention(self, cluster: int, span: tuple[int, int], mention: Span) -> None:
        found = self.clusters[cluster]
        if span not in found.mentions:
            found.mentions.append(span)
        found.words |= set(_WORD.findall(mention.text.lower()))

    def _last_positions(self) -> dict[int, int]:
        last: dict[int, int] = {}
        for seen in self.seen:
            last[seen.cluster] = seen.position
        return last

    def _paragraph(self, position: int) -> int:
        return bisect.bisect_right(self.paragraph_starts, position) - 1

    def _sentence(self, position: int) -> int:
        return bisect.bisect_right(self.sentence_starts, position) - 1

    def entities(self, of_claims: list[int | None]) -> ArticleEntities:
        return ArticleEntities(
            entities=tuple(Entity(c.name, c.kind, tuple(sorted(set(c.mentions))), c.gender) for c in self.clusters),
            of_claims=tuple(of_claims),
        )


def _main_clause(subject: Token) -> bool:
    """Is this the subject of the sentence's main verb (or of a verb coordinated with it)?"""
    verb = subject.head
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    return verb.dep_ == "ROOT"


def _same_country(wanted: frozenset[str], known: set[str] | frozenset[str]) -> bool:
    """Can a person known with the countries ``known`` be the one a description naming ``wanted`` stands for?"""
    return not wanted or not known or bool(set(wanted) & set(known))


def _definite(mention: Span) -> bool:
    """``the president``, ``his adviser``, ``Israel's prime minister``: a description of someone the article names."""
    first = mention[0]
    if first.lower_ in _DEFINITE or first.lower_ in ("his", "her"):
        return True
    return first.ent_type_ in ("GPE", "NORP") and any(t.tag_ == "POS" for t in mention[1:3])


def _possessed(mention: Span) -> bool:
    return any(t.dep_ == "poss" and t.lower_ not in ("its", "their") for t in mention)


def _role_words(mention: Span) -> list[str]:
    """The words of a description that say the role: no article, places, abbreviations or punctuation."""
    return [
        t.lemma_.lower() if t.i == mention.root.i else t.lower_
        for t in mention
        if not (t.is_punct or t.pos_ in ("DET", "PRON") or t.ent_type_ in ("GPE", "NORP", "LOC"))
        and not (t.text.isupper() and len(t.text) > 1)
        and not (t.tag_ == "POS" or t.lower_ in ("'s", "’s"))  # "Qatar’s prime minister"
    ]


def _speaker_titles(mention: Span, name: str) -> frozenset[str]:
    return person_titles(list(mention), _name_tokens(mention, name))


def own_conjunct(mention: Span, name: str) -> Span:
    """The part of a mention joined by "and" that holds ``name``, when another part names a person of its own
    ("A and B announced"); else the whole mention ("Minister of Foreign Affairs and Regional Integration, X")."""
    cuts = [t.i for t in mention if t.lower_ in ("and", "&") and t.pos_ == "CCONJ"]
    if not cuts:
        return mention
    bounds = [mention.start, *(i + 1 for i in cuts), mention.end + 1]
    parts = [mention.doc[start : end - 1] for start, end in itertools.pairwise(bounds)]
    own = [part for part in parts if _name_tokens(part, name)]
    others = [part for part in parts if not _name_tokens(part, name)]
    people = [p for p in others if any(_full_name_in(entity, p) for entity in mention.doc.ents)]
    if len(own) != 1 or not people or not len(own[0]):
        return mention
    return own[0]


def _in_caption(head: Token, text: str) -> bool:
    """Is the name in a photo caption, a paragraph that ends with a credit: a name as a sentence of its own
    ("Agriculture Minister David Littleproud and Trade Minister Simon Birmingham are disappointed … Alex
    Ellinghausen")? Nobody there is whom the next "he" stands for. ``text`` is the document's text (``Doc.text``
    is rebuilt on each call)."""
    end = text.find("\n", head.idx)
    last = head.doc.char_span(head.idx, len(text) if end < 0 else end, alignment_mode="contract")
    if last is None or not len(last):
        return False
    words = [t for t in last[-1].sent if not (t.is_punct or t.is_space)]
    return 0 < len(words) <= 4 and all(t.ent_type_ == "PERSON" for t in words)


def _full_name_in(entity: Span, part: Span) -> bool:
    """Is ``entity`` a person's name of two words or more inside ``part``?"""
    return entity.label_ == "PERSON" and len(entity) > 1 and part.start <= entity.start and entity.end <= part.end


def _name_tokens(mention: Span, name: str) -> set[int]:
    return {t.i for t in mention if folded(t.text) in folded(name).split()}


def _name_like(mention: Span) -> bool:
    """A bare name: one to three capitalised words, no article, no role noun, no organisation's word."""
    words = [t for t in mention if not t.is_punct]
    return (
        0 < len(words) <= 3
        and all(t.is_alpha and t.text[:1].isupper() and not t.text.isupper() for t in words)
        and mention.root.tag_ not in ("NNS", "NNPS")
        and not any(t.lower_ in PERSON_ROLES or t.lower_ in ORGANISATION_WORDS for t in words)
    )


def _fullest(name: str, full_names: Sequence[tuple[int, str]]) -> str:
    """The full name a single name (``Marcos``) stands for in this article, or the name itself."""
    if len(name.split()) > 1:
        return name
    match = full_name_for(name, full_names, 0)
    return match[0] if match is not None else name


def _role_phrase(words: list[str]) -> str:
    return " ".join(words)


def _holds(titles: set[str], phrase: str) -> bool:
    """Are all words of ``phrase`` (but its function words) among ``titles``?"""
    words = [w for w in phrase.replace("-", " ").split() if w not in _FUNCTION_WORDS]
    return bool(words) and all(w in titles for w in words)


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def _spelled_out(doc: Doc, abbreviation: str) -> list[tuple[int, tuple[int, int, str]]]:
    """Every capitalised name whose initials make ``abbreviation``, in text order, as ``(last token, (start, end,
    name))``: "the Foreign Office Spokesperson" spells out a later "the FO", "the Ministry of Foreign Affairs" an
    "MFA", where no bracket defines them. A person's title ("PM" after "Prime Minister") spells out no body."""
    found = []
    for token in doc:
        if not (token.is_alpha and token.text[0] == abbreviation[0] and token.text[:1].isupper()):
            continue
        initials, last = "", token.i
        for word in doc[token.i :]:
            if word.is_alpha and word.text[0].isupper():
                initials, last = initials + word.text[0], word.i
            elif word.lower_ not in _FUNCTION_WORDS and word.tag_ != "POS":
                break
            if not abbreviation.startswith(initials):
                break
            if initials == abbreviation:
                if doc[last].lemma_.lower() not in PERSON_ROLES:
                    found.append((last, (token.idx, doc[last].idx + len(doc[last]), doc[token.i : last + 1].text)))
                break
    return found


def _defined_abbreviations(doc: Doc, text: str) -> dict[str, tuple[int, int, str]]:
    """``ABBR -> (start, end, name)`` for every ``Long Name (ABBR)`` whose initials or words fit."""
    found: dict[str, tuple[int, int, str]] = {}
    for match in _DEFINED_ABBREVIATION.finditer(text):
        abbreviation = match.group(1)
        before = doc.char_span(0, match.start(), alignment_mode="contract")  # up to the bracket, spaces too
        if before is None or not len(before):
            continue
        token = before[-1]
        while token.is_space or token.is_punct:
            if token.i == 0:
                break
            token = token.doc[token.i - 1]
        head = token
        while head.dep_ in ("compound", "flat") and head.head.i > head.i:
            head = head.head
        if head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.i < head.i:
            head = head.head.head  # "Atomic Energy Organization of Iran (AEOI)"
        first = min((t for t in head.subtree if t.i <= token.i), key=lambda t: t.i)
        tokens = list(head.doc[first.i : token.i + 1])
        possessive = max((n for n, t in enumerate(tokens) if t.tag_ == "POS"), default=-1)
        words = [t for t in tokens[possessive + 1 :] if t.pos_ == "PROPN" or t.lower_ in _FUNCTION_WORDS]
        while words and words[0].lower_ in _FUNCTION_WORDS:
            words = words[1:]  # "The Atomic Energy Organization of Iran (AEOI)"
        if not words:
            continue
        initials = "".join(t.text[0] for t in words if t.text[:1].isupper())
        if initials[:1] != abbreviation[:1]:
            continue
        # The span keeps a possessor ("Egypt's State Information Service"): it says whose body it is.
        start = tokens[0].idx if possessive >= 0 else words[0].idx
        name = text[words[0].idx : token.idx + len(token)]
        found.setdefault(abbreviation, (start, token.idx + len(token), name))
    return found
