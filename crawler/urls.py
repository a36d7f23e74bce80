"""URL identity: one spelling per page, so a page is fetched and stored once however it was linked.

``normalize_url`` is applied to every discovered URL, to the final URL after redirects and to
``<link rel="canonical">``: lower-case scheme and host, default port dropped, tracking parameters (``utm_*``,
``fbclid``, ``gclid`` … courlan's list), credentials (``user:password@``) and the fragment removed, query
parameters sorted. What stays is what can change the page.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from courlan import normalize_url as courlan_normalize

from core.errors import MalformedURL

#: Longer URLs are refused (servers reject them, and they are almost always junk or attacks).
MAX_URL_CHARS = 2048
#: How far into a page to look for ``<link rel="canonical">`` (it belongs in ``<head>``).
CANONICAL_SCAN_BYTES = 65_536

_LINK_TAG = re.compile(rb"<link\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def normalize_url(url: str, base: str | None = None) -> str:
    """The canonical spelling of an http(s) URL (relative URLs resolve against ``base``).

    Raises :class:`MalformedURL` for anything that is not an http(s) URL with a host.
    """
    text = "".join(url.split())  # feeds wrap long links; whitespace is never part of a URL
    if base:
        try:
            text = urljoin(base, text)
        except ValueError as exc:
            raise MalformedURL(f"unparseable URL ({exc})", url=text) from None
    if len(text) > MAX_URL_CHARS:
        raise MalformedURL(f"URL longer than {MAX_URL_CHARS} characters", url=text[:200] + "…")
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError for a non-numeric or out-of-range port
    except ValueError as exc:
        raise MalformedURL(f"unparseable URL ({exc})", url=text) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise MalformedURL(f"unsupported scheme {parts.scheme or 'none'!r} (only http and https)", url=text)
    host = parts.hostname
    if not host or not _plausible_host(host):
        raise MalformedURL("no valid host name", url=text)
    del port
    if "@" in parts.netloc:  # user:password@ is never stored, logged or sent: a URL list may carry it by mistake
        text = urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    try:
        normal = courlan_normalize(text, strict=False)
    except (ValueError, AttributeError) as exc:
        raise MalformedURL(f"unparseable URL ({exc})", url=text) from None
    # courlan keeps fragments that look meaningful; a fragment never changes what the server sends.
    return normal.split("#", 1)[0]


def _plausible_host(host: str) -> bool:
    if len(host) > 253 or host.startswith(".") or ".." in host:
        return False
    return all(ch.isalnum() or ch in "-._:[]" for ch in host)


def host_key(url: str) -> str:
    """The politeness unit: lower-case ``host[:port]`` (ports act as separate hosts)."""
    return urlsplit(url).netloc.lower().rsplit("@", 1)[-1]


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{host_key(url)}"


def robots_url(url: str) -> str:
    return origin(url) + "/robots.txt"


def registrable_suffix(host: str) -> str:
    """The last two labels of a host name (or the whole IP address); used to keep canonical links on-site."""
    host = host.lower().rstrip(".")
    if host.replace(".", "").isdigit() or ":" in host:
        return host
    labels = host.split(".")
    # Country-code second levels (co.uk, com.au, gov.cn, ...) need three labels to name a site.
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVELS:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


_SECOND_LEVELS = frozenset({"co", "com", "net", "org", "gov", "gob", "ac", "edu", "go", "or", "ne", "govt", "mil"})


def canonical_link(body: bytes, base_url: str) -> str | None:
    """The page's ``<link rel="canonical">``, normalised, when it stays on the same site as ``base_url``.

    A canonical link to another site is ignored: a hostile page could otherwise claim another outlet's URL
    and keep the real article from being fetched.
    """
    head = body[:CANONICAL_SCAN_BYTES]
    for tag in _LINK_TAG.findall(head):
        attributes = {name.lower(): (a or b or c) for name, a, b, c in _ATTRIBUTE.findall(tag)}
        if b"canonical" not in attributes.get(b"rel", b"").lower().split():
            continue
        href = attributes.get(b"href", b"").decode("utf-8", "replace").strip()
        if not href:
            return None
        try:
            link = normalize_url(href, base=base_url)
        except MalformedURL:
            return None
        base_host = urlsplit(base_url).hostname or ""
        link_host = urlsplit(link).hostname or ""
        if registrable_suffix(base_host) != registrable_suffix(link_host):
            return None
        return link
    return None
