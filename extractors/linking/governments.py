"""Speaker -> government: which government (if any) each claim speaks for, what kind of actor said it, and why.

For each speaker mention the linker finds three things in its words: **role nouns** (``seeds/roles.tsv``:
``foreign minister`` -> diplomat, ``analyst`` -> expert), **places** (``seeds/countries.tsv``: names, demonyms,
capitals, metonyms such as Kremlin) and **actors** (``seeds/actors.csv``: people and bodies). The role nearest the
mention's head says what kind of speaker it is (``actor_type``). A place or actor counts as the speaker's
government only when the words between it and the head are roles, names of the speaker, or ``of/for/in``: so
"the Ukrainian Foreign Minister" and "an official in President Zelenskyy's office" count, while "a professor at
the American University" or "China's ambassador *to* Britain" (for Britain) do not. Only state actor types
(head_of_state, government, diplomat, military, legislature) and international bodies (igo) take a code;
parties, courts, sub-national officials, media, experts and other non-state speakers keep ``government`` NULL.

Evidence is tried in this order; the first that yields a code wins, and its label is stored in
``claims.link_evidence``:

1. in the speaker mention itself: ``possessive:`` (China's foreign ministry), ``demonym:`` (Ukrainian Foreign
   Minister), ``metonym:`` (Kremlin, Beijing, Kyiv), ``country:`` (China said), ``apposition:`` (Igor Zhovkva,
   an official in President Volodymyr Zelenskyy's office); a body or person named in it counts through the actors
   file;
2. ``coref:``, the evidence of an earlier mention of the same canonical speaker in the same article;
3. ``gazetteer:``, the actors file for the speaker's name on the article's date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from core.articles import Claim
from core.config import SeedFile, fingerprint
from extractors.claims.continuations import decide_in_order
from extractors.claims.entities import NO_ENTITIES, ArticleEntities, Entity, as_antecedent, own_conjunct
from extractors.component_files import ComponentFiles
from extractors.linking.actors import ACTORS_FILE, Actor, ActorDirectory
from extractors.linking.context import (
    NATION_NOUNS,
    PLACE_SIGNALS,
    article_country,
    countries_named,
    country_named_before,
    government_just_before,
    most_named_of,
    own_government,
)
from extractors.linking.gazetteer import (
    COUNTRIES_FILE,
    TLDS_FILE,
    Place,
    TermIndex,
    country_matches,
    parse_places,
    parse_tlds,
)
from extractors.linking.roles import ROLES_FILE, STATE_TYPES, Role, parse_roles

if TYPE_CHECKING:
    from extractors.seeds import Seeds

#: Bump when the linking rules change (the seed files' contents are hashed into the version separately).
LINKER_VERSION = "link/10"
#: Prepositions whose object is who a speaker deals with, not whom they speak for (ambassador *to* China).
_FOREIGN_PREPS = frozenset({"to", "with", "against", "on", "toward", "towards", "about", "over", "at", "near"})
#: Head words of a body's name that make it a state agency ("Atomic Energy Organisation", "Civil Aviation Authority").
_STATE_AGENCIES = frozenset(
    {"organisation", "organization", "agency", "ministry", "office", "department", "authority", "service",
     "directorate", "administration", "commission"}
)  # fmt: skip
#: Heads of a national body's name before "of" ("Ministry of Commerce"): what follows is its field. Not "Department
#: of": US states have their own ("South Dakota's Department of Social Services").
_AGENCY_NAME_HEADS = frozenset({"ministry"})
#: Words that join a body's name and say nothing of which body it is.
_NAME_GLUE = frozenset({"of", "for", "the", "and", "on"})
#: What a body issues: a country compounded onto one is its author ("the OAS report", "a China statement").
_ISSUED = frozenset({"report", "statement", "communique", "communiqué", "release", "document", "letter", "note"})
#: Prepositions whose object is a speaker's subject matter: a role there is no role of theirs ("adviser on media").
_TOPIC_PREPS = frozenset({"on", "about", "over", "regarding", "concerning"})
#: Dependency labels that may sit between a speaker's head and the words that say whom they speak for.
_PASSABLE_DEPS = frozenset({"prep", "case", "poss", "appos", "punct", "det", "cc", "conj", "amod", "compound", "nmod"})
#: US congressional style "Sen. Ben Sasse, R-Neb." / "(D-Calif.)": party and state, so a US legislator.
_US_PARTY_STATE = re.compile(r"(?<![A-Za-z])[RDI]-[A-Z][A-Za-z.]+")
#: Words that put a role in the past: a former minister no longer speaks for a government.
_FORMER = frozenset({"former", "ex", "ex-", "then", "retired", "erstwhile"})
_SPOKES = frozenset({"spokesman", "spokeswoman", "spokesperson", "official", "representative", "source"})
#: Types that speak for a government, and so take its code.
_CODED_TYPES = STATE_TYPES | {"igo"}
#: What a continuation quote takes from the claim it continues, as linked.
_LINK_FIELDS = ("government", "link_evidence", "actor_id", "actor_type", "via_government", "speaker_canonical")


@dataclass(frozen=True, slots=True)
class Link:
    """What a mention says about its speaker: government (or None), actor type, evidence label, curated actor."""

    government: str | None
    evidence: str | None
    actor_type: str | None
    actor: Actor | None = None


@dataclass(frozen=True, slots=True)
class _Evidence:
    tokens: tuple[Token, ...]
    code: str
    label: str
    actor: Actor | None
    place: Place | None
    rank: tuple[int, int, int]


class GovernmentLinker:
    """Link each claim's speaker (and relaying source) to a government. See the module docstring."""

    def __init__(
        self,
        places: TermIndex[Place],
        actors: ActorDirectory,
        roles: TermIndex[Role] | None = None,
        *,
        tlds: Mapping[str, str] | None = None,
    ) -> None:
        self.places = places
        self.actors = actors
        self.roles = roles if roles is not None else TermIndex()
        self.tlds = tlds or {}

    def link(self, doc: Doc, claims: Sequence[Claim], when: date | None = None) -> list[Claim]:
        by_canonical: dict[str, Link] = {}
        entities = doc._.entities if isinstance(doc._.entities, ArticleEntities) else NO_ENTITIES
        analysed: dict[tuple[int, int], Link | None] = {}

        def decide(claim: Claim, earlier: list[Claim]) -> Claim:
            entity = entities.of(len(earlier))
            link = self.speaker_link(doc, claim, when, by_canonical, entity=entity, analysed=analysed)
            via = self.analyse(doc, claim.via_span, when) if claim.via_span else None
            return replace(
                claim,
                speaker_canonical=_full_name(claim.speaker_canonical, link.actor if link else None),
                government=link.government if link else None,
                link_evidence=link.evidence if link else None,
                actor_id=link.actor.actor_id if link and link.actor else None,
                actor_type=(link.actor_type if link else None) or ("unknown" if claim.speaker else None),
                via_government=via.government if via else None,
            )

        # "Lavrov, who said": the words of the noun a relative pronoun stands for say whom the speaker speaks for
        views = [as_antecedent(doc, claim) for claim in claims]
        linked = self._from_context(doc, decide_in_order(views, decide, inherit=_LINK_FIELDS), entities)
        return [
            link if view is claim else replace(link, speaker=claim.speaker, speaker_span=claim.speaker_span)
            for claim, view, link in zip(claims, views, linked, strict=True)
        ]

    def _from_context(self, doc: Doc, claims: list[Claim], entities: ArticleEntities) -> list[Claim]:
        """State speakers whose words and entity name no country ("the Foreign Office", "Trade Minister Seko",
        "prosecutors", "the spokesperson") take, in this order, the country an earlier speaker mention gave the same
        state body (``body:``), the government of the state speaker just before (``before:``, unless a dateline or
        the outlet says where the story is told from), or the country the article is about
        (``extractors.linking.context``) when it is clear, each only if the speaker's titles allow it
        (``titled:``); so do the other claims of their entity (pronouns included). Evidence ``context:`` is the
        weakest kind."""
        speakers = [_speaker_key(entities, i, c) for i, c in enumerate(claims)]
        placed = {
            speakers[i]
            for i, c in enumerate(claims)
            if c.government is None
            and (c.actor_type in STATE_TYPES or (c.actor_type == "unknown" and _spokesperson(doc, c)))
            and (entities.of(i) is not None or _generic(doc, c))
            and not _foreign_by_default(doc, c)
        }
        placed.discard(None)
        settled = {speakers[i] for i, c in enumerate(claims) if c.government is not None or _non_state(c)}
        if not placed - settled:
            return claims
        chosen = self._choose(doc, claims, speakers, placed - settled)
        return [
            replace(c, government=chosen[speakers[i]][0], link_evidence=chosen[speakers[i]][1])
            if c.government is None and speakers[i] in chosen and c.actor_type in (*STATE_TYPES, "unknown", None)
            else c
            for i, c in enumerate(claims)
        ]

    def _choose(
        self, doc: Doc, claims: list[Claim], speakers: list[str | None], unsettled: set[str | None]
    ) -> dict[str | None, tuple[str, str]]:
        """Each unsettled speaker's ``(government, evidence)`` from the article: ``body:``, ``before:``,
        ``context:`` in that order, the first one its titles allow, else ``titled:``."""
        named = countries_named(doc, self.places)
        country = article_country(doc, claims, speakers, self.places, self.tlds, named)
        chosen: dict[str | None, tuple[str, str]] = {}
        # Where the story is told from (a dateline, the outlet's domain) beats who spoke just before, which beats the
        # article's other signals ("Pakistan has rejected … ⏎ The Foreign Office Spokesperson said" in a story that
        # names India most and quotes two Indian ministers).
        told_from = country is not None and country[1] in PLACE_SIGNALS
        starts = [] if told_from else [sentence.start_char for sentence in doc.sents]
        roles_of = [self._speaker_roles(doc, c.speaker_span) for c in claims]
        bodies = [_body_keys(roles) for roles in roles_of]
        titles = _titles(speakers, roles_of, unsettled)

        def signals(i: int) -> Iterator[tuple[str, str]]:
            body = _same_body_before(claims, bodies, i)
            if body is not None:
                yield body[0], f"body:{body[1]}"
            before = None if told_from else government_just_before(starts, claims, i)
            if before is not None:
                yield before[0], f"before:{before[1]}"
            if country is not None:
                yield country[0], f"context:{country[0]}"

        for i, speaker in enumerate(speakers):
            if speaker in unsettled and speaker not in chosen:
                term, roles = titles.get(speaker, ("", ()))

                def allows(code: str, roles: tuple[Role, ...] = roles) -> bool:
                    return all(role.allows(code) for role in roles)

                # A title only some governments use ("Agriculture Secretary", "Senator") rules out the others: the
                # story about China's tariffs quotes the US secretary; failing every signal, the one it names most.
                pick = next((s for s in signals(i) if allows(s[0])), None)
                code = most_named_of(named, allows) if pick is None and roles else None
                if pick is not None or code is not None:
                    chosen[speaker] = pick or (code or "", f"titled:{term}")
        return chosen

    def _speaker_roles(self, doc: Doc, span: tuple[int, int] | None) -> list[Role]:
        """The role terms a speaker mention holds ("Ministry of Commerce spokesman": the ministry, the spokesman)."""
        mention = doc.char_span(*span, alignment_mode="expand") if span else None
        return [role for _, _, role in self.roles.matches(list(mention))] if mention is not None else []

    def speaker_link(
        self,
        doc: Doc,
        claim: Claim,
        when: date | None,
        by_canonical: dict[str, Link] | None = None,
        *,
        entity: Entity | None = None,
        analysed: dict[tuple[int, int], Link | None] | None = None,
    ) -> Link | None:
        """Mention evidence, else the other mentions of the speaker's entity in the article (or an earlier claim of
        the same canonical speaker), else the actors file by name."""
        by_canonical = {} if by_canonical is None else by_canonical
        analysed = {} if analysed is None else analysed
        canonical = (claim.speaker_canonical or "").lower()
        link = self._analysed(doc, claim.speaker_span, when, analysed)
        decided = _decides(link)
        if not decided and entity is not None:
            shared = self._entity_link(doc, entity, claim.speaker_span, when, analysed)
            if shared is not None and _decides(shared):
                label = shared.evidence
                if label and shared.government is not None:
                    label = f"coref:{label.split(':', 1)[-1]}"
                link = Link(shared.government, label, shared.actor_type or (link.actor_type if link else None))
                decided = True
            elif shared is not None and (link is None or link.actor_type in (None, "unknown")):
                link = Link(None, None, shared.actor_type)  # a state role with no country yet: the article may say
        if not decided and canonical in by_canonical:
            earlier = by_canonical[canonical]
            label = f"coref:{earlier.evidence.split(':', 1)[-1]}" if earlier.evidence else None
            link = Link(
                earlier.government,
                label,
                earlier.actor_type or (link.actor_type if link else None),
                earlier.actor,
            )
            decided = True
        if not decided and claim.speaker_canonical:
            actor = self.actors.lookup(claim.speaker_canonical, when)
            if actor is not None:
                mention_type = link.actor_type if link else None
                link = Link(
                    actor.government,
                    f"gazetteer:{claim.speaker_canonical}" if actor.government else None,
                    mention_type or actor.actor_type,
                    actor,
                )
        if decided and link is not None and link.actor is None and link.government and claim.speaker_canonical:
            # The article's words decided the government ("Japan's Chief Cabinet Secretary Minoru Kihara"); the
            # actors file still says who the person is, when it agrees on the government.
            known = self.actors.lookup(claim.speaker_canonical, when)
            if known is not None and known.government == link.government:
                link = replace(link, actor=known)
        if (
            link is not None
            and canonical
            and (link.government or link.actor_type not in (None, "unknown"))
            and _names_speaker(doc, claim)
        ):
            by_canonical.setdefault(canonical, link)
        return link

    def _analysed(
        self, doc: Doc, span: tuple[int, int] | None, when: date | None, analysed: dict[tuple[int, int], Link | None]
    ) -> Link | None:
        if span is None:
            return None
        if span not in analysed:
            analysed[span] = self.analyse(doc, span, when)
        return analysed[span]

    def _entity_link(
        self,
        doc: Doc,
        entity: Entity,
        own: tuple[int, int] | None,
        when: date | None,
        analysed: dict[tuple[int, int], Link | None],
    ) -> Link | None:
        """What the entity's other mentions say, the first that names a government in text order; failing that,
        the first that decides the speaker speaks for none (``a member of the TPLF Executive Committee``); failing
        that, the first that gives a state role with no country (``Foreign Ministry spokesperson``)."""
        decided = role = None
        for span in entity.mentions:
            if span == own:
                continue
            link = self._analysed(doc, span, when, analysed)
            if link is None:
                continue
            if link.government is not None:
                return link
            if decided is None and _decides(link):
                decided = link
            if role is None and link.actor_type in STATE_TYPES:
                role = link
        return decided or role

    def analyse(self, doc: Doc, span: tuple[int, int] | None, when: date | None) -> Link | None:
        """What the words of one mention say: actor type and, with evidence, the government."""
        if span is None:
            return None
        mention = doc.char_span(span[0], span[1], alignment_mode="expand")
        if mention is None or not len(mention):
            return None
        head = mention.root
        if head.pos_ == "PRON":
            return None
        tokens = list(mention)
        # A role noun inside a longer place or body name is part of that name ("European *Union*"), and a
        # person's name is not a title ("Gayle *King*").
        names = [(first, last) for first, last, _ in country_matches(self.places, tokens)]
        names += [(first, last) for first, last, a in self.actors.matches(tokens, when) if a.kind == "body"]
        role_spans = [
            (first, last, role)
            for first, last, role in self.roles.matches(tokens)
            if not any(f <= first and last <= e and (e - f) > (last - first) for f, e in names)
            and not any(t.ent_type_ == "PERSON" and t.pos_ == "PROPN" and t.i == head.i for t in tokens[first:last])
            and not (len(tokens) == 1 and head.pos_ == "PROPN")
            and not _topic(_root(tokens[first:last]), head)
        ]
        role_tokens = {t.i for first, last, _ in role_spans for t in tokens[first:last]}
        past = _past_career(head, role_tokens)
        if past:
            role_spans = [r for r in role_spans if not any(t.i in past for t in tokens[r[0] : r[1]])]
            role_tokens -= past
        name_tokens = _name_of(head)
        speaker_role = self._speaker_role(tokens, role_spans, head)
        if _former([t for t in tokens if t.i not in past], head):
            return Link(None, "non_state:former", "non_state")  # a former official speaks for no government any more
        evidence = self._evidence(mention, tokens, head, role_tokens, name_tokens, when)
        actor_type = self._actor_type(speaker_role, evidence, tokens, role_spans, head, role_tokens)
        if evidence is None:
            return self._without_evidence(mention, tokens, actor_type, speaker_role)
        body = evidence.actor if evidence.actor is not None and evidence.actor.kind == "body" else None
        if actor_type not in _CODED_TYPES or not evidence.code:
            own = body if body and head in evidence.tokens else None
            return replace(_uncoded(actor_type, speaker_role, own), actor=own)
        if evidence.code.startswith("X"):
            actor_type = "igo"
        return Link(evidence.code, evidence.label, actor_type, body)

    def _without_evidence(
        self, mention: Span, tokens: list[Token], actor_type: str | None, speaker_role: Role | None
    ) -> Link | None:
        """A mention that names no country or actor of its own: a US party-state title, "the nation" just named, a
        named organisation its role belongs to, or only its type."""
        if actor_type in _CODED_TYPES and speaker_role is not None and _US_PARTY_STATE.search(mention.text):
            return Link("USA", f"title:{mention.text}", "legislature")
        nation = self._nation_named_before(mention.doc, tokens) if actor_type in _CODED_TYPES else None
        if nation is not None:
            return Link(nation[0], f"nation:{nation[1]}", actor_type)
        named = _named_body(tokens) if speaker_role is not None and speaker_role.relational else None
        if named is not None:
            # "the president of the American Farm Bureau" speaks for no government; "the spokesman for the
            # Atomic Energy Organisation" for a state agency of a country the article may say
            if named.lower_ in _STATE_AGENCIES or _agency_of(named.head):
                return Link(None, None, "government")
            if any(r.actor_type in STATE_TYPES and not r.relational for _, _, r in self.roles.matches([named])):
                # "spokesperson for the West Philippine Sea Commodore Jay Tarriela": a rank, not a body
                return _uncoded(actor_type, speaker_role) if actor_type else None
            body_link = self._international_body(tokens, named)
            if body_link is not None:
                return body_link  # "an adviser at WFP": staff of an international body speak for it
            return Link(None, f"non_state:{named.text}", "non_state")
        return _uncoded(actor_type, speaker_role) if actor_type else None

    def _international_body(self, tokens: list[Token], named: Token) -> Link | None:
        """The international body whose name holds ``named`` or is part of it ("the UN Framework Convention"). Only
        asked when the mention has no other evidence, so "Russia's ambassador at the UN" stays Russia's (the country
        is evidence, the body after "at" is not)."""
        for first, last, place in country_matches(self.places, tokens):
            if place.is_igo and any(t.i == named.i or _modifies(t, named) for t in tokens[first:last]):
                return Link(place.code, "country:" + " ".join(t.text for t in tokens[first:last]), "igo")
        return None

    def _nation_named_before(self, doc: Doc, tokens: list[Token]) -> tuple[str, str] | None:
        """``the South American nation’s president, Gustavo Petro``: the country the article named just before."""
        for token in tokens:
            if token.lemma_.lower() in NATION_NOUNS and token.dep_ == "poss" and token.tag_ == "NN":
                found = country_named_before(doc, tokens[0].idx, self.places)
                if found is not None:
                    start, end, place = found
                    return place.code, _text_of(doc, start, end)
        return None

    def _speaker_role(self, tokens: list[Token], role_spans: list[tuple[int, int, Role]], head: Token) -> Role | None:
        best: tuple[tuple[int, int, int], Role] | None = None
        for first, last, role in role_spans:
            root = _root(tokens[first:last])
            hops = _hops(root, head)
            if hops > 2 and not (first <= tokens.index(head) < last):
                continue
            key = (0 if first <= tokens.index(head) < last else hops, -(last - first), abs(root.i - head.i))
            if best is None or key < best[0]:
                best = (key, role)
        return best[1] if best else None

    def _evidence(
        self,
        mention: Span,
        tokens: list[Token],
        head: Token,
        role_tokens: set[int],
        name_tokens: set[int],
        when: date | None,
    ) -> _Evidence | None:
        found: list[_Evidence] = []
        for first, last, place in country_matches(self.places, tokens):
            matched = tuple(tokens[first:last])
            person = any(t.ent_type_ == "PERSON" for t in matched)
            if (
                person
                and place.kind != "metonym"
                and not _possessor(matched)
                and not _of_place(matched)
                and not _lone_country(matched, tokens)
            ):
                continue  # "Michael Jordan", but not "Jordan's King Abdullah" or "Ralph Regenvanu of Vanuatu"
            found.extend(self._candidate(mention, matched, head, role_tokens, name_tokens, place=place))
        for first, last, actor in self.actors.matches(tokens, when):
            matched = tuple(tokens[first:last])
            if actor.kind == "person" and (head in matched or actor.government is None):
                continue  # the speaker's own name is the gazetteer's job (step 3), after coref
            if actor.kind == "body" and any(t.ent_type_ == "PERSON" for t in matched):
                continue  # "Bloomberg" the man, not Bloomberg News
            found.extend(self._candidate(mention, matched, head, role_tokens, name_tokens, actor=actor))
        if not found:
            return None
        return min(found, key=lambda e: e.rank)

    def _candidate(
        self,
        mention: Span,
        matched: tuple[Token, ...],
        head: Token,
        role_tokens: set[int],
        name_tokens: set[int],
        *,
        place: Place | None = None,
        actor: Actor | None = None,
    ) -> list[_Evidence]:
        path = _path(_root(matched), head)
        if path is None:
            return []
        inside = {t.i for t in matched}
        governor = next((t for t in path if t.i not in inside), None)
        if (
            place is not None
            and place.kind == "name"
            and not place.is_igo
            and _root(matched).dep_ == "compound"
            and governor is not None
            and governor.pos_ == "NOUN"
            and governor.i not in role_tokens
            and governor.lemma_.lower() not in _ISSUED
        ):
            return []  # "a Ukraine specialist", "an Iran hawk": the country is what the person knows about
        appositive = False
        for token in path:
            if token.i in inside:
                continue
            if token.dep_ == "appos" or (token.i == head.i and _root(matched).dep_ == "appos"):
                appositive = True
            if token.lower_ in _FOREIGN_PREPS and token.dep_ in ("prep", "case"):
                return []
            if token.i in role_tokens or token.i in name_tokens or token.i == head.i:
                continue
            if token.pos_ in ("NOUN", "PROPN") and token.dep_ not in _PASSABLE_DEPS - {"compound", "amod", "nmod"}:
                return []
        appositive = appositive or any(t.dep_ == "appos" for t in path if t.i not in inside)
        code = place.code if place else (actor.government if actor else None)
        if code is None:
            code = ""
        term = " ".join(t.text for t in matched)
        last = matched[-1]
        possessive = last.i + 1 < len(last.doc) and last.doc[last.i + 1].tag_ == "POS"
        if appositive:
            label = f"apposition:{mention.text}"
        elif possessive:
            label = f"possessive:{mention.text}"
        elif actor is not None:
            label = f"gazetteer:{term}"
        elif place is not None and place.kind == "demonym":
            label = f"demonym:{mention.text}"
        elif place is not None and place.kind in ("metonym", "capital"):
            label = f"metonym:{term}"
        else:
            label = f"country:{term}"
        rank = (_later_apposition(path, head), len(path), matched[0].i)
        return [_Evidence(matched, code, label, actor, place, rank)] if code or actor else []

    @staticmethod
    def _actor_type(
        speaker_role: Role | None,
        evidence: _Evidence | None,
        tokens: list[Token],
        role_spans: list[tuple[int, int, Role]],
        head: Token,
        role_tokens: set[int],
    ) -> str | None:
        if evidence is not None and evidence.actor is not None and evidence.actor.kind == "body":
            body_type = evidence.actor.actor_type
            if speaker_role is None or speaker_role.relational:
                return body_type
        if speaker_role is None:
            if evidence is not None and (head in evidence.tokens or evidence.place is not None):
                # "China said", "the Kremlin"; or a person described by a place ("State Department official X").
                return "igo" if evidence.code.startswith("X") else "government"
            return None
        if not speaker_role.relational:
            return speaker_role.actor_type
        # A relational role (spokesman, official, president) takes the type of the body it belongs to: the
        # nearest own-scope role between it and the evidence ("spokesperson for the British Foreign Office").
        if evidence is not None:
            on_path = {t.i for t in _path(_root(evidence.tokens), head) or []}
            for first, last, role in role_spans:
                if not role.relational and any(t.i in on_path for t in tokens[first:last]):
                    return role.actor_type
            if speaker_role.actor_type in STATE_TYPES:
                return speaker_role.actor_type
            return "government"
        # No body named: an own-scope role attached to the speaker role decides ("president of the company"); a
        # state office the speaker serves makes them a government speaker ("Spokesperson for President X").
        for first, last, role in role_spans:
            if not role.relational and _hops(_root(tokens[first:last]), head) <= 4:
                return role.actor_type
        if speaker_role.actor_type not in STATE_TYPES:
            for first, last, role in role_spans:
                if role.actor_type in STATE_TYPES and _hops(_root(tokens[first:last]), head) <= 4:
                    return "government"
        return speaker_role.actor_type if speaker_role.actor_type != "unknown" else None


def _titles(
    speakers: list[str | None], roles_of: list[list[Role]], unsettled: set[str | None]
) -> dict[str | None, tuple[str, tuple[Role, ...]]]:
    """Each unsettled speaker's titles that only some governments use, as ``(first term, the roles)``, from the
    roles of its claims' mentions."""
    titles: dict[str | None, tuple[str, tuple[Role, ...]]] = {}
    for speaker, roles in zip(speakers, roles_of, strict=True):
        if speaker not in unsettled:
            continue
        for role in roles:
            if role.limits_countries:
                term, limiting = titles.get(speaker, (role.term, ()))
                titles[speaker] = (term, (*limiting, role))
    return titles


def _body_keys(roles: list[Role]) -> set[frozenset[str]]:
    """The state bodies a mention names by a role term, each as the set of its words ("commerce ministry" and
    "Ministry of Commerce" alike)."""
    keys = set()
    for role in roles:
        words = frozenset(role.term.lower().split()) - _NAME_GLUE
        if role.actor_type in STATE_TYPES and words & _STATE_AGENCIES and len(words) > 1:
            keys.add(words)
    return keys


def _topic(token: Token, head: Token) -> bool:
    """Is ``token`` under a preposition that names what the speaker deals with ("Special Adviser *on Media*"), or
    what a ministry deals with ("Ministry *of Commerce* spokesman")?"""
    node, hops = token, 0
    while node.i != head.i and node.head.i != node.i and hops < 6:
        if node.dep_ == "prep" and (node.lower_ in _TOPIC_PREPS or _agency_of(node)):
            return True
        node, hops = node.head, hops + 1
    return False


def _same_body_before(
    claims: Sequence[Claim], bodies: Sequence[set[frozenset[str]]], index: int
) -> tuple[str, str] | None:
    """The government an earlier speaker mention gave the same state body by its own words: "China's Commerce
    Ministry says … ⏎ Ministry of Commerce spokesman Gao Feng told a press conference" is China's ministry, whoever
    spoke in between. ``bodies`` are the claims' :func:`_body_keys`. As ``(code, earlier
    mention)``."""
    if not bodies[index]:
        return None
    for claim, keys in zip(reversed(claims[:index]), reversed(bodies[:index]), strict=True):
        if claim.government and own_government(claim) and bodies[index] & keys:
            return claim.government, claim.speaker or ""
    return None


def _modifies(token: Token, name: Token) -> bool:
    """Is ``token`` a word of the name ``name`` heads ("*UN* Framework Convention on Climate Change")?"""
    node = token
    while node.dep_ in ("compound", "amod", "nmod") and node.head.i != node.i:
        node = node.head
        if node.i == name.i:
            return True
    return False


def _later_apposition(path: Sequence[Token], head: Token) -> int:
    """How many appositions of the speaker come before the one ``path`` passes through: the first says the
    person's office ("Nguyen Quoc Dung, deputy minister of foreign affairs of Vietnam, the ASEAN chair for 2020":
    Vietnam's, though "ASEAN" is nearer the name in the parse); evidence outside any apposition counts as first."""
    own = next((t for t in path if t.dep_ == "appos" and t.head.i == head.i), None)
    if own is None:
        return 0
    return sum(1 for c in head.children if c.dep_ == "appos" and c.i < own.i)


def _agency_of(token: Token) -> bool:
    """Is ``token`` the "of" of a ministry's name ("Ministry *of* Commerce")?"""
    return token.lower_ == "of" and token.head.lower_ in _AGENCY_NAME_HEADS and token.head.pos_ == "PROPN"


def _of_place(tokens: tuple[Token, ...]) -> bool:
    """Is a place the tagger read as a person a whole name after ``of`` ("Minister Ralph Regenvanu *of Vanuatu*")?"""
    first, last = tokens[0], tokens[-1]
    doc = first.doc
    whole = first.ent_iob_ == "B" and (last.i + 1 >= len(doc) or doc[last.i + 1].ent_iob_ != "I")
    root = _root(tokens)
    return whole and root.dep_ == "pobj" and root.head.lower_ == "of"


def _lone_country(matched: tuple[Token, ...], mention: list[Token]) -> bool:
    """Is a country the tagger read as a person the whole speaker mention ("Türkiye asserted"), and no person's
    longer name in the article holds it (the "Jordan" of "Jim Jordan said ... Jordan added" is his surname)?"""
    if len(matched) != len(mention):
        return False
    words = " ".join(t.lower_ for t in matched)
    longer_names = (e for e in matched[0].doc.ents if e.label_ == "PERSON" and len(e) > len(matched))
    return not any(f" {words} " in f" {' '.join(t.lower_ for t in name)} " for name in longer_names)


def _possessor(tokens: tuple[Token, ...]) -> bool:
    last = tokens[-1]
    return last.i + 1 < len(last.doc) and last.doc[last.i + 1].tag_ == "POS"


def _text_of(doc: Doc, start: int, end: int) -> str:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span.text if span is not None else ""


def _uncoded(actor_type: str | None, role: Role | None, body: Actor | None = None) -> Link:
    """A speaker of a type that speaks for no government (analyst, newspaper, NGO, party, court, governor), with
    evidence ``non_state:<the role or body that says so>``; a state type still waiting for its country, with none."""
    if actor_type in (None, "unknown", *_CODED_TYPES):
        return Link(None, None, actor_type)
    why = body.name if body is not None else role.term if role is not None else actor_type
    return Link(None, f"non_state:{why}", actor_type)


def _decides(link: Link | None) -> bool:
    """Does a mention's link settle the speaker: a government, or a type that speaks for none?"""
    return link is not None and (link.government is not None or link.actor_type not in (None, *_CODED_TYPES))


def _root(tokens: Sequence[Token]) -> Token:
    inside = {t.i for t in tokens}
    for token in tokens:
        if token.head.i not in inside or token.head.i == token.i:
            return token
    return tokens[-1]


def _hops(token: Token, head: Token) -> int:
    node, hops = token, 0
    while node.i != head.i:
        if node.head.i == node.i or hops > 12:
            return 99
        node, hops = node.head, hops + 1
    return hops


def _path(token: Token, head: Token) -> list[Token] | None:
    """Tokens from ``token`` up to ``head`` (both included), or None if ``head`` is not above it."""
    path = [token]
    node = token
    while node.i != head.i:
        if node.head.i == node.i or len(path) > 12:
            return None
        node = node.head
        path.append(node)
    return path


def _name_of(head: Token) -> set[int]:
    """The tokens of the speaker's own name: the head and the proper nouns compounded onto it."""
    names = {head.i}
    for child in head.children:
        if child.dep_ in ("compound", "flat") and child.pos_ == "PROPN":
            names.add(child.i)
    if head.ent_type_ == "PERSON":
        # The entity around the head, from the token annotations (Doc.ents rebuilds every entity on each call).
        doc = head.doc
        start = head.i
        while start > 0 and doc[start].ent_iob_ == "I" and doc[start - 1].ent_type_ == "PERSON":
            start -= 1
        end = head.i + 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        names.update(range(start, end))
    return names


def _full_name(canonical: str | None, actor: Actor | None) -> str | None:
    """A surname the article never completes (``Biden``) takes the full name of the person the actors file found."""
    if canonical is None or actor is None or actor.kind != "person" or " " in canonical.strip():
        return canonical
    words = [w.lower().strip(".,") for w in actor.name.replace("-", " ").split()]
    return actor.name if canonical.lower().replace("-", " ").split()[-1] in words else canonical


def _speaker_key(entities: ArticleEntities, index: int, claim: Claim) -> str | None:
    """Who a claim's speaker is, for counting speakers once: its entity, else its canonical name."""
    if index < len(entities.of_claims) and entities.of_claims[index] is not None:
        return f"entity:{entities.of_claims[index]}"
    return f"name:{claim.speaker_canonical.lower()}" if claim.speaker_canonical else None


def _foreign_by_default(doc: Doc, claim: Claim) -> bool:
    """Unnamed diplomats ("Diplomats said", "Western diplomats") are rarely the story's own government's."""
    if claim.speaker_span is None or claim.actor_type != "diplomat":
        return False
    mention = doc.char_span(claim.speaker_span[0], claim.speaker_span[1], alignment_mode="expand")
    return mention is not None and mention.root.tag_ in ("NNS", "NNPS") and mention.root.lemma_.lower() == "diplomat"


def _non_state(claim: Claim) -> bool:
    return claim.actor_type not in (None, "unknown", *_CODED_TYPES)


def _generic(doc: Doc, claim: Claim) -> bool:
    """A speaker named or described in the mention ("federal prosecutors", "Transport Secretary Grant Shapps"),
    not a pronoun (those follow their antecedent)."""
    if claim.speaker_span is None:
        return False
    mention = doc.char_span(claim.speaker_span[0], claim.speaker_span[1], alignment_mode="expand")
    return mention is not None and len(mention) > 0 and mention.root.pos_ in ("NOUN", "PROPN")


def _spokesperson(doc: Doc, claim: Claim) -> bool:
    """ "The spokesperson", "an official": a relational role standing alone, who speaks for the story's government."""
    assert claim.speaker_span is not None
    mention = doc.char_span(claim.speaker_span[0], claim.speaker_span[1], alignment_mode="expand")
    return (
        mention is not None
        and mention.root.lemma_.lower() in _SPOKES
        and all(t.pos_ in ("DET", "ADJ") or t.i == mention.root.i for t in mention)
    )


def _names_speaker(doc: Doc, claim: Claim) -> bool:
    """Is the mention about the canonical speaker itself (its head is part of the name, or it has no name)?

    "Morrison's lawyer" resolved to Tim Morrison must not lend the lawyer's type to Morrison's own claims.
    """
    if claim.speaker_span is None or not claim.speaker_canonical:
        return False
    mention = doc.char_span(claim.speaker_span[0], claim.speaker_span[1], alignment_mode="expand")
    if mention is None or not len(mention):
        return False
    if len(own_conjunct(mention, claim.speaker_canonical)) < len(mention):
        return False  # "A and B announced": what it says of both is no evidence about B
    head = mention.root
    if head.pos_ == "PRON":
        return False
    canonical = {w.lower() for w in claim.speaker_canonical.replace("’", "'").split()}
    if head.lower_ in canonical or head.pos_ != "PROPN":
        return True
    # The full name written in the mention, not as a possessor: "Chief Executive Officer …, Gary Scott".
    named = [t for t in mention if t.lower_ in canonical]
    return len({t.lower_ for t in named}) == len(canonical) and not any(
        t.i + 1 < len(doc) and doc[t.i + 1].tag_ == "POS" for t in named
    )


def _former(tokens: list[Token], head: Token) -> bool:
    """Does "former" (or ex-, retired) qualify the speaker's head or one of its titles?"""
    for token in tokens:
        if token.lower_ in _FORMER or token.lower_.startswith("ex-"):
            node = token.head
            hops = 0
            while node.i != head.i and node.head.i != node.i and hops < 4:
                node, hops = node.head, hops + 1
            if node.i == head.i and hops <= 2:
                return True
    return False


def _past_career(head: Token, role_tokens: set[int]) -> set[int]:
    """An apposition about a past career when the name carries its present title ("Spokesperson Manuel Adorni,
    (former journalist and economist)"): its words say nothing about what the speaker is now."""
    if not any(c.dep_ == "compound" and c.i in role_tokens for c in head.children):
        return set()
    past: set[int] = set()
    for child in head.children:
        if child.dep_ == "appos" and any(t.lower_ in _FORMER or t.lower_.startswith("ex-") for t in child.subtree):
            past.update(t.i for t in child.subtree)
    return past


def _named_body(tokens: list[Token]) -> Token | None:
    """Does a relational role belong to a named organisation that is not a place ("president of the X Bureau")? A
    person is no organisation ("Spokesperson for President Muhammadu Buhari"), nor is what the mention hangs from
    ("the victory of President Evo Morales")."""
    inside = {t.i for t in tokens}
    for token in tokens:
        if (
            token.dep_ == "pobj"
            and token.head.i in inside
            and token.head.lower_ in ("of", "for", "at")
            and token.pos_ == "PROPN"
            and token.ent_type_ != "PERSON"
        ):
            return token
    return None


Doc.set_extension("published_on", default=None, force=True)
#: The page's URL, when the caller knows it: its country-code domain places a domestic story's generic speakers.
Doc.set_extension("source_url", default=None, force=True)


@Language.factory("government_linker", assigns=["doc._.claims"], requires=["doc._.claims"])
def make_government_linker(nlp: Language, name: str) -> GovernmentLinkerComponent:
    return GovernmentLinkerComponent(name)


class GovernmentLinkerComponent(ComponentFiles):
    """Links ``doc._.claims`` using ``doc._.published_on`` (a date, when the caller knows it) and
    ``doc._.source_url``. Its data is the countries, actors, roles and country-code domain tables, given by
    ``initialize(seeds=...)`` and saved beside the pipeline (``extractors.component_files``)."""

    #: In the order their bytes are hashed (``fingerprint``).
    file_names = (COUNTRIES_FILE, ACTORS_FILE, ROLES_FILE, TLDS_FILE)

    def __init__(self, name: str) -> None:
        self.name = name
        self.linker: GovernmentLinker | None = None

    def use_seeds(self, seeds: Seeds) -> None:
        self.linker = GovernmentLinker(seeds.places, seeds.actors, seeds.roles, tlds=seeds.tlds)

    def use_files(self, files: Mapping[str, SeedFile]) -> None:
        countries = files[COUNTRIES_FILE]
        self.linker = GovernmentLinker(
            parse_places(countries),
            ActorDirectory.parse(files[ACTORS_FILE], countries),
            parse_roles(files[ROLES_FILE]),
            tlds=parse_tlds(files[TLDS_FILE]),
        )

    @property
    def fingerprint(self) -> str:
        """Hash of the tables and rules: part of the claims extractor version (``extractors.nlp``)."""
        return fingerprint(self.seed_files, salt=LINKER_VERSION)

    def __call__(self, doc: Doc) -> Doc:
        self.require_data()
        assert self.linker is not None
        doc._.claims = self.linker.link(doc, doc._.claims or [], doc._.published_on)
        return doc
