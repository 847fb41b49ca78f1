"""Real-shaped pages for bench_wire.py, built by the demo fakes' own record makers.

DoiT invoices with lineItems (demo/doit_data.scale_invoice), Zilliz v2 invoices in cents,
Palette v1Invoices in full detail (demo/palette._invoice: projects, plan credits, unordered
payment states) in v1Invoices pages of 50, Waldur customer invoices with their items
(demo/waldur_data.customer_invoices) and provider invoice items (demo/waldur_data.ScaleItems)
in DRF pages of 300. JSON text as the servers send it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from invoicetui.demo.data import rng
from invoicetui.demo.doit_data import scale_invoice
from invoicetui.demo.palette import _invoice as palette_invoice
from invoicetui.demo.waldur_data import ScaleItems, customer_invoices


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


def _pages(records: list[Any], size: int, wrap: Any) -> list[bytes]:
    return [
        json.dumps(wrap(records[i : i + size]), default=_default).encode()
        for i in range(0, len(records), size)
    ]


def doit_pages(count: int) -> list[bytes]:
    records = [scale_invoice(i, count) for i in range(count)]
    return _pages(records, 500, lambda page: {"invoices": page, "pageToken": "t"})


def zilliz_record(i: int) -> dict[str, Any]:
    start = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=31 * (i % 70))
    end = start + timedelta(days=30)
    usage = 20_000 + (i * 7919) % 380_000
    credits = 5_000 if i % 3 == 0 else 0
    tax = (Decimal(usage - credits) * Decimal("0.0925")).quantize(Decimal("0.01"))
    iso = "%Y-%m-%dT%H:%M:%SZ"
    return {
        "id": f"inv-{i:016d}",
        "orgId": "org-ab12cd34ef56gh78",
        "periodStart": start.strftime(iso),
        "periodEnd": end.strftime(iso),
        "invoiceDate": end.strftime(iso),
        "dueDate": (end + timedelta(days=14)).strftime(iso),
        "currency": "USD",
        "status": ("paid", "unpaid", "overdue", "free")[i % 4],
        "usageAmount": usage,
        "creditsApplied": credits,
        "alreadyBilledAmount": 0,
        "subtotal": usage - credits,
        "tax": float(tax),
        "total": float(usage - credits + tax),
        "advancePayAmount": 0,
        "amountDue": float(usage - credits + tax) if i % 4 in (1, 2) else 0,
    }


def zilliz_pages(count: int) -> list[bytes]:
    records = [zilliz_record(i) for i in range(count)]
    return _pages(
        records,
        500,
        lambda page: {"code": 0, "data": {"count": count, "pageSize": 500, "invoices": page}},
    )


def palette_pages(count: int) -> list[bytes]:
    r = rng("bench-wire-palette")
    records = []
    for i in range(count):
        year, month = 2000 + (i // 12) % 26, 1 + i % 12
        records.append(palette_invoice(r, "acme", year, month, i % 40, 40))
    return _pages(
        records,
        50,
        lambda page: {"invoices": page, "listmeta": {"continue": "t", "count": count}},
    )


def waldur_invoice_pages(count: int) -> list[bytes]:
    records: list[dict[str, Any]] = []
    slug = 0
    while len(records) < count:
        vat = Decimal("0.22") if slug % 2 else Decimal("0.25")
        records.extend(customer_invoices(f"bench-{slug}", "Institute", "EE", 24, vat))
        slug += 1
    return _pages(records[:count], 300, lambda page: page)


def waldur_item_pages(count: int) -> list[bytes]:
    scale = ScaleItems(count)
    records = [scale.entry(i)[0] for i in range(count)]
    return _pages(records, 300, lambda page: page)
