"""Writing small WARC files for tests, with warcio (the same library that reads them in the product)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


@dataclass(frozen=True)
class WarcPage:
    url: str
    body: bytes
    status: str = "200 OK"
    content_type: str = "text/html; charset=utf-8"
    date: str = "2024-02-12T10:00:00Z"
    record_type: str = "response"


def write_warc(path: Path, pages: Sequence[WarcPage], *, gzip: bool = True) -> Path:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        for page in pages:
            http = StatusAndHeaders(
                page.status,
                [("Content-Type", page.content_type), ("Content-Length", str(len(page.body)))],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                page.url,
                page.record_type,
                payload=BytesIO(page.body),
                http_headers=http if page.record_type == "response" else None,
                warc_headers_dict={"WARC-Date": page.date},
            )
            writer.write_record(record)
    return path
