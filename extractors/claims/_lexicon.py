"""Word lists the attribution rules read: reporting cues, titles, pronouns. The lists live in ``data/``.

The cue verbs, cue nouns and titles are the claim extractor's data (a :class:`Lexicon`): read with the seed
tables (``extractors.seeds``), given to the component by ``initialize`` and saved beside the pipeline. They ship
with the rules, so an edit to them is a rules change: bump ``extractors.nlp.CLAIMS_EXTRACTOR_VERSION``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from core.config import SeedFile
from core.errors import ConfigError

#: The names the word lists are known by (in ``data/``, and beside a saved pipeline).
CUE_VERBS_FILE = "cue_verbs.tsv"
CUE_NOUNS_FILE = "cue_nouns.tsv"
TITLES_FILE = "titles.txt"
LEXICON_FILES = (CUE_VERBS_FILE, CUE_NOUNS_FILE, TITLES_FILE)

FRAMES = frozenset({"clause", "that", "question", "object", "xcomp", "oprd", "prep", "quote", "it"})
CUE_CLASSES = frozenset({"speech", "belief", "knowledge", "stance"})


@dataclass(frozen=True, slots=True)
class Cue:
    lemma: str
    cue_class: str
    frames: frozenset[str]
    #: Prepositions whose object is content, for the ``prep`` frame (``call for``, ``warn against``).
    preps: frozenset[str] = frozenset()


def lexicon_path(name: str) -> Path:
    """Where the shipped word list ``name`` is (``data/cue_verbs.tsv``)."""
    return Path(str(resources.files("extractors.claims").joinpath("data", name)))


def parse_cues(file: SeedFile) -> dict[str, Cue]:
    """Read a reporting-cue TSV (``lemma<TAB>class<TAB>frames``); repeated lemmas merge their frames."""
    path = file.origin
    cues: dict[str, Cue] = {}
    for number, line in enumerate(file.text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise ConfigError(f"{path}:{number}: expected 'lemma<TAB>class<TAB>frames', got {line!r}")
        lemma, cue_class, frames_text = (p.strip() for p in parts)
        frames: set[str] = set()
        preps: set[str] = set()
        for frame in (f.strip() for f in frames_text.split(",")):
            name, _, words = frame.partition(":")
            frames.add(name)
            preps.update(w for w in words.split("|") if w)
        if cue_class not in CUE_CLASSES or not frames <= FRAMES or ("prep" in frames) != bool(preps):
            raise ConfigError(
                f"{path}:{number}: class must be one of {sorted(CUE_CLASSES)}, frames from {sorted(FRAMES)}, "
                "and a prep frame names its prepositions (prep:for|on)"
            )
        if lemma in cues:
            frames |= cues[lemma].frames
            preps |= cues[lemma].preps
        cues[lemma] = Cue(lemma, cue_class, frozenset(frames), frozenset(preps))
    return cues


NOUN_FRAMES = frozenset({"that", "prep", "in"})


@dataclass(frozen=True, slots=True)
class NounCue:
    lemma: str
    cue_class: str
    frames: frozenset[str]
    preps: frozenset[str] = frozenset()


def parse_noun_cues(file: SeedFile) -> dict[str, NounCue]:
    """Read a reporting-noun TSV (``lemma<TAB>class<TAB>frames``, frames ``that``, ``prep:for|of``, ``in``)."""
    path = file.origin
    nouns: dict[str, NounCue] = {}
    for number, line in enumerate(file.text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        frames: set[str] = set()
        preps: set[str] = set()
        for frame in parts[2].split(",") if len(parts) == 3 else []:
            name, _, words = frame.strip().partition(":")
            frames.add(name)
            preps.update(w for w in words.split("|") if w)
        if len(parts) != 3 or parts[1] not in CUE_CLASSES or not frames or not frames <= NOUN_FRAMES:
            raise ConfigError(
                f"{path}:{number}: expected 'lemma<TAB>class<TAB>frames' with class one of {sorted(CUE_CLASSES)} "
                f"and frames from {sorted(NOUN_FRAMES)}"
            )
        nouns[parts[0]] = NounCue(parts[0], parts[1], frozenset(frames), frozenset(preps))
    return nouns


def parse_words(file: SeedFile) -> frozenset[str]:
    """One lower-cased word per line (``#`` comments)."""
    return frozenset(w.strip().lower() for w in file.text.splitlines() if w.strip() and not w.startswith("#"))


@dataclass(frozen=True, kw_only=True)
class Lexicon:
    """The word lists the attribution rules read."""

    #: Reporting verbs (``data/cue_verbs.tsv``).
    cues: dict[str, Cue]
    #: Reporting nouns (``data/cue_nouns.tsv``).
    nouns: dict[str, NounCue]
    #: Words that precede or describe a name but are not part of it (President, spokesman, Foreign ...).
    titles: frozenset[str]

    @classmethod
    def parse(cls, files: Mapping[str, SeedFile]) -> Lexicon:
        return cls(
            cues=parse_cues(files[CUE_VERBS_FILE]),
            nouns=parse_noun_cues(files[CUE_NOUNS_FILE]),
            titles=parse_words(files[TITLES_FILE]),
        )


PERSONAL_PRONOUNS = frozenset({"he", "she", "him", "her"})
PLURAL_PRONOUNS = frozenset({"they", "them"})
FIRST_PERSON = frozenset({"i", "we", "me", "us"})
PRONOUNS = PERSONAL_PRONOUNS | PLURAL_PRONOUNS | FIRST_PERSON | {"it", "who", "which", "that"}
#: Subjects that mean "no named source" (it was reported that ...).
EXPLETIVES = frozenset({"it", "there"})
