"""Reading the product's configuration files, with errors that name the file and say what to do.

:class:`SeedFile` is one data file as read (its bytes, and the name its content is known by); the extractors'
seed loader (``extractors.seeds``) reads every seed file through :func:`read_seed_file`, and the spaCy components
save the same bytes beside a pipeline (``to_disk``). :func:`fingerprint` hashes them into version strings.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import ConfigError


@dataclass(frozen=True, slots=True)
class SeedFile:
    """One seed file's content as read, and where from."""

    #: The name the content is known by (``actors.csv``): the file name a pipeline saves it under, and part of
    #: the fingerprint. The shipped file's name, whatever the file read was called, so that renaming a file
    #: without changing it keeps the version.
    name: str
    data: bytes
    #: Where the bytes came from, for error messages (``seeds/actors.csv``, or a saved pipeline's copy).
    origin: str

    @property
    def text(self) -> str:
        """The content as text, line ends read as ``open()`` reads them (``\\r\\n`` and ``\\r`` become ``\\n``)."""
        try:
            text = self.data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{self.origin}: not UTF-8 text ({exc})") from None
        return text.replace("\r\n", "\n").replace("\r", "\n")


def read_seed_file(path: Path, name: str, what: str, *, hint: str = "") -> SeedFile:
    """The bytes of ``path`` as the seed file ``name``; a missing or unreadable file is a :class:`ConfigError`
    naming ``what`` it is (``actors file``) and, when given, ``hint`` (how to point claimtrack at another one)."""
    try:
        return SeedFile(name=name, data=path.read_bytes(), origin=str(path))
    except FileNotFoundError:
        raise ConfigError(f"{what} not found: {path}" + (f" ({hint})" if hint else "")) from None
    except OSError as exc:
        raise ConfigError(f"cannot read the {what} {path}: {exc}") from None


def fingerprint(files: Iterable[SeedFile], salt: str = "") -> str:
    """Short hash of files' names and bytes: part of a version string, so an edited seed file yields new claims."""
    digest = hashlib.sha256(salt.encode())
    for file in files:
        digest.update(file.name.encode())
        digest.update(file.data)
    return digest.hexdigest()[:8]


def parse_toml(text: str, origin: str) -> dict[str, Any]:
    """The TOML document in ``text``; malformed TOML is a :class:`ConfigError` naming ``origin``."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None


def read_toml(path: Path, what: str, *, hint: str = "") -> dict[str, Any]:
    """The TOML document at ``path``; a missing, unreadable or malformed file is a :class:`ConfigError` naming
    ``what`` the file is (``sources file``) and, when given, ``hint`` (how to point claimtrack at another one)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{what} not found: {path}" + (f" ({hint})" if hint else "")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the {what} {path}: {exc}") from None
    return parse_toml(text, str(path))
