"""DoiT's hand-written normalizer before the wire models (commit e58c8f2), for bench_wire.py.

Kept verbatim so that "normalizer (today)" stays measurable after adoption.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import before_parse as parse

from invoicetui.core.errors import ResponseFormatError
from invoicetui.core.model import Invoice, LineItem
from invoicetui.core.sanitize import clean_json

PROVIDER = "doit"


def line_item(item: object, index: int, problems: list[str] | None = None) -> LineItem:
    if not isinstance(item, dict):
        if problems is not None:
            problems.append(f"line item {index}: not an object ({parse.shown(item)})")
        return LineItem(description=f"(unreadable line item {index})")
    notes: list[str] = []
    # The export's description is the provider's own; `details` is kept beside it.
    description = parse.text(item.get("description"))
    details = parse.text(item.get("details"))
    label = description or details or "(no description)"
    price = parse.checked_money(item.get("price"), "price", notes)
    qty = parse.checked_money(item.get("qty"), "qty", notes)
    amount = parse.EXACT.multiply(price, qty) if price is not None and qty is not None else None
    currency = parse.text(item.get("currency"))
    if notes and problems is not None:
        problems.extend(f"line item {index} ({label[:40]!r}): {note}" for note in notes)
    return LineItem(
        description=label,
        kind=parse.text(item.get("type")),
        quantity=parse.plain_number(qty),
        unit_price=parse.two_places(price),
        amount=parse.two_places(amount),
        currency=currency.upper() if currency else None,
        details=details if description else None,
    )


def invoice(record: object, account: str, index: int = 0) -> Invoice:
    """A list summary or a full invoice; detailed when it carries lineItems."""
    if not isinstance(record, dict):
        raise ResponseFormatError(f"invoice record {index} is not an object", provider=PROVIDER)
    problems: list[str] = []
    number = parse.ident(record.get("id"))
    ident = number
    if ident is None:
        ident = parse.fallback_id(record)
        problems.append(f"no id: shown as {ident}")
    status, raw_status = parse.status(PROVIDER, record.get("status"))
    currency = parse.text(record.get("currency"))
    raw_items = record.get("lineItems")
    detailed = isinstance(raw_items, list)
    items = raw_items if isinstance(raw_items, list) else []
    platform = parse.text(record.get("platform"))
    money, when = parse.checked_money, parse.checked_date
    return Invoice(
        account=account,
        provider=PROVIDER,
        id=ident,
        number=number,
        status=status,
        status_raw=raw_status,
        issued=when(parse.epoch_ms_day, record.get("invoiceDate"), "invoiceDate", problems),
        due=when(parse.epoch_ms_day, record.get("dueDate"), "dueDate", problems),
        currency=currency.upper() if currency else None,
        total=parse.two_places(money(record.get("totalAmount"), "totalAmount", problems)),
        # May be negative (a credit on account, DoiT's reconciliation file): the sign stays.
        amount_due=parse.two_places(money(record.get("balanceAmount"), "balanceAmount", problems)),
        url=parse.text(record.get("url")),
        line_items=tuple(line_item(item, i, problems) for i, item in enumerate(items)),
        extra=(("platform", platform),) if platform else (),
        raw=clean_json(record),
        detailed=detailed,
        problems=parse.capped(problems),
    )


def invoice_page(
    body: object, account: str, offset: int = 0, warn: Callable[[str], None] | None = None
) -> tuple[list[Invoice], str | None]:
    """One page of GET /billing/v1/invoices: its invoices and the next pageToken (or None).

    An absent or empty pageToken ends the list (as DoiT's own Terraform client reads it). A
    record that is not an object is skipped, with one line through `warn`.
    """
    if not isinstance(body, dict):
        raise ResponseFormatError("the invoice list is not a JSON object", provider=PROVIDER)
    records: Any = body.get("invoices")
    if records is None:
        records = []
    if not isinstance(records, list):
        raise ResponseFormatError("'invoices' in the invoice list is not a list", provider=PROVIDER)
    invoices: list[Invoice] = []
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            if warn is not None:
                warn(f"skipped invoice record {offset + i}: not an object ({parse.shown(record)})")
            continue
        invoices.append(invoice(record, account, offset + i))
    token = body.get("pageToken")
    return invoices, token if isinstance(token, str) and token.strip() else None


def problem_code(data: object) -> str | None:
    """The machine code of a problem+json body (`code`), if any."""
    if isinstance(data, Mapping):
        code = data.get("code")
        if isinstance(code, str) and code.strip():
            return code.strip()
    return None
