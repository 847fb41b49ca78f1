"""Pydantic wire models of Waldur's invoices and provider invoice items, measured by bench_wire.py.

Same method as wire_models.py: tolerant leaves calling the normalizer's readers (core/parse.py)
inside never-failing WrapValidators, `Bad` for a value that was there but unreadable (a problem
note on the record), an object that is not one read as empty. Outputs are the normalizer's:
invoice_list's Invoices, and StatementBuilder's monthly statements (its _Month fed from models).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import TypeAdapter, WrapValidator
from wire_models import Bad, _leaf, _ok, _quiet, _Wire

from invoicetui.core import parse
from invoicetui.core.model import Credit, Invoice, LineItem, Status, format_decimal
from invoicetui.core.sanitize import clean_json
from invoicetui.providers.waldur import normalize as wm
from invoicetui.providers.waldur.statements import StatementBuilder, _Month

DATE = f"not a date in {parse.MIN_YEAR}-{parse.MAX_YEAR}"
Text = Annotated[str | None, _quiet(parse.text)]
Money = Annotated[Decimal | None, _quiet(parse.money)]
Checked = Annotated[Decimal | Bad | None, _leaf(parse.money)]
Day = Annotated[date | Bad | None, _leaf(parse.day, DATE)]
Start = Annotated[date | Bad | None, _leaf(parse.period_start, DATE)]
End = Annotated[date | Bad | None, _leaf(parse.period_end, DATE)]


def _dict_or_empty(value: object, handler: Callable[[object], Any]) -> Any:
    return handler(value if isinstance(value, dict) else {})


class Details(_Wire):
    offering_name: Text = None


class ItemWire(_Wire):
    """One InvoiceItem (an invoice's `items` entry, or a provider invoice item)."""

    name: Text = None
    resource_name: Text = None
    billing_type: Text = None
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
    details: Annotated[Details, WrapValidator(_dict_or_empty)] = Details()

    def label(self) -> str:
        return self.name or self.details.offering_name or self.resource_name or "(unnamed item)"

    def project(self) -> str | None:
        name = self.project_name
        return None if name == "N/A" and self.project_uuid is None else name

    def money(self, value: Any) -> Decimal | None:
        return None if isinstance(value, Bad) else value

    def to_item(
        self, currency: str | None, problems: list[str] | None, memo: wm.Memo | None = None
    ) -> LineItem:
        notes: list[str] = []
        name = self.label()
        kind = self.billing_type
        if kind is None and self.credit is True:
            kind = "credit"

        def keep(value: Any) -> Any:
            return wm._shared(memo, value)

        result = LineItem(
            description=keep(name),
            kind=keep(kind),
            project=keep(self.project()),
            quantity=keep(parse.plain_number(_ok(self.quantity, "quantity", notes))),
            unit=keep(self.measured_unit or self.unit),
            unit_price=keep(parse.two_places(_ok(self.unit_price, "unit_price", notes))),
            amount=keep(parse.two_places(_ok(self.price, "price", notes))),
            tax=keep(parse.two_places(_ok(self.tax, "tax", notes))),
            start=keep(_ok(self.start, "start", notes)),
            end=keep(_ok(self.end, "end", notes)),
            currency=currency,
        )
        if notes and problems is not None:
            problems.extend(f"item {name[:40]!r}: {note}" for note in notes)
        return result

    def to_credit(self) -> Credit:
        price = self.money(self.price)
        start, end = self.money(self.start), self.money(self.end)
        return Credit(
            name=self.name or "(credit compensation)",
            kind="compensation",
            amount=parse.two_places(-price) if price is not None else None,
            unit=None,
            start=start,
            end=end,
        )

    def month(self) -> tuple[int, int] | None:
        """normalize._item_month: the UTC month of start, else of end."""
        for value in (self.start, self.end):
            if value is not None and not isinstance(value, Bad):
                return (value.year, value.month)
        return None


class Party(_Wire):
    name: Text = None
    company: Text = None
    country: Text = None
    vat_code: Text = None


PartyPart = Annotated[Party, WrapValidator(_dict_or_empty)]


class InvoiceWire(_Wire):
    uuid: Annotated[str | None, _quiet(parse.ident)] = None
    number: Annotated[str | None, _quiet(parse.ident)] = None
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
    customer_details: PartyPart = Party()
    issuer_details: PartyPart = Party()

    def to_invoice(
        self,
        record: dict[str, Any],
        items: list[ItemWire] | None,
        account: str,
        currency: str | None,
    ) -> Invoice:
        problems: list[str] = []
        ident = self.uuid or self.number
        if ident is None:
            ident = parse.fallback_id(record)
            problems.append(f"no uuid: shown as {ident}")
        status, raw_status = parse.status(wm.PROVIDER, self.state)
        period = wm.month_period(self.year, self.month)
        if period is None and (self.year is not None or self.month is not None):
            shown = f"{parse.shown(self.year)}-{parse.shown(self.month)}"
            problems.append(f"year/month: not a month in range ({shown})")
        total = parse.two_places(_ok(self.total, "total", problems))
        detailed = items is not None
        items = items or []
        credit_items = [item for item in items if item.credit is True]
        due = Decimal("0.00") if status in (Status.PAID, Status.VOID) else total
        customer = self.customer_details.name
        country = self.customer_details.country
        if customer and country:
            customer = f"{customer} ({country})"
        offerings = list(dict.fromkeys(i.details.offering_name for i in items
                                       if i.details.offering_name))  # fmt: skip
        issuer = self.issuer_details
        extra = [
            (label, value)
            for label, value in (
                ("issuer", issuer.company or issuer.name),
                ("issuer VAT code", issuer.vat_code),
                ("VAT code", self.customer_details.vat_code),
                ("reference number", self.reference_number),
                ("incurred costs", _number_text(self.incurred_costs)),
                ("compensations", _number_text(self.compensations, nonzero=True)),
                ("offerings", ", ".join(offerings) if offerings else None),
            )
            if value
        ]
        line_items = tuple(item.to_item(currency, problems) for item in items)
        if detailed:
            credits = parse.two_places(
                parse.exact_sum(-p for p in (i.money(i.price) for i in credit_items) if p is not None)
            )
        else:
            credits = parse.two_places(-self.compensations) if self.compensations is not None else None
        return Invoice(
            account=account,
            provider=wm.PROVIDER,
            id=ident,
            number=self.number,
            status=status,
            status_raw=raw_status,
            issued=_ok(self.invoice_date, "invoice_date", problems),
            due=_ok(self.due_date, "due_date", problems),
            period_start=period[0] if period else None,
            period_end=period[1] if period else None,
            currency=currency,
            subtotal=parse.two_places(_ok(self.price, "price", problems)),
            tax=parse.two_places(_ok(self.tax, "tax", problems)),
            credits=credits,
            total=total,
            amount_due=due,
            url=self.payment_url or self.url,
            line_items=line_items,
            credits_detail=tuple(item.to_credit() for item in credit_items),
            customer=customer,
            extra=tuple(extra),
            raw=clean_json(record),
            detailed=detailed,
            problems=parse.capped(problems),
        )


def _number_text(amount: Decimal | None, *, nonzero: bool = False) -> str | None:
    amount = parse.two_places(amount)
    if amount is None or (nonzero and not amount):
        return None
    return format_decimal(amount)


INVOICES = TypeAdapter(list[InvoiceWire])
ITEMS = TypeAdapter(list[ItemWire])


def invoice_list(
    body: object, account: str, currency: str | None, offset: int = 0, warn: wm.Warn | None = None
) -> list[Invoice]:
    """normalize.invoice_list through the models (same skips, warnings and errors)."""
    records = wm.page_records(body, "/api/invoices/")
    kept: list[dict[str, Any]] = []
    for i, record in enumerate(records):
        if isinstance(record, dict):
            kept.append(record)
        elif warn is not None:
            warn(f"skipped invoice record {offset + i}: not an object ({parse.shown(record)})")
    out: list[Invoice] = []
    for wire, record in zip(INVOICES.validate_python(kept), kept, strict=True):
        raw_items = record.get("items")
        items = None
        if raw_items is not None:
            where = f"invoice {wire.uuid or wire.number}"
            items = ITEMS.validate_python(wm._items(raw_items, where, warn))
        out.append(wire.to_invoice(record, items, account, currency))
    return out


class WireMonth(_Month):
    def add_wire(self, order: int, item: ItemWire, currency: str | None, memo: wm.Memo) -> None:
        self.line_items.append((order, item.to_item(currency, self.problems, memo)))
        sums = self.sums
        for name, value in (("price", item.price), ("tax", item.tax), ("total", item.total)):
            if value is not None and not isinstance(value, Bad):
                known = sums[name]
                sums[name] = value if known is None else parse.exact_sum((known, value))
        if item.credit is True:
            self.credits.append((order, item.to_credit()))
            price = item.money(item.price)
            credit = parse.exact_sum(() if price is None else (-price,))
            self.credit_total = parse.exact_sum((self.credit_total, credit))
        project = item.project()
        if project is not None:
            self.projects.add(project)
        offering = item.details.offering_name
        if offering:
            self.offerings.setdefault(wm._shared(memo, offering), None)


class WireStatementBuilder(StatementBuilder):
    """StatementBuilder whose pages are read by the models."""

    def _add(self, records: Sequence[object], order: int) -> None:
        where = "/api/provider-invoice-items/"
        kept: list[tuple[int, dict[str, Any]]] = []
        for index, record in enumerate(records):
            if isinstance(record, dict):
                kept.append((order + index, record))
            elif self.warn is not None:
                self.warn(
                    f"{where}: skipped invoice item {order + index}: not an object"
                    f" ({parse.shown(record)})"
                )
        wires = ITEMS.validate_python([record for _, record in kept])
        for (position, _), item in zip(kept, wires, strict=True):
            key = item.month()
            month = self._months.get(key)
            if month is None:
                month = self._months[key] = WireMonth()
            assert isinstance(month, WireMonth)
            month.add_wire(position, item, self.currency, self._memo)
