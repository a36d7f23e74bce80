"""The actors file (``seeds/actors.csv``): curated people and bodies, with the office each held and when.

Format (docs/attribution.md, "The actors file"): CSV with a header row; lines starting with ``#`` are
comments. One row per office held: a person who changed office has one row per office, all with the same ``actor_id``.

``actor_id,kind,name,aliases,government,actor_type,role,valid_from,valid_to,source``

- ``kind``: ``person`` or ``body``; a person's surname alone also finds them (``Lavrov``) when unambiguous.
- ``aliases``: other spellings, ``|``-separated (``Zelensky|Zelenskiy``).
- ``government``: the code the actor speaks for (docs/schema.md, "Government codes"); empty for non-state actors.
- ``valid_from``/``valid_to``: ``YYYY-MM-DD``, either may be empty (open). A name maps to the row valid on the
  article's date, so a foreign minister's name stops linking to the ministry when they leave office.
- ``source``: where the row was checked (an official page).

Every problem is reported with its line number (:class:`ConfigError`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Token

from core.config import SeedFile
from core.errors import ConfigError
from extractors.linking.gazetteer import IGO_CODES, TermIndex, known_codes, normalise, valid_code
from extractors.linking.roles import ACTOR_TYPES, STATE_TYPES

#: The name the actors file's content is known by (saved beside a pipeline under it, hashed with it).
ACTORS_FILE = "actors.csv"
COLUMNS = (
    "actor_id",
    "kind",
    "name",
    "aliases",
    "government",
    "actor_type",
    "role",
    "valid_from",
    "valid_to",
    "source",
)
_ACTOR_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "sen", "rep", "gov"})


@dataclass(frozen=True, slots=True)
class Actor:
    actor_id: str
    name: str
    government: str | None
    actor_type: str
    role: str
    valid_from: date | None = None
    valid_to: date | None = None
    kind: str = "person"

    def holds_office_on(self, when: date | None) -> bool:
        if when is None:
            return True
        return (self.valid_from is None or self.valid_from <= when) and (self.valid_to is None or when <= self.valid_to)


@dataclass(frozen=True, slots=True)
class _Entry:
    actors: tuple[Actor, ...]
    surname: bool


#: Governments whose people are named family name first in English news ("Xi Jinping", "Moon Jae-in").
FAMILY_NAME_FIRST = frozenset({"CHN", "TWN", "HKG", "MAC", "KOR", "PRK", "VNM", "KHM", "SGP"})


class ActorDirectory:
    """Curated people and bodies, looked up by name, alias or surname on a date."""

    def __init__(self, rows: Sequence[tuple[Actor, Sequence[str]]]) -> None:
        self.actors = [actor for actor, _ in rows]
        names: dict[str, list[Actor]] = {}
        surnames: dict[str, list[Actor]] = {}
        for actor, aliases in rows:
            for alias in dict.fromkeys([actor.name, *aliases]):
                names.setdefault(normalise(alias), []).append(actor)
            if actor.kind != "person":
                continue
            for surname in _surnames(actor, aliases):
                surnames.setdefault(surname, []).append(actor)
        self.by_name = names
        self.by_surname = {k: v for k, v in surnames.items() if k not in names}
        self.index: TermIndex[_Entry] = TermIndex(proper=True)
        for key, actors in names.items():
            self.index.add(key, _Entry(tuple(actors), surname=False))
        for key, actors in self.by_surname.items():
            self.index.add(key, _Entry(tuple(actors), surname=True))

    def __len__(self) -> int:
        return len(self.actors)

    @classmethod
    def parse(cls, file: SeedFile, countries: SeedFile) -> ActorDirectory:
        """The directory of an actors file, whose government codes must be the countries table's."""
        return cls(parse_actors(file, known_codes(countries)))

    def lookup(self, name: str, when: date | None) -> Actor | None:
        """The one actor called ``name`` (name, alias, or a lone surname) on ``when``; None if none or ambiguous."""
        key = normalise(" ".join(name.split()))
        candidates = self.by_name.get(key)
        if candidates is None:
            # "Dr Etienne", "Mr. Scott", "Sen. Warren": the name without its honorific.
            words = key.split()
            while len(words) > 1 and words[0].rstrip(".") in _HONORIFICS:
                words = words[1:]
            key = " ".join(words)
            candidates = self.by_name.get(key)
        if candidates is None and " " not in key:
            candidates = self.by_surname.get(key)
        return _pick(candidates or [], when)

    def matches(self, tokens: Sequence[Token], when: date | None) -> list[tuple[int, int, Actor]]:
        """Actors named in ``tokens`` on ``when``; a surname counts only when it is the whole name written."""
        found = []
        for first, last, entry in self.index.matches(tokens):
            if entry.surname and _part_of_longer_name(tokens, first, last):
                continue
            actor = _pick(entry.actors, when)
            if actor is not None:
                found.append((first, last, actor))
        return found


def _surnames(actor: Actor, aliases: Sequence[str]) -> set[str]:
    """What a lone surname of ``actor`` may be: each spelling's last word ("Bruno Rodríguez" as well as "Bruno
    Rodríguez Parrilla", so that a lone "Rodríguez" is ambiguous beside Delcy Rodríguez instead of hers), and its
    first word where names put the family name first ("Xi Jinping", "Yoon Suk Yeol", "Hun Sen")."""
    spellings = [s.split() for s in (actor.name, *aliases) if len(s.split()) > 1]
    found = {normalise(words[-1]) for words in spellings}
    if actor.government in FAMILY_NAME_FIRST and len(actor.name.split()) > 1:
        found.add(normalise(actor.name.split()[0]))  # the name's, not an alias's ("President Xi")
    return found


def _pick(candidates: Sequence[Actor], when: date | None) -> Actor | None:
    current = [a for a in candidates if a.holds_office_on(when)]
    if not current:
        return None
    if len({a.actor_id for a in current}) != 1:
        return None
    # One person, several offices on that day: the one taken most recently.
    return max(current, key=lambda a: a.valid_from or date.min)


def _part_of_longer_name(tokens: Sequence[Token], first: int, last: int) -> bool:
    before = tokens[first - 1] if first > 0 else None
    after = tokens[last] if last < len(tokens) else None
    return any(t is not None and t.pos_ == "PROPN" and t.ent_type_ == "PERSON" for t in (before, after))


def parse_actors(file: SeedFile, known: Collection[str]) -> list[tuple[Actor, list[str]]]:
    """Parse and validate an actors file whose government codes must be in ``known``; the first problem raises
    :class:`ConfigError` with its line."""
    path = file.origin
    lines = file.text.splitlines()
    rows: list[tuple[Actor, list[str]]] = []
    header: list[str] | None = None
    seen: set[tuple[str, date | None]] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = next(csv.reader([line]))
        if header is None:
            header = [f.strip() for f in fields]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise ConfigError(
                    f"{path}:{number}: header lacks column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}"
                )
            continue
        if len(fields) != len(header):
            raise ConfigError(
                f"{path}:{number}: expected {len(header)} fields, got {len(fields)} "
                "(a value containing a comma needs double quotes)"
            )
        try:
            actor, aliases = _row(dict(zip(header, (f.strip() for f in fields), strict=True)), known)
        except ValueError as exc:
            raise ConfigError(f"{path}:{number}: {exc}") from None
        key = (actor.actor_id, actor.valid_from)
        if key in seen:
            raise ConfigError(f"{path}:{number}: {actor.actor_id!r} already has a row starting {actor.valid_from}")
        seen.add(key)
        rows.append((actor, aliases))
    if header is None:
        raise ConfigError(f"{path}: no header row; expected {','.join(COLUMNS)}")
    return rows


def _row(row: dict[str, str], known: Collection[str]) -> tuple[Actor, list[str]]:
    actor_id = row["actor_id"]
    if not _ACTOR_ID.match(actor_id):
        raise ValueError(f"actor_id {actor_id!r}: use lower-case letters, digits and '-' (e.g. wang-yi)")
    kind = row["kind"]
    if kind not in ("person", "body"):
        raise ValueError(f"kind {kind!r} must be 'person' or 'body'")
    name = row["name"]
    if not name:
        raise ValueError("name is empty")
    actor_type = row["actor_type"]
    if actor_type not in ACTOR_TYPES:
        raise ValueError(f"actor_type {actor_type!r} is not one of {', '.join(ACTOR_TYPES)}")
    government = row["government"] or None
    if government is not None and not valid_code(government):
        raise ValueError(f"government {government!r}: use an ISO 3166-1 alpha-3 code or an X.. body code")
    if government is not None and government not in known:
        raise ValueError(
            f"government {government!r} is not a code of seeds/countries.tsv (ISO 3166-1 alpha-3) nor an "
            "international body's X.. code (docs/schema.md, 'Government codes'): check for a typo"
        )
    if actor_type == "igo" and government not in IGO_CODES:
        raise ValueError(f"an igo actor needs one of the body codes {', '.join(IGO_CODES)} as government")
    if actor_type in STATE_TYPES and government is None:
        raise ValueError(f"a {actor_type} actor needs a government code")
    if actor_type not in STATE_TYPES and actor_type != "igo" and government is not None:
        raise ValueError(f"a {actor_type} actor speaks for no government: leave 'government' empty")
    valid_from, valid_to = _date(row["valid_from"]), _date(row["valid_to"])
    if valid_from and valid_to and valid_to < valid_from:
        raise ValueError(f"valid_to {valid_to} is before valid_from {valid_from}")
    if not row["source"]:
        raise ValueError("source is empty: say where the row was checked (an official page)")
    aliases = [a.strip() for a in row["aliases"].split("|") if a.strip()]
    actor = Actor(
        actor_id=actor_id,
        name=name,
        government=government,
        actor_type=actor_type,
        role=row["role"],
        valid_from=valid_from,
        valid_to=valid_to,
        kind=kind,
    )
    return actor, aliases


def _date(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"bad date {value!r}: use YYYY-MM-DD") from None
