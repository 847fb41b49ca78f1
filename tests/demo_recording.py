"""A demo fake wrapped to keep every request it served, for header and spec checks."""

from __future__ import annotations

import threading

from invoicetui.config.accounts import AccountConfig
from invoicetui.demo.server import DemoRequest, DemoResponse, ProviderDemo


class Recording:
    """Wraps a fake and keeps every (request, response) it served, for header/spec checks."""

    def __init__(self, inner: ProviderDemo) -> None:
        self.inner = inner
        self.name = inner.name
        self.seen: list[tuple[DemoRequest, DemoResponse]] = []
        self.lock = threading.Lock()

    def handle(self, request: DemoRequest) -> DemoResponse:
        response = self.inner.handle(request)
        with self.lock:
            self.seen.append((request, response))
        return response

    def accounts(self, base_url: str) -> list[AccountConfig]:
        return self.inner.accounts(base_url)

    def paths(self) -> list[str]:
        return [req.path for req, _ in self.seen]
