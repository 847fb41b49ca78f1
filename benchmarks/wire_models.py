"""Pydantic wire models of the DoiT and Zilliz invoice pages, measured by bench_wire.py.

Tolerant leaves: each field is read by the same reader the normalizer uses (core/parse.py),
inside a pydantic WrapValidator that never fails; a value that was there but unreadable
becomes `Bad`, which turns into a problem note on the record (the record is kept and marked,
never dropped). `extra="ignore"`. The output is the normalizers' Invoice, compared for
equality by the benchmark before it times anything.

These live in benchmarks/ because they were not within 1.2x of the normalizers (see
bench_wire.py's docstring and the normalizers' docstrings for the figures): unused models in
the package would be dead code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainValidator, TypeAdapter

from invoicetui.core import parse
from invoicetui.core.model import Credit, Invoice, LineItem, format_decimal
from invoicetui.core.sanitize import clean_json


class Bad:
    """A value that was there but could not be read: it becomes a problem note."""

    __slots__ = ("note",)

    def __init__(self, note: str) -> None:
        self.note = note


def _leaf(reader: Callable[[object], Any], what: str = "not a finite decimal") -> PlainValidator:
    """reader(value), or Bad for a value that was there and could not be read."""

    def read(value: object) -> Any:
        result = reader(value)
        if result is None and value is not None and value != "":
            return Bad(f"{what} ({parse.shown(value)})")
        return result

    return PlainValidator(read)


def _quiet(reader: Callable[[object], Any]) -> PlainValidator:
    """reader(value) alone: one Python call per field (a WrapValidator lambda made two)."""
    return PlainValidator(reader)


DATE = f"not a date in {parse.MIN_YEAR}-{parse.MAX_YEAR}"
Text = Annotated[str | None, _quiet(parse.text)]
Ident = Annotated[str | None, _quiet(parse.ident)]
Money = Annotated[Decimal | Bad | None, _leaf(parse.money)]
Cents = Annotated[Decimal | Bad | None, _leaf(parse.cents)]
DoitDay = Annotated[date | Bad | None, _leaf(parse.epoch_ms_day, DATE)]
Start = Annotated[date | Bad | None, _leaf(parse.period_start, DATE)]
End = Annotated[date | Bad | None, _leaf(lambda v: parse.period_end(v, exclusive=True), DATE)]


def _ok(value: Any, field: str, problems: list[str]) -> Any:
    if isinstance(value, Bad):
        problems.append(f"{field}: {value.note}")
        return None
    return value


class _Wire(BaseModel):
    """Wire fields are the providers' own names. Frozen, so hashable: pydantic deep-copies
    an unhashable default (a nested model's empty instance) for every record without it."""

    model_config = ConfigDict(
        extra="ignore", hide_input_in_errors=True, arbitrary_types_allowed=True, frozen=True
    )


# ---------------------------------------------------------------------- DoiT


class DoitItemWire(_Wire):
    description: Text = None
    details: Text = None
    type: Text = None
    currency: Text = None
    price: Money = None
    qty: Money = None

    def to_item(self, index: int, problems: list[str]) -> LineItem:
        notes: list[str] = []
        label = self.description or self.details or "(no description)"
        price, qty = _ok(self.price, "price", notes), _ok(self.qty, "qty", notes)
        amount = parse.EXACT.multiply(price, qty) if price is not None and qty is not None else None
        problems.extend(f"line item {index} ({label[:40]!r}): {note}" for note in notes)
        return LineItem(
            description=label,
            kind=self.type,
            quantity=parse.plain_number(qty),
            unit_price=parse.two_places(price),
            amount=parse.two_places(amount),
            currency=self.currency.upper() if self.currency else None,
            details=self.details if self.description else None,
        )


class DoitInvoiceWire(_Wire):
    id: Ident = None
    status: Any = None
    currency: Text = None
    platform: Text = None
    url: Text = None
    invoiceDate: DoitDay = None
    dueDate: DoitDay = None
    totalAmount: Money = None
    balanceAmount: Money = None
    lineItems: list[DoitItemWire] | None = None

    def to_invoice(self, record: dict[str, Any], account: str) -> Invoice:
        problems: list[str] = []
        ident = self.id if self.id is not None else parse.fallback_id(record)
        if self.id is None:
            problems.append(f"no id: shown as {ident}")
        status, raw_status = parse.status("doit", self.status)
        items = self.lineItems or []
        return Invoice(
            account=account,
            provider="doit",
            id=ident,
            number=self.id,
            status=status,
            status_raw=raw_status,
            issued=_ok(self.invoiceDate, "invoiceDate", problems),
            due=_ok(self.dueDate, "dueDate", problems),
            currency=self.currency.upper() if self.currency else None,
            total=parse.two_places(_ok(self.totalAmount, "totalAmount", problems)),
            amount_due=parse.two_places(_ok(self.balanceAmount, "balanceAmount", problems)),
            url=self.url,
            line_items=tuple(item.to_item(i, problems) for i, item in enumerate(items)),
            extra=(("platform", self.platform),) if self.platform else (),
            raw=clean_json(record),
            detailed=self.lineItems is not None,
            problems=parse.capped(problems),
        )


DOIT_PAGE = TypeAdapter(list[DoitInvoiceWire])


def doit_page(body: dict[str, Any], account: str) -> list[Invoice]:
    records = body["invoices"]
    wires = DOIT_PAGE.validate_python(records)
    return [w.to_invoice(r, account) for w, r in zip(wires, records, strict=True)]


# ---------------------------------------------------------------------- Zilliz


class ZillizInvoiceWire(_Wire):
    id: Ident = None
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

    def to_invoice(self, record: dict[str, Any], account: str) -> Invoice:
        problems: list[str] = []
        ident = self.id if self.id is not None else parse.fallback_id(record)
        if self.id is None:
            problems.append(f"no id: shown as {ident}")
        state, raw = parse.status("zilliz", self.status)
        currency = self.currency.upper()[:16] if self.currency else None

        def cents(value: Any, field: str, note: bool = True) -> Decimal | None:
            if not note:
                return parse.normalize_amount(None if isinstance(value, Bad) else value)
            found = _ok(value, field, problems)
            return parse.normalize_amount(found)

        credits = cents(self.creditsApplied, "creditsApplied")
        detail = (Credit(name="Credits applied", amount=credits, unit=currency),) if credits else ()
        extra = [
            ("Usage", format_decimal(cents(self.usageAmount, "", False))),
            ("Already billed", format_decimal(cents(self.alreadyBilledAmount, "", False))),
            ("Advance payment", format_decimal(cents(self.advancePayAmount, "", False))),
            ("Organization", self.orgId),
        ]
        return Invoice(
            account=account,
            provider="zilliz",
            id=ident,
            status=state,
            status_raw=raw,
            issued=_ok(self.invoiceDate, "invoiceDate", problems),
            due=_ok(self.dueDate, "dueDate", problems),
            period_start=_ok(self.periodStart, "periodStart", problems),
            period_end=_ok(self.periodEnd, "periodEnd", problems),
            currency=currency,
            subtotal=cents(self.subtotal, "subtotal"),
            tax=cents(self.tax, "tax"),
            credits=credits,
            total=cents(self.total, "total"),
            amount_due=cents(self.amountDue, "amountDue"),
            credits_detail=detail,
            extra=tuple((k, v) for k, v in extra if v is not None),
            raw=clean_json(record),
            detailed=True,
            problems=parse.capped(problems),
        )


ZILLIZ_PAGE = TypeAdapter(list[ZillizInvoiceWire])


def zilliz_page(body: dict[str, Any], account: str) -> list[Invoice]:
    records = body["data"]["invoices"]
    wires = ZILLIZ_PAGE.validate_python(records)
    return [w.to_invoice(r, account) for w, r in zip(wires, records, strict=True)]
