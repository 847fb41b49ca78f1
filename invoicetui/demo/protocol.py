"""What a fake provider API receives and answers: one request, one response (no HTTP here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoRequest:
    method: str
    provider: str
    path: str  # below the provider prefix, e.g. /billing/v1/invoices
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    base_url: str  # http://host:port/<provider>, for Link headers and url fields
    # How often this server answered this exact path and query before: a fake may serve a
    # second "generation" of its data (an invoice paid meanwhile) from the second time on.
    repeat: int = 0

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class DemoResponse:
    status: int = 200
    body: Any = None  # JSON-able, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    # Send the body in small pieces this many seconds apart (the "trickle" fault).
    chunk_delay: float = 0.0
