"""robots.txt for our User-Agent: which URLs we may fetch, how long to wait between requests, which sitemaps
the site announces. Parsing is protego's (RFC 9309 plus ``Crawl-delay`` and ``Sitemap``).

What a robots.txt answer means follows RFC 9309: 2xx is parsed; 4xx ("unavailable") allows everything;
5xx, 429 or no answer at all ("unreachable") disallows the whole site for this run.
"""

from __future__ import annotations

from dataclasses import dataclass

from protego import Protego

#: RFC 9309 asks crawlers to read at least 500 KiB of a robots.txt; we read no more.
MAX_ROBOTS_BYTES = 512_000


def product_token(user_agent: str) -> str:
    """The name robots.txt groups are matched against: ``claimtrack`` in ``claimtrack/0.1 (+https://…)``."""
    first = user_agent.strip().split(" ", 1)[0]
    return first.split("/", 1)[0] or user_agent


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """One host's robots.txt as it applies to us. Plain data, so it can travel between fetch batches."""

    #: The robots.txt text (empty: no rules).
    text: str = ""
    #: Set when the whole host is off limits for this run (robots.txt unreachable); the reason.
    disallow_all: str | None = None

    @classmethod
    def from_response(cls, status: int, body: bytes) -> RobotsRules:
        if 200 <= status < 300:
            return cls(text=body[:MAX_ROBOTS_BYTES].decode("utf-8", "replace"))
        if 400 <= status < 500 and status != 429:
            return cls()
        return cls(disallow_all=f"robots.txt answered HTTP {status}, so the site is treated as disallowed")

    def _parsed(self) -> Protego:
        return _parse(self.text)

    def allows(self, url: str, user_agent: str) -> bool:
        if self.disallow_all:
            return False
        if not self.text:
            return True
        return bool(self._parsed().can_fetch(url, product_token(user_agent)))

    def crawl_delay(self, user_agent: str) -> float | None:
        if not self.text:
            return None
        delay = self._parsed().crawl_delay(product_token(user_agent))
        return float(delay) if delay is not None else None

    def sitemaps(self) -> list[str]:
        if not self.text:
            return []
        return [str(s) for s in self._parsed().sitemaps]


_CACHE: dict[str, Protego] = {}


def _parse(text: str) -> Protego:
    # Parsing is the expensive part; hosts share few distinct robots.txt texts per run.
    parsed = _CACHE.get(text)
    if parsed is None:
        if len(_CACHE) > 256:
            _CACHE.clear()
        parsed = _CACHE[text] = Protego.parse(text)
    return parsed


def parse_sitemap_lines(body: bytes) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt body."""
    return RobotsRules.from_response(200, body).sitemaps()
