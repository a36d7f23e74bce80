"""The SSRF guard, enforced where connections are made.

Every TCP connection httpx opens goes through :class:`GuardedBackend`: it resolves the host itself, refuses
it when any address is loopback, private, link-local, multicast, reserved or a cloud-metadata address, and then
connects to the address it checked. Checking at connect time (not only before the request) covers redirects
and DNS answers that change between a check and the connection (DNS rebinding).

Private addresses are reachable only for hosts on the run's allow-list (:attr:`AddressPolicy.private_hosts`):
the hosts a source with ``allow_private = true`` names itself, plus its ``private_hosts``. Anything a feed or
a redirect points at elsewhere is still refused.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

import httpcore
import httpx

from core.errors import BlockedAddress, DNSError, NetworkError

#: Addresses that are "global" by the IANA tables yet serve instance metadata in some clouds.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast and ip not in METADATA_ADDRESSES


@dataclass(kw_only=True)
class AddressPolicy:
    """Which hosts may resolve to non-public addresses, and how names are resolved."""

    #: ``host`` (any port) or ``host:port`` entries allowed to reach private/loopback addresses. A set the
    #: fetcher may add to during a run (``Fetcher.allow_private``).
    private_hosts: set[str] = field(default_factory=set)
    #: Name -> address pins used instead of DNS (like curl's ``--resolve``).
    pinned: Mapping[str, str] = field(default_factory=dict)
    #: False: only pinned names resolve; any other name is a DNS error (sealed environments, tests).
    use_dns: bool = True

    def allows_private(self, host: str, port: int) -> bool:
        host = host.lower().strip("[]")
        candidates = {host, f"{host}:{port}", f"[{host}]:{port}"}
        return not candidates.isdisjoint(self.private_hosts)

    async def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of ``host``; raises :class:`DNSError` when there are none."""
        bare = host.strip("[]")
        try:
            ipaddress.ip_address(bare.split("%", 1)[0])
            return [bare]
        except ValueError:
            pass
        pinned = self.pinned.get(host.lower())
        if pinned is not None:
            return [pinned]
        if not self.use_dns:
            raise DNSError(f"DNS lookup failed for {host} (DNS is off and the name is not pinned)", url=host)
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise DNSError(f"DNS lookup failed for {host} ({exc})", url=host) from None
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not addresses:
            raise DNSError(f"DNS lookup for {host} returned no address", url=host)
        return addresses

    async def checked_addresses(self, host: str, port: int) -> list[str]:
        addresses = await self.resolve(host, port)
        if self.allows_private(host, port):
            return addresses
        for address in addresses:
            if not is_public_address(address):
                raise BlockedAddress(
                    f"host {host} resolves to non-public address {address} (only hosts of sources with "
                    "allow_private = true, or listed in private_hosts, may)",
                    url=host,
                )
        return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend with the address check in front of every TCP connect."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self.policy.checked_addresses(host, port)
        last: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise NetworkError("unix sockets are not used by the crawler", url=path)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with its connection pool built on :class:`GuardedBackend` (httpx 0.28 has no public hook
    for the network backend). No proxies: a proxy would make the connect-time check moot."""

    def __init__(self, policy: AddressPolicy, *, limits: httpx.Limits, ssl_context: ssl.SSLContext) -> None:
        # AsyncHTTPTransport.__init__ would only build a pool (and an SSL context) that we replace; skip it.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy),
        )


@cache
def tls_context(verify: bool) -> ssl.SSLContext:
    """One TLS context per process, shared by every pool: building one loads the CA store (~60 ms), and an
    ``SSLContext`` may serve many connections at once once configured."""
    return httpx.create_ssl_context(verify=verify, trust_env=False)
