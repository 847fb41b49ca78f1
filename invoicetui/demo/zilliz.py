"""A fake Zilliz Cloud control plane: GET /v2/invoices (paged) and GET /v2/invoices/{id}.

Amounts are cents with the documented relations (subtotal = usage − credits, total =
subtotal + tax). Errors follow the real service: HTTP 401 + code 80001 for a bad key, and
HTTP 200 with a nonzero code for bad parameters, unknown ids and the no-preview token.
Data is built once from fixed seeds; handle() only reads it, so threads may share it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from invoicetui.config.accounts import AccountConfig
from invoicetui.demo.data import months_back, rng
from invoicetui.demo.server import DemoRequest, DemoResponse

VECTOR_KEY = "demo-zilliz-vector-db-key"
STAGING_KEY = "demo-zilliz-staging-key"
# Not in accounts(): every call with it answers HTTP 200 with a nonzero code (for tests).
NO_PREVIEW_KEY = "demo-zilliz-no-preview-key"
NO_PREVIEW_CODE = 96013
# Not in accounts() either: a valid key that Zilliz refuses billing access (its CLI guide:
# billing needs an OAuth login, API keys "may not have access"). The code and wording are
# a guess at that refusal; the client must say so as its own error, not "no invoices".
NO_BILLING_KEY = "demo-zilliz-no-billing-key"
PAGE_DEFAULT = 10
PAGE_MAX = 100
_DETAIL = re.compile(r"^/v2/invoices/([^/]+)$")
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True)
class _Org:
    key: str
    org_id: str
    invoices: tuple[dict[str, Any], ...]  # newest first


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


SPIKE = {"vector-db": 4, "staging": 7}  # months back of each org's anomaly


def _status(newest_first: int, statuses: tuple[str, ...]) -> str:
    if newest_first == 0:
        return "unbilled"  # the current month still accrues
    if newest_first <= len(statuses):
        return statuses[newest_first - 1]
    return "paid"


def _org(label: str, key: str, count: int, statuses: tuple[str, ...]) -> _Org:
    r = rng(f"zilliz-{label}")
    org_id = "org-" + "".join(r.choice(_ALNUM) for _ in range(16))
    invoices: list[dict[str, Any]] = []
    for newest_first, (year, month) in enumerate(reversed(months_back(count))):
        start = datetime(year, month, 1, tzinfo=UTC)
        end = start + timedelta(days=calendar.monthrange(year, month)[1])
        status = _status(newest_first, statuses)
        # A steady bill (within 20 %) with one month three times higher: the trends view's
        # anomaly. The running month has accrued half a month by DEMO_NOW (the 15th).
        usage = 150_000 + r.randint(20_000, 400_000) % 30_000
        if newest_first == SPIKE.get(label):
            usage *= 3
        elif newest_first == 0:
            usage //= 2
        if status == "free":
            credits = usage
        elif r.random() < 0.35:
            credits = min(usage, r.choice((5_000, 10_000, 20_000)))
        else:
            credits = 0
        subtotal = usage - credits
        # Amounts are typed `number`: nothing promises whole cents (tax at 9.25 % is not).
        tax = (Decimal(subtotal) * Decimal("0.0925")).quantize(Decimal("0.01"))
        total = subtotal + tax
        already = 0
        advance = 50_000 if newest_first == 3 else 0
        settled = status in ("paid", "free")
        invoices.append(
            {
                "id": "inv-" + "".join(r.choice(_ALNUM) for _ in range(16)),
                "orgId": org_id,
                "periodStart": _iso(start),
                "periodEnd": _iso(end),
                "invoiceDate": _iso(end),
                "dueDate": _iso(end + timedelta(days=14)),
                "currency": "USD",
                "status": status,
                "usageAmount": usage,
                "creditsApplied": credits,
                "alreadyBilledAmount": already,
                "subtotal": subtotal,
                "tax": float(tax),
                "total": float(total),
                "advancePayAmount": advance,
                "amountDue": 0 if settled else float(max(Decimal(0), total - advance)),
            }
        )
    return _Org(key=key, org_id=org_id, invoices=tuple(invoices))


def _error(code: int, message: str, status: int = 200) -> DemoResponse:
    return DemoResponse(status, {"code": code, "message": message})


class ZillizDemo:
    """The Zilliz fake (ProviderDemo)."""

    name = "zilliz"

    def __init__(self) -> None:
        self.vector = _org(
            "vector-db", VECTOR_KEY, 20, ("unpaid", "overdue", "paid", "disputed", "paid", "free")
        )
        self.staging = _org("staging", STAGING_KEY, 14, ("unconfirmed", "paid", "free"))
        self._by_key = {o.key: o for o in (self.vector, self.staging)}
        self._by_id = {o.key: {inv["id"]: inv for inv in o.invoices} for o in self._by_key.values()}

    def accounts(self, base_url: str) -> list[AccountConfig]:
        return [
            AccountConfig(name="vector-db", provider="zilliz", base_url=base_url, token=VECTOR_KEY),
            AccountConfig(
                name="vector-db-staging", provider="zilliz", base_url=base_url, token=STAGING_KEY
            ),
        ]

    def handle(self, request: DemoRequest) -> DemoResponse:
        response = self._handle(request)
        # Each answer carries a request id, as the real control plane does.
        response.headers.setdefault("requestid", f"req-demo-{_request_key(request)}")
        return response

    def _handle(self, request: DemoRequest) -> DemoResponse:
        auth = request.header("authorization") or ""
        key = auth[7:] if auth.startswith("Bearer ") else ""
        if key == NO_PREVIEW_KEY:
            return _error(
                NO_PREVIEW_CODE,
                "You don't have permission for invoices: the invoice API is in public"
                " preview and not enabled for this organization.",
            )
        if key == NO_BILLING_KEY:
            return _error(
                80020,
                "This API key is not allowed to access billing. Log in to use billing commands.",
                403,
            )
        org = self._by_key.get(key)
        if org is None:
            return _error(
                80001,
                "Invalid token: Your token is not valid. Please double-check your request"
                " parameters and ensure that you have provided a valid token.",
                401,
            )
        if request.path in ("/v2/invoices", "/v2/invoices/"):
            return self._list(org, request)
        match = _DETAIL.match(request.path)
        if match:
            invoice = self._by_id[org.key].get(match.group(1))
            if invoice is None:
                return _error(96034, f"The specified invoice {match.group(1)} does not exist.")
            return DemoResponse(200, {"code": 0, "data": invoice})
        return _error(404, f"No route for {request.path}", 404)

    def _list(self, org: _Org, request: DemoRequest) -> DemoResponse:
        try:
            size = int(request.arg("pageSize") or PAGE_DEFAULT)
        except ValueError:
            size = -1
        if not 1 <= size <= PAGE_MAX:
            return _error(96008, "The parameter value for pageSize should be between 1 and 100.")
        try:
            page = int(request.arg("currentPage") or 1)
        except ValueError:
            page = 0
        if page < 1:
            return _error(96009, "The parameter currentPage should be at least 1.")
        rows = org.invoices[(page - 1) * size : page * size]
        return DemoResponse(
            200,
            {
                "code": 0,
                "data": {
                    "count": len(org.invoices),
                    "currentPage": page,
                    "pageSize": size,
                    "invoices": list(rows),
                },
            },
        )


def _request_key(request: DemoRequest) -> str:
    """A stable id derived from the request (no counters: the fake keeps no state)."""
    digest = sum((i + 1) * ord(c) for i, c in enumerate(request.path + str(request.query)))
    return f"{digest % 0xFFFFFF:06x}"
