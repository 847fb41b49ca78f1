"""DoiT payloads to the normalized model (list summaries and full invoices with lineItems).

Records are read by the wire models (wire.py), tolerant by design: a field that cannot be
read becomes None (and a problem line where it was there); only a body whose shape is not a
DoiT list or invoice at all raises ResponseFormatError.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from invoicetui.core import parse
from invoicetui.core.errors import ResponseFormatError
from invoicetui.core.model import Invoice, LineItem
from invoicetui.core.sanitize import clean_json
from invoicetui.providers.doit.wire import InvoiceWire, ItemWire, read_invoices
from invoicetui.providers.wire import ok

PROVIDER = "doit"


def line_item(item: object, index: int, problems: list[str] | None = None) -> LineItem:
    if not isinstance(item, ItemWire):
        if problems is not None:
            problems.append(f"line item {index}: not an object ({parse.shown(item)})")
        return LineItem(description=f"(unreadable line item {index})")
    notes: list[str] = []
    # The export's description is the provider's own; `details` is kept beside it.
    description, details = item.description, item.details
    label = description or details or "(no description)"
    price = ok(item.price, "price", notes)
    qty = ok(item.qty, "qty", notes)
    amount = parse.EXACT.multiply(price, qty) if price is not None and qty is not None else None
    currency = item.currency
    if notes and problems is not None:
        problems.extend(f"line item {index} ({label[:40]!r}): {note}" for note in notes)
    return LineItem(
        description=label,
        kind=item.type,
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
    (wire,) = read_invoices([record])
    return _invoice(wire, record, account)


def _invoice(wire: InvoiceWire, record: dict[str, Any], account: str) -> Invoice:
    problems: list[str] = []
    number = wire.id
    ident = number
    if ident is None:
        ident = parse.fallback_id(record)
        problems.append(f"no id: shown as {ident}")
    status, raw_status = parse.status(PROVIDER, wire.status)
    currency = wire.currency
    items = wire.lineItems or ()
    platform = wire.platform
    return Invoice(
        account=account,
        provider=PROVIDER,
        id=ident,
        number=number,
        status=status,
        status_raw=raw_status,
        issued=ok(wire.invoiceDate, "invoiceDate", problems),
        due=ok(wire.dueDate, "dueDate", problems),
        currency=currency.upper() if currency else None,
        total=parse.two_places(ok(wire.totalAmount, "totalAmount", problems)),
        # May be negative (a credit on account, DoiT's reconciliation file): the sign stays.
        amount_due=parse.two_places(ok(wire.balanceAmount, "balanceAmount", problems)),
        url=wire.url,
        line_items=tuple(line_item(item, i, problems) for i, item in enumerate(items)),
        extra=(("platform", platform),) if platform else (),
        raw=clean_json(record),
        detailed=wire.lineItems is not None,
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
    kept: list[dict[str, Any]] = []
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            if warn is not None:
                warn(f"skipped invoice record {offset + i}: not an object ({parse.shown(record)})")
            continue
        kept.append(record)
    wires = read_invoices(kept)
    invoices = [_invoice(w, r, account) for w, r in zip(wires, kept, strict=True)]
    token = body.get("pageToken")
    return invoices, token if isinstance(token, str) and token.strip() else None


def problem_code(data: object) -> str | None:
    """The machine code of a problem+json body (`code`), if any."""
    if isinstance(data, Mapping):
        code = data.get("code")
        if isinstance(code, str) and code.strip():
            return code.strip()
    return None
