"""Fake DoiT Console API: invoice list with opaque pageTokens, invoice details, both error styles.

Deterministic (seeded, anchored on DEMO_NOW) and stateless per request. The account "doit"
answers errors in the legacy {"error": ...} style; "doit-reseller" needs X-Tenant-Id and
answers RFC 9457 problem+json. A pageToken made with page_token(..., expired=True) is
refused as expired, so tests can drive the client's restart.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

from invoicetui.config.accounts import AccountConfig
from invoicetui.demo.data import months_back, rng
from invoicetui.demo.server import DemoRequest, DemoResponse

Record = dict[str, Any]
INVOICES = "/billing/v1/invoices"
TENANT = "acme.com"
DEFAULT_MAX_RESULTS = 50
MAX_MAX_RESULTS = 1000
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = {"google-cloud": "GB", "amazon-web-services": "AW", "microsoft-azure": "MS"}
LABEL = {
    "google-cloud": "Google Cloud usage",
    "amazon-web-services": "AWS usage",
    "microsoft-azure": "Microsoft Azure usage",
}
UNKNOWN_STATUS = "VOIDED"  # not in the spec's enum: clients must keep it as unknown


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


def _ms(day: datetime) -> int:
    return int(day.timestamp() * 1000)


def _invoice(
    ident: str,
    platform: str,
    currency: str,
    issued: datetime,
    status: str,
    items: list[Record],
    credit: Decimal | None = None,
) -> Record:
    total = sum((Decimal(repr(i["price"])) * Decimal(repr(i["qty"])) for i in items), Decimal(0))
    if credit is not None:
        balance = -credit  # paid, and more: a credit on account, reported as a negative balance
    elif status == "PAID" or status == UNKNOWN_STATUS:
        balance = Decimal(0)
    elif status == "PAST DUE":
        balance = (total * Decimal("0.4")).quantize(Decimal("0.01"))
    else:
        balance = total
    return {
        "id": ident,
        "invoiceDate": _ms(issued),
        "platform": platform,
        "dueDate": _ms(issued + timedelta(days=30)),
        "status": status,
        "totalAmount": float(total),
        "balanceAmount": float(balance),
        "currency": currency,
        "url": f"https://console.doit.com/customers/DemoCust0001/invoices/{platform}/{ident}",
        "lineItems": items,
    }


def _items(r: Any, platform: str, currency: str, year: int, month: int) -> list[Record]:
    label = f"{LABEL[platform]}"
    month_name = datetime(year, month, 1).strftime("%B %Y")
    items = [
        {
            "currency": currency,
            "description": label,
            "details": f"Billing account 01AB23-CD45EF-{r.randint(1000, 9999)}, {month_name}",
            "price": float(Decimal(r.randint(10_000, 2_500_000)) / 100),
            "qty": 1,
            "type": "usage",
        },
        {
            "currency": currency,
            "description": "DoiT support",
            "details": "Enhanced support plan [bold]x[/]",
            "price": float(Decimal(r.randint(5_000, 90_000)) / 100),
            "qty": 1,
            "type": "service",
        },
    ]
    if (month + len(platform)) % 3 == 0:
        items.append(
            {
                "currency": currency,
                "description": "Zürich region egress",
                "details": "Netzwerk-Übertragung [/",
                "price": float(Decimal(r.randint(1, 500)) * 2 / 100),
                "qty": 1.5,
                "type": "usage",
            }
        )
    if month % 4 == 0:
        items.append(
            {
                "currency": currency,
                "description": "Committed-use discount",
                "details": "Flexsave savings",
                "price": -float(Decimal(r.randint(100, 20_000)) / 100),
                "qty": 1,
                "type": "discount",
            }
        )
    return items


def _status(age: int, index: int) -> str:
    if age == 0:
        return "OPEN"
    if age == 1:
        return "PAST DUE" if index % 2 == 0 else "PAID"
    if age in (5, 6) and index == 2:  # Azure bills every other month: one of these exists
        return UNKNOWN_STATUS
    return "PAID"


def _last_day(year: int, month: int) -> datetime:
    return datetime(year, month, calendar.monthrange(year, month)[1], tzinfo=UTC)


def _dataset(slug: str, months: int, platforms: list[tuple[str, str]]) -> list[Record]:
    """Newest first; invoices per platform per billed month, as DoiT's help describes them.

    The invoice date is the last day of the billed month, so the still-running month has no
    invoice yet; bucketing can split a month into two invoices of one platform; a paid
    invoice can leave a credit on account (a negative balanceAmount).
    """
    r = rng(f"doit-{slug}")
    pairs = months_back(months + 1)[:-1]  # the months that have ended
    out: list[Record] = []
    for n, (year, month) in enumerate(pairs):
        age = len(pairs) - n  # 1 = last month
        for index, (platform, currency) in enumerate(platforms):
            if platform == "microsoft-azure" and month % 2:
                continue
            status = _status(age - 1, index)
            issued = _last_day(year, month)
            ident = f"{PREFIX[platform]}-{year}-{month:02d}{r.randint(10000, 99999)}"
            items = _items(r, platform, currency, year, month)
            credit = Decimal("42.17") if (age, index) == (4, 1) else None
            out.append(_invoice(ident, platform, currency, issued, status, items, credit))
            if index == 0 and age in (3, 9):  # a second invoice of the same month and platform
                second = f"{PREFIX[platform]}-{year}-{month:02d}{r.randint(10000, 99999)}"
                extra = _items(r, platform, currency, year, month)[:1]
                out.append(_invoice(second, platform, currency, issued, status, extra))
    out.sort(key=lambda rec: (rec["invoiceDate"], rec["id"]), reverse=True)
    return out


@dataclass(frozen=True)
class _Source:
    """One account's invoices, by position (newest first)."""

    count: int
    full: Callable[[int], Record]
    find: Callable[[str], int | None]
    legacy: bool = False
    tenant: str | None = None


def _list_source(records: list[Record], *, legacy: bool, tenant: str | None) -> _Source:
    by_id = {rec["id"]: i for i, rec in enumerate(records)}
    return _Source(len(records), records.__getitem__, by_id.get, legacy, tenant)


def _scale_invoice(index: int, count: int) -> Record:
    """Scale account invoice `index`, made from the index alone."""
    months = months_back(18)
    year, month = months[len(months) - 1 - index * 18 // count]
    platform, currency = [("google-cloud", "USD"), ("amazon-web-services", "EUR")][index % 2]
    price = float(Decimal(100 + (index * 7919) % 900_000) / 100)
    items = [
        {
            "currency": currency,
            "description": LABEL[platform],
            "details": f"Scale line {index}",
            "price": price,
            "qty": 1 + index % 3,
            "type": "usage",
        }
    ]
    status = "OPEN" if index * 18 // count == 0 else "PAID"
    issued = _last_day(year, month)
    return _invoice(f"SC-{index:07d}", platform, currency, issued, status, items)


def _scale_source(count: int) -> _Source:
    def find(ident: str) -> int | None:
        if ident.startswith("SC-") and ident[3:].isdigit() and int(ident[3:]) < count:
            return int(ident[3:])
        return None

    return _Source(count, lambda i: _scale_invoice(i, count), find)


def _summary(record: Record) -> Record:
    return {k: v for k, v in record.items() if k != "lineItems"}


class DoitDemo:
    """The fake; read-only after construction, so one instance serves every thread."""

    name = "doit"

    def __init__(self, scale: int = 0) -> None:
        self.scale = scale
        legacy = _dataset(
            "doit",
            18,
            [("google-cloud", "USD"), ("amazon-web-services", "USD"), ("microsoft-azure", "GBP")],
        )
        reseller = _dataset(
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
            return DemoResponse(200, source.full(index))
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
        rows = [_summary(source.full(i)) for i in selected[offset : offset + size]]
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
