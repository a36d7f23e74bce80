"""URL -> bytes, safely: httpx with timeouts, a streamed size cap, an SSRF guard and per-host politeness.

One :class:`Fetcher` per run owns one ``httpx.AsyncClient`` (connection pooling) and the per-host state.
``fetch`` never raises for a bad URL or a bad server: it returns a :class:`FetchResult` whose ``error`` says
what went wrong (``kind: reason``, the text stored in ``fetches.error``).
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import socket
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from claimtrack import __version__
from claimtrack.errors import (
    BlockedAddress,
    BodyTooLarge,
    FetchError,
    HTTPStatusError,
    NetworkError,
    UnsupportedContent,
)

DEFAULT_USER_AGENT = f"claimtrack/{__version__} (+https://github.com/claimtrack/claimtrack; research crawler)"


@dataclass(frozen=True, kw_only=True)
class FetchSettings:
    """Limits and manners for one run's fetching."""

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 20.0
    #: Wall-clock cap for one request, body included (a slow-drip server cannot hold a run).
    total_timeout_s: float = 60.0
    #: Body cap, enforced while streaming (before decompression and after it).
    max_body_bytes: int = 10_000_000
    max_redirects: int = 5
    #: Requests in flight across all hosts.
    concurrency: int = 16
    #: Requests in flight per host.
    per_host_concurrency: int = 2
    #: Minimum gap between the starts of two requests to one host.
    per_host_delay_s: float = 1.0
    allowed_content_types: tuple[str, ...] = (
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "application/xml",
        "text/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/json",
        "application/feed+json",
        "application/x-gzip",
        "application/gzip",
        "application/octet-stream",
    )


DEFAULT_FETCH_SETTINGS = FetchSettings()


@dataclass(frozen=True, kw_only=True)
class FetchResult:
    """One fetch attempt, successful or not (one row of ``fetches``)."""

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

    @property
    def ok(self) -> bool:
        return self.error is None and self.body is not None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_sha256(self) -> str | None:
        return hashlib.sha256(self.body).hexdigest() if self.body is not None else None


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def check_host_allowed(url: str, allow_private: bool) -> None:
    """The SSRF guard: refuse hosts that resolve to loopback, private, link-local or metadata addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NetworkError("malformed or unsupported URL", url=url)
    if allow_private:
        return
    host = parts.hostname
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, parts.port or 80, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise NetworkError(f"DNS lookup failed ({exc})", url=url) from None
    for info in infos:
        address = str(info[4][0])
        if not is_public_address(address):
            raise BlockedAddress(f"host {host} resolves to non-public address {address}", url=url)


class Fetcher:
    """Fetch many URLs politely. Use as ``async with Fetcher(settings) as fetcher: await fetcher.fetch(url)``."""

    def __init__(self, settings: FetchSettings = DEFAULT_FETCH_SETTINGS) -> None:
        self.settings = settings
        self._client: httpx.AsyncClient | None = None
        self._global = asyncio.Semaphore(settings.concurrency)
        self._per_host: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(settings.per_host_concurrency)
        )
        self._next_start: dict[str, float] = defaultdict(float)

    async def __aenter__(self) -> Fetcher:
        s = self.settings
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(s.read_timeout_s, connect=s.connect_timeout_s),
            follow_redirects=False,
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=s.concurrency, max_keepalive_connections=s.concurrency),
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def fetch(
        self, url: str, *, allow_private: bool = False, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        started = time.monotonic()
        fetched_at = datetime.now(UTC)
        try:
            return await asyncio.wait_for(
                self._fetch(url, allow_private, etag, last_modified, started, fetched_at),
                timeout=self.settings.total_timeout_s,
            )
        except TimeoutError:
            error: FetchError = NetworkError(f"total timeout after {self.settings.total_timeout_s:g}s", url=url)
        except FetchError as exc:
            error = exc
        return FetchResult(
            url=url,
            final_url=getattr(error, "final_url", url),
            fetched_at=fetched_at,
            status=getattr(error, "status", None),
            error=error.record,
            elapsed_ms=int((time.monotonic() - started) * 1000),
        )

    async def _polite_slot(self, host: str) -> None:
        delay = self.settings.per_host_delay_s
        if delay <= 0:
            return
        now = time.monotonic()
        start = max(now, self._next_start[host])
        self._next_start[host] = start + delay
        if start > now:
            await asyncio.sleep(start - now)

    async def _fetch(
        self,
        url: str,
        allow_private: bool,
        etag: str | None,
        last_modified: str | None,
        started: float,
        fetched_at: datetime,
    ) -> FetchResult:
        assert self._client is not None, "use Fetcher as an async context manager"
        current = url
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen: set[str] = set()
        for _ in range(self.settings.max_redirects + 1):
            await check_host_allowed(current, allow_private)
            host = urlsplit(current).netloc.lower()
            async with self._global, self._per_host[host]:
                await self._polite_slot(host)
                try:
                    request = self._client.build_request("GET", current, headers=headers)
                    response = await self._client.send(request, stream=True)
                except httpx.InvalidURL as exc:
                    raise NetworkError(f"malformed URL ({exc})", url=current) from None
                except httpx.TimeoutException as exc:
                    raise NetworkError(f"timeout ({type(exc).__name__})", url=current) from None
                except httpx.HTTPError as exc:
                    raise NetworkError(f"{type(exc).__name__}: {exc}", url=current) from None
                try:
                    if response.status_code == 304:
                        return self._result(url, current, response, None, started, fetched_at)
                    if response.status_code in (301, 302, 303, 307, 308):
                        location = response.headers.get("location", "")
                        nxt = urljoin(current, location)
                        if not location or nxt in seen:
                            raise NetworkError("redirect loop" if location else "redirect without Location", url=url)
                        seen.add(current)
                        current = nxt
                        continue
                    if response.status_code >= 400:
                        error = HTTPStatusError(
                            f"HTTP {response.status_code}", url=current, status=response.status_code
                        )
                        raise error
                    content_type = response.headers.get("content-type", "")
                    media = content_type.split(";")[0].strip().lower()
                    if media and media not in self.settings.allowed_content_types:
                        raise UnsupportedContent(f"content type {media!r} is not allowed", url=current)
                    body = await self._read_capped(response, current)
                    return self._result(url, current, response, body, started, fetched_at)
                finally:
                    await response.aclose()
        raise NetworkError(f"more than {self.settings.max_redirects} redirects", url=url)

    async def _read_capped(self, response: httpx.Response, url: str) -> bytes:
        cap = self.settings.max_body_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise BodyTooLarge(f"declared body of {int(declared):,} bytes exceeds {cap:,}", url=url)
        chunks: list[bytes] = []
        size = 0
        try:
            # aiter_bytes decompresses; counting after decompression also stops gzip bombs.
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > cap:
                    raise BodyTooLarge(f"body exceeds {cap:,} bytes", url=url)
                chunks.append(chunk)
        except httpx.TimeoutException:
            raise NetworkError("read timeout while streaming the body", url=url) from None
        except httpx.DecodingError as exc:
            raise NetworkError(f"cannot decode body ({exc})", url=url) from None
        except httpx.HTTPError as exc:
            raise NetworkError(f"{type(exc).__name__} while streaming: {exc}", url=url) from None
        return b"".join(chunks)

    @staticmethod
    def _result(
        url: str, final_url: str, response: httpx.Response, body: bytes | None, started: float, fetched_at: datetime
    ) -> FetchResult:
        return FetchResult(
            url=url,
            final_url=final_url,
            fetched_at=fetched_at,
            status=response.status_code,
            body=body,
            content_type=response.headers.get("content-type"),
            headers=dict(response.headers),
            elapsed_ms=int((time.monotonic() - started) * 1000),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )
