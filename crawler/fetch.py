"""URL -> bytes, safely and politely: httpx with timeouts, streamed and bomb-proof size caps, the SSRF guard at
connect time, robots.txt, per-host concurrency and gaps, Retry-After, bounded retries and a circuit breaker.

One :class:`Fetcher` per event loop owns one ``httpx.AsyncClient`` (connection pooling); the per-host state
lives in a :class:`~crawler.hosts.HostBook` that outlives it. ``fetch`` never raises for a bad URL or a bad
server: it returns a :class:`FetchResult` whose ``error`` says what went wrong (``kind: reason``, the text
stored in ``fetches.error``; the kinds are the ``FetchError`` classes in ``core.errors``).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from core import __version__
from core.errors import (
    BlockedAddress,
    BodyTooLarge,
    DNSError,
    FetchError,
    FetchTimeout,
    HostSkipped,
    HTTPStatusError,
    MalformedURL,
    NetworkError,
    RedirectError,
    RobotsDisallowed,
    TLSError,
    UnsupportedContent,
)
from core.pages import FetchResult
from crawler.decompress import ACCEPT_ENCODING, BoundedDecoder
from crawler.hosts import HostBook, HostState, backoff_seconds, pause_host, record_outcome, retry_after_seconds
from crawler.netguard import AddressPolicy, GuardedTransport, tls_context
from crawler.robots import MAX_ROBOTS_BYTES, RobotsRules
from crawler.urls import host_key, robots_url

#: Our User-Agent: product token (matched by robots.txt groups), version, and where to reach the operators.
DEFAULT_USER_AGENT = f"claimtrack/{__version__} (+https://github.com/claimtrack/claimtrack; research crawler)"

DEFAULT_CONTENT_TYPES = (
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
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, kw_only=True)
class FetchSettings:
    """Limits and manners for one run's fetching (docs/crawling.md, "Crawler settings", lists them all)."""

    #: Sent with every request; robots.txt groups are matched against its first word (``claimtrack``).
    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout_s: float = 10.0
    #: Longest silence while reading a response.
    read_timeout_s: float = 20.0
    #: Wall-clock cap for one request, body included (a slow-drip server cannot hold a run). Not retried, and the
    #: host is skipped for the rest of the run: it holds a run for about one of these.
    total_timeout_s: float = 60.0
    #: Body cap, enforced while streaming: on the wire and after decompression (gzip/deflate/br bombs).
    max_body_bytes: int = 10_000_000
    max_redirects: int = 5
    #: Requests in flight across all hosts.
    concurrency: int = 16
    #: Requests in flight per host (``host[:port]``).
    per_host_concurrency: int = 2
    #: Minimum gap between the starts of two requests to one host (robots.txt Crawl-delay can raise it).
    per_host_delay_s: float = 1.0
    #: Read robots.txt once per host per run and obey Disallow and Crawl-delay for our User-Agent.
    respect_robots: bool = True
    #: Reuse a robots.txt an earlier run read for this long (RFC 9309 allows up to 24 h); 0: read it every run.
    robots_cache_s: float = 86_400.0
    #: A Crawl-delay above this skips the host for the run instead of stalling it.
    max_crawl_delay_s: float = 60.0
    #: Extra attempts after a 429/503, another 5xx, a connection reset or a connect or read timeout.
    max_retries: int = 2
    #: First backoff wait (doubled per attempt, with jitter), and its cap.
    backoff_base_s: float = 1.0
    backoff_max_s: float = 30.0
    #: A Retry-After longer than this is not waited for: the URL fails for this run.
    max_retry_after_s: float = 120.0
    #: This many failed URLs in a row (after retries) take the host out of the run (circuit breaker).
    breaker_failures: int = 5
    allowed_content_types: tuple[str, ...] = DEFAULT_CONTENT_TYPES
    #: Hosts (``host`` or ``host:port``) that may resolve to private/loopback addresses. The flow fills it from
    #: the sources with ``allow_private = true`` (their own hosts) and their ``private_hosts``.
    private_hosts: frozenset[str] = frozenset()
    #: Host name -> IP address pins used instead of DNS (like curl ``--resolve``).
    pinned_hosts: Mapping[str, str] = field(default_factory=dict)
    #: False: resolve only pinned names (sealed environments, tests); every other name is a ``dns`` error.
    use_dns: bool = True
    #: Pages per fetch -> extract -> store batch (one transaction each; bounds memory and lost work on a crash).
    batch_size: int = 100
    #: Verify TLS certificates (turn off only for a source you control; never for the open web).
    verify_tls: bool = True


DEFAULT_FETCH_SETTINGS = FetchSettings()


class _Retry(Exception):
    """An attempt failed in a way worth another try (``wait_s``: the server's Retry-After, if it gave one)."""

    def __init__(self, error: FetchError, wait_s: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait_s = wait_s


class Fetcher:
    """Fetch many URLs politely: ``async with Fetcher(settings, hosts) as fetcher: await fetcher.fetch(url)``."""

    def __init__(self, settings: FetchSettings = DEFAULT_FETCH_SETTINGS, hosts: HostBook | None = None) -> None:
        self.settings = settings
        self.hosts = hosts if hosts is not None else HostBook()
        self._private_hosts = set(settings.private_hosts)
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._global = asyncio.Semaphore(settings.concurrency)
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        #: robots.txt answers read by this fetcher, for the warehouse (later runs reuse them, see robots_cache_s).
        self.robots_fetches: list[FetchResult] = []

    async def __aenter__(self) -> Fetcher:
        s = self.settings
        self._policy = AddressPolicy(private_hosts=self._private_hosts, pinned=dict(s.pinned_hosts), use_dns=s.use_dns)
        self._tls = tls_context(s.verify_tls)
        return self

    async def __aexit__(self, *exc: object) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()

    def _client_for(self, host: str) -> httpx.AsyncClient:
        """One small connection pool per host: httpcore scans every connection of a pool for every request, so
        one pool for all hosts costs O(hosts) per request."""
        client = self._clients.get(host)
        if client is None:
            s = self.settings
            limits = httpx.Limits(max_connections=None, max_keepalive_connections=s.per_host_concurrency + 1)
            client = self._clients[host] = httpx.AsyncClient(
                transport=GuardedTransport(self._policy, limits=limits, ssl_context=self._tls),
                timeout=httpx.Timeout(s.read_timeout_s, connect=s.connect_timeout_s),
                follow_redirects=False,
                trust_env=False,
                headers={"User-Agent": s.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            )
        return client

    def allow_private(self, url: str) -> None:
        """Let ``url``'s own host reach private addresses (what ``allow_private = true`` means for a source)."""
        self._private_hosts.add(host_key(url))

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        allow_private: bool = False,
        role: str = "page",
    ) -> FetchResult:
        if allow_private:
            self.allow_private(url)
        started = time.monotonic()
        fetched_at = datetime.now(UTC)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        final_url = url
        try:
            _check_url(url)
            while True:
                attempt += 1
                try:
                    result = await self._follow(url, headers, fetched_at)
                except _Retry as retry:
                    final_url = retry.error.url
                    wait = self._retry_wait(retry, attempt)
                    if wait is None:
                        raise retry.error from None
                    await asyncio.sleep(wait)
                    continue
                self._count(result.final_url, failed=False)
                return replace(result, attempts=attempt, role=role, elapsed_ms=int((time.monotonic() - started) * 1000))
        except FetchError as error:
            final_url = error.url if error.url.startswith(("http://", "https://")) else final_url
            if _is_host_failure(error):
                self._count(final_url, failed=True, reason=error.record)
            return FetchResult(
                url=url,
                final_url=final_url,
                fetched_at=fetched_at,
                status=getattr(error, "status", None),
                error=error.record,
                elapsed_ms=int((time.monotonic() - started) * 1000),
                attempts=max(attempt, 1),
                role=role,
            )

    def _retry_wait(self, retry: _Retry, attempt: int) -> float | None:
        s = self.settings
        if attempt > s.max_retries:
            return None
        state = self._host(retry.error.url)
        if retry.wait_s is not None:
            if retry.wait_s > s.max_retry_after_s:
                # Honouring it means leaving the host alone; waiting would stall the run, so skip the host.
                limit = f"max_retry_after_s {s.max_retry_after_s:g}s"
                retry.error.reason += f" (Retry-After {retry.wait_s:g}s is above {limit})"
                host = host_key(retry.error.url)
                state.skipped = state.skipped or (
                    f"host {host} asked for a pause of {retry.wait_s:g}s (Retry-After); skipped for the rest of the run"
                )
                return None
            pause_host(state, retry.wait_s)
            return 0.0  # the host-wide pause is waited out in _wait_turn, by this and every other request
        return backoff_seconds(attempt, s.backoff_base_s, s.backoff_max_s)

    def _host(self, url: str) -> HostState:
        return self.hosts.get(host_key(url), self.settings.per_host_delay_s)

    def _count(self, url: str, *, failed: bool, reason: str = "") -> None:
        host = host_key(url)
        if host:
            threshold = self.settings.breaker_failures
            record_outcome(self._host(url), host, failed=failed, threshold=threshold, reason=reason)

    async def _follow(self, url: str, headers: dict[str, str], fetched_at: datetime) -> FetchResult:
        """One attempt: the request and its redirects, each hop checked (URL, robots.txt, address) and polite."""
        current = url
        visited = {url}
        for _ in range(self.settings.max_redirects + 1):
            response, body = await self._hop(current, headers, robots=True)
            status = response.status_code
            if status in REDIRECT_STATUSES:
                location = response.headers.get("location", "").strip()
                if not location:
                    raise RedirectError(f"HTTP {status} redirect without a Location header", url=current)
                target = urljoin(current, location)
                try:
                    _check_url(target)
                except MalformedURL as exc:
                    raise RedirectError(f"redirect to an unusable URL ({exc.reason})", url=current) from None
                if target in visited:
                    raise RedirectError(f"redirect loop ({current} -> {target})", url=current)
                visited.add(target)
                current = target
                continue
            return FetchResult(
                url=url,
                final_url=current,
                fetched_at=fetched_at,
                status=status,
                body=body,
                content_type=response.headers.get("content-type"),
                headers=dict(response.headers),
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
            )
        raise RedirectError(f"more than {self.settings.max_redirects} redirects (max_redirects)", url=url)

    async def _hop(
        self, url: str, headers: dict[str, str], *, robots: bool, cap: int | None = None
    ) -> tuple[httpx.Response, bytes | None]:
        """One HTTP request: ``(response, body)``; body is None for 304 and redirects. Raises FetchError/_Retry."""
        s = self.settings
        host = host_key(url)
        state = self._host(url)
        if robots and s.respect_robots:
            await self._check_robots(url, state)
        slot = self._slots.get(host)
        if slot is None:
            slot = self._slots[host] = asyncio.Semaphore(s.per_host_concurrency)
        async with slot:
            await _wait_turn(state)
            if state.skipped:
                raise HostSkipped(state.skipped, url=url)
            async with self._global:
                try:
                    async with asyncio.timeout(s.total_timeout_s):
                        return await self._exchange(url, headers, cap or s.max_body_bytes)
                except TimeoutError:
                    # A server that keeps a response dribbling for the whole total time (a tarpit) is not worth
                    # another try in this run, nor are its other pages: no retry, and the host is skipped.
                    state.skipped = state.skipped or (
                        f"host {host} held a request past total_timeout_s ({s.total_timeout_s:g}s); skipped for the "
                        "rest of the run"
                    )
                    raise FetchTimeout(
                        f"total timeout after {s.total_timeout_s:g}s (total_timeout_s)", url=url
                    ) from None

    async def _exchange(self, url: str, headers: dict[str, str], cap: int) -> tuple[httpx.Response, bytes | None]:
        assert hasattr(self, "_policy"), "use Fetcher as an async context manager"
        client = self._client_for(host_key(url))
        try:
            request = client.build_request("GET", url, headers=headers)
            response = await client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise _network_error(exc, url) from None
        except FetchError as exc:  # the guard's verdict, raised at connect time
            raise type(exc)(exc.reason, url=url) from None
        try:
            status = response.status_code
            if status == 304 or status in REDIRECT_STATUSES:
                await _drain(response)  # an unread response would cost its keep-alive connection
                return response, None
            if status in (429, 503):
                error = HTTPStatusError(f"HTTP {status}", url=url, status=status)
                raise _Retry(error, retry_after_seconds(response.headers.get("retry-after")))
            if status >= 500:
                raise _Retry(HTTPStatusError(f"HTTP {status}", url=url, status=status))
            if status >= 400:
                raise HTTPStatusError(f"HTTP {status}", url=url, status=status)
            media = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if media and media not in self.settings.allowed_content_types:
                raise UnsupportedContent(f"content type {media!r} is not allowed (allowed_content_types)", url=url)
            body = await self._read_capped(response, url, cap)
            return response, body
        finally:
            await response.aclose()

    async def _read_capped(self, response: httpx.Response, url: str, cap: int) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise BodyTooLarge(f"declared body of {int(declared):,} bytes exceeds {cap:,} (max_body_bytes)", url=url)
        decoder = BoundedDecoder(response.headers.get("content-encoding"), cap, url)
        chunks: list[bytes] = []
        wire = 0
        try:
            async for raw in response.aiter_raw():
                wire += len(raw)
                if wire > cap:
                    raise BodyTooLarge(f"body exceeds {cap:,} bytes (max_body_bytes)", url=url)
                chunks.append(decoder.feed(raw))
            chunks.append(decoder.flush())
        except httpx.HTTPError as exc:
            raise _network_error(exc, url, while_reading=True) from None
        return b"".join(chunks)

    async def _check_robots(self, url: str, state: HostState) -> None:
        if state.robots is None and state.blocked is None:
            host = host_key(url)
            lock = self._robots_locks.get(host)
            if lock is None:
                lock = self._robots_locks[host] = asyncio.Lock()
            async with lock:
                if state.robots is None and state.blocked is None:
                    await self._read_robots(url, state)
        if state.blocked:
            kind, _, reason = state.blocked.partition(": ")
            raise _error_of_kind(kind, reason, url)
        assert state.robots is not None
        if urlsplit(url).path != "/robots.txt" and not state.robots.allows(url, self.settings.user_agent):
            raise RobotsDisallowed("robots.txt disallows this URL for our User-Agent", url=url)

    async def _read_robots(self, url: str, state: HostState) -> None:
        s = self.settings
        target = robots_url(url)
        fetched_at = datetime.now(UTC)
        try:
            for _ in range(s.max_redirects + 1):
                try:
                    response, body = await self._hop(target, {}, robots=False, cap=MAX_ROBOTS_BYTES * 4)
                except HTTPStatusError as exc:
                    rules = RobotsRules.from_response(exc.status, b"")
                    self._remember_robots(robots_url(url), target, fetched_at, exc.status, None)
                    break
                location = response.headers.get("location", "")
                if response.status_code in REDIRECT_STATUSES and location:
                    target = urljoin(target, location)
                    _check_url(target)
                    continue
                rules = RobotsRules.from_response(response.status_code, body or b"")
                self._remember_robots(robots_url(url), target, fetched_at, response.status_code, body, response)
                break
            else:
                rules = RobotsRules(disallow_all="robots.txt redirects too often")
        except _Retry as retry:
            error = retry.error
            status = getattr(error, "status", None)
            if status is not None:
                rules = RobotsRules.from_response(status, b"")
            else:
                state.blocked = f"{error.kind}: robots.txt unreachable ({error.reason})"
                return
        except (BlockedAddress, DNSError, MalformedURL) as error:
            state.blocked = error.record  # about the host itself, not its robots.txt
            return
        except FetchError as error:
            state.blocked = f"{error.kind}: robots.txt unreachable ({error.reason})"
            return
        adopt_robots(state, rules, s)

    def _remember_robots(
        self,
        url: str,
        final_url: str,
        fetched_at: datetime,
        status: int,
        body: bytes | None,
        response: httpx.Response | None = None,
    ) -> None:
        """Keep a robots.txt answer that later runs may reuse (2xx and 4xx; 5xx is never cached)."""
        if status >= 500 or status == 429:
            return
        headers = dict(response.headers) if response is not None else {}
        self.robots_fetches.append(
            FetchResult(
                url=url,
                final_url=final_url,
                fetched_at=fetched_at,
                status=status,
                body=body if 200 <= status < 300 else None,
                content_type=headers.get("content-type"),
                headers=headers,
                role="robots",
            )
        )


def adopt_robots(state: HostState, rules: RobotsRules, settings: FetchSettings) -> None:
    """Apply a host's robots.txt (read now, or by an earlier run): Disallow rules and Crawl-delay."""
    if rules.disallow_all:
        state.blocked = f"{RobotsDisallowed.kind}: {rules.disallow_all}"
        return
    delay = rules.crawl_delay(settings.user_agent)
    if delay is not None:
        if delay > settings.max_crawl_delay_s:
            state.blocked = (
                f"{RobotsDisallowed.kind}: robots.txt asks a Crawl-delay of {delay:g}s, above "
                f"max_crawl_delay_s ({settings.max_crawl_delay_s:g}s); host skipped this run"
            )
            return
        state.delay_s = max(state.delay_s, delay)
    state.robots = rules


#: A 304 or redirect body longer than this is not read: closing the connection is cheaper.
DRAIN_BYTES = 65_536


async def _drain(response: httpx.Response) -> None:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > DRAIN_BYTES:
        return
    size = 0
    try:
        async for chunk in response.aiter_raw():
            size += len(chunk)
            if size > DRAIN_BYTES:
                return
    except httpx.HTTPError:
        return


async def _wait_turn(state: HostState) -> None:
    """Wait until the host may be asked again, then book the next gap."""
    while True:
        now = time.monotonic()
        if state.next_start <= now:
            state.next_start = now + state.delay_s
            return
        await asyncio.sleep(state.next_start - now)


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError as exc:
        raise MalformedURL(f"unparseable URL ({exc})", url=url) from None
    if parts.scheme not in ("http", "https"):
        raise MalformedURL(f"unsupported scheme {parts.scheme or 'none'!r} (only http and https)", url=url)
    if not parts.hostname:
        raise MalformedURL("URL has no host", url=url)


def _network_error(exc: httpx.HTTPError, url: str, *, while_reading: bool = False) -> FetchError | _Retry:
    """Map an httpx error to our classes; transient ones (timeouts, resets) come back wrapped in ``_Retry``."""
    where = " while reading the body" if while_reading else ""
    if isinstance(exc, httpx.TimeoutException):
        return _Retry(FetchTimeout(f"{type(exc).__name__}{where}", url=url))
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return MalformedURL(f"{exc}", url=url)
    if isinstance(exc, httpx.ConnectError):
        if _is_tls(exc):
            return TLSError(f"TLS handshake failed ({exc})", url=url)
        return NetworkError(f"cannot connect ({exc or type(exc).__name__})", url=url)
    if isinstance(exc, httpx.DecodingError):
        return UnsupportedContent(f"cannot decode body ({exc})", url=url)
    # ReadError, WriteError, RemoteProtocolError: the connection broke (reset, closed mid-response).
    return _Retry(NetworkError(f"{type(exc).__name__}{where}: {exc or 'connection closed'}", url=url))


def _is_tls(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError) or "SSL" in str(seen) or "CERTIFICATE" in str(seen).upper():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _is_host_failure(error: FetchError) -> bool:
    """Failures that say something about the host (they feed the circuit breaker); 404s and robots do not."""
    if isinstance(error, HTTPStatusError):
        return error.status >= 500 or error.status == 429
    return type(error) in (NetworkError, FetchTimeout, TLSError)


_KINDS: dict[str, type[FetchError]] = {}


def _error_of_kind(kind: str, reason: str, url: str) -> FetchError:
    """Rebuild a recorded ``kind: reason`` as its error class (host-wide verdicts apply to every URL)."""
    if not _KINDS:
        pending: list[type[FetchError]] = [FetchError]
        while pending:
            cls = pending.pop()
            _KINDS.setdefault(cls.kind, cls)
            pending.extend(cls.__subclasses__())
    cls = _KINDS.get(kind, NetworkError)
    if cls is HTTPStatusError:
        return NetworkError(reason, url=url)
    return cls(reason, url=url)
