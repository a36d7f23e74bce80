"""Bytes -> text for fetched pages: the charset the server declared, then the page's ``<meta>``, then detection.

Why not let trafilatura guess: it ignores the HTTP header, and detection alone misreads short Cyrillic and
CJK pages. A declared charset that fails to decode strictly is not trusted.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_:.-]+)", re.IGNORECASE)
#: How far into a page to look for ``<meta charset>`` (the HTML spec says 1024 bytes; pages are sloppier).
META_SCAN_BYTES = 4096
#: Labels that browsers treat as another codec (WHATWG Encoding Standard).
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "iso-8859-1": "windows-1252",
    "latin1": "windows-1252",
    "ascii": "windows-1252",
    "us-ascii": "windows-1252",
    "shift-jis": "shift_jis",
    "sjis": "shift_jis",
    "x-sjis": "shift_jis",
    "win-1251": "windows-1251",
}


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return _normalise(match.group(1)) if match else None


def charset_from_meta(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:META_SCAN_BYTES])
    return _normalise(match.group(1).decode("ascii", "ignore")) if match else None


def _normalise(label: str) -> str | None:
    label = label.strip().lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page; returns ``(text, charset used)``. Never raises: the last resort replaces bad bytes."""
    if body.startswith(codecs.BOM_UTF8):
        return body[len(codecs.BOM_UTF8) :].decode("utf-8", "replace"), "utf-8"
    for declared in (charset_from_content_type(content_type), charset_from_meta(body)):
        if declared:
            try:
                return body.decode(declared), declared
            except (UnicodeDecodeError, LookupError):
                continue
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(body).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    return body.decode("utf-8", "replace"), "utf-8"
