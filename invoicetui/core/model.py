"""The one normalized model shared by clients, cache, export and UI (see CONTRACT.md).

Plain slotted dataclasses rather than pydantic: the UI holds 100k of them, and pydantic
validation is for untrusted provider payloads, which the clients parse before building these.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

# Views of the provider registry (the one table of provider facts), kept for their importers.
from invoicetui.providers import registry

PROVIDERS = registry.PROVIDERS
PROVIDER_LABELS = registry.LABELS
PROVIDER_SHORT = registry.SHORT_LABELS


class Status(enum.StrEnum):
    """The project's status vocabulary (CONTRACT.md)."""

    DRAFT = "draft"
    OPEN = "open"
    PROCESSING = "processing"
    OVERDUE = "overdue"
    FAILED = "failed"
    PAID = "paid"
    ISSUED = "issued"
    VOID = "void"
    DISPUTED = "disputed"
    UNKNOWN = "unknown"


# Statuses for which nothing is owed any more.
SETTLED = frozenset({Status.PAID, Status.VOID})
# Statuses whose money is still owed.
OUTSTANDING = frozenset({Status.OPEN, Status.PROCESSING, Status.OVERDUE, Status.FAILED})

Day = date  # a `date` or a `datetime` (always UTC-aware); datetime is a subclass of date


@dataclass(frozen=True, slots=True)
class LineItem:
    """One charge of an invoice, as the provider itemises it."""

    description: str
    kind: str | None = None
    project: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    unit_price: Decimal | None = None
    amount: Decimal | None = None
    tax: Decimal | None = None
    start: Day | None = None
    end: Day | None = None
    currency: str | None = None
    # Not part of the export format: more text about the item (DoiT `details`), for the UI.
    details: str | None = None


@dataclass(frozen=True, slots=True)
class Credit:
    """A credit applied to an invoice (a discount, a promotion, a prepayment)."""

    name: str
    kind: str | None = None
    amount: Decimal | None = None
    unit: str | None = None
    start: Day | None = None
    end: Day | None = None


@dataclass(frozen=True, slots=True)
class Payment:
    """One payment attempt on an invoice, and how it went."""

    state: Status
    state_raw: str | None
    at: datetime | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True)
class Invoice:
    """One invoice (or, for Waldur's provider role, one monthly statement)."""

    account: str
    provider: str
    id: str
    number: str | None = None
    status: Status = Status.UNKNOWN
    status_raw: str | None = None
    issued: Day | None = None
    due: Day | None = None
    period_start: Day | None = None
    period_end: Day | None = None
    currency: str | None = None
    subtotal: Decimal | None = None
    tax: Decimal | None = None
    credits: Decimal | None = None
    total: Decimal | None = None
    amount_due: Decimal | None = None
    url: str | None = None
    line_items: tuple[LineItem, ...] = ()
    credits_detail: tuple[Credit, ...] = ()
    payments: tuple[Payment, ...] = ()
    # Not part of the export format: what the detail pane shows besides the contract fields.
    customer: str | None = None
    extra: tuple[tuple[str, str], ...] = ()
    raw: Any = None
    # False while only a list summary is known (details not fetched yet).
    detailed: bool = True
    # What could not be read in the provider's record (CONTRACT.md "Untrusted input"): the
    # invoice is kept with the rest and marked, e.g. "total: not a finite decimal ('NaN')".
    problems: tuple[str, ...] = ()

    @property
    def month(self) -> str | None:
        """YYYY-MM of period_start, or of issued where there is no period (CONTRACT.md)."""
        anchor = self.period_start or self.issued
        return f"{anchor.year:04d}-{anchor.month:02d}" if anchor else None

    @property
    def label(self) -> str:
        """What a person calls this invoice: its number where it has one, else its id."""
        return self.number or self.id


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    """Everything known about one account at one time."""

    account: str
    provider: str
    invoices: tuple[Invoice, ...]
    fetched_at: datetime | None  # when the data was fetched from the provider (UTC)
    from_cache: bool = False
    stale: bool = False
    error: str | None = None
    # Things the user should know that are not failures, each one line naming the account:
    # a record skipped, or a count the provider reported that the pages did not match.
    warnings: tuple[str, ...] = ()


def utcnow() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------- JSON (export format)


def format_decimal(value: Decimal | None) -> str | None:
    """Exact, never in exponent notation."""
    if value is None:
        return None
    if value.is_zero():
        value = abs(value)  # "-0.00" is "0.00"
    return format(value, "f")


def format_day(value: date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
        micros = value.microsecond
        spec = "seconds" if not micros else "milliseconds" if micros % 1000 == 0 else "microseconds"
        text = value.isoformat(timespec=spec)
        return text.replace("+00:00", "Z")
    return value.isoformat()


@functools.lru_cache(maxsize=1 << 16)
def parse_day(value: str | None) -> date | None:
    """Inverse of format_day, for the cache (memoized: 1M line items share a few dozen days)."""
    if value is None:
        return None
    if "T" in value:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    return date.fromisoformat(value)


@functools.lru_cache(maxsize=1 << 16, typed=True)
def _dec(value: str | None) -> Decimal | None:
    """A Decimal from its cache text; equal texts share one (immutable) Decimal object."""
    return None if value is None else Decimal(value)


def line_item_to_json(item: LineItem) -> dict[str, Any]:
    return {
        "description": item.description,
        "kind": item.kind,
        "project": item.project,
        "quantity": format_decimal(item.quantity),
        "unit": item.unit,
        "unit_price": format_decimal(item.unit_price),
        "amount": format_decimal(item.amount),
        "tax": format_decimal(item.tax),
        "start": format_day(item.start),
        "end": format_day(item.end),
    }


def credit_to_json(credit: Credit) -> dict[str, Any]:
    return {
        "name": credit.name,
        "kind": credit.kind,
        "amount": format_decimal(credit.amount),
        "unit": credit.unit,
        "start": format_day(credit.start),
        "end": format_day(credit.end),
    }


def payment_to_json(payment: Payment) -> dict[str, Any]:
    return {
        "state": payment.state.value,
        "state_raw": payment.state_raw,
        "at": format_day(payment.at),
        "message": payment.message,
    }


def invoice_to_json(inv: Invoice) -> dict[str, Any]:
    """The export object of CONTRACT.md, key order included."""
    return {
        "account": inv.account,
        "provider": inv.provider,
        "id": inv.id,
        "number": inv.number,
        "status": inv.status.value,
        "status_raw": inv.status_raw,
        "issued": format_day(inv.issued),
        "due": format_day(inv.due),
        "period_start": format_day(inv.period_start),
        "period_end": format_day(inv.period_end),
        "currency": inv.currency,
        "subtotal": format_decimal(inv.subtotal),
        "tax": format_decimal(inv.tax),
        "credits": format_decimal(inv.credits),
        "total": format_decimal(inv.total),
        "amount_due": format_decimal(inv.amount_due),
        "url": inv.url,
        "line_items": [line_item_to_json(li) for li in inv.line_items],
        "credits_detail": [credit_to_json(c) for c in inv.credits_detail],
        "payments": [payment_to_json(p) for p in inv.payments],
        "problems": list(inv.problems),
    }


def invoice_to_cache_json(inv: Invoice) -> dict[str, Any]:
    """Export object plus what only the UI needs; what the cache stores."""
    data = invoice_to_json(inv)
    for item_json, item in zip(data["line_items"], inv.line_items, strict=True):
        item_json["currency"] = item.currency
        if item.details is not None:
            item_json["details"] = item.details
    data["customer"] = inv.customer
    data["extra"] = [list(pair) for pair in inv.extra]
    data["raw"] = inv.raw
    data["detailed"] = inv.detailed
    return data


def invoice_from_json(data: dict[str, Any]) -> Invoice:
    """Inverse of invoice_to_cache_json (also reads plain export objects)."""
    return Invoice(
        account=data["account"],
        provider=data["provider"],
        id=data["id"],
        number=data.get("number"),
        status=Status(data.get("status", "unknown")),
        status_raw=data.get("status_raw"),
        issued=parse_day(data.get("issued")),
        due=parse_day(data.get("due")),
        period_start=parse_day(data.get("period_start")),
        period_end=parse_day(data.get("period_end")),
        currency=data.get("currency"),
        subtotal=_dec(data.get("subtotal")),
        tax=_dec(data.get("tax")),
        credits=_dec(data.get("credits")),
        total=_dec(data.get("total")),
        amount_due=_dec(data.get("amount_due")),
        url=data.get("url"),
        line_items=tuple(
            LineItem(
                description=li.get("description") or "",
                kind=li.get("kind"),
                project=li.get("project"),
                quantity=_dec(li.get("quantity")),
                unit=li.get("unit"),
                unit_price=_dec(li.get("unit_price")),
                amount=_dec(li.get("amount")),
                tax=_dec(li.get("tax")),
                start=parse_day(li.get("start")),
                end=parse_day(li.get("end")),
                currency=li.get("currency"),
                details=li.get("details"),
            )
            for li in data.get("line_items") or ()
        ),
        credits_detail=tuple(
            Credit(
                name=c.get("name") or "",
                kind=c.get("kind"),
                amount=_dec(c.get("amount")),
                unit=c.get("unit"),
                start=parse_day(c.get("start")),
                end=parse_day(c.get("end")),
            )
            for c in data.get("credits_detail") or ()
        ),
        payments=tuple(
            Payment(
                state=Status(p.get("state", "unknown")),
                state_raw=p.get("state_raw"),
                at=_as_datetime(parse_day(p.get("at"))),
                message=p.get("message"),
            )
            for p in data.get("payments") or ()
        ),
        customer=data.get("customer"),
        extra=tuple((str(k), str(v)) for k, v in data.get("extra") or ()),
        raw=data.get("raw"),
        detailed=bool(data.get("detailed", True)),
        problems=tuple(str(p) for p in data.get("problems") or ()),
    )


def _as_datetime(value: date | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day, tzinfo=UTC)
