"""Speaker -> government: which government (if any) each claim speaks for, and the evidence that decided it.

Evidence is tried in this order; the first that yields a code wins, and its label is stored in
``claims.link_evidence``:

1. in the speaker mention itself, nearest the mention's head first:
   ``possessive:`` (China's foreign ministry), ``demonym:`` (Ukrainian Foreign Minister),
   ``metonym:`` (Kremlin, Beijing, Kyiv), ``country:`` (China said), ``apposition:`` (Igor Zhovkva, an official
   in President Volodymyr Zelenskyy's office); a person named in the mention counts through the actors file;
2. ``coref:``, the evidence of an earlier mention of the same canonical speaker in the same article;
3. ``gazetteer:``, the actors file (``seeds/actors.csv``) for the speaker's name on the article's date.

Countries, demonyms, capitals and metonyms come from ``seeds/countries.tsv``.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from claimtrack.errors import ConfigError
from claimtrack.settings import SEEDS_DIR
from extractors.claims import Claim

DEFAULT_COUNTRIES = SEEDS_DIR / "countries.tsv"
DEFAULT_ACTORS = SEEDS_DIR / "actors.csv"
#: Prepositions whose object is who a speaker deals with, not whom they speak for (ambassador *to* China).
_FOREIGN_PREPS = frozenset({"to", "with", "against", "on", "toward", "towards"})


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    kind: str  # name | demonym | capital | metonym


@dataclass(frozen=True, slots=True)
class Actor:
    actor_id: str
    name: str
    government: str | None
    actor_type: str
    role: str
    valid_from: date | None
    valid_to: date | None

    def holds_office_on(self, when: date | None) -> bool:
        if when is None:
            return True
        return (self.valid_from is None or self.valid_from <= when) and (self.valid_to is None or when <= self.valid_to)


class Gazetteer:
    """Lower-cased word sequences -> :class:`Place`, matched longest first over tokens."""

    def __init__(self, terms: dict[tuple[str, ...], Place]) -> None:
        self.terms = terms
        self.longest = max((len(k) for k in terms), default=1)

    @classmethod
    def from_tsv(cls, path: Path) -> Gazetteer:
        terms: dict[tuple[str, ...], Place] = {}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) < 3:
                raise ConfigError(f"{path}:{number}: expected 'term<TAB>code<TAB>kind'")
            terms[tuple(parts[0].lower().split())] = Place(parts[1].strip(), parts[2].strip())
        return cls(terms)

    def matches(self, tokens: Sequence[Token]) -> list[tuple[int, int, Place]]:
        """``(first, last_exclusive, place)`` per match, positions relative to ``tokens``."""
        words = [t.lower_.replace("’", "'") for t in tokens]
        found = []
        i = 0
        while i < len(words):
            for n in range(min(self.longest, len(words) - i), 0, -1):
                place = self.terms.get(tuple(words[i : i + n]))
                if place is not None:
                    found.append((i, i + n, place))
                    i += n
                    break
            else:
                i += 1
        return found


class ActorDirectory:
    """Curated people and bodies (``seeds/actors.csv``), looked up by name or alias on a date."""

    COLUMNS = ("actor_id", "name", "aliases", "government", "actor_type", "role", "valid_from", "valid_to", "source")

    def __init__(self, actors: Sequence[tuple[Actor, Sequence[str]]]) -> None:
        self.by_alias: dict[str, list[Actor]] = {}
        for actor, aliases in actors:
            for alias in {actor.name, *aliases}:
                self.by_alias.setdefault(alias.lower(), []).append(actor)
            surname = actor.name.split()[-1].lower()
            if surname != actor.name.lower():
                self.by_alias.setdefault(surname, []).append(actor)

    @classmethod
    def from_csv(cls, path: Path) -> ActorDirectory:
        rows: list[tuple[Actor, Sequence[str]]] = []
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = set(cls.COLUMNS) - set(reader.fieldnames or [])
            if missing:
                raise ConfigError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
            for row in reader:
                line = reader.line_num
                try:
                    actor = Actor(
                        actor_id=_required(row, "actor_id"),
                        name=_required(row, "name"),
                        government=(row["government"] or "").strip() or None,
                        actor_type=(row["actor_type"] or "unknown").strip(),
                        role=(row["role"] or "").strip(),
                        valid_from=_date(row["valid_from"]),
                        valid_to=_date(row["valid_to"]),
                    )
                except ValueError as exc:
                    raise ConfigError(f"{path}:{line}: {exc}") from None
                aliases = [a.strip() for a in (row["aliases"] or "").split("|") if a.strip()]
                rows.append((actor, aliases))
        return cls(rows)

    def lookup(self, name: str, when: date | None) -> Actor | None:
        candidates = self.by_alias.get(name.lower().replace("’", "'"), [])
        current = [a for a in candidates if a.holds_office_on(when)]
        pool = current or candidates
        return pool[0] if len({a.actor_id for a in pool}) == 1 else None


def _required(row: dict[str, str], column: str) -> str:
    value = (row.get(column) or "").strip()
    if not value:
        raise ValueError(f"{column!r} is empty")
    return value


def _date(value: str | None) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"bad date {value!r}: use YYYY-MM-DD") from None


@dataclass(frozen=True, slots=True)
class Link:
    government: str
    evidence: str
    actor: Actor | None = None


class GovernmentLinker:
    """Link each claim's speaker (and relaying source) to a government. See the module docstring."""

    def __init__(self, gazetteer: Gazetteer, actors: ActorDirectory) -> None:
        self.gazetteer = gazetteer
        self.actors = actors

    def link(self, doc: Doc, claims: Sequence[Claim], when: date | None = None) -> list[Claim]:
        linked: list[Claim] = []
        by_canonical: dict[str, Link] = {}
        for claim in claims:
            link = None
            if claim.continues is not None and claim.continues < len(linked):
                parent = linked[claim.continues]
                linked.append(
                    replace(
                        claim,
                        government=parent.government,
                        link_evidence=parent.link_evidence,
                        actor_id=parent.actor_id,
                        actor_type=parent.actor_type,
                        via_government=parent.via_government,
                    )
                )
                continue
            if claim.speaker_span is not None:
                link = self._from_mention(doc, claim.speaker_span, when)
            canonical = (claim.speaker_canonical or "").lower()
            if link is None and canonical in by_canonical:
                earlier = by_canonical[canonical]
                link = Link(earlier.government, f"coref:{earlier.evidence.split(':', 1)[-1]}", earlier.actor)
            if link is None and claim.speaker_canonical:
                actor = self.actors.lookup(claim.speaker_canonical, when)
                if actor is not None and actor.government:
                    link = Link(actor.government, f"gazetteer:{claim.speaker_canonical}", actor)
            if link is not None and canonical:
                by_canonical.setdefault(canonical, link)
            via = self._from_mention(doc, claim.via_span, when) if claim.via_span else None
            linked.append(
                replace(
                    claim,
                    government=link.government if link else None,
                    link_evidence=link.evidence if link else None,
                    actor_id=link.actor.actor_id if link and link.actor else None,
                    actor_type=link.actor.actor_type if link and link.actor else claim.actor_type,
                    via_government=via.government if via else None,
                )
            )
        return linked

    def _from_mention(self, doc: Doc, span: tuple[int, int], when: date | None) -> Link | None:
        mention = doc.char_span(span[0], span[1], alignment_mode="expand")
        if mention is None:
            return None
        head = mention.root
        candidates: list[tuple[tuple[int, int], Link]] = []
        tokens = list(mention)
        for first, last, place in self.gazetteer.matches(tokens):
            matched = tokens[first:last]
            evidence = self._evidence(mention, matched, place)
            candidates.append((self._rank(head, matched), Link(place.code, evidence)))
        for token in tokens:
            if token.pos_ == "PROPN" and token.i + 1 < len(doc) and doc[token.i + 1].tag_ == "POS":
                actor = self.actors.lookup(token.text, when)
                if actor is not None and actor.government:
                    label = "apposition" if self._in_apposition(head, token) else "possessive"
                    candidates.append((self._rank(head, [token]), Link(actor.government, f"{label}:{mention.text}")))
        if not candidates:
            return None
        candidates.sort(key=lambda c: c[0])
        return candidates[0][1]

    @staticmethod
    def _in_apposition(head: Token, token: Token) -> bool:
        node = token
        while node != head and node.head != node:
            if node.dep_ == "appos":
                return True
            node = node.head
        return False

    def _evidence(self, mention: Span, matched: list[Token], place: Place) -> str:
        last = matched[-1]
        term = " ".join(t.text for t in matched)
        if self._in_apposition(mention.root, last):
            return f"apposition:{mention.text}"
        if last.i + 1 < len(last.doc) and last.doc[last.i + 1].tag_ == "POS":
            return f"possessive:{mention.text}"
        if place.kind == "demonym":
            return f"demonym:{mention.text}"
        if place.kind in ("metonym", "capital"):
            return f"metonym:{term}"
        return f"country:{term}"

    @staticmethod
    def _rank(head: Token, matched: list[Token]) -> tuple[int, int]:
        """Lower is better: evidence that does not sit under a foreign-relations preposition, nearest the head."""
        last = matched[-1]
        node = last
        foreign = 0
        while node != head and node.head != node:
            if node.dep_ == "pobj" and node.head.lower_ in _FOREIGN_PREPS:
                foreign = 1
                break
            node = node.head
        return foreign, abs(head.i - last.i)


@cache
def default_linker(countries: Path = DEFAULT_COUNTRIES, actors: Path = DEFAULT_ACTORS) -> GovernmentLinker:
    return GovernmentLinker(Gazetteer.from_tsv(countries), ActorDirectory.from_csv(actors))


Doc.set_extension("published_on", default=None, force=True)


@Language.factory(
    "government_linker",
    assigns=["doc._.claims"],
    requires=["doc._.claims"],
    default_config={"countries": "", "actors": ""},
)
def make_government_linker(nlp: Language, name: str, countries: str, actors: str) -> GovernmentLinkerComponent:
    linker = default_linker(
        Path(countries) if countries else DEFAULT_COUNTRIES, Path(actors) if actors else DEFAULT_ACTORS
    )
    return GovernmentLinkerComponent(linker)


class GovernmentLinkerComponent:
    """Pipeline wrapper: links ``doc._.claims`` using ``doc._.published_on`` (a date, when the caller knows it)."""

    def __init__(self, linker: GovernmentLinker) -> None:
        self.linker = linker

    def __call__(self, doc: Doc) -> Doc:
        doc._.claims = self.linker.link(doc, doc._.claims or [], doc._.published_on)
        return doc
