"""DoiT payloads to the normalized model (list summaries and full invoices with lineItems).

Tolerant by design: a field that cannot be read becomes None; only a body whose shape is
not a DoiT list or invoice at all raises ResponseFormatError.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from invoicetui.core import parse
from invoicetui.core.errors import ResponseFormatError
from invoicetui.core.model import Invoice, LineItem
from invoicetui.core.sanitize import clean_json

PROVIDER = "doit"


def line_item(item: object, index: int) -> LineItem:
    if not isinstance(item, dict):
        return LineItem(description=f"(unreadable line item {index})")
    # The export's description is the provider's own; `details` is kept beside it.
    description = parse.text(item.get("description"))
    details = parse.text(item.get("details"))
    label = description or details or "(no description)"
    price = parse.money(item.get("price"))
    qty = parse.money(item.get("qty"))
    amount = parse.EXACT.multiply(price, qty) if price is not None and qty is not None else None
    currency = parse.text(item.get("currency"))
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
    ident = parse.text(record.get("id")) or f"record-{index}"
    status, raw_status = parse.status(PROVIDER, record.get("status"))
    currency = parse.text(record.get("currency"))
    raw_items = record.get("lineItems")
    detailed = isinstance(raw_items, list)
    items = raw_items if isinstance(raw_items, list) else []
    platform = parse.text(record.get("platform"))
    return Invoice(
        account=account,
        provider=PROVIDER,
        id=ident,
        number=parse.text(record.get("id")),
        status=status,
        status_raw=raw_status,
        issued=parse.epoch_ms_day(record.get("invoiceDate")),
        due=parse.epoch_ms_day(record.get("dueDate")),
        currency=currency.upper() if currency else None,
        total=parse.two_places(parse.money(record.get("totalAmount"))),
        amount_due=parse.two_places(parse.money(record.get("balanceAmount"))),
        url=parse.text(record.get("url")),
        line_items=tuple(line_item(item, i) for i, item in enumerate(items)),
        extra=(("platform", platform),) if platform else (),
        raw=clean_json(record),
        detailed=detailed,
    )


def invoice_page(body: object, account: str, offset: int = 0) -> tuple[list[Invoice], str | None]:
    """One page of GET /billing/v1/invoices: its invoices and the next pageToken (or None)."""
    if not isinstance(body, dict):
        raise ResponseFormatError("the invoice list is not a JSON object", provider=PROVIDER)
    records: Any = body.get("invoices")
    if records is None:
        records = []
    if not isinstance(records, list):
        raise ResponseFormatError("'invoices' in the invoice list is not a list", provider=PROVIDER)
    invoices = [invoice(r, account, offset + i) for i, r in enumerate(records)]
    token = body.get("pageToken")
    return invoices, token if isinstance(token, str) and token.strip() else None


def problem_code(data: object) -> str | None:
    """The machine code of a problem+json body (`code`), if any."""
    if isinstance(data, Mapping):
        code = data.get("code")
        if isinstance(code, str) and code.strip():
            return code.strip()
    return None
