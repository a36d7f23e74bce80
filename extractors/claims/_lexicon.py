"""Word lists the attribution rules read: reporting cues, titles, pronouns. Data lives in ``data/``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from core.errors import ConfigError

FRAMES = frozenset({"clause", "question", "object", "xcomp", "oprd", "prep", "quote"})
CUE_CLASSES = frozenset({"speech", "belief", "knowledge", "stance"})


@dataclass(frozen=True, slots=True)
class Cue:
    lemma: str
    cue_class: str
    frames: frozenset[str]
    #: Prepositions whose object is content, for the ``prep`` frame (``call for``, ``warn against``).
    preps: frozenset[str] = frozenset()


def _data_path(name: str) -> Path:
    return Path(str(resources.files("extractors.claims").joinpath("data", name)))


def load_cues(path: Path | None = None) -> dict[str, Cue]:
    """Read a reporting-cue TSV (``lemma<TAB>class<TAB>frames``); repeated lemmas merge their frames."""
    path = path or _data_path("cue_verbs.tsv")
    cues: dict[str, Cue] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
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


@cache
def default_cues() -> dict[str, Cue]:
    return load_cues()


NOUN_FRAMES = frozenset({"that", "prep", "in"})


@dataclass(frozen=True, slots=True)
class NounCue:
    lemma: str
    cue_class: str
    frames: frozenset[str]
    preps: frozenset[str] = frozenset()


def load_noun_cues(path: Path | None = None) -> dict[str, NounCue]:
    """Read a reporting-noun TSV (``lemma<TAB>class<TAB>frames``, frames ``that``, ``prep:for|of``, ``in``)."""
    path = path or _data_path("cue_nouns.tsv")
    nouns: dict[str, NounCue] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
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


@cache
def default_noun_cues() -> dict[str, NounCue]:
    return load_noun_cues()


def _word_set(name: str) -> frozenset[str]:
    text = _data_path(name).read_text(encoding="utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip() and not w.startswith("#"))


@cache
def titles() -> frozenset[str]:
    """Words that precede or describe a name but are not part of it (President, spokesman, Foreign ...)."""
    return _word_set("titles.txt")


PERSONAL_PRONOUNS = frozenset({"he", "she", "him", "her"})
PLURAL_PRONOUNS = frozenset({"they", "them"})
FIRST_PERSON = frozenset({"i", "we", "me", "us"})
PRONOUNS = PERSONAL_PRONOUNS | PLURAL_PRONOUNS | FIRST_PERSON | {"it", "who", "which", "that"}
#: Subjects that mean "no named source" (it was reported that ...).
EXPLETIVES = frozenset({"it", "there"})
