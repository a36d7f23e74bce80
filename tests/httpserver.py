"""A real HTTP server on 127.0.0.1 for tests: static routes plus hand-written misbehaving handlers.

server = LocalServer()
server.route("/feed.xml", body, content_type="application/rss+xml")
server.handler("/slow", lambda request: ...)   # full control over the socket
server.url("/feed.xml") -> "http://127.0.0.1:<port>/feed.xml"
server.arrivals / server.max_active      # when each request came in, and the most handled at once
reply(request, body)                     # a handler's answer, counted as finished before its last bytes go out
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[BaseHTTPRequestHandler], None]


def reply(request: BaseHTTPRequestHandler, body: bytes, content_type: str = "text/html") -> None:
    """Answer 200 with body from a hand-written handler, counting the request finished before the body goes out."""
    request.send_response(200)
    request.send_header("Content-Type", content_type)
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    assert isinstance(request.server, _Server)
    request.server.owner._finished()
    request.wfile.write(body)


class _Server(ThreadingHTTPServer):
    owner: LocalServer


class LocalServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.handlers: dict[str, Handler] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        #: (path, time.monotonic()) of each request as it arrived.
        self.arrivals: list[tuple[str, float]] = []
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        # Handler threads still counted as active. A request stops counting before its last bytes are written:
        # once they arrive the client may send its next request while this thread is still returning.
        self._counted: set[int] = set()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with server._lock:
                    server.requests.append((self.path, dict(self.headers)))
                    server.arrivals.append((self.path, time.monotonic()))
                    server.active += 1
                    server.max_active = max(server.max_active, server.active)
                    server._counted.add(threading.get_ident())
                try:
                    self._answer()
                finally:
                    server._finished()

            def _answer(self) -> None:
                path = self.path.split("?", 1)[0]
                if path in server.handlers:
                    server.handlers[path](self)
                    return
                route = server.routes.get(path) or server.routes.get(self.path)
                if route is None:
                    route = Route(404, b"not found", {"Content-Type": "text/plain"})
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                server._finished()
                self.wfile.write(route.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = _Server((host, 0), _Handler)
        self.httpd.owner = self
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def _finished(self) -> None:
        with self._lock:
            if threading.get_ident() in self._counted:
                self._counted.discard(threading.get_ident())
                self.active -= 1

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(
        self,
        path: str,
        body: bytes | str,
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(status, data, {"Content-Type": content_type, **(headers or {})})

    def handler(self, path: str, function: Handler) -> None:
        self.handlers[path] = function

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p.split("?", 1)[0] == path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
