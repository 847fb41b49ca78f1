"""Small hand-built invoices for the insight views' Pilot tests (NOW is 2026-11-15)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from tui_fakes import ACME, HPC, VECTOR, FakeService, snapshot

from invoicetui.core.model import Invoice, LineItem, Status


def inv(
    account: str, provider: str, id_: str, month: tuple[int, int], total: str, *,
    status: Status = Status.PAID, due: date | None = None, currency: str = "USD",
    owed: str | None = None, items: tuple[LineItem, ...] = (), **kw: Any,
) -> Invoice:  # fmt: skip
    first = date(*month, 1)
    return Invoice(
        account=account, provider=provider, id=id_, number=id_.upper(), status=status,
        status_raw=status.value, issued=first, due=due, period_start=first, currency=currency,
        total=Decimal(total), amount_due=Decimal(owed if owed is not None else "0"),
        line_items=items, **kw,
    )  # fmt: skip


def acme_invoices() -> list[Invoice]:
    """Overdue of two ages, one due soon, and paid months with an anomaly in September."""
    rows = [
        inv(ACME.name, "palette", "late-45", (2026, 9), "300", status=Status.OPEN,
            due=date(2026, 10, 1), owed="300"),
        inv(ACME.name, "palette", "late-10", (2026, 10), "60", status=Status.OPEN,
            due=date(2026, 11, 5), owed="60"),
        inv(ACME.name, "palette", "soon-5", (2026, 10), "40", status=Status.OPEN,
            due=date(2026, 11, 20), owed="40"),
        inv(ACME.name, "palette", "running", (2026, 11), "40", status=Status.DRAFT),
    ]  # fmt: skip
    for month in range(3, 9):
        rows.append(inv(ACME.name, "palette", f"m{month}", (2026, month), "100"))
    rows.append(inv(ACME.name, "palette", "spike", (2026, 9), "1000"))
    return rows


def hpc_invoices() -> list[Invoice]:
    items = (LineItem("cpu", kind="compute", project="alpha", amount=Decimal(70)),
             LineItem("disk", kind="storage", project="beta", amount=Decimal(30)))  # fmt: skip
    return [inv(HPC.name, "waldur", "hpc-oct", (2026, 10), "100", currency="EUR", items=items)]


def vector_invoices() -> list[Invoice]:
    return [inv(VECTOR.name, "zilliz", "zz-oct", (2026, 10), "1")]


def install(monkeypatch: pytest.MonkeyPatch, **extra: list[Invoice]) -> FakeService:
    fake = FakeService()
    fake.results[ACME.name] = snapshot(ACME, extra.get("acme", acme_invoices()))
    fake.results[HPC.name] = snapshot(HPC, extra.get("hpc", hpc_invoices()))
    fake.results[VECTOR.name] = snapshot(VECTOR, extra.get("vector", vector_invoices()))
    return fake.install(monkeypatch)


ACCOUNTS = (ACME, HPC, VECTOR)
