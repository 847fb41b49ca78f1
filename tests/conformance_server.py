"""A tiny scripted HTTP server on 127.0.0.1 for conformance tests: routes map paths to answers.

Unlike the demo fakes it has no data of its own: each test says exactly what every path
answers (status, JSON body, headers), so payloads can follow the providers' documented
habits rather than ours.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Seen:
    """One request as the server received it."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass
class Answer:
    status: int = 200
    body: Any = None  # JSON-encoded unless bytes or str
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        if self.body is None:
            return b""
        return json.dumps(self.body).encode()


Route = Answer | Callable[[Seen], Answer]


class ScriptedAPI:
    """Routes by exact path (query ignored); an unknown path answers 404 {"detail": ...}."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.01,), daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, path: str, answer: Route) -> None:
        self.routes[path] = answer

    def json(self, path: str, body: Any, status: int = 200, **headers: str) -> None:
        self.routes[path] = Answer(status, body, dict(headers))

    def paths(self) -> list[str]:
        with self._lock:
            return [s.path for s in self.seen]

    def answer(self, seen: Seen) -> Answer:
        with self._lock:
            self.seen.append(seen)
        route = self.routes.get(seen.path)
        if route is None:
            return Answer(404, {"detail": "Not found."})
        return route(seen) if callable(route) else route

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _handler(api: ScriptedAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query: dict[str, list[str]] = {}
            for key, value in parse_qsl(parts.query, keep_blank_values=True):
                query.setdefault(key, []).append(value)
            seen = Seen(parts.path, query, {k.lower(): v for k, v in self.headers.items()})
            answer = api.answer(seen)
            payload = answer.encode()
            self.send_response(answer.status)
            headers = {"Content-Type": "application/json", **answer.headers}
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def scripted_api() -> Iterator[ScriptedAPI]:
    api = ScriptedAPI()
    api.start()
    try:
        yield api
    finally:
        api.stop()
