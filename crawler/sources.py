"""What ``ingest`` polls: the ``[[source]]`` entries of a sources TOML file, validated once.

Example::

    [[source]]
    name = "un-news"
    kind = "feed"                 # feed | sitemap | urls | page | directory
    url = "https://news.un.org/feed/subscribe/en/news/all/rss.xml"
    outlet = "UN News"
    country = "UNO"               # optional: who publishes it (ISO alpha-3 or an IGO code)

An optional ``[crawler]`` table sets the fetching manners for the whole run (:func:`load_crawl_settings`)::

    [crawler]
    user_agent = "claimtrack/0.1 (+https://example.org/contact)"
    per_host_delay_s = 2.0

A bad entry raises :class:`~core.errors.ConfigError` naming the file, the entry and the field.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal, cast, get_args
from urllib.parse import urlsplit

from core.config import read_toml
from core.errors import ConfigError
from crawler.discover import parse_url_list
from crawler.fetch import DEFAULT_FETCH_SETTINGS, FetchSettings
from crawler.urls import host_key

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
    "private_hosts",
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
    #: May this source's own hosts (of ``url`` and ``urls``) reach loopback/private addresses? Pages a feed
    #: points at on other hosts stay refused unless listed in ``private_hosts``.
    allow_private: bool = False
    #: With ``allow_private``: further hosts (``host`` or ``host:port``) of this source that are private.
    private_hosts: tuple[str, ...] = ()
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

    def own_urls(self) -> list[str]:
        """The URLs written in the configuration itself (not discovered)."""
        return [u for u in (self.url, *self.urls) if u]


def with_private_hosts(settings: FetchSettings, sources: Iterable[Source]) -> FetchSettings:
    """``settings`` with the hosts that sources marked ``allow_private`` may reach on private addresses:
    each such source's own hosts plus its ``private_hosts``."""
    hosts = set(settings.private_hosts)
    for source in sources:
        if source.allow_private:
            hosts.update(filter(None, map(_host_of, source.own_urls())))
            hosts.update(h.lower() for h in source.private_hosts)
    return replace(settings, private_hosts=frozenset(hosts))


def _host_of(url: str) -> str | None:
    """``host[:port]`` of a URL, credentials left out; None for a URL that does not parse (discovery records it as
    ``malformed_url``)."""
    try:
        return host_key(url) or None
    except ValueError:
        return None


def read_url_list(path: Path, *, allow_private: bool) -> Source:
    """A text file of page URLs (one per line; blank lines and ``#`` comments skipped; a UTF-8 byte-order mark
    ignored) as one source of kind ``urls``, named ``urls:<file name>``. A file that cannot be read, or lists no
    URL, is a :class:`ConfigError`; a line that is not a URL is recorded as ``malformed_url`` when the list is read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc})") from None
    except OSError as exc:
        raise ConfigError(f"cannot read urls_file {path}: {exc}") from None
    urls = tuple(ref.url for ref in parse_url_list(text))
    if not urls:
        raise ConfigError(f"{path}: no URLs in it (one http(s) URL per line; blank lines and # comments are skipped)")
    return Source(name=f"urls:{path.stem}", kind="urls", urls=urls, allow_private=allow_private)


#: ``[crawler]`` keys that are not plain ``FetchSettings`` fields, or are filled in by the flow.
_CRAWLER_COMPUTED = {"private_hosts"}


def read_sources_file(path: Path) -> dict[str, Any]:
    return read_toml(path, "sources file", hint="pass --sources FILE or set CLAIMTRACK_SOURCES")


def load_crawl_settings(path: Path, base: FetchSettings = DEFAULT_FETCH_SETTINGS) -> FetchSettings:
    """The ``[crawler]`` table of a sources file over ``base``; ``CLAIMTRACK_USER_AGENT`` overrides the agent."""
    raw = read_sources_file(path)
    table = raw.get("crawler", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [crawler] must be a table")
    known = {f.name: f for f in fields(FetchSettings) if f.name not in _CRAWLER_COMPUTED}
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise ConfigError(
            f"{path}: [crawler] has unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    values: dict[str, Any] = {}
    for key, value in table.items():
        default = getattr(base, key)
        if isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, int | float):
            ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
            if ok and isinstance(default, int) and not isinstance(value, int):
                ok = False
        elif isinstance(default, str):
            ok = isinstance(value, str) and bool(value.strip())
        elif isinstance(default, tuple):
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            value = tuple(value) if ok else value
        else:  # pinned_hosts: a table of host = "address"
            ok = isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
            value = {str(k).lower(): v for k, v in value.items()} if ok else value
        if not ok:
            raise ConfigError(f"{path}: [crawler] {key} = {value!r} has the wrong type (default: {default!r})")
        values[key] = value
    settings = replace(base, **values)
    agent = os.environ.get("CLAIMTRACK_USER_AGENT")
    return replace(settings, user_agent=agent) if agent else settings


def load_sources(path: Path) -> list[Source]:
    """Read and validate a sources file. Relative ``path`` values resolve against the file's folder."""
    raw = read_sources_file(path)
    entries = raw.get("source")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path}: no [[source]] entries found")
    sources = [_parse_source(entry, index, path) for index, entry in enumerate(entries, start=1)]
    names = [s.name for s in sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"{path}: source names must be unique; repeated: {', '.join(duplicates)}")
    return sources


def select_sources(sources: list[Source], names: Iterable[str] | None, path: Path) -> list[Source]:
    """The sources of ``path`` named in ``names`` (all of them when ``names`` is empty); an unknown name is a
    :class:`ConfigError`."""
    wanted = set(names or ())
    if not wanted:
        return sources
    unknown = sorted(wanted - {source.name for source in sources})
    if unknown:
        raise ConfigError(f"{path}: no source named {', '.join(unknown)}")
    return [source for source in sources if source.name in wanted]


def _check_web_url(url: str, where: str) -> None:
    """Refuse a configured URL the crawler could never fetch, now rather than as ``malformed_url`` at run time.

    The same checks as the fetcher's own (``crawler.fetch``): parseable, http or https, a host. Saved files
    are read by ``directory`` sources, never through ``file:`` URLs.
    """
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError as exc:
        raise ConfigError(f"{where} is not a parseable URL ({exc}): {url!r}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        hint = " (files on disk are read by kind = \"directory\" with a 'path')" if scheme == "file" else ""
        raise ConfigError(f"{where} must be an http:// or https:// URL, got {url!r}{hint}")
    if not parts.hostname:
        raise ConfigError(f"{where} has no host: {url!r}")


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
            for number, listed in enumerate(urls, start=1):
                _check_web_url(listed, f"{where}: 'urls' entry #{number}")
        elif not isinstance(url, str) or not url.strip():
            raise ConfigError(f"{where}: kind {kind!r} needs 'url'")
        else:
            _check_web_url(url, f"{where}: 'url'")
    private_hosts = entry.get("private_hosts", [])
    if not isinstance(private_hosts, list) or not all(isinstance(h, str) and h.strip() for h in private_hosts):
        raise ConfigError(f"{where}: 'private_hosts' must be a list of host or host:port strings")
    if private_hosts and not entry.get("allow_private", False):
        raise ConfigError(f"{where}: 'private_hosts' needs allow_private = true")
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
        private_hosts=tuple(h.strip().lower() for h in private_hosts),
    )
