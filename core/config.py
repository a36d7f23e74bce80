"""Reading the product's configuration files, with errors that name the file and say what to do."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from core.errors import ConfigError


def read_toml(path: Path, what: str, *, hint: str = "") -> dict[str, Any]:
    """The TOML document at ``path``; a missing, unreadable or malformed file is a :class:`ConfigError` naming
    ``what`` the file is (``sources file``) and, when given, ``hint`` (how to point claimtrack at another one)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{what} not found: {path}" + (f" ({hint})" if hint else "")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the {what} {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
