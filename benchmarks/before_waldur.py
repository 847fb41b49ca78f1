"""Waldur's hand-written normalizer before the wire models (commit e58c8f2), for bench_wire.py.

Kept verbatim (imports aside) so that "normalizer (today)" stays measurable after adoption.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import before_parse as parse

from invoicetui.core.errors import ResponseFormatError
from invoicetui.core.model import Credit, Invoice, LineItem, Status, format_decimal
from invoicetui.core.sanitize import clean_json

PROVIDER = "waldur"
Warn = Callable[[str], None]  # one line about a skipped record, for the account's warnings


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


def is_credit(item: Mapping[str, Any]) -> bool:
    """A credit compensation (`"credit": true`, made at finalization; CONTRACT.md `credits`).

    Other negative items (downtime compensations, refunds, limit decreases) are ordinary
    line items with a negative amount, not credits.
    """
    return item.get("credit") is True


def _project(item: Mapping[str, Any]) -> str | None:
    """The project's name; Waldur writes "N/A" (and a null project_uuid) once it is deleted."""
    name = parse.text(item.get("project_name"))
    if name == "N/A" and item.get("project_uuid") is None:
        return None
    return name


Memo = dict[tuple[type, object], Any]


def _shared(memo: Memo | None, value: Any) -> Any:
    """One object for equal values (Decimals by their text: 1.0 and 1.00 stay apart)."""
    if memo is None or value is None:
        return value
    key = (Decimal, str(value)) if isinstance(value, Decimal) else (type(value), value)
    return memo.setdefault(key, value)


def line_item(
    item: Mapping[str, Any],
    currency: str | None,
    problems: list[str] | None = None,
    memo: Memo | None = None,
) -> LineItem:
    """One item; with a memo, equal texts, amounts and days of many items are one object
    (a million provider items are mostly the same few offerings, prices and months)."""
    notes: list[str] = []
    details = _dict(item.get("details"))
    name = (
        parse.text(item.get("name"))
        or parse.text(details.get("offering_name"))
        or parse.text(item.get("resource_name"))
        or "(unnamed item)"
    )
    kind = parse.text(item.get("billing_type"))  # null on credit items (no plan component)
    if kind is None and is_credit(item):
        kind = "credit"
    money = parse.checked_money

    def keep(value: Any) -> Any:
        return _shared(memo, value)

    result = LineItem(
        description=keep(name),
        kind=keep(kind),
        project=keep(_project(item)),
        quantity=keep(parse.plain_number(money(item.get("quantity"), "quantity", notes))),
        unit=keep(parse.text(item.get("measured_unit")) or parse.text(item.get("unit"))),
        unit_price=keep(parse.two_places(money(item.get("unit_price"), "unit_price", notes))),
        amount=keep(parse.two_places(money(item.get("price"), "price", notes))),
        tax=keep(parse.two_places(money(item.get("tax"), "tax", notes))),
        start=keep(parse.checked_date(parse.period_start, item.get("start"), "start", notes)),
        end=keep(parse.checked_date(parse.period_end, item.get("end"), "end", notes)),
        currency=currency,
    )
    if notes and problems is not None:
        problems.extend(f"item {name[:40]!r}: {note}" for note in notes)
    return result


def credit(item: Mapping[str, Any]) -> Credit:
    price = parse.money(item.get("price"))
    return Credit(
        name=parse.text(item.get("name")) or "(credit compensation)",
        kind="compensation",
        amount=parse.two_places(-price) if price is not None else None,
        unit=None,
        start=parse.period_start(item.get("start")),
        end=parse.period_end(item.get("end")),
    )


def _items(value: object, where: str, warn: Warn | None = None) -> list[Mapping[str, Any]]:
    """The item objects of a list; an entry that is not an object is skipped with one line."""
    if not isinstance(value, list):
        raise ResponseFormatError(f"{where}: expected a list of invoice items", provider=PROVIDER)
    out: list[Mapping[str, Any]] = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            if warn is not None:
                warn(f"{where}: skipped invoice item {index}: not an object ({parse.shown(item)})")
            continue
        out.append(item)
    return out


def _credits_total(items: Iterable[Mapping[str, Any]]) -> Decimal:
    prices = (parse.money(item.get("price")) for item in items)
    return parse.exact_sum(-p for p in prices if p is not None)


def _issuer(value: object) -> str | None:
    """issuer_details is the deployment's settings dict as-is (not CustomerDetails): a name."""
    issuer = _dict(value)
    return parse.text(issuer.get("company")) or parse.text(issuer.get("name"))


def _credits(
    record: Mapping[str, Any], detailed: bool, credit_items: list[Mapping[str, Any]]
) -> Decimal | None:
    """Negated sum of the credit items; without items, the negated `compensations` field."""
    if detailed:
        return parse.two_places(_credits_total(credit_items))
    compensations = parse.money(record.get("compensations"))
    return parse.two_places(-compensations) if compensations is not None else None


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
    problems: list[str] = []
    number = record.get("number")
    number_text = parse.ident(number)
    ident = parse.ident(record.get("uuid")) or number_text
    if ident is None:
        ident = parse.fallback_id(record)
        problems.append(f"no uuid: shown as {ident}")
    status, raw_status = parse.status(PROVIDER, record.get("state"))
    period = month_period(record.get("year"), record.get("month"))
    if period is None and (record.get("year") is not None or record.get("month") is not None):
        shown = f"{parse.shown(record.get('year'))}-{parse.shown(record.get('month'))}"
        problems.append(f"year/month: not a month in range ({shown})")
    money = parse.checked_money
    total = parse.two_places(money(record.get("total"), "total", problems))
    detailed = "items" in record and record.get("items") is not None
    items = _items(record.get("items"), f"invoice {ident}", warn) if detailed else []
    credit_items = [item for item in items if is_credit(item)]
    if status in (Status.PAID, Status.VOID):
        amount_due: Decimal | None = Decimal("0.00")
    else:
        amount_due = total
    api_url = parse.text(record.get("url"))
    customer_details = _dict(record.get("customer_details"))
    customer = parse.text(customer_details.get("name"))
    country = parse.text(customer_details.get("country"))
    if customer and country:
        customer = f"{customer} ({country})"
    extra: list[tuple[str, str]] = []
    offerings = _offerings(items)
    for label, value in (
        ("issuer", _issuer(record.get("issuer_details"))),
        ("issuer VAT code", parse.text(_dict(record.get("issuer_details")).get("vat_code"))),
        ("VAT code", parse.text(customer_details.get("vat_code"))),
        ("reference number", parse.text(record.get("reference_number"))),
        ("incurred costs", _number_text(record.get("incurred_costs"))),
        ("compensations", _number_text(record.get("compensations"), nonzero=True)),
        ("offerings", ", ".join(offerings) if offerings else None),
    ):
        if value:
            extra.append((label, value))
    line_items = tuple(line_item(item, currency, problems) for item in items)
    return Invoice(
        account=account,
        provider=PROVIDER,
        id=ident,
        number=number_text,
        status=status,
        status_raw=raw_status,
        issued=parse.checked_date(parse.day, record.get("invoice_date"), "invoice_date", problems),
        due=parse.checked_date(parse.day, record.get("due_date"), "due_date", problems),
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        currency=currency,
        subtotal=parse.two_places(money(record.get("price"), "price", problems)),
        tax=parse.two_places(money(record.get("tax"), "tax", problems)),
        credits=_credits(record, detailed, credit_items),
        total=total,
        amount_due=amount_due,
        url=parse.text(record.get("payment_url")) or api_url,
        line_items=line_items,
        credits_detail=tuple(credit(item) for item in credit_items),
        customer=customer,
        extra=tuple(extra),
        raw=clean_json(record),
        detailed=detailed,
        problems=parse.capped(problems),
    )


def _number_text(value: object, *, nonzero: bool = False) -> str | None:
    """A JSON number Waldur renders from a Decimal (compensations, incurred_costs), exactly."""
    amount = parse.two_places(parse.money(value))
    if amount is None or (nonzero and not amount):
        return None
    return format_decimal(amount)


def invoice_list(
    body: object, account: str, currency: str | None, offset: int = 0, warn: Warn | None = None
) -> list[Invoice]:
    """A page of /api/invoices/ (a bare JSON array); a record that is no object is skipped."""
    records = page_records(body, "/api/invoices/")
    out: list[Invoice] = []
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            if warn is not None:
                warn(f"skipped invoice record {offset + i}: not an object ({parse.shown(record)})")
            continue
        out.append(invoice(record, account, currency, offset + i, warn))
    return out


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
    from before_waldur_statements import StatementBuilder

    builder = StatementBuilder(account, currency, warn)
    builder.add(items)
    return builder.finish(now)
