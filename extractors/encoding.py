"""Bytes -> text for fetched pages: the charset the server declared, then the page's ``<meta>``, then detection.

Why not let trafilatura guess: it ignores the HTTP header, and detection alone misreads short Cyrillic and
CJK pages. A declared charset wins over a guess: when the body does not decode strictly with any declaration,
the first one is used with the bad bytes replaced (U+FFFD), and the caller is told how many were. Guessing
instead turned a UTF-8 page with one stray byte into ``mac_iceland`` mojibake (curly quotes as ``‚Äú``), which
changes what the claim rules see.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    #: The codec used (Python's name: ``utf-8``, ``cp1252``, ...).
    charset: str
    #: Byte sequences that were not valid in ``charset`` and became U+FFFD.
    replaced: int = 0

    @property
    def note(self) -> str | None:
        """What to record about the decoding (``fetches.extract_error``), or None when every byte decoded."""
        if not self.replaced:
            return None
        plural = "s" if self.replaced != 1 else ""
        return f"decode: {self.replaced} invalid byte sequence{plural} in {self.charset} replaced with U+FFFD"


def decode(body: bytes, content_type: str | None = None, *, assumed: str | None = None) -> Decoded:
    """Decode a page. Never raises. In order: a UTF-8 byte order mark; the charset of the ``Content-Type`` header,
    of the page's ``<meta>``, or ``assumed`` (what a caller knows without a declaration: saved files are UTF-8),
    the first that decodes strictly, else the first of them with bad bytes replaced; undeclared, UTF-8, then
    detection, then UTF-8 with bad bytes replaced."""
    if body.startswith(codecs.BOM_UTF8):
        return _replacing(body[len(codecs.BOM_UTF8) :], "utf-8")
    declarations = (charset_from_content_type(content_type), charset_from_meta(body), _normalise(assumed or ""))
    declared = [charset for charset in declarations if charset]
    for charset in declared:
        try:
            return Decoded(body.decode(charset), charset)
        except (UnicodeDecodeError, LookupError):
            continue
    if declared:
        return _replacing(body, declared[0])
    try:
        return Decoded(body.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(body).best()
    if best is not None and best.encoding:
        return Decoded(str(best), best.encoding)
    return _replacing(body, "utf-8")


def _replacing(body: bytes, charset: str) -> Decoded:
    text = body.decode(charset, "replace")
    # U+FFFD the page itself holds is not a replacement: count only those the decoder added.
    replaced = text.count("\ufffd") - body.decode(charset, "ignore").count("\ufffd")
    return Decoded(text, charset, replaced)


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """:func:`decode` as ``(text, charset used)``."""
    decoded = decode(body, content_type)
    return decoded.text, decoded.charset
