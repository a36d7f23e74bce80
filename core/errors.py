"""Every error claimtrack raises on purpose, as one tree so callers can catch by family.

ClaimtrackError
├── ConfigError                 a settings or seed file is wrong (says which file, which entry)
├── FetchError                  a URL could not be fetched (carries the URL; ``kind`` is stored in fetches.error)
│   ├── MalformedURL            malformed_url: not an http(s) URL with a host, or unparseable
│   ├── BlockedAddress          blocked_address: SSRF guard, the host resolves to a private/loopback/metadata address
│   ├── RobotsDisallowed        robots_disallowed: robots.txt forbids the URL (or asks a Crawl-delay above our limit)
│   ├── HostSkipped             circuit_open: the host kept failing and is skipped for the rest of the run
│   ├── BodyTooLarge            body_too_large: body over the configured maximum (checked while streaming)
│   │   └── DecompressionBomb   decompression_bomb: the body decompresses (gzip/deflate/br) past the maximum
│   ├── UnsupportedContent      unsupported_content: content type or content encoding not on the allow-list
│   ├── HTTPStatusError         http_status: the server answered with a 4xx/5xx status
│   └── NetworkError            network: connection refused or reset, protocol errors
│       ├── DNSError            dns: the host name does not resolve
│       ├── TLSError            tls: handshake or certificate failure
│       ├── FetchTimeout        timeout: connect, read or total time limit reached (slow-drip servers)
│       └── RedirectError       redirect: loop, too many redirects, or a redirect without Location
├── DiscoveryError              bad_listing: a feed, sitemap or URL list that cannot be read
├── ExtractError                a page was fetched but yields no usable article text
│   └── ExtractTimeout          its extraction ran past the per-page time limit (TextLimits.page_seconds)
├── BackfillIncomplete          some backfill batches failed after their retries (run it again to resume)
├── RunInProgress               another ingest is running on the same database: this one stops at once
├── EvaluationDataError         an evaluation corpus is missing or malformed (says which file and line)
├── UnknownChoice               a government, topic or method the database holds nothing for (lists what it holds)
└── WarehouseError              the database cannot be opened, migrated or written
    ├── DatabaseLocked          another process holds the write lock longer than we waited
    ├── DiskFull                no space left to write the database or the raw archive: the run stops
    └── QueryError              an ad-hoc SQL statement failed (DuckDB's message included)
"""

from __future__ import annotations

from typing import Any


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


class MalformedURL(FetchError):
    kind = "malformed_url"


class BlockedAddress(FetchError):
    kind = "blocked_address"


class RobotsDisallowed(FetchError):
    kind = "robots_disallowed"


class HostSkipped(FetchError):
    kind = "circuit_open"


class BodyTooLarge(FetchError):
    kind = "body_too_large"


class DecompressionBomb(BodyTooLarge):
    kind = "decompression_bomb"


class UnsupportedContent(FetchError):
    kind = "unsupported_content"


class HTTPStatusError(FetchError):
    kind = "http_status"

    def __init__(self, message: str, *, url: str, status: int) -> None:
        super().__init__(message, url=url)
        self.status = status


class NetworkError(FetchError):
    kind = "network"


class DNSError(NetworkError):
    kind = "dns"


class TLSError(NetworkError):
    kind = "tls"


class FetchTimeout(NetworkError):
    kind = "timeout"


class RedirectError(NetworkError):
    kind = "redirect"


class DiscoveryError(ClaimtrackError):
    """A feed, sitemap or URL list that cannot be read at all (the message says why)."""

    kind = "bad_listing"

    @property
    def record(self) -> str:
        return f"{self.kind}: {self}"


class ExtractError(ClaimtrackError):
    """A fetched page yields no usable article text."""


class ExtractTimeout(ExtractError):
    """A page's extraction (trafilatura, or the claim rules) ran past its time limit; the page is recorded as
    failed and the batch goes on."""


class BackfillIncomplete(ClaimtrackError):
    """Some backfill batches failed after their retries; the rest is committed. Running the same backfill again
    does only what is missing."""


class RunInProgress(ClaimtrackError):
    """Another ingest holds the database (``flows.runlock``): this run stops before doing anything."""


class EvaluationDataError(ClaimtrackError):
    """An evaluation corpus (e.g. PolNeAR) is missing or malformed; the message names the file and line."""


class UnknownChoice(ClaimtrackError):
    """A filter (``--government``, ``--topic``, ``--method``) that matches nothing stored; the message lists the
    values that would, so a typo is never an empty result."""


class WarehouseError(ClaimtrackError):
    """The database cannot be opened, migrated or written."""


class DatabaseLocked(WarehouseError):
    """Another process held the DuckDB lock for longer than we were willing to wait."""


class DiskFull(WarehouseError):
    """No room to write the database or the raw archive (the disk is full, a quota or a file size limit is
    reached). Every later write would fail the same way, so a run stops at the first one: what was committed
    before is kept. ``summary`` is the run's summary as far as it got (set by the run's lifecycle)."""

    summary: dict[str, Any] | None = None


class QueryError(WarehouseError):
    """An ad-hoc SQL statement failed; the message is DuckDB's, with a hint where we have one."""
