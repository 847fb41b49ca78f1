"""DoiT's wire format (an invoice with its lineItems) as tolerant pydantic models.

Adopted by measurement (benchmarks/bench_wire.py, within 1.2x of the hand-written normalizer
it replaced at 100k records; the figures are in invoicetui/providers/__init__.py). Each field
is read by core/parse.py's readers (providers/wire.py); a line item that is not an object stays
in its place as the raw value (a union tried left to right: no Python call per item), and the
builder marks it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, WrapValidator

from invoicetui.core import parse
from invoicetui.providers.wire import DATE, Bad, Wire, checked, quiet

Text = Annotated[str | None, quiet(parse.text)]
Money = Annotated[Decimal | Bad | None, checked(parse.money)]
Day = Annotated[date | Bad | None, checked(parse.epoch_ms_day, DATE)]


class ItemWire(Wire):
    description: Text = None
    details: Text = None
    type: Text = None
    currency: Text = None
    price: Money = None
    qty: Money = None


def _list_or_none(value: object, handler: Any) -> Any:
    """lineItems: a list makes the invoice detailed; anything else is no items."""
    return handler(value) if isinstance(value, list) else None


Entry = Annotated[ItemWire | Any, Field(union_mode="left_to_right")]


class InvoiceWire(Wire):
    id: Annotated[str | None, quiet(parse.ident)] = None
    status: Any = None
    currency: Text = None
    platform: Text = None
    url: Text = None
    invoiceDate: Day = None
    dueDate: Day = None
    totalAmount: Money = None
    balanceAmount: Money = None
    lineItems: Annotated[tuple[Entry, ...] | None, WrapValidator(_list_or_none)] = None


@cache
def _adapter() -> TypeAdapter[list[InvoiceWire]]:
    return TypeAdapter(list[InvoiceWire])


def read_invoices(records: list[dict[str, Any]]) -> list[InvoiceWire]:
    return _adapter().validate_python(records)
