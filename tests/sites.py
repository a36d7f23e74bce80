"""Small local sites the run tests share: a page the server holds until told, and a mostly unreachable one."""

from __future__ import annotations

import shutil
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.conftest import FIXTURES, SEED_ARTICLE
from tests.httpserver import LocalServer

KYIV = (FIXTURES / "pages" / "kyiv-talks.html").read_bytes()


def held_page_site(server: LocalServer, folder: Path) -> tuple[Path, threading.Event, threading.Event]:
    """A sources file with one page that the server holds until ``release`` is set (``arrived`` says the request
    came): a run that is surely mid-fetch. Returns ``(sources file, arrived, release)``."""
    arrived, release = threading.Event(), threading.Event()

    def held_page(request: BaseHTTPRequestHandler) -> None:
        arrived.set()
        release.wait(120)
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(KYIV)))
        request.end_headers()
        request.wfile.write(KYIV)

    server.handler("/world/kyiv-talks", held_page)
    sources = folder / "sources.toml"
    sources.write_text(
        f'[[source]]\nname = "site"\nkind = "page"\nurl = "{server.url("/world/kyiv-talks")}"\nallow_private = true\n',
        encoding="utf-8",
    )
    return sources, arrived, release


def mostly_down_site(folder: Path) -> Path:
    """A sources file of two feeds nobody answers (port 9) and a folder with the sample article: a degraded run."""
    (folder / "saved").mkdir()
    shutil.copy(SEED_ARTICLE, folder / "saved" / SEED_ARTICLE.name)
    path = folder / "sources.toml"
    path.write_text(
        "".join(
            f'[[source]]\nname = "down-{n}"\nkind = "feed"\nurl = "http://127.0.0.1:9/feed-{n}.xml"\n'
            "allow_private = true\n\n"
            for n in (1, 2)
        )
        + '[[source]]\nname = "saved"\nkind = "directory"\npath = "saved"\n',
        encoding="utf-8",
    )
    return path
