"""Invoices for the insight tests: one call, only the fields a test cares about."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from invoicetui.core.model import Invoice, LineItem, Status

TODAY = date(2026, 11, 15)


def d(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def make(
    ident: str,
    *,
    account: str = "acme",
    provider: str = "doit",
    status: Status = Status.OPEN,
    currency: str | None = "USD",
    total: str | None = "100",
    subtotal: str | None = None,
    amount_due: str | None = None,
    credits: str | None = None,
    number: str | None = None,
    issued: date | None = None,
    due: date | None = None,
    start: date | None = None,
    end: date | None = None,
    items: tuple[tuple[str, str | None, str | None], ...] = (),  # (amount, project, kind)
    detailed: bool = True,
) -> Invoice:
    return Invoice(
        account=account,
        provider=provider,
        id=ident,
        number=number,
        status=status,
        issued=issued,
        due=due,
        period_start=start,
        period_end=end,
        currency=currency,
        subtotal=d(subtotal),
        total=d(total),
        amount_due=d(amount_due),
        credits=d(credits),
        line_items=tuple(
            LineItem(f"item {i}", kind=kind, project=project, amount=Decimal(amount))
            for i, (amount, project, kind) in enumerate(items)
        ),
        detailed=detailed,
    )
