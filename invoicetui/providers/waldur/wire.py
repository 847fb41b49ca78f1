"""Waldur's wire format as tolerant pydantic models: Invoice records and InvoiceItems.

Adopted by measurement (benchmarks/bench_wire.py, within 1.2x of the hand-written normalizer
it replaced at 100k records; the figures are in invoicetui/providers/__init__.py). Every field
is read by core/parse.py's readers (providers/wire.py); a value that was there but unreadable
is `Bad` and becomes a problem line, never a lost record.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from typing import Annotated, Any

from pydantic import TypeAdapter

from invoicetui.core import parse
from invoicetui.core.model import Credit, LineItem
from invoicetui.providers.wire import DATE, Bad, Wire, checked, good, obj, ok, quiet

Memo = dict[tuple[type, object], Any]

Text = Annotated[str | None, quiet(parse.text)]
Ident = Annotated[str | None, quiet(parse.ident)]
Money = Annotated[Decimal | None, quiet(parse.money)]
Checked = Annotated[Decimal | Bad | None, checked(parse.money)]
Day = Annotated[date | Bad | None, checked(parse.day, DATE)]
Start = Annotated[date | Bad | None, checked(parse.period_start, DATE)]
End = Annotated[date | Bad | None, checked(parse.period_end, DATE)]


def shared(memo: Memo | None, value: Any) -> Any:
    """One object for equal values (Decimals by their text: 1.0 and 1.00 stay apart)."""
    if memo is None or value is None:
        return value
    key = (Decimal, str(value)) if isinstance(value, Decimal) else (type(value), value)
    return memo.setdefault(key, value)


class Details(Wire):
    offering_name: Text = None


class ItemWire(Wire):
    """One InvoiceItem: an invoice's `items` entry, or a provider invoice item."""

    name: Text = None
    resource_name: Text = None
    billing_type: Text = None  # null on credit items (no plan component)
    credit: Any = None
    project_name: Text = None
    project_uuid: Any = None
    measured_unit: Text = None
    unit: Text = None
    quantity: Checked = None
    unit_price: Checked = None
    price: Checked = None
    tax: Checked = None
    total: Money = None
    start: Start = None
    end: End = None
    details: Annotated[Details, obj(Details)] = Details.model_construct()

    @property
    def is_credit(self) -> bool:
        """A credit compensation (`"credit": true`, made at finalization; CONTRACT.md `credits`).

        Other negative items (downtime compensations, refunds) are ordinary line items.
        """
        return self.credit is True

    def label(self) -> str:
        return self.name or self.details.offering_name or self.resource_name or "(unnamed item)"

    def project(self) -> str | None:
        """The project's name; Waldur writes "N/A" (and a null project_uuid) once it is deleted."""
        name = self.project_name
        return None if name == "N/A" and self.project_uuid is None else name

    def line_item(
        self, currency: str | None, problems: list[str] | None = None, memo: Memo | None = None
    ) -> LineItem:
        """With a memo, equal texts, amounts and days of many items are one object (a million
        provider items are mostly the same few offerings, prices and months)."""
        notes: list[str] = []
        name = self.label()
        kind = self.billing_type
        if kind is None and self.credit is True:
            kind = "credit"
        result = LineItem(
            description=shared(memo, name),
            kind=shared(memo, kind),
            project=shared(memo, self.project()),
            quantity=shared(memo, parse.plain_number(ok(self.quantity, "quantity", notes))),
            unit=shared(memo, self.measured_unit or self.unit),
            unit_price=shared(memo, parse.two_places(ok(self.unit_price, "unit_price", notes))),
            amount=shared(memo, parse.two_places(ok(self.price, "price", notes))),
            tax=shared(memo, parse.two_places(ok(self.tax, "tax", notes))),
            start=shared(memo, ok(self.start, "start", notes)),
            end=shared(memo, ok(self.end, "end", notes)),
            currency=currency,
        )
        if notes and problems is not None:
            problems.extend(f"item {name[:40]!r}: {note}" for note in notes)
        return result

    def credit_of(self) -> Credit:
        price = good(self.price)
        return Credit(
            name=self.name or "(credit compensation)",
            kind="compensation",
            amount=parse.two_places(-price) if price is not None else None,
            unit=None,
            start=good(self.start),
            end=good(self.end),
        )

    def credit_amount(self) -> Decimal:
        """What this credit item takes off: its price negated (0 when unreadable)."""
        price = good(self.price)
        return parse.exact_sum(() if price is None else (-price,))

    def month(self) -> tuple[int, int] | None:
        """The UTC month of its start, else of its end."""
        for value in (self.start, self.end):
            if value is not None and not isinstance(value, Bad):
                return (value.year, value.month)
        return None


class Party(Wire):
    """customer_details (CustomerDetails) or issuer_details (the deployment's settings dict)."""

    name: Text = None
    company: Text = None
    country: Text = None
    vat_code: Text = None


class InvoiceWire(Wire):
    """One /api/invoices/ record (its `items` are read separately: their errors differ)."""

    uuid: Ident = None
    number: Ident = None
    state: Any = None
    year: Any = None
    month: Any = None
    url: Text = None
    payment_url: Text = None
    reference_number: Text = None
    price: Checked = None
    tax: Checked = None
    total: Checked = None
    compensations: Money = None
    incurred_costs: Money = None
    invoice_date: Day = None
    due_date: Day = None
    customer_details: Annotated[Party, obj(Party)] = Party.model_construct()
    issuer_details: Annotated[Party, obj(Party)] = Party.model_construct()


@cache
def invoices_adapter() -> TypeAdapter[list[InvoiceWire]]:
    return TypeAdapter(list[InvoiceWire])


@cache
def items_adapter() -> TypeAdapter[list[ItemWire]]:
    return TypeAdapter(list[ItemWire])


def read_invoices(records: list[dict[str, Any]]) -> list[InvoiceWire]:
    return invoices_adapter().validate_python(records)


def read_items(records: list[dict[str, Any]]) -> list[ItemWire]:
    return items_adapter().validate_python(records)
