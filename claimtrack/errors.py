"""Every error claimtrack raises on purpose, as one tree so callers can catch by family.

ClaimtrackError
├── ConfigError                 a settings or seed file is wrong (says which file, which entry)
├── FetchError                  a page could not be fetched (carries the URL; ``kind`` is stored in fetches.error)
│   ├── BlockedAddress          SSRF guard: host resolves to a private/loopback/metadata address
│   ├── RobotsDisallowed        robots.txt forbids the URL for our User-Agent
│   ├── BodyTooLarge            body (or its decompressed form) is over the configured maximum
│   ├── UnsupportedContent      content type is not on the allow-list
│   ├── HTTPStatusError         the server answered with a 4xx/5xx status
│   └── NetworkError            DNS, TLS, connection reset, timeouts, redirect loops
├── ExtractError                a page was fetched but yields no usable article text
├── EvaluationDataError         an evaluation corpus is missing or malformed (says which file and line)
└── WarehouseError              the database cannot be opened, migrated or written
    ├── DatabaseLocked          another process holds the write lock longer than we waited
    └── QueryError              an ad-hoc SQL statement failed (DuckDB's message included)
"""

from __future__ import annotations


class ClaimtrackError(Exception):
    """Root of every error claimtrack raises on purpose."""


class ConfigError(ClaimtrackError):
    """A configuration or seed file is invalid; the message names the file and the entry."""


class FetchError(ClaimtrackError):
    """A URL could not be fetched. ``kind`` is the short class name recorded in ``fetches.error``."""

    kind = "fetch_error"

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(f"{message}: {url}")
        self.url = url
        self.reason = message

    @property
    def record(self) -> str:
        """The text stored in ``fetches.error``: ``kind: reason``."""
        return f"{self.kind}: {self.reason}"


class BlockedAddress(FetchError):
    kind = "blocked_address"


class RobotsDisallowed(FetchError):
    kind = "robots_disallowed"


class BodyTooLarge(FetchError):
    kind = "body_too_large"


class UnsupportedContent(FetchError):
    kind = "unsupported_content"


class HTTPStatusError(FetchError):
    kind = "http_status"

    def __init__(self, message: str, *, url: str, status: int) -> None:
        super().__init__(message, url=url)
        self.status = status


class NetworkError(FetchError):
    kind = "network"


class ExtractError(ClaimtrackError):
    """A fetched page yields no usable article text."""


class EvaluationDataError(ClaimtrackError):
    """An evaluation corpus (e.g. PolNeAR) is missing or malformed; the message names the file and line."""


class WarehouseError(ClaimtrackError):
    """The database cannot be opened, migrated or written."""


class DatabaseLocked(WarehouseError):
    """Another process held the DuckDB lock for longer than we were willing to wait."""


class QueryError(WarehouseError):
    """An ad-hoc SQL statement failed; the message is DuckDB's, with a hint where we have one."""
