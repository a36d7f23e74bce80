"""The seed files a spaCy component owns, saved beside the pipeline the way spaCy's span_ruler saves its patterns.

A component that mixes in :class:`ComponentFiles` is given its data once, by ``initialize(..., seeds=...)``
(``extractors.nlp.load_pipeline`` does it), and keeps the seed files the data came from (``seed_files``, as read:
the same bytes). ``nlp.to_disk(path)`` writes them under their names (``path/government_linker/actors.csv``) and
``spacy.load(path)`` gives them back to the component's :meth:`ComponentFiles.use_files`, which parses them again:
the pipeline needs no seed file, setting or environment variable to load, and hashes to the same claims version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import srsly
from spacy.language import Language

from core.config import SeedFile
from core.errors import ConfigError

if TYPE_CHECKING:
    from spacy.training import Example

    from extractors.seeds import Seeds


class ComponentFiles:
    """``to_disk``/``from_disk``/``to_bytes``/``from_bytes`` for a component whose state is a few seed files."""

    #: The files the component keeps, by name (``actors.csv``), in the order they are hashed.
    file_names: ClassVar[tuple[str, ...]] = ()
    name: str
    seed_files: tuple[SeedFile, ...] = ()

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Example]] | None = None,
        *,
        nlp: Language | None = None,
        seeds: Seeds | None = None,
    ) -> None:
        """spaCy's hook for a component's data: take the tables from ``seeds`` (``extractors.seeds``). Call it on
        this component alone (``nlp.get_pipe(name).initialize(...)``): ``nlp.initialize()`` would also reset the
        trained components of the model."""
        if seeds is None:
            raise ConfigError(f"{self.name}.initialize needs its data: seeds=extractors.seeds.process_seeds()")
        self.use_seeds(seeds)
        self.keep_files(seeds.files)

    def use_seeds(self, seeds: Seeds) -> None:
        """Take the component's tables from the process's parsed seed data (``initialize``)."""
        raise NotImplementedError

    def use_files(self, files: Mapping[str, SeedFile]) -> None:
        """Build the component's tables from its files (``from_disk``, ``from_bytes``)."""
        raise NotImplementedError

    def keep_files(self, files: Iterable[SeedFile]) -> None:
        """Remember the files the component's tables came from (they are what ``to_disk`` writes)."""
        by_name = {file.name: file for file in files}
        self.seed_files = tuple(by_name[name] for name in self.file_names)

    def require_data(self) -> None:
        """Refuse to run without data: linking with empty tables would give wrong claims without saying so."""
        if not self.seed_files:
            raise ConfigError(
                f"the {self.name} component has no seed data: build the pipeline with extractors.nlp.load_pipeline, "
                f"or call nlp.get_pipe({self.name!r}).initialize(seeds=extractors.seeds.process_seeds())"
            )

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        for file in self.seed_files:
            if file.name not in exclude:
                (folder / file.name).write_bytes(file.data)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> ComponentFiles:
        folder = Path(path)
        self._load(lambda name: (folder / name).read_bytes(), origin=lambda name: str(folder / name))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        kept = {file.name: file.data for file in self.seed_files if file.name not in exclude}
        return bytes(srsly.msgpack_dumps(kept))

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> ComponentFiles:
        packed: dict[str, Any] = srsly.msgpack_loads(data)
        self._load(lambda name: bytes(packed[name]), origin=lambda name: f"<{self.name} bytes>/{name}")
        return self

    def _load(self, read: Callable[[str], bytes], *, origin: Callable[[str], str]) -> None:
        files: dict[str, SeedFile] = {}
        for name in self.file_names:
            try:
                files[name] = SeedFile(name=name, data=read(name), origin=origin(name))
            except (OSError, KeyError):
                raise ConfigError(
                    f"the saved {self.name} component lacks its seed file {name} ({origin(name)}): save the "
                    "pipeline again with nlp.to_disk"
                ) from None
        self.use_files(files)
        self.keep_files(files.values())
