"""Word-sequence tables matched over spaCy tokens, and the countries table built on one.

:class:`TermIndex` is the one matcher every table here uses (countries, role nouns, actor names): lower-cased
word sequences, longest match first, a token matching a word by its lower-cased text or lemma, so
``officials`` finds ``official`` and ``Ministries`` finds ``ministry``. Curly apostrophes count as straight.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from spacy.tokens import Token

from core.config import SeedFile
from core.errors import ConfigError

T = TypeVar("T")

#: The names the countries and country-code domain tables are known by (saved beside a pipeline, hashed).
COUNTRIES_FILE = "countries.tsv"
TLDS_FILE = "cctlds.tsv"
PLACE_KINDS = ("name", "demonym", "capital", "metonym")
#: International bodies: claimtrack's codes from ISO 3166's user-assigned ``X..`` range (docs/schema.md,
#: "Government codes").
IGO_CODES: dict[str, str] = {
    "XUN": "United Nations",
    "XEU": "European Union",
    "XNT": "NATO",
    "XAU": "African Union",
    "XAS": "ASEAN",
    "XAL": "Arab League",
    "XGC": "Gulf Cooperation Council",
    "XOA": "Organization of American States",
    "XOS": "OSCE",
    "XOI": "Organisation of Islamic Cooperation",
    "XCE": "Council of Europe",
    "XEC": "ECOWAS",
    "XSC": "Shanghai Cooperation Organisation",
    "XWH": "World Health Organization",
    "XIA": "International Atomic Energy Agency",
    "XIM": "International Monetary Fund",
    "XWB": "World Bank",
    "XWT": "World Trade Organization",
    "XIC": "International Criminal Court",
    "XPF": "Pacific Islands Forum",
    "XSD": "Southern African Development Community",
    "XCR": "Caribbean Community",
    "XIG": "Intergovernmental Authority on Development",
    "XEA": "East African Community",
    "XOP": "OPEC",
    "XOE": "OECD",
    "XAD": "Asian Development Bank",
    "XAB": "African Development Bank",
}


def normalise(word: str) -> str:
    """Lower case, straight apostrophes, no trailing full stop ("Sen." and "Sen" + "." match alike)."""
    return " ".join(w.rstrip(".") or w for w in word.lower().replace("’", "'").replace("‘", "'").split())


def words_of(term: str) -> tuple[str, ...]:
    return tuple(normalise(term).split())


def _forms(token: Token) -> tuple[str, str]:
    return normalise(token.text), normalise(token.lemma_ or token.text)


class TermIndex(Generic[T]):
    """Lower-cased word sequences -> values; :meth:`matches` finds them in tokens, longest first."""

    def __init__(self, *, proper: bool = False) -> None:
        #: Proper-name tables (countries, people) match only capitalised words, and an all-capitals term
        #: (``US``, ``UN``) only the same capitals, so the pronoun "us" is never the United States.
        self.proper = proper
        self.terms: dict[tuple[str, ...], T] = {}
        self.capitals: set[tuple[str, ...]] = set()
        self.longest = 1
        self.first_words: set[str] = set()

    def add(self, term: str, value: T) -> None:
        words = words_of(term)
        if not words:
            return
        self.terms.setdefault(words, value)
        if term.replace(".", "").replace(" ", "").isupper():
            self.capitals.add(words)
        self.longest = max(self.longest, len(words))
        self.first_words.add(words[0])

    def get(self, term: str) -> T | None:
        return self.terms.get(words_of(term))

    def matches(self, tokens: Sequence[Token]) -> list[tuple[int, int, T]]:
        """``(first, last_exclusive, value)`` per match, positions relative to ``tokens``; no overlaps."""
        # The tokenizer sometimes splits a title's full stop off ("Lt" "." "Col" "."): match without them.
        kept = [i for i, t in enumerate(tokens) if t.text != "."]
        words = [tokens[i] for i in kept]
        forms = [_forms(t) for t in words]
        found: list[tuple[int, int, T]] = []
        i = 0
        while i < len(forms):
            if not (forms[i][0] in self.first_words or forms[i][1] in self.first_words):
                i += 1
                continue
            for n in range(min(self.longest, len(forms) - i), 0, -1):
                value = self._lookup(forms[i : i + n])
                if value is not None and self._case_fits(words[i : i + n]):
                    found.append((kept[i], kept[i + n - 1] + 1, value))
                    i += n
                    break
            else:
                i += 1
        return found

    def _case_fits(self, tokens: Sequence[Token]) -> bool:
        if not self.proper:
            return True
        first = tokens[0].text
        if not first[:1].isupper():
            return False
        if tuple(normalise(t.text) for t in tokens) in self.capitals:
            return all(t.text.replace(".", "").isupper() for t in tokens if any(c.isalpha() for c in t.text))
        return True

    def _lookup(self, forms: Sequence[tuple[str, str]]) -> T | None:
        text = tuple(f[0] for f in forms)
        value = self.terms.get(text)
        if value is None and any(f[0] != f[1] for f in forms):
            # Lemmas only for the last word: "foreign ministries" -> "foreign ministry", not "us" -> "we".
            value = self.terms.get((*text[:-1], forms[-1][1]))
        return value


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    kind: str  # name | demonym | capital | metonym

    @property
    def is_igo(self) -> bool:
        return self.code in IGO_CODES


#: Words that turn a country's demonym into a region's ("South American", "Latin American", "North American").
REGION_QUALIFIERS = frozenset({"south", "north", "latin", "central", "native", "pan", "east", "west"})


def country_matches(places: TermIndex[Place], tokens: Sequence[Token]) -> list[tuple[int, int, Place]]:
    """``places.matches(tokens)`` without regional demonyms: "the South American nation" is not the USA (a longer
    term such as "South Korean" or "South African" has matched whole before its last word is tried)."""
    found = []
    for first, last, place in places.matches(tokens):
        start = tokens[first]
        before = start.doc[start.i - 1] if start.i > 0 else None
        if place.kind == "demonym" and before is not None and normalise(before.text) in REGION_QUALIFIERS:
            continue
        found.append((first, last, place))
    return found


def valid_code(code: str) -> bool:
    return len(code) == 3 and code.isascii() and code.isalpha() and code.isupper()


def parse_places(file: SeedFile) -> TermIndex[Place]:
    """``term<TAB>code<TAB>kind`` lines (``#`` comments) -> index; a bad line is a :class:`ConfigError`."""
    index: TermIndex[Place] = TermIndex(proper=True)
    for number, line in enumerate(file.text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < 3 or not parts[0]:
            raise ConfigError(f"{file.origin}:{number}: expected 'term<TAB>code<TAB>kind', got {line!r}")
        term, code, kind = parts[:3]
        if not valid_code(code):
            raise ConfigError(f"{file.origin}:{number}: {code!r} is not a three-letter upper-case code")
        if kind not in PLACE_KINDS:
            raise ConfigError(f"{file.origin}:{number}: kind {kind!r} is not one of {', '.join(PLACE_KINDS)}")
        index.add(term, Place(code, kind))
    return index


def parse_tlds(file: SeedFile) -> dict[str, str]:
    """``tld<TAB>code`` lines (``#`` comments): country-code domains (``.uk``) -> alpha-3."""
    tlds: dict[str, str] = {}
    for number, line in enumerate(file.text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].startswith(".") or not valid_code(parts[1].strip()):
            raise ConfigError(f"{file.origin}:{number}: expected '.tld<TAB>code', got {line!r}")
        tlds[parts[0].strip().lower()] = parts[1].strip()
    return tlds


def outlet_country(url: str | None, tlds: Mapping[str, str]) -> str | None:
    """The country of an outlet's country-code domain (``https://www.standard.co.uk/...`` -> GBR), if any."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").rstrip(".")
    if "." not in host:
        return None
    return tlds.get("." + host.rsplit(".", 1)[1].lower())


def known_codes(countries: SeedFile) -> frozenset[str]:
    """Every government code the countries table names, plus the international bodies: a code outside it is a typo
    (``CHM``) that would otherwise link claims to a government no query asks for."""
    codes = set(IGO_CODES)
    for line in countries.text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and not line.startswith("#"):
            codes.add(parts[1].strip())
    return frozenset(codes)
