"""Fetching against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler

from core.pages import FetchResult
from crawler.fetch import Fetcher, FetchSettings
from tests.httpserver import LocalServer

FAST = FetchSettings(
    per_host_delay_s=0, total_timeout_s=3, read_timeout_s=2, connect_timeout_s=2, max_retries=0, backoff_base_s=0.05
)


def fetch(url: str, settings: FetchSettings = FAST, **kwargs: object) -> FetchResult:
    async def run() -> FetchResult:
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch(url, **kwargs)  # type: ignore[arg-type]

    return asyncio.run(run())


def test_ok_page(server: LocalServer) -> None:
    server.route("/a", "<p>hello</p>", headers={"ETag": '"v1"'})
    result = fetch(server.url("/a"), allow_private=True)
    assert result.ok and result.status == 200 and result.body == b"<p>hello</p>" and result.etag == '"v1"'


def test_loopback_is_refused_unless_allowed(server: LocalServer) -> None:
    server.route("/a", "<p>hello</p>")
    result = fetch(server.url("/a"))
    assert not result.ok and result.error is not None and result.error.startswith("blocked_address")
    assert server.hits("/a") == 0


def test_404_is_recorded(server: LocalServer) -> None:
    result = fetch(server.url("/missing"), allow_private=True)
    assert result.status == 404 and result.error == "http_status: HTTP 404"


def test_body_cap_stops_an_endless_body(server: LocalServer) -> None:
    def endless(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.end_headers()
        try:
            while True:
                request.wfile.write(b"x" * 65536)
        except (BrokenPipeError, ConnectionResetError):
            pass

    server.handler("/endless", endless)
    result = fetch(server.url("/endless"), replace(FAST, max_body_bytes=1_000_000), allow_private=True)
    assert result.error is not None and result.error.startswith("body_too_large")


def test_slow_drip_hits_the_total_timeout(server: LocalServer) -> None:
    def drip(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.end_headers()
        try:
            for _ in range(100):
                request.wfile.write(b"x")
                request.wfile.flush()
                time.sleep(0.5)
        except (BrokenPipeError, ConnectionResetError):
            pass

    server.handler("/drip", drip)
    result = fetch(server.url("/drip"), replace(FAST, total_timeout_s=1), allow_private=True)
    assert result.error is not None and result.error.startswith("timeout: total timeout after 1s")


def test_redirect_loop_is_an_error(server: LocalServer) -> None:
    server.route("/r1", "", status=302, headers={"Location": "/r2"})
    server.route("/r2", "", status=302, headers={"Location": "/r1"})
    result = fetch(server.url("/r1"), allow_private=True)
    assert result.error is not None and "redirect" in result.error


def test_conditional_get_returns_not_modified(server: LocalServer) -> None:
    def conditional(request: BaseHTTPRequestHandler) -> None:
        if request.headers.get("If-None-Match") == '"v1"':
            request.send_response(304)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        request.send_response(200)
        request.send_header("ETag", '"v1"')
        request.send_header("Content-Length", "2")
        request.end_headers()
        request.wfile.write(b"ok")

    server.handler("/c", conditional)
    first = fetch(server.url("/c"), allow_private=True)
    second = fetch(server.url("/c"), allow_private=True, etag=first.etag)
    assert first.status == 200 and second.not_modified and second.body is None


def test_allow_private_covers_only_the_allowed_host(server: LocalServer) -> None:
    """``allow_private`` for one URL's host does not open other private hosts (ports count as hosts)."""
    other = LocalServer()
    try:
        other.route("/b", "<p>other</p>")

        async def run() -> tuple[FetchResult, FetchResult]:
            async with Fetcher(FAST) as fetcher:
                fetcher.allow_private(server.url("/"))
                return await fetcher.fetch(server.url("/missing")), await fetcher.fetch(other.url("/b"))

        own, foreign = asyncio.run(run())
        assert own.status == 404
        assert foreign.error is not None and foreign.error.startswith("blocked_address")
        assert other.hits("/b") == 0
    finally:
        other.close()


def test_304_keeps_no_body_and_reports_attempts(server: LocalServer) -> None:
    server.route("/n", "", status=304, headers={"ETag": '"v9"'})
    result = fetch(server.url("/n"), allow_private=True, etag='"v9"')
    assert result.not_modified and result.body is None and result.attempts == 1 and result.etag == '"v9"'
