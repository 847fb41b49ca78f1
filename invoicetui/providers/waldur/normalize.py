"""Waldur payloads to the normalized model: customer invoices and provider-role statements.

Tolerant by design: a field that cannot be read becomes None; only a body whose shape is
not a Waldur list/record at all raises ResponseFormatError.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from invoicetui.core import parse
from invoicetui.core.errors import ResponseFormatError
from invoicetui.core.model import Credit, Invoice, LineItem, Status
from invoicetui.core.sanitize import clean_json

PROVIDER = "waldur"


def month_period(year: object, month: object) -> tuple[date, date] | None:
    """First and last day of a year/month pair, or None if they are not a real month."""
    if isinstance(year, bool) or isinstance(month, bool):
        return None
    if not isinstance(year, int) or not isinstance(month, int):
        return None
    if not (1 <= year <= 9999 and 1 <= month <= 12):
        return None
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _dict(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def is_compensation(item: Mapping[str, Any]) -> bool:
    """Compensation (credit) items carry a negative price."""
    price = parse.money(item.get("price"))
    return price is not None and price < 0


def line_item(item: Mapping[str, Any], currency: str | None) -> LineItem:
    details = _dict(item.get("details"))
    name = (
        parse.text(item.get("name"))
        or parse.text(details.get("offering_name"))
        or "(unnamed item)"
    )
    return LineItem(
        description=name,
        kind=parse.text(item.get("billing_type")),
        project=parse.text(item.get("project_name")),
        quantity=parse.plain_number(parse.money(item.get("quantity"))),
        unit=parse.text(item.get("measured_unit")) or parse.text(item.get("unit")),
        unit_price=parse.two_places(parse.money(item.get("unit_price"))),
        amount=parse.two_places(parse.money(item.get("price"))),
        tax=parse.two_places(parse.money(item.get("tax"))),
        start=parse.period_start(item.get("start")),
        end=parse.period_end(item.get("end")),
        currency=currency,
    )


def credit(item: Mapping[str, Any]) -> Credit:
    price = parse.money(item.get("price"))
    return Credit(
        name=parse.text(item.get("name")) or "(compensation)",
        kind="compensation",
        amount=parse.two_places(-price) if price is not None else None,
        unit=None,
        start=parse.period_start(item.get("start")),
        end=parse.period_end(item.get("end")),
    )


def _items(value: object, where: str) -> list[Mapping[str, Any]]:
    if not isinstance(value, list):
        raise ResponseFormatError(f"{where}: expected a list of invoice items", provider=PROVIDER)
    out: list[Mapping[str, Any]] = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise ResponseFormatError(
                f"{where}: invoice item {index} is not an object", provider=PROVIDER
            )
        out.append(item)
    return out


def _credits_total(items: Iterable[Mapping[str, Any]]) -> Decimal:
    prices = (parse.money(item.get("price")) for item in items)
    return parse.exact_sum(-p for p in prices if p is not None and p < 0)


def invoice(record: object, account: str, currency: str | None, index: int = 0) -> Invoice:
    """One /api/invoices/ record; detailed when it carries its items."""
    if not isinstance(record, dict):
        raise ResponseFormatError(f"invoice record {index} is not an object", provider=PROVIDER)
    number = record.get("number")
    number_text = parse.text(number) if not isinstance(number, bool) else None
    ident = parse.text(record.get("uuid")) or number_text or f"record-{index}"
    status, raw_status = parse.status(PROVIDER, record.get("state"))
    period = month_period(record.get("year"), record.get("month"))
    total = parse.two_places(parse.money(record.get("total")))
    detailed = "items" in record and record.get("items") is not None
    items = _items(record.get("items"), f"invoice {ident}") if detailed else []
    compensations = [item for item in items if is_compensation(item)]
    if status in (Status.PAID, Status.VOID):
        amount_due: Decimal | None = Decimal("0.00")
    else:
        amount_due = total
    api_url = parse.text(record.get("url"))
    customer_details = _dict(record.get("customer_details"))
    issuer = _dict(record.get("issuer_details"))
    customer = parse.text(customer_details.get("name"))
    country = parse.text(customer_details.get("country"))
    if customer and country:
        customer = f"{customer} ({country})"
    extra: list[tuple[str, str]] = []
    offerings = _offerings(items)
    for label, value in (
        ("issuer", parse.text(issuer.get("name"))),
        ("issuer VAT code", parse.text(issuer.get("vat_code"))),
        ("VAT code", parse.text(customer_details.get("vat_code"))),
        ("reference number", parse.text(record.get("reference_number"))),
        ("offerings", ", ".join(offerings) if offerings else None),
    ):
        if value:
            extra.append((label, value))
    return Invoice(
        account=account,
        provider=PROVIDER,
        id=ident,
        number=number_text,
        status=status,
        status_raw=raw_status,
        issued=parse.day(record.get("invoice_date")),
        due=parse.day(record.get("due_date")),
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        currency=currency,
        subtotal=parse.two_places(parse.money(record.get("price"))),
        tax=parse.two_places(parse.money(record.get("tax"))),
        credits=parse.two_places(_credits_total(compensations)) if detailed else None,
        total=total,
        amount_due=amount_due,
        url=parse.text(record.get("payment_url")) or api_url,
        line_items=tuple(line_item(item, currency) for item in items),
        credits_detail=tuple(credit(item) for item in compensations),
        customer=customer,
        extra=tuple(extra),
        raw=clean_json(record),
        detailed=detailed,
    )


def invoice_list(
    body: object, account: str, currency: str | None, offset: int = 0
) -> list[Invoice]:
    """A page of /api/invoices/ (a bare JSON array)."""
    records = page_records(body, "/api/invoices/")
    return [invoice(r, account, currency, offset + i) for i, r in enumerate(records)]


def page_records(body: object, path: str) -> list[Any]:
    """The records of one page: DRF with LinkHeaderPagination sends a bare array."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get("results"), list):
        return list(body["results"])  # plain PageNumberPagination deployments
    raise ResponseFormatError(f"the answer from {path} is not a list", provider=PROVIDER)


def _offerings(items: Iterable[Mapping[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        name = parse.text(_dict(item.get("details")).get("offering_name"))
        if name:
            seen.setdefault(name, None)
    return list(seen)


def _item_month(item: Mapping[str, Any]) -> tuple[int, int] | None:
    stamp = parse.timestamp(item.get("start")) or parse.timestamp(item.get("end"))
    return (stamp.year, stamp.month) if stamp else None


def statements(
    items: Sequence[object], account: str, currency: str | None, now: datetime
) -> list[Invoice]:
    """Provider-role items grouped into one statement per UTC month of their start, newest first.

    Items without a readable start or end land in one 'undated' statement (status unknown), so
    their money stays visible.
    """
    groups: dict[tuple[int, int] | None, list[Mapping[str, Any]]] = {}
    for item in _items(list(items), "/api/provider-invoice-items/"):
        groups.setdefault(_item_month(item), []).append(item)
    current = (now.year, now.month)
    dated = sorted((key for key in groups if key is not None), reverse=True)
    keys: list[tuple[int, int] | None] = [*dated, *([None] if None in groups else [])]
    return [_statement(key, groups[key], account, currency, current) for key in keys]


def _sum(items: Iterable[Mapping[str, Any]], field: str) -> Decimal | None:
    values = [parse.money(item.get(field)) for item in items]
    known = [v for v in values if v is not None]
    return parse.exact_sum(known) if known else None


def _statement(
    key: tuple[int, int] | None,
    items: list[Mapping[str, Any]],
    account: str,
    currency: str | None,
    current: tuple[int, int],
) -> Invoice:
    if key is None:
        ident, status, period = "undated", Status.UNKNOWN, None
    else:
        ident = f"{key[0]:04d}-{key[1]:02d}"
        status = Status.DRAFT if key >= current else Status.ISSUED
        period = month_period(key[0], key[1])
    compensations = [item for item in items if is_compensation(item)]
    projects = {parse.text(item.get("project_name")) for item in items} - {None}
    extra = [("items", str(len(items))), ("projects", str(len(projects)))]
    offerings = _offerings(items)
    if offerings:
        extra.append(("offerings", ", ".join(offerings)))
    return Invoice(
        account=account,
        provider=PROVIDER,
        id=ident,
        number=None,
        status=status,
        status_raw=None,
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        currency=currency,
        subtotal=parse.two_places(_sum(items, "price")),
        tax=parse.two_places(_sum(items, "tax")),
        credits=parse.two_places(_credits_total(compensations)),
        total=parse.two_places(_sum(items, "total")),
        amount_due=None,
        line_items=tuple(line_item(item, currency) for item in items),
        credits_detail=tuple(credit(item) for item in compensations),
        extra=tuple(extra),
        raw={"source": "/api/provider-invoice-items/", "month": ident, "items": len(items)},
        detailed=True,
    )
