"""Records of the crawl, passed from the crawler to the extractors and the warehouse: a page a source points at,
one fetch of it, what the warehouse already holds for a URL, and a fetched page ready to extract."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True, slots=True)
class PageRef:
    """A page a source points at. ``path`` is set for files on disk (``directory`` sources)."""

    url: str
    published_at: datetime | None = None
    title: str | None = None
    path: Path | None = None


@dataclass(frozen=True, kw_only=True)
class FetchResult:
    """One fetch, successful or not (one row of ``fetches``)."""

    url: str
    final_url: str
    fetched_at: datetime
    status: int | None = None
    body: bytes | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    elapsed_ms: int = 0
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    #: HTTP attempts made (retries included).
    attempts: int = 1
    #: ``<link rel=canonical>`` (same site) or the normalised final URL; set by the crawler for pages.
    canonical_url: str | None = None
    #: ``listing`` (feed, sitemap, URL list), ``page`` or ``robots``.
    role: str = "page"
    #: sha256 of ``body`` (computed once).
    content_sha256: str | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.body is not None:
            object.__setattr__(self, "content_sha256", hashlib.sha256(self.body).hexdigest())

    @property
    def ok(self) -> bool:
        return self.error is None and self.body is not None

    @property
    def not_modified(self) -> bool:
        return self.status == 304 and self.error is None

    @property
    def error_kind(self) -> str | None:
        return self.error.split(":", 1)[0] if self.error else None


@dataclass(frozen=True, slots=True)
class KnownPage:
    """What the warehouse already holds for a URL: validators for conditional GET and the body's hash."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    content_sha256: str | None = None
    has_article: bool = False
    #: A successful fetch is stored (even if no article came out of it: index pages, paywalls).
    fetched_ok: bool = False

    @property
    def stored(self) -> bool:
        return self.has_article or self.fetched_ok


@dataclass(frozen=True, slots=True)
class FetchedPage:
    ref: PageRef
    fetch: FetchResult
    source: str = ""
