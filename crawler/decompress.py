"""Content-Encoding decoding that cannot be bombed: output is produced in bounded steps and counted, so a
50 kB gzip body that inflates to 50 GB stops at the configured maximum without ever holding more than that.

httpx's own decoders inflate a whole network chunk at once (one 64 kB chunk of a bomb is ~64 MB), which is
why the fetcher reads raw bytes and decodes here.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import brotli

from core.errors import BodyTooLarge, DecompressionBomb, UnsupportedContent

#: What we tell servers we can decode (and so what we accept).
ACCEPT_ENCODING = "gzip, deflate, br"
#: Bytes produced per decoding step; bounds the memory one step can take.
STEP_BYTES = 262_144


class BoundedDecoder:
    """Decode one response body (``Content-Encoding`` gzip, deflate, br or identity) up to ``limit`` bytes."""

    def __init__(self, encoding: str | None, limit: int, url: str) -> None:
        self.limit = limit
        self.url = url
        self.size = 0
        codings = [c.strip().lower() for c in (encoding or "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1:
            raise UnsupportedContent(f"stacked content encodings {encoding!r} are not accepted", url=url)
        self.coding = codings[0] if codings else ""
        self._step: Callable[[bytes], bytes]
        if self.coding in ("", "none"):
            self._step = self._identity
        elif self.coding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
            self._step = self._inflate
        elif self.coding == "deflate":
            self._zlib = None  # type: ignore[assignment]  # zlib-wrapped or raw: decided on the first bytes
            self._step = self._inflate
        elif self.coding == "br":
            self._brotli = brotli.Decompressor()
            self._step = self._unbrotli
        else:
            raise UnsupportedContent(f"content encoding {encoding!r} is not accepted", url=url)

    def feed(self, raw: bytes) -> bytes:
        """Decoded bytes for the next raw chunk; raises :class:`DecompressionBomb` past the limit."""
        return self._step(raw)

    def flush(self) -> bytes:
        if self.coding in ("gzip", "x-gzip", "deflate") and self._zlib is not None:
            return self._count(self._zlib.flush())
        return b""

    def _count(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self.limit:
            if self.coding:
                raise DecompressionBomb(
                    f"{self.coding} body decompresses to more than {self.limit:,} bytes (max_body_bytes)", url=self.url
                )
            raise BodyTooLarge(f"body exceeds {self.limit:,} bytes (max_body_bytes)", url=self.url)
        return data

    def _identity(self, raw: bytes) -> bytes:
        return self._count(raw)

    def _inflate(self, raw: bytes) -> bytes:
        if self._zlib is None:
            # RFC 9110 "deflate" is zlib-wrapped; some servers send raw deflate. The zlib header says which.
            wrapped = len(raw) >= 2 and (raw[0] & 0x0F) == 8 and ((raw[0] << 8) | raw[1]) % 31 == 0
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        out = []
        data = raw
        while True:
            try:
                chunk = self._zlib.decompress(data, STEP_BYTES)
            except zlib.error as exc:
                raise UnsupportedContent(f"corrupt {self.coding} body ({exc})", url=self.url) from None
            out.append(self._count(chunk))
            data = self._zlib.unconsumed_tail
            if self._zlib.eof and self._zlib.unused_data and self.coding != "deflate":
                # Concatenated gzip members (allowed by RFC 1952): start the next one.
                data = self._zlib.unused_data
                self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
                continue
            if not data:
                break
        return b"".join(out)

    def _unbrotli(self, raw: bytes) -> bytes:
        out = []
        try:
            out.append(self._count(self._brotli.process(raw, output_buffer_limit=STEP_BYTES)))
            while not self._brotli.can_accept_more_data():
                out.append(self._count(self._brotli.process(b"", output_buffer_limit=STEP_BYTES)))
        except brotli.error as exc:
            raise UnsupportedContent(f"corrupt br body ({exc})", url=self.url) from None
        return b"".join(out)
