"""DoiT payloads to the normalized model (list summaries and full invoices with lineItems).

Tolerant by design: a field that cannot be read becomes None; only a body whose shape is
not a DoiT list or invoice at all raises ResponseFormatError.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Context, Decimal, InvalidOperation
from typing import Any

from invoicetui import parse
from invoicetui.errors import ResponseFormatError
from invoicetui.model import Invoice, LineItem
from invoicetui.sanitize import clean_json, clean_optional

PROVIDER = "doit"
_CENT = Decimal("0.01")
# Wide enough that price × qty of two doubles is always exact.
_EXACT = Context(prec=80)


def money2(value: Decimal | None) -> Decimal | None:
    """Same value, written with at least two places and no padding zeros beyond them."""
    if value is None:
        return None
    try:
        normal = value.normalize(_EXACT)
        exponent = normal.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= -2:
            return value.quantize(_CENT, context=_EXACT)
        return normal
    except InvalidOperation:
        return value


def plain(value: Decimal | None) -> Decimal | None:
    """Same value without padding zeros (a qty of 1.0 is 1)."""
    if value is None:
        return None
    try:
        return parse.normalize_amount(value.normalize(_EXACT))
    except InvalidOperation:
        return value


def text(value: object) -> str | None:
    """A provider string, sanitized; empty strings count as absent."""
    cleaned = clean_optional(value)
    if cleaned is None:
        return None
    return cleaned.strip() or None


def line_item(item: object, index: int) -> LineItem:
    if not isinstance(item, dict):
        return LineItem(description=f"(unreadable line item {index})")
    # The export's description is the provider's own; `details` is kept beside it.
    description = text(item.get("description"))
    details = text(item.get("details"))
    label = description or details or "(no description)"
    price = parse.money(item.get("price"))
    qty = parse.money(item.get("qty"))
    amount = _EXACT.multiply(price, qty) if price is not None and qty is not None else None
    currency = text(item.get("currency"))
    return LineItem(
        description=label,
        kind=text(item.get("type")),
        quantity=plain(qty),
        unit_price=money2(price),
        amount=money2(amount),
        currency=currency.upper() if currency else None,
        details=details if description else None,
    )


def invoice(record: object, account: str, index: int = 0) -> Invoice:
    """A list summary or a full invoice; detailed when it carries lineItems."""
    if not isinstance(record, dict):
        raise ResponseFormatError(f"invoice record {index} is not an object", provider=PROVIDER)
    ident = text(record.get("id")) or f"record-{index}"
    status, raw_status = parse.status(PROVIDER, record.get("status"))
    currency = text(record.get("currency"))
    raw_items = record.get("lineItems")
    detailed = isinstance(raw_items, list)
    items = raw_items if isinstance(raw_items, list) else []
    platform = text(record.get("platform"))
    return Invoice(
        account=account,
        provider=PROVIDER,
        id=ident,
        number=text(record.get("id")),
        status=status,
        status_raw=raw_status,
        issued=parse.epoch_ms_day(record.get("invoiceDate")),
        due=parse.epoch_ms_day(record.get("dueDate")),
        currency=currency.upper() if currency else None,
        total=money2(parse.money(record.get("totalAmount"))),
        amount_due=money2(parse.money(record.get("balanceAmount"))),
        url=text(record.get("url")),
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
