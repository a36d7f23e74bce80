"""What ``ingest`` polls: the ``[[source]]`` entries of a sources TOML file, validated once.

Example::

    [[source]]
    name = "un-news"
    kind = "feed"                 # feed | sitemap | urls | page | directory
    url = "https://news.un.org/feed/subscribe/en/news/all/rss.xml"
    outlet = "UN News"
    country = "UNO"               # optional: who publishes it (ISO alpha-3 or an IGO code)

A bad entry raises :class:`~claimtrack.errors.ConfigError` naming the file, the entry and the field.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast, get_args

from claimtrack.errors import ConfigError

SourceKind = Literal["feed", "sitemap", "urls", "page", "directory"]
SOURCE_KINDS: tuple[str, ...] = get_args(SourceKind)

#: Kinds that read from disk (``path``) rather than the network (``url``).
LOCAL_KINDS = frozenset({"directory"})

_KNOWN_FIELDS = {
    "name",
    "kind",
    "url",
    "path",
    "outlet",
    "country",
    "allow_private",
    "recheck",
    "max_pages",
    "urls",
}


@dataclass(frozen=True, kw_only=True)
class Source:
    """One place to poll. ``url`` for network kinds, ``path`` for ``directory``."""

    name: str
    kind: SourceKind
    url: str | None = None
    path: Path | None = None
    outlet: str | None = None
    country: str | None = None
    #: May this source reach loopback/private addresses? Only local sources and tests set it.
    allow_private: bool = False
    #: Fetch already-stored article URLs again (with conditional GET) to catch updated articles.
    recheck: bool = False
    #: Upper bound on pages taken from this source per run (None: no bound).
    max_pages: int | None = None
    #: For ``kind = "urls"``: the page URLs themselves (``url`` may instead point at a text file of URLs).
    urls: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Outlet name to store with articles: ``outlet`` when given, else the source name."""
        return self.outlet or self.name


def load_sources(path: Path) -> list[Source]:
    """Read and validate a sources file. Relative ``path`` values resolve against the file's folder."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"sources file not found: {path} (pass --sources FILE or set CLAIMTRACK_SOURCES)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    entries = raw.get("source")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path}: no [[source]] entries found")
    sources = [_parse_source(entry, index, path) for index, entry in enumerate(entries, start=1)]
    names = [s.name for s in sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"{path}: source names must be unique; repeated: {', '.join(duplicates)}")
    return sources


def _parse_source(entry: Any, index: int, path: Path) -> Source:
    where = f"{path}: [[source]] #{index}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a table")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: 'name' is required and must be a non-empty string")
    where = f"{path}: source {name!r}"
    unknown = sorted(set(entry) - _KNOWN_FIELDS)
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(_KNOWN_FIELDS))}")
    kind = entry.get("kind")
    if kind not in SOURCE_KINDS:
        raise ConfigError(f"{where}: 'kind' must be one of {', '.join(SOURCE_KINDS)}, not {kind!r}")
    url = entry.get("url")
    local_path = entry.get("path")
    urls = entry.get("urls", [])
    if kind in LOCAL_KINDS:
        if not isinstance(local_path, str):
            raise ConfigError(f"{where}: kind {kind!r} needs 'path' (a folder of .html/.txt files)")
        resolved: Path | None = (path.parent / local_path).resolve()
    else:
        resolved = None
        if kind == "urls" and urls:
            if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
                raise ConfigError(f"{where}: 'urls' must be a list of strings")
        elif not isinstance(url, str) or not url.strip():
            raise ConfigError(f"{where}: kind {kind!r} needs 'url'")
        elif not url.startswith(("http://", "https://", "file:")):
            raise ConfigError(f"{where}: 'url' must start with http:// or https://, got {url!r}")
    for flag in ("allow_private", "recheck"):
        if not isinstance(entry.get(flag, False), bool):
            raise ConfigError(f"{where}: {flag!r} must be true or false")
    max_pages = entry.get("max_pages")
    if max_pages is not None and (not isinstance(max_pages, int) or max_pages < 1):
        raise ConfigError(f"{where}: 'max_pages' must be a positive integer")
    for text_field in ("outlet", "country"):
        if entry.get(text_field) is not None and not isinstance(entry[text_field], str):
            raise ConfigError(f"{where}: {text_field!r} must be a string")
    return Source(
        name=name.strip(),
        kind=cast(SourceKind, kind),
        url=url,
        path=resolved,
        outlet=entry.get("outlet"),
        country=entry.get("country"),
        allow_private=bool(entry.get("allow_private", False)),
        recheck=bool(entry.get("recheck", False)),
        max_pages=max_pages,
        urls=tuple(urls),
    )
