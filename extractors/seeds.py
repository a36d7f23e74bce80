"""The seed data claimtrack's spaCy components are initialized with, and the one place seed files are read.

:func:`load_seeds` reads the files :class:`core.settings.SeedPaths` names (the countries, country-code domain and
role tables, the actors file, the topics file; and the claim extractor's word lists, which ship with its rules)
and parses each once into a :class:`Seeds`: typed tables, validated
(a bad line is a :class:`ConfigError` naming file and line), with the bytes they were parsed from. The components
take their tables from it in ``initialize`` and save the bytes beside the pipeline
(``extractors.component_files``); the claims version hashes the same bytes.

:func:`process_seeds` is this process's: read on first use and kept, so the actors file is read once per process
whoever asks (each pipeline ``extractors.nlp.load_pipeline`` builds, and ``positions.features``, which takes a
government's own names out of its statements). An extraction worker reads no seed file: it is handed its parent's
bytes (:func:`use_seeds`), so parent and workers extract with the same data under the same version.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from core.config import SeedFile, read_seed_file
from core.errors import ConfigError
from core.settings import SeedPaths
from extractors.claims._lexicon import CUE_NOUNS_FILE, CUE_VERBS_FILE, LEXICON_FILES, TITLES_FILE, Lexicon, lexicon_path
from extractors.linking.actors import ACTORS_FILE, ActorDirectory
from extractors.linking.gazetteer import COUNTRIES_FILE, TLDS_FILE, Place, TermIndex, parse_places, parse_tlds
from extractors.linking.roles import ROLES_FILE, Role, parse_roles
from extractors.topics import TOPICS_FILE, Topic, parse_topics

#: Each seed file by the name its content is known by: what it is, and how to fix a missing one.
SEED_FILES: dict[str, tuple[str, str]] = {
    COUNTRIES_FILE: ("countries table", "the shipped seeds/countries.tsv, made by tools/build_countries.py"),
    TLDS_FILE: ("country-code domains table", "the shipped seeds/cctlds.tsv, made by tools/build_countries.py"),
    ROLES_FILE: ("roles table", "the shipped seeds/roles.tsv, made by tools/build_roles.py"),
    ACTORS_FILE: ("actors file", "set CLAIMTRACK_ACTORS to another file"),
    TOPICS_FILE: ("topics file", "set CLAIMTRACK_TOPICS to another file"),
    # The claim extractor's word lists ship with its rules (extractors/claims/data/), not with the seeds.
    CUE_VERBS_FILE: ("reporting verbs list", "it ships in extractors/claims/data/: reinstall claimtrack"),
    CUE_NOUNS_FILE: ("reporting nouns list", "it ships in extractors/claims/data/: reinstall claimtrack"),
    TITLES_FILE: ("titles list", "it ships in extractors/claims/data/: reinstall claimtrack"),
}


@dataclass(frozen=True, kw_only=True, eq=False)
class Seeds:
    """Every table the components are initialized with, parsed and validated, and the files they were parsed from
    (``files``, as read): the seed tables, and the claim extractor's word lists."""

    places: TermIndex[Place]
    tlds: Mapping[str, str]
    roles: TermIndex[Role]
    actors: ActorDirectory
    topics: tuple[Topic, ...]
    lexicon: Lexicon
    files: tuple[SeedFile, ...]

    @classmethod
    def parse(cls, files: Iterable[SeedFile]) -> Seeds:
        """The tables of the seed files (read here, or handed over by a parent process)."""
        by_name = {file.name: file for file in files}
        missing = [name for name in SEED_FILES if name not in by_name]
        if missing:
            raise ConfigError(f"seed data lacks {', '.join(missing)}: give all of {', '.join(SEED_FILES)}")
        countries = by_name[COUNTRIES_FILE]
        return cls(
            places=parse_places(countries),
            tlds=parse_tlds(by_name[TLDS_FILE]),
            roles=parse_roles(by_name[ROLES_FILE]),
            actors=ActorDirectory.parse(by_name[ACTORS_FILE], countries),
            topics=tuple(parse_topics(by_name[TOPICS_FILE])),
            lexicon=Lexicon.parse(by_name),
            files=tuple(by_name[name] for name in SEED_FILES),
        )

    def file(self, name: str) -> SeedFile:
        return next(file for file in self.files if file.name == name)


def read_seed(name: str, path: Path) -> SeedFile:
    """The seed file ``name`` (``actors.csv``) read from ``path``; a missing one is a :class:`ConfigError`."""
    what, hint = SEED_FILES[name]
    return read_seed_file(path, name, what, hint=hint)


def load_seeds(paths: SeedPaths | None = None) -> Seeds:
    """Read and parse the seed files ``paths`` names (by default the settings': ``SeedPaths()``), and the claim
    extractor's word lists."""
    paths = paths or SeedPaths()
    where = {
        COUNTRIES_FILE: paths.countries,
        TLDS_FILE: paths.tlds,
        ROLES_FILE: paths.roles,
        ACTORS_FILE: paths.actors,
        TOPICS_FILE: paths.topics,
        **{name: lexicon_path(name) for name in LEXICON_FILES},
    }
    return Seeds.parse(read_seed(name, path) for name, path in where.items())


# The process's seeds. A memo, on purpose: every pipeline and feature reader of a run wants the same tables, and
# reading and parsing the files again would cost time and risk two versions in one run if a file is being edited.
_process_seeds: Seeds | None = None
_process_lock = threading.Lock()


def process_seeds() -> Seeds:
    """This process's seed data: read from the files the settings name on first use, then kept."""
    global _process_seeds
    with _process_lock:
        if _process_seeds is None:
            _process_seeds = load_seeds()
        return _process_seeds


def use_seeds(seeds: Seeds) -> None:
    """Make ``seeds`` this process's seed data, before anything reads it (an extraction worker, with its parent's)."""
    global _process_seeds
    with _process_lock:
        _process_seeds = seeds
