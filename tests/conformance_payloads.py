"""Hand-written provider bodies for the conformance tests: documented shapes, not our demo's.

Each builder gives a valid body (PROVIDERS.md, ../shared/specs) that a test then bends:
keyword arguments replace fields, and None removes one.
"""

from __future__ import annotations

from typing import Any

from conformance_server import ScriptedAPI

TENANT = "5f1e0000aaaa"


PALETTE_LIST = f"/v1/tenants/{TENANT}/invoices"


def palette_account(api: ScriptedAPI, **extra: Any) -> dict[str, Any]:
    return {
        "name": "pal",
        "provider": "palette",
        "base_url": api.base_url,
        "tenant_uid": TENANT,
        **extra,
    }


def pinv(uid: str, states: list[dict[str, Any]] | None = None, **over: Any) -> dict[str, Any]:
    """A full v1Invoice (it has projects, so no detail call is needed)."""
    spec: dict[str, Any] = {
        "billingPeriod": {"start": "2024-05-01T00:00:00.000Z", "end": "2024-05-31T23:59:59.000Z"},
        "paymentUnit": "usd",
        "plan": {
            "plantype": "MonthlyOnDemand",
            "freeCredits": [
                {
                    "planCredit": {
                        "creditUid": "c1",
                        "name": "Welcome credit",
                        "type": "Pure",
                        "cpuCoreHours": 250,
                        "start": "2024-04-01T00:00:00.000Z",
                        "expiry": "2025-04-01T00:00:00.000Z",
                    },
                    "totalCpuCoreHours": 250,
                }
            ],
            "slaCredits": [{"planCredit": {"name": "Outage", "type": "Alloy", "cpuCoreHours": 10}}],
        },
    }
    status: dict[str, Any] = {
        "billableAmount": 1843.2,
        "projects": [
            {"projectUid": "p1", "projectName": "payments-prod", "amount": 1400.16},
            {"projectUid": "p2", "projectName": "staging", "amount": 443},
        ],
    }
    if states is not None:
        status["states"] = states
    body: dict[str, Any] = {
        "metadata": {
            "uid": uid,
            "name": f"invoice-{uid}",
            "creationTimestamp": "2024-06-01T00:05:12Z",
        },
        "spec": spec,
        "status": status,
    }
    for key, value in over.items():
        part, _, name = key.partition("__")
        if name:
            if value is None:
                body[part].pop(name, None)
            else:
                body[part][name] = value
        else:
            body[part] = value
    return body


def palette_list(api: ScriptedAPI, invoices: list[dict[str, Any]]) -> None:
    api.json(
        PALETTE_LIST, {"invoices": invoices, "listmeta": {"continue": "", "count": len(invoices)}}
    )


def st(state: str, ts: str | None = None, msg: str = "") -> dict[str, Any]:
    entry: dict[str, Any] = {"state": state, "paymentMsg": msg}
    if ts is not None:
        entry["timestamp"] = ts
    return entry


def waldur_account(api: ScriptedAPI, base: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"name": "wal", "provider": "waldur", "base_url": base or api.base_url, **extra}


def winv(uuid: str, state: str = "created", **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "url": f"https://waldur.example.com/api/invoices/{uuid}/",
        "uuid": uuid,
        "number": 100412,
        "customer": "https://waldur.example.com/api/customers/c/",
        "price": "1290.5000000",
        "tax": "309.72",
        "total": "1600.2200000",
        "state": state,
        "year": 2024,
        "month": 5,
        "invoice_date": "2024-06-01",
        "due_date": "2024-07-01",
        "items": [witem()],
        "backend_id": "",
        "payment_url": "",
        "reference_number": "",
    }
    body.update(over)
    return body


def witem(**over: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "uuid": "c0ffee",
        "name": "Cloud VM cluster / cpu-k-hours",
        "price": 1290.5,
        "tax": "309.7200000",
        "total": "1600.2200000",
        "unit_price": "0.5000000",
        "unit": "quantity",
        "factor": 1,
        "measured_unit": "CPU kH",
        "start": "2024-05-01T00:00:00Z",
        "end": "2024-05-31T23:59:59.999999Z",
        "project_name": "Plasma simulations",
        "quantity": "2581.0000000",
        "billing_type": "usage",
        "details": {"offering_name": "Cloud VM cluster"},
        "credit": False,
    }
    item.update(over)
    return item


DOIT_LIST = "/billing/v1/invoices"


def doit_account(api: ScriptedAPI, **extra: Any) -> dict[str, Any]:
    return {"name": "doit", "provider": "doit", "base_url": api.base_url, **extra}


def dinv(ident: str, status: str = "OPEN", **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": ident,
        "invoiceDate": 1717200000000,  # 2024-06-01T00:00:00Z
        "platform": "google-cloud",
        "dueDate": 1719792000000,  # 2024-07-01T00:00:00Z
        "status": status,
        "totalAmount": 18452.37,
        "balanceAmount": 18452.37,
        "currency": "USD",
        "url": f"https://console.doit.com/invoices/{ident}",
    }
    for key, value in over.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def doit_serve(api: ScriptedAPI, invoices: list[dict[str, Any]], **list_extra: Any) -> None:
    """The list (summaries) and each invoice's detail (with lineItems unless it has them)."""
    summaries = [{k: v for k, v in inv.items() if k != "lineItems"} for inv in invoices]
    api.json(DOIT_LIST, {"invoices": summaries, "rowCount": len(summaries), **list_extra})
    for inv in invoices:
        detail = {"lineItems": [], **inv}
        api.json(f"{DOIT_LIST}/{inv['id']}", detail)


ZILLIZ_LIST = "/v2/invoices"


def zilliz_account(api: ScriptedAPI, **extra: Any) -> dict[str, Any]:
    return {"name": "zz", "provider": "zilliz", "base_url": api.base_url, **extra}


def zinv(ident: str, status: str = "unpaid", **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": ident,
        "orgId": "org-ab12",
        "periodStart": "2024-06-01T00:00:00Z",
        "periodEnd": "2024-07-01T00:00:00Z",
        "invoiceDate": "2024-07-01T00:00:00Z",
        "dueDate": "2024-07-15T00:00:00Z",
        "currency": "USD",
        "status": status,
        "usageAmount": 128734,
        "creditsApplied": 20000,
        "alreadyBilledAmount": 0,
        "subtotal": 108734,
        "tax": 9786,
        "total": 118520,
        "advancePayAmount": 0,
        "amountDue": 118520,
    }
    for key, value in over.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def zilliz_serve(
    api: ScriptedAPI, invoices: list[dict[str, Any]], *, as_list: bool = False
) -> None:
    data: Any = {"count": len(invoices), "currentPage": 1, "pageSize": 100, "invoices": invoices}
    api.json(ZILLIZ_LIST, {"code": 0, "data": [data] if as_list else data})
