"""Zilliz Cloud's v2 invoice as a tolerant pydantic model (amounts in cents).

Adopted by measurement (benchmarks/bench_wire.py, within 1.2x of the hand-written normalizer
it replaced at 100k records; the figures are in invoicetui/providers/__init__.py). Each field
is read by core/parse.py's readers (providers/wire.py); a value that was there but unreadable
is `Bad`, a problem line on the record.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from typing import Annotated, Any

from pydantic import TypeAdapter

from invoicetui.core import parse
from invoicetui.core.sanitize import clean_optional
from invoicetui.providers.wire import DATE, Bad, Wire, checked, quiet


def field_text(value: object) -> str | None:
    """A non-blank string, sanitized (not stripped): what parse.text_field reads."""
    if not isinstance(value, str):
        return None
    cleaned = clean_optional(value)
    return cleaned if cleaned and cleaned.strip() else None


def amount(value: object) -> Decimal | None:
    """Cents as exact major units (not always whole cents: the literal is read)."""
    return parse.normalize_amount(parse.cents(value))


def _exclusive_end(value: object) -> date | None:
    return parse.period_end(value, exclusive=True)


Text = Annotated[str | None, quiet(field_text)]
Cents = Annotated[Decimal | Bad | None, checked(amount)]
Start = Annotated[date | Bad | None, checked(parse.period_start, DATE)]
End = Annotated[date | Bad | None, checked(_exclusive_end, DATE)]


class InvoiceWire(Wire):
    id: Annotated[str | None, quiet(parse.ident)] = None
    orgId: Text = None
    status: Any = None
    currency: Text = None
    invoiceDate: Start = None
    dueDate: Start = None
    periodStart: Start = None
    periodEnd: End = None
    usageAmount: Cents = None
    creditsApplied: Cents = None
    alreadyBilledAmount: Cents = None
    advancePayAmount: Cents = None
    subtotal: Cents = None
    tax: Cents = None
    total: Cents = None
    amountDue: Cents = None


@cache
def _adapter() -> TypeAdapter[list[InvoiceWire]]:
    return TypeAdapter(list[InvoiceWire])


def read_invoices(records: list[dict[str, Any]]) -> list[InvoiceWire]:
    return _adapter().validate_python(records)
