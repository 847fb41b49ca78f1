"""Fake DoiT Console API: invoice list with opaque pageTokens, invoice details, both error styles.

Deterministic (seeded, anchored on DEMO_NOW); stateless except that one OPEN invoice of "doit"
is served as PAID from the second time its URL is asked (DemoRequest.repeat). The account "doit"
answers errors in the legacy {"error": ...} style; "doit-reseller" needs X-Tenant-Id and
answers RFC 9457 problem+json. A pageToken made with page_token(..., expired=True) is
refused as expired, so tests can drive the client's restart.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from invoicetui.config.accounts import AccountConfig
from invoicetui.demo.doit_data import UNKNOWN_STATUS, dataset, scale_invoice
from invoicetui.demo.server import DemoRequest, DemoResponse

__all__ = ["INVOICES", "UNKNOWN_STATUS", "DoitDemo", "page_token", "token_for"]

Record = dict[str, Any]
INVOICES = "/billing/v1/invoices"
TENANT = "acme.com"
DEFAULT_MAX_RESULTS = 50
MAX_MAX_RESULTS = 1000
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def token_for(name: str) -> str:
    """A stable API key per demo account."""
    return "dci_" + hashlib.sha1(f"doit-demo-{name}".encode()).hexdigest()


def request_id(seed: str) -> str:
    """req_<26 Crockford base32 chars>, like a ULID, derived from the request (no clock)."""
    digest = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:17], "big")
    chars = [_CROCKFORD[(digest >> (5 * i)) & 31] for i in range(26)]
    chars[0] = "0"  # a ULID's first character is at most 7
    return "req_" + "".join(chars)


def page_token(offset: int, expired: bool = False) -> str:
    """The opaque pageToken for a listing position; expired=True makes one the API refuses."""
    raw = f"{'x' if expired else 'o'}:{offset}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_token(token: str) -> tuple[str, int] | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        kind, _, offset = raw.partition(":")
        if kind in ("o", "x") and offset.isdigit():
            return kind, int(offset)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return None


def paid_later(record: Record) -> Record:
    """The second generation of an invoice the demo's customer pays between two refreshes."""
    return {**record, "status": "PAID", "balanceAmount": 0.0}


@dataclass(frozen=True)
class _Source:
    """One account's invoices, by position (newest first)."""

    count: int
    full: Callable[[int], Record]
    find: Callable[[str], int | None]
    legacy: bool = False
    tenant: str | None = None
    paid_later: str | None = None  # id of an OPEN invoice served as PAID from the 2nd time on

    def record(self, index: int, repeat: int) -> Record:
        rec = self.full(index)
        return paid_later(rec) if repeat and rec["id"] == self.paid_later else rec


def _list_source(records: list[Record], *, legacy: bool, tenant: str | None) -> _Source:
    by_id = {rec["id"]: i for i, rec in enumerate(records)}
    paid = next((r["id"] for r in records if r["status"] == "OPEN"), None) if legacy else None
    return _Source(len(records), records.__getitem__, by_id.get, legacy, tenant, paid)


def _scale_source(count: int) -> _Source:
    def find(ident: str) -> int | None:
        if ident.startswith("SC-") and ident[3:].isdigit() and int(ident[3:]) < count:
            return int(ident[3:])
        return None

    return _Source(count, lambda i: scale_invoice(i, count), find)


def _summary(record: Record) -> Record:
    return {k: v for k, v in record.items() if k != "lineItems"}


class DoitDemo:
    """The fake; read-only after construction, so one instance serves every thread."""

    name = "doit"

    def __init__(self, scale: int = 0) -> None:
        self.scale = scale
        legacy = dataset(
            "doit",
            18,
            [("google-cloud", "USD"), ("amazon-web-services", "USD"), ("microsoft-azure", "GBP")],
        )
        reseller = dataset(
            "reseller", 12, [("google-cloud", "EUR"), ("amazon-web-services", "EUR")]
        )
        self.sources: dict[str, _Source] = {
            token_for("doit"): _list_source(legacy, legacy=True, tenant=None),
            token_for("doit-reseller"): _list_source(reseller, legacy=False, tenant=TENANT),
        }
        if scale > 0:
            self.sources[token_for("doit-scale")] = _scale_source(max(1, scale // 10))

    def accounts(self, base_url: str) -> list[AccountConfig]:
        out = [
            AccountConfig(name="doit", provider="doit", base_url=base_url, token=token_for("doit")),
            AccountConfig(
                name="doit-reseller",
                provider="doit",
                base_url=base_url,
                token=token_for("doit-reseller"),
                customer_context=TENANT,
            ),
        ]
        if self.scale > 0:
            out.append(
                AccountConfig(
                    name="doit-scale",
                    provider="doit",
                    base_url=base_url,
                    token=token_for("doit-scale"),
                )
            )
        return out

    # ------------------------------------------------------------------ dispatch

    def handle(self, request: DemoRequest) -> DemoResponse:
        query = "&".join(f"{k}={v}" for k, vs in sorted(request.query.items()) for v in vs)
        rid = request_id(f"{request.method} {request.path}?{query}")
        response = self._route(request, rid)
        response.headers.setdefault("Request-Id", rid)
        response.headers.setdefault("Content-Language", "en")
        return response

    def _route(self, req: DemoRequest, rid: str) -> DemoResponse:
        header = req.header("authorization") or ""
        scheme, _, key = header.strip().partition(" ")
        source = self.sources.get(key.strip()) if scheme.lower() == "bearer" else None
        if source is None:
            return problem(rid, 401, "unauthorized", "Unauthorized", "invalid or missing API key")
        if source.tenant is not None:
            tenant = req.header("x-tenant-id")
            if not tenant:
                return problem(
                    rid,
                    400,
                    "tenant_id_required",
                    "Tenant ID required",
                    "X-Tenant-Id header is required when the credential can access more than"
                    " one tenant.",
                )
            if tenant.strip() != source.tenant:
                return problem(
                    rid,
                    400,
                    "tenant_id_mismatch",
                    "Tenant ID mismatch",
                    "X-Tenant-Id does not match the tenant the credential is scoped to.",
                )
        if req.path == INVOICES:
            return self._list(req, source, rid)
        if req.path.startswith(INVOICES + "/") and req.path.count("/") == 4:
            ident = unquote(req.path[len(INVOICES) + 1 :])
            index = source.find(ident)
            if index is None:
                return _error(
                    source, rid, 404, "not_found", "Resource not found", "invoice not found"
                )
            return DemoResponse(200, source.record(index, req.repeat))
        return _error(source, rid, 404, "not_found", "Resource not found", "route not found")

    def _list(self, req: DemoRequest, source: _Source, rid: str) -> DemoResponse:
        raw_max = req.arg("maxResults") or str(DEFAULT_MAX_RESULTS)
        if not raw_max.isdigit() or int(raw_max) < 1:
            return _error(
                source,
                rid,
                400,
                "validation_failed",
                "Validation failed",
                "maxResults must be a positive integer",
            )
        size = min(int(raw_max), MAX_MAX_RESULTS)
        offset = 0
        token = req.arg("pageToken")
        if token:
            parsed = _read_token(token)
            if parsed is None:
                return _error(
                    source,
                    rid,
                    400,
                    "pagination_token_invalid",
                    "Invalid pagination token",
                    "The pageToken cursor is structurally invalid (decode failure or tampering).",
                )
            if parsed[0] == "x":
                return _error(
                    source,
                    rid,
                    400,
                    "pagination_token_expired",
                    "Expired pagination token",
                    "The pageToken cursor is no longer valid; restart pagination from the"
                    " beginning.",
                )
            offset = parsed[1]
        selected = _selection(req, source)
        if isinstance(selected, str):
            return _error(source, rid, 400, "validation_failed", "Validation failed", selected)
        rows = [_summary(source.record(i, req.repeat)) for i in selected[offset : offset + size]]
        body: Record = {"invoices": rows, "rowCount": len(rows)}
        # The last page says so with an empty pageToken (DoiT's own client stops on "" too).
        body["pageToken"] = page_token(offset + size) if offset + size < len(selected) else ""
        return DemoResponse(200, body)


def _selection(req: DemoRequest, source: _Source) -> range | list[int] | str:
    """Indexes that pass the filters (a range when there are none), or an error message."""
    bounds: list[int | None] = []
    for name in ("minCreationTime", "maxCreationTime"):
        value = req.arg(name)
        if value and not value.lstrip("-").isdigit():
            return f"{name} must be milliseconds since the epoch"
        bounds.append(int(value) if value else None)
    wanted: dict[str, str] = {}
    for part in filter(None, (req.arg("filter") or "").split("|")):
        key, _, value = part.partition(":")
        if key not in ("status", "platform", "currency") or not value:
            return f"unsupported filter {part!r}"
        wanted[key] = value.strip("[]")
    if not wanted and bounds == [None, None]:
        return range(source.count)
    low, high = bounds
    out: list[int] = []
    for i in range(source.count):
        rec = source.full(i)
        if low is not None and rec["invoiceDate"] < low:
            continue
        if high is not None and rec["invoiceDate"] > high:
            continue
        if all(str(rec.get(k)) == v for k, v in wanted.items()):
            out.append(i)
    return out


def problem(rid: str, status: int, code: str, title: str, detail: str) -> DemoResponse:
    """An RFC 9457 problem+json answer, as the current API sends."""
    body = {
        "type": f"https://developer.doit.com/errors/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": f"https://api.doit.com/requests/{rid}",
        "code": code,
        "retryable": status >= 500,
    }
    headers = {"WWW-Authenticate": 'Bearer realm="api.doit.com"'} if status == 401 else {}
    return DemoResponse(status, body, headers, "application/problem+json")


def _error(
    source: _Source, rid: str, status: int, code: str, title: str, detail: str
) -> DemoResponse:
    if source.legacy:
        message = f"{code}: {detail}" if code.startswith("pagination") else detail
        return DemoResponse(status, {"error": message})
    return problem(rid, status, code, title, detail)
