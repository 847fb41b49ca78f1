"""Waldur payloads to the normalized model: customer invoices and provider-role statements.

Records are read by the wire models (wire.py), tolerant by design: a field that cannot be
read becomes None (and a problem line where it was there); only a body whose shape is not a
Waldur list/record at all raises ResponseFormatError.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from invoicetui.core import parse
from invoicetui.core.errors import ResponseFormatError
from invoicetui.core.model import Invoice, Status, format_decimal
from invoicetui.core.sanitize import clean_json
from invoicetui.providers.waldur.wire import (
    InvoiceWire,
    ItemWire,
    Memo,
    read_invoices,
    read_items,
)
from invoicetui.providers.waldur.wire import shared as _shared
from invoicetui.providers.wire import ok

PROVIDER = "waldur"
Warn = Callable[[str], None]  # one line about a skipped record, for the account's warnings
__all__ = ["Memo", "_shared"]  # re-exported: statements.py and the tests use them from here


def month_period(year: object, month: object) -> tuple[date, date] | None:
    """First and last day of a year/month pair, or None if they are not a real month."""
    if isinstance(year, bool) or isinstance(month, bool):
        return None
    if not isinstance(year, int) or not isinstance(month, int):
        return None
    if not (1 <= year <= 9999 and 1 <= month <= 12):
        return None
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _items(value: object, where: str, warn: Warn | None = None) -> list[dict[str, Any]]:
    """The item objects of a list; an entry that is not an object is skipped with one line."""
    if not isinstance(value, list):
        raise ResponseFormatError(f"{where}: expected a list of invoice items", provider=PROVIDER)
    out: list[dict[str, Any]] = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            if warn is not None:
                warn(f"{where}: skipped invoice item {index}: not an object ({parse.shown(item)})")
            continue
        out.append(item)
    return out


def invoice(
    record: object,
    account: str,
    currency: str | None,
    index: int = 0,
    warn: Warn | None = None,
) -> Invoice:
    """One /api/invoices/ record; detailed when it carries its items."""
    if not isinstance(record, dict):
        raise ResponseFormatError(f"invoice record {index} is not an object", provider=PROVIDER)
    (wire,) = read_invoices([record])
    return _invoice(wire, record, account, currency, warn)


def _invoice(
    wire: InvoiceWire, record: dict[str, Any], account: str, currency: str | None,
    warn: Warn | None,
) -> Invoice:  # fmt: skip
    problems: list[str] = []
    ident = wire.uuid or wire.number
    if ident is None:
        ident = parse.fallback_id(record)
        problems.append(f"no uuid: shown as {ident}")
    status, raw_status = parse.status(PROVIDER, wire.state)
    period = month_period(wire.year, wire.month)
    if period is None and (wire.year is not None or wire.month is not None):
        shown = f"{parse.shown(wire.year)}-{parse.shown(wire.month)}"
        problems.append(f"year/month: not a month in range ({shown})")
    total = parse.two_places(ok(wire.total, "total", problems))
    detailed = record.get("items") is not None
    items = read_items(_items(record["items"], f"invoice {ident}", warn)) if detailed else []
    credit_items = [item for item in items if item.is_credit]
    if status in (Status.PAID, Status.VOID):
        amount_due: Decimal | None = Decimal("0.00")
    else:
        amount_due = total
    customer = wire.customer_details.name
    country = wire.customer_details.country
    if customer and country:
        customer = f"{customer} ({country})"
    offerings = _offerings(items)
    issuer = wire.issuer_details
    extra = [
        (label, value)
        for label, value in (
            # issuer_details is the deployment's settings dict as-is: a company or a name
            ("issuer", issuer.company or issuer.name),
            ("issuer VAT code", issuer.vat_code),
            ("VAT code", wire.customer_details.vat_code),
            ("reference number", wire.reference_number),
            ("incurred costs", _number_text(wire.incurred_costs)),
            ("compensations", _number_text(wire.compensations, nonzero=True)),
            ("offerings", ", ".join(offerings) if offerings else None),
        )
        if value
    ]
    line_items = tuple(item.line_item(currency, problems) for item in items)
    return Invoice(
        account=account,
        provider=PROVIDER,
        id=ident,
        number=wire.number,
        status=status,
        status_raw=raw_status,
        issued=ok(wire.invoice_date, "invoice_date", problems),
        due=ok(wire.due_date, "due_date", problems),
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        currency=currency,
        subtotal=parse.two_places(ok(wire.price, "price", problems)),
        tax=parse.two_places(ok(wire.tax, "tax", problems)),
        credits=_credits(wire, items if detailed else None),
        total=total,
        amount_due=amount_due,
        url=wire.payment_url or wire.url,
        line_items=line_items,
        credits_detail=tuple(item.credit_of() for item in credit_items),
        customer=customer,
        extra=tuple(extra),
        raw=clean_json(record),
        detailed=detailed,
        problems=parse.capped(problems),
    )


def _credits(wire: InvoiceWire, items: list[ItemWire] | None) -> Decimal | None:
    """Negated sum of the credit items; without items, the negated `compensations` field."""
    if items is not None:
        return parse.two_places(parse.exact_sum(i.credit_amount() for i in items if i.is_credit))
    compensations = wire.compensations
    return parse.two_places(-compensations) if compensations is not None else None


def _number_text(amount: Decimal | None, *, nonzero: bool = False) -> str | None:
    """A JSON number Waldur renders from a Decimal (compensations, incurred_costs), exactly."""
    amount = parse.two_places(amount)
    if amount is None or (nonzero and not amount):
        return None
    return format_decimal(amount)


def invoice_list(
    body: object, account: str, currency: str | None, offset: int = 0, warn: Warn | None = None
) -> list[Invoice]:
    """A page of /api/invoices/ (a bare JSON array); a record that is no object is skipped."""
    records = page_records(body, "/api/invoices/")
    kept: list[dict[str, Any]] = []
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            if warn is not None:
                warn(f"skipped invoice record {offset + i}: not an object ({parse.shown(record)})")
            continue
        kept.append(record)
    wires = read_invoices(kept)
    return [_invoice(w, r, account, currency, warn) for w, r in zip(wires, kept, strict=True)]


def page_records(body: object, path: str) -> list[Any]:
    """The records of one page: DRF with LinkHeaderPagination sends a bare array."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get("results"), list):
        return list(body["results"])  # plain PageNumberPagination deployments
    raise ResponseFormatError(f"the answer from {path} is not a list", provider=PROVIDER)


def _offerings(items: Sequence[ItemWire]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        name = item.details.offering_name
        if name:
            seen.setdefault(name, None)
    return list(seen)


def statements(
    items: Sequence[object],
    account: str,
    currency: str | None,
    now: datetime,
    warn: Warn | None = None,
) -> list[Invoice]:
    """Provider-role items grouped into one statement per UTC month of their start, newest first.

    Items without a readable start or end land in one 'undated' statement (status unknown), so
    their money stays visible. Sums are net: credit compensations (which the provider view
    lists, since they carry the resource) are negative lines in them, as in a Waldur invoice's
    own `price`; `credits` says how much of that they were. Zero-total items are kept.
    """
    from invoicetui.providers.waldur.statements import StatementBuilder

    builder = StatementBuilder(account, currency, warn)
    builder.add(items)
    return builder.finish(now)
