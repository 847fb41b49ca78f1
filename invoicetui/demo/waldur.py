"""Fake Waldur API: customer invoices, provider invoice items, DRF paging and errors.

Deterministic (seeded from demo/data.py, anchored on DEMO_NOW) and stateless per request.
URLs inside records are stored relative ("/api/...") and made absolute per request, so the
same data serves any host and port. The records themselves, in the real serializers' shapes,
are made in waldur_data.py; the scale account's items are generated from their index.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from invoicetui.config.accounts import AccountConfig
from invoicetui.demo.server import DemoRequest, DemoResponse
from invoicetui.demo.waldur_data import (
    Record,
    ScaleItems,
    customer_invoices,
    provider_items,
    uuid_hex,
)

__all__ = ["EXPIRED_TOKEN", "WaldurDemo", "token_for", "uuid_hex"]

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 300


def token_for(name: str) -> str:
    """A stable 40-hex token per demo account, shaped like real Waldur tokens."""
    return hashlib.sha1(f"waldur-demo-{name}".encode()).hexdigest()


EXPIRED_TOKEN = token_for("expired")  # answers 401 "Token has expired."


@dataclass
class _Tenant:
    """What one token sees."""

    invoices: list[Record] = field(default_factory=list)
    customer_uuid: str | None = None
    items: list[tuple[Record, str]] = field(default_factory=list)
    scale: ScaleItems | None = None


UUID_RE = re.compile(r"^[0-9a-fA-F]{32}$|^[0-9a-fA-F-]{36}$")
STATES = ("pending", "pending_finalization", "created", "paid", "canceled")
URL_KEYS = ("url", "customer", "resource")
Rows = tuple[int, Callable[[int, int], list[Record]]]


def _absolute(record: Record, base: str) -> Record:
    """A copy of record with its relative /api/ URLs made absolute for this request."""
    out: Record = {}
    for key, value in record.items():
        if key in URL_KEYS and isinstance(value, str) and value.startswith("/api/"):
            out[key] = base + value
        elif key == "items" and isinstance(value, list):
            out[key] = [_absolute(item, base) for item in value]
        else:
            out[key] = value
    return out


def _error(status: int, body: Any, headers: dict[str, str] | None = None) -> DemoResponse:
    return DemoResponse(status, body, headers or {})


NOT_FOUND = {"detail": "Not found."}


def _link(req: DemoRequest, page: int | None) -> str:
    """The request's own URL with page replaced (None: removed), query sorted like Django."""
    query = {k: v for k, v in req.query.items() if k != "page"}
    if page is not None:
        query["page"] = [str(page)]
    encoded = urlencode(sorted(query.items()), doseq=True)
    return f"{req.base_url}{req.path}" + (f"?{encoded}" if encoded else "")


def _page_size(req: DemoRequest) -> int:
    """DRF: a positive int, capped at max_page_size; anything else means the default."""
    try:
        size = int(req.arg("page_size") or "")
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return min(size, MAX_PAGE_SIZE) if size > 0 else DEFAULT_PAGE_SIZE


def paginate(req: DemoRequest, rows: Rows) -> DemoResponse:
    """DRF PageNumberPagination + Waldur's LinkHeaderPagination headers."""
    count, fetch = rows
    if req.method == "HEAD":
        return DemoResponse(200, None, {"X-Result-Count": str(count)})
    size = _page_size(req)
    pages = max(1, math.ceil(count / size))
    raw = req.arg("page", "1") or "1"
    try:
        page = pages if raw == "last" else int(raw)
    except ValueError:
        page = 0
    if not 1 <= page <= pages:
        return _error(404, {"detail": "Invalid page."})
    links = [f'<{_link(req, None)}>; rel="first"']
    if page > 1:
        links.append(f'<{_link(req, page - 1 if page > 2 else None)}>; rel="prev"')
    if page < pages:
        links.append(f'<{_link(req, page + 1)}>; rel="next"')
    links.append(f'<{_link(req, pages if pages > 1 else None)}>; rel="last"')
    start = (page - 1) * size
    body = [_absolute(r, req.base_url) for r in fetch(start, min(count, start + size))]
    return DemoResponse(200, body, {"X-Result-Count": str(count), "Link": ", ".join(links)})


def _validate(req: DemoRequest, ints: Sequence[str]) -> DemoResponse | None:
    """django-filter answers 400 with a field map for values it cannot read."""
    errors: dict[str, list[str]] = {}
    for name in ints:
        value = req.arg(name)
        if value not in (None, "") and not re.fullmatch(r"-?\d+", value):
            errors[name] = ["Enter a number."]
    for name in ("customer_uuid", "project_uuid", "offering_uuid"):
        value = req.arg(name)
        if value not in (None, "") and not UUID_RE.match(value):
            errors[name] = [f"“{value}” is not a valid UUID."]
    for value in req.query.get("state", []):
        if value not in STATES:
            errors["state"] = [
                f"Select a valid choice. {value} is not one of the available choices."
            ]
    return _error(400, errors) if errors else None


def _same_uuid(a: str | None, b: str) -> bool:
    return a in (None, "") or str(a).replace("-", "").lower() == b


class WaldurDemo:
    """The fake; one instance serves every thread (read-only after construction)."""

    name = "waldur"

    def __init__(self, scale: int = 0) -> None:
        self.scale = scale
        centre = customer_invoices(
            "hpc-centre", "Institute of Applied Physics", "EE", 18, Decimal("0.22")
        )
        nordic = customer_invoices("nordic-hpc", "Nordic HPC AS", "NO", 8, Decimal("0.25"))
        self.tenants: dict[str, _Tenant] = {
            token_for("hpc-centre"): _Tenant(invoices=centre),
            token_for("hpc-provider"): _Tenant(items=provider_items()),
            token_for("nordic-hpc"): _Tenant(invoices=nordic),
        }
        if scale > 0:
            self.tenants[token_for("waldur-scale")] = _Tenant(scale=ScaleItems(scale))

    def accounts(self, base_url: str) -> list[AccountConfig]:
        specs = [
            ("hpc-centre", "customer", "EUR"),
            ("hpc-provider", "provider", "EUR"),
            ("nordic-hpc", "customer", "NOK"),
        ]
        if self.scale > 0:
            specs.append(("waldur-scale", "provider", "EUR"))
        return [
            AccountConfig(
                name=name,
                provider="waldur",
                base_url=base_url,
                token=token_for(name),
                role=role,
                currency=currency,
            )
            for name, role, currency in specs
        ]

    # ------------------------------------------------------------------ dispatch

    def _tenant(self, req: DemoRequest) -> _Tenant | DemoResponse:
        header = req.header("authorization") or ""
        keyword, _, token = header.strip().partition(" ")
        if keyword.lower() != "token":
            token = req.arg("x-auth-token") or ""
        challenge = {"WWW-Authenticate": "Token"}
        if not token.strip():
            body = {"detail": "Authentication credentials were not provided."}
            return _error(401, body, challenge)
        if token.strip() == EXPIRED_TOKEN:
            return _error(401, {"detail": "Token has expired."}, challenge)
        tenant = self.tenants.get(token.strip())
        if tenant is None:
            return _error(401, {"detail": "Invalid token."}, challenge)
        return tenant

    def handle(self, request: DemoRequest) -> DemoResponse:
        tenant = self._tenant(request)
        if isinstance(tenant, DemoResponse):
            return tenant
        path = request.path
        if path == "/api/invoices/":
            return self._invoices(request, tenant)
        if path == "/api/provider-invoice-items/":
            return self._provider_items(request, tenant)
        match = re.fullmatch(r"/api/invoices/([0-9a-fA-F-]+)/(items/)?", path)
        if match:
            wanted = match.group(1).replace("-", "").lower()
            found = next((i for i in tenant.invoices if i["uuid"] == wanted), None)
            if found is None:
                return _error(404, NOT_FOUND)
            record = _absolute(found, request.base_url)
            if match.group(2):
                items = record["items"]
                if (request.arg("conceal_compensation_items") or "").lower() == "true":
                    items = [i for i in items if not i["credit"]]
                return DemoResponse(200, items)
            return DemoResponse(200, _fields(request, record))
        match = re.fullmatch(r"/api/provider-invoice-items/(\d+)/", path)
        if match:
            index = int(match.group(1)) - 1
            count = tenant.scale.count if tenant.scale else len(tenant.items)
            if not 0 <= index < count:
                return _error(404, NOT_FOUND)
            record = tenant.scale.entry(index)[0] if tenant.scale else tenant.items[index][0]
            return DemoResponse(200, _absolute(record, request.base_url))
        return _error(404, NOT_FOUND)

    def _invoices(self, req: DemoRequest, tenant: _Tenant) -> DemoResponse:
        invalid = _validate(req, ("year", "month"))
        if invalid:
            return invalid
        states = req.query.get("state") or STATES
        rows = [
            _fields(req, r)
            for r in tenant.invoices
            if _same_uuid(req.arg("customer_uuid"), r["customer"].rstrip("/").rsplit("/", 1)[1])
            and r["state"] in states
            and req.arg("year") in (None, "", str(r["year"]))
            and req.arg("month") in (None, "", str(r["month"]))
        ]
        return paginate(req, (len(rows), lambda a, b: rows[a:b]))

    def _provider_items(self, req: DemoRequest, tenant: _Tenant) -> DemoResponse:
        invalid = _validate(req, ("invoice_year", "invoice_month"))
        if invalid:
            return invalid
        year, month = req.arg("invoice_year") or "", req.arg("invoice_month") or ""
        others = any(req.arg(k) for k in ("customer_uuid", "project_uuid", "offering_uuid"))
        scale = tenant.scale
        if scale is not None and not others and not (bool(year) ^ bool(month)):
            span = scale.month_range(int(year), int(month)) if year else range(scale.count)
            return paginate(req, (len(span), lambda a, b: [scale.entry(i)[0] for i in span[a:b]]))
        entries = [scale.entry(i) for i in range(scale.count)] if scale else tenant.items
        rows = [record for record, consumer in entries if _item_matches(req, record, consumer)]
        return paginate(req, (len(rows), lambda a, b: rows[a:b]))


def _item_matches(req: DemoRequest, record: Record, consumer: str) -> bool:
    start = str(record["start"])
    return (
        _same_uuid(req.arg("customer_uuid"), consumer)
        and _same_uuid(req.arg("project_uuid"), str(record["project_uuid"]))
        and _same_uuid(req.arg("offering_uuid"), str(record["details"]["offering_uuid"]))
        and (req.arg("invoice_year") or "") in ("", str(int(start[:4])))
        and (req.arg("invoice_month") or "") in ("", str(int(start[5:7])))
    )


def _fields(req: DemoRequest, record: Record) -> Record:
    """The `field=` sparse fieldset (every field when none is asked for)."""
    wanted = req.query.get("field")
    return {k: v for k, v in record.items() if k in wanted} if wanted else record
