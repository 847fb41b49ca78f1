"""A fake Spectro Cloud Palette: /v1/users/info, invoice detail, and the (probed) list path.

The PDF reports it serves are written in demo/palette_reports.py.

Two tenants: "acme" whose list path answers (limit ≤ 50, continue tokens, listmeta) and
"edge" whose list path answers 404, so the client must use the configured invoice_uids.
Data is built once from fixed seeds; handle() only reads it, so threads may share it.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from invoicetui.config.accounts import AccountConfig
from invoicetui.demo.data import DEMO_TODAY, months_back, rng
from invoicetui.demo.palette_reports import report_pdf
from invoicetui.demo.server import DemoRequest, DemoResponse

ACME_KEY = "demo-palette-acme-key"
EDGE_KEY = "demo-palette-edge-key"
PROJECT_NAMES = (
    "payments-prod",
    "Zürich analytics",
    "東京-edge",
    "Plan [Pro]",
    "[bold]x[/]",
    "staging [/",
    "ml-training",
    "edge-fleet",
)
PRICES = {"pure": Decimal("0.24"), "alloy": Decimal("0.12")}
LIST_MAX = 50
_DETAIL = re.compile(r"^/v1/tenants/([^/]+)/invoices/([^/]+)$")
_LIST = re.compile(r"^/v1/tenants/([^/]+)/invoices/?$")
_REPORT = re.compile(r"^/v1/tenants/([^/]+)/invoices/([^/]+)/(report(?:/invoice|/usage)?/pdf)$")


@dataclass(frozen=True)
class _Tenant:
    key: str
    uid: str
    org: str
    user: str
    list_works: bool
    invoices: tuple[dict[str, Any], ...]  # newest first

    def by_uid(self) -> dict[str, dict[str, Any]]:
        return {inv["metadata"]["uid"]: inv for inv in self.invoices}


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _hex(r: Any, n: int = 24) -> str:
    return "".join(r.choice("0123456789abcdef") for _ in range(n))


def _error(status: int, code: str, message: str) -> DemoResponse:
    return DemoResponse(status, {"code": code, "message": message, "details": {}, "ref": ""})


# State histories as they happen, oldest first; the served array is shuffled out of order.
_HISTORIES: dict[str, tuple[str, ...]] = {
    "paid": ("PaymentPending", "PaymentInProgress", "Paid"),
    "paid_after_failure": ("PaymentPending", "PaymentFailed", "PaymentInProgress", "Paid"),
    "failed": ("PaymentPending", "PaymentInProgress", "PaymentFailed"),
    "in_progress": ("PaymentPending", "PaymentInProgress"),
    "pending": ("PaymentPending",),
    "none": (),
    "unknown": ("PaymentPending", "PaymentRefunded"),  # a word outside the spec's enum
}


def _history_for(index: int, count: int) -> str:
    """Newest invoices are still open; one has no states and one an unknown state word."""
    newest_first = count - 1 - index
    plan = {0: "pending", 1: "in_progress", 2: "failed", 4: "none", 6: "paid_after_failure"}
    if newest_first in plan:
        return plan[newest_first]
    if newest_first == count - 2:
        return "unknown"
    return "paid"


def _invoice(r: Any, tenant: str, year: int, month: int, index: int, count: int) -> dict[str, Any]:
    start = datetime(year, month, 1, tzinfo=UTC)
    days = calendar.monthrange(year, month)[1]
    end = start + timedelta(days=days) - timedelta(seconds=1)
    created = start + timedelta(days=days, minutes=5, seconds=r.randint(0, 59))
    names = r.sample(PROJECT_NAMES, r.randint(2, 4))
    free = {"pure": Decimal(250) if index % 3 == 0 else Decimal(0), "alloy": Decimal(0)}
    if index % 5 == 1:
        free["alloy"] = Decimal(100)
    remaining = dict(free)
    used_total = {"pure": Decimal(0), "alloy": Decimal(0)}
    billable_total = {"pure": Decimal(0), "alloy": Decimal(0)}
    amount_total = {"pure": Decimal(0), "alloy": Decimal(0)}
    projects: list[dict[str, Any]] = []
    for name in names:
        usage: dict[str, Any] = {}
        project_amount = Decimal(0)
        for product in ("pure", "alloy"):
            if product == "alloy" and r.random() < 0.4:
                continue
            used = Decimal(r.randint(200, 6000))
            covered = min(used, remaining[product])
            remaining[product] -= covered
            billable = used - covered
            money = (billable * PRICES[product]).quantize(Decimal("0.01"))
            usage[product] = {
                "amount": float(money),
                "tierPrice": float(PRICES[product]),
                "usedCredits": float(used),
            }
            used_total[product] += used
            billable_total[product] += billable
            amount_total[product] += money
            project_amount += money
        projects.append(
            {
                "projectUid": _hex(r),
                "projectName": name,
                "amount": float(project_amount),
                "usage": usage,
            }
        )
    product_invoice = {
        product: {
            "allocatedCredits": 10000 if product == "pure" else 2000,
            "amount": float(amount_total[product]),
            "billableCredits": float(billable_total[product]),
            "breachedCredits": 0,
            "discount": 0,
            "freeCredits": int(free[product]),
            "overageLimitPercentage": 10,
            "tierName": "Tier 1" if product == "pure" else "Alloy Standard",
            "tierPrice": float(PRICES[product]),
            "totalUsedCredits": float(used_total[product]),
            "usedCredits": float(used_total[product]),
        }
        for product in ("pure", "alloy")
    }
    history = _HISTORIES[_history_for(index, count)]
    states = []
    moment = created
    for step, word in enumerate(history):
        msg = {"PaymentFailed": "Card declined", "Paid": "Payment succeeded"}.get(word, "")
        if step == 1:
            msg = msg or "Charging card"
        states.append({"state": word, "paymentMsg": msg, "timestamp": _stamp(moment)})
        moment += timedelta(days=r.randint(0, 3), minutes=r.randint(1, 600))
    if len(states) > 1:
        states = states[1:] + states[:1]  # never chronological in the array
    credit_start = datetime(year - 1, 1, 1, tzinfo=UTC)
    plan = {
        "plantype": "MonthlyOnDemand" if index % 4 else "AnnualSubscription",
        "freeCredits": [
            {
                "planCredit": {
                    "creditUid": _hex(r),
                    "name": "Welcome credit",
                    "type": "Pure",
                    "cpuCoreHours": int(free["pure"]) or 250,
                    "start": _stamp(credit_start),
                    "expiry": _stamp(credit_start + timedelta(days=730)),
                },
                "totalCpuCoreHours": int(free["pure"]),
            }
        ],
        "slaCredits": []
        if index % 4
        else [
            {
                "planCredit": {
                    "creditUid": _hex(r),
                    "name": "Outage 2025-03 [SLA]",
                    "type": "Alloy",
                    "cpuCoreHours": 40,
                    "start": _stamp(start),
                    "expiry": _stamp(start + timedelta(days=365)),
                },
                "totalCpuCoreHours": 0,
            }
        ],
    }
    total = sum(amount_total.values(), Decimal(0))
    return {
        "metadata": {
            "uid": _hex(r),
            "name": f"invoice-{year:04d}-{month:02d}",
            "annotations": {"tenant": tenant},
            "labels": {},
            "creationTimestamp": _stamp(created),
            "lastModifiedTimestamp": _stamp(moment),
        },
        "spec": {
            "address": {
                "addressLine1": "221 Harbour Road",
                "addressLine2": "Suite 4",
                "city": "Zürich" if tenant == "edge" else "Springfield",
                "country": "CH" if tenant == "edge" else "US",
                "pincode": "8001" if tenant == "edge" else "94016",
                "state": "ZH" if tenant == "edge" else "CA",
            },
            "billingPeriod": {"start": _stamp(start), "end": _stamp(end)},
            "credits": {
                "alloyFreeCredits": int(free["alloy"]),
                "pureFreeCredits": int(free["pure"]),
            },
            "envType": "MonthlyOnDemand" if index % 4 else "AnnualSubscription",
            "month": _stamp(start),
            "paymentUnit": "usd",
            "plan": plan,
        },
        "status": {
            "billableAmount": float(total),
            "productInvoice": product_invoice,
            "projects": projects,
            "states": states,
            "stripeInvoiceId": "in_" + _hex(r, 14),
        },
    }


def _tenant(label: str, key: str, count: int, list_works: bool) -> _Tenant:
    r = rng(f"palette-{label}")
    last = DEMO_TODAY.replace(day=1) - timedelta(days=1)  # invoices exist for closed months
    months = months_back(count, last)
    invoices = [_invoice(r, label, y, m, i, count) for i, (y, m) in enumerate(months)]
    return _Tenant(
        key=key,
        uid=_hex(r),
        org=f"{label.title()} Corp",
        user=_hex(r),
        list_works=list_works,
        invoices=tuple(reversed(invoices)),
    )


def summary(invoice: dict[str, Any]) -> dict[str, Any]:
    """What the list path returns per invoice: no projects, no plan (shape of PROVIDERS §1.9)."""
    spec = invoice["spec"]
    status = invoice["status"]
    return {
        "metadata": {k: invoice["metadata"][k] for k in ("uid", "name", "creationTimestamp")},
        "spec": {k: spec[k] for k in ("billingPeriod", "month", "paymentUnit")},
        "status": {"billableAmount": status["billableAmount"], "states": status["states"]},
    }


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _offset(token: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not raw.startswith("offset:") or not raw[7:].isdigit():
        return None
    return int(raw[7:])


class PaletteDemo:
    """The Palette fake (ProviderDemo)."""

    name = "palette"

    def __init__(self) -> None:
        self.acme = _tenant("acme", ACME_KEY, 18, list_works=True)
        self.edge = _tenant("edge", EDGE_KEY, 12, list_works=False)
        self._by_key = {t.key: t for t in (self.acme, self.edge)}
        self._by_uid = {t.uid: t.by_uid() for t in (self.acme, self.edge)}

    def accounts(self, base_url: str) -> list[AccountConfig]:
        return [
            AccountConfig(
                name="acme-palette", provider="palette", base_url=base_url, token=ACME_KEY
            ),
            AccountConfig(
                name="edge-palette",
                provider="palette",
                base_url=base_url,
                token=EDGE_KEY,
                tenant_uid=self.edge.uid,
                invoice_uids=tuple(inv["metadata"]["uid"] for inv in self.edge.invoices),
            ),
        ]

    def handle(self, request: DemoRequest) -> DemoResponse:
        tenant = self._by_key.get(request.header("apikey") or "")
        if tenant is None:
            return _error(401, "Unauthorized", "Invalid or missing API key")
        if request.method not in ("GET", "HEAD"):
            return _error(405, "MethodNotAllowed", "method not allowed")
        path = request.path
        if path == "/v1/users/info":
            return DemoResponse(
                200, {"orgName": tenant.org, "tenantUid": tenant.uid, "userUid": tenant.user}
            )
        match = _DETAIL.match(path)
        if match:
            return self._detail(tenant, match.group(1), match.group(2))
        match = _LIST.match(path)
        if match:
            return self._list(tenant, match.group(1), request)
        match = _REPORT.match(path)
        if match:
            return self._report(tenant, match.group(1), match.group(2), match.group(3))
        return _error(404, "ResourceNotFound", f"No route for '{path}'")

    def _detail(self, tenant: _Tenant, tenant_uid: str, uid: str) -> DemoResponse:
        if tenant_uid != tenant.uid:
            return _error(403, "Forbidden", "The API key has no access to this tenant")
        invoice = self._by_uid[tenant.uid].get(uid)
        if invoice is None:
            return _error(404, "ResourceNotFound", f"Invoice '{uid}' not found")
        return DemoResponse(200, invoice)

    def _report(self, tenant: _Tenant, tenant_uid: str, uid: str, route: str) -> DemoResponse:
        """The three PDF reports (PROVIDERS §1.4): octet-stream with a Content-Disposition."""
        if tenant_uid != tenant.uid:
            return _error(403, "Forbidden", "The API key has no access to this tenant")
        invoice = self._by_uid[tenant.uid].get(uid)
        if invoice is None:
            return _error(404, "ResourceNotFound", f"Invoice '{uid}' not found")
        kind, body = report_pdf(tenant.org, invoice, route)
        name = f"{invoice['metadata']['name']}-{kind}.pdf"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return DemoResponse(200, body, headers, "application/octet-stream")

    def _list(self, tenant: _Tenant, tenant_uid: str, request: DemoRequest) -> DemoResponse:
        if tenant_uid != tenant.uid:
            return _error(403, "Forbidden", "The API key has no access to this tenant")
        if not tenant.list_works:
            return _error(404, "ResourceNotFound", "Resource not found")
        try:
            limit = int(request.arg("limit") or LIST_MAX)
            offset = int(request.arg("offset") or 0)
        except ValueError:
            return _error(400, "InvalidParameter", "limit and offset must be integers")
        limit = min(max(limit, 1), LIST_MAX)
        token = request.arg("continue")
        if token:
            decoded = _offset(token)
            if decoded is None:
                return _error(400, "InvalidContinueToken", "The continue token is not valid")
            offset = decoded
        rows = tenant.invoices[offset : offset + limit]
        following = offset + len(rows)
        more = following < len(tenant.invoices)
        return DemoResponse(
            200,
            {
                "invoices": [summary(inv) for inv in rows],
                "listmeta": {
                    "continue": _token(following) if more else "",
                    "count": len(tenant.invoices),
                    "limit": limit,
                    "offset": following if more else 0,
                },
            },
        )
