"""Pydantic wire models of Palette's v1Invoice, measured by bench_wire.py against the normalizer.

Same method as wire_models.py (DoiT, Zilliz): tolerant leaves calling the normalizer's own
readers inside never-failing WrapValidators; an object that is not one reads as empty, a list
keeps only its objects (as normalize.obj / normalize.items do); `Bad` marks a value that was
there but unreadable, and becomes a problem note. The output is the normalizer's Invoice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import TypeAdapter, WrapValidator
from wire_models import Bad, _leaf, _ok, _quiet, _Wire

from invoicetui.core import parse
from invoicetui.core.model import SETTLED, Credit, Invoice, LineItem, Payment, Status
from invoicetui.core.sanitize import clean_json, clean_optional
from invoicetui.providers.palette.normalize import (
    _EPOCH,
    _LIFECYCLE,
    _MAX_ITEMS,
    DEFAULT_CURRENCY,
    PROVIDER,
    _fmt,
)

M = TypeVar("M", bound=_Wire)


def _field_text(value: object) -> str | None:
    """normalize.text (parse.text_field): a non-blank string, sanitized, not stripped."""
    if not isinstance(value, str):
        return None
    cleaned = clean_optional(value)
    return cleaned if cleaned and cleaned.strip() else None


def _number(value: object) -> Decimal | None:
    return parse.normalize_amount(parse.money(value))


def _obj(model: type[M]) -> WrapValidator:
    """An object, else the model with every field absent (normalize.obj gives {})."""
    empty = model()

    def read(value: object, handler: Callable[[object], Any]) -> Any:
        return handler(value) if isinstance(value, dict) else empty

    return WrapValidator(read)


def _objs(value: object, handler: Callable[[object], Any]) -> Any:
    """The objects of a list, at most _MAX_ITEMS read (normalize.items)."""
    if not isinstance(value, list):
        return []
    return handler([v for v in value[:_MAX_ITEMS] if isinstance(v, dict)])


Text = Annotated[str | None, _quiet(_field_text)]
Num = Annotated[Decimal | None, _quiet(_number)]
CheckedNum = Annotated[Decimal | Bad | None, _leaf(_number)]
Uid = Annotated[str | None, _quiet(parse.ident)]
Name = Annotated[str | None, _quiet(lambda v: parse.ident(v) if isinstance(v, str) else None)]
Stamp = Annotated[datetime | None, _quiet(parse.timestamp)]
Created = Annotated[
    datetime | Bad | None, _leaf(parse.timestamp, f"not a date in {parse.MIN_YEAR}-{parse.MAX_YEAR}")
]
Start = Annotated[date | None, _quiet(parse.period_start)]
End = Annotated[date | None, _quiet(parse.period_end)]


class Usage(_Wire):
    usedCredits: Num = None
    tierPrice: Num = None


class ProjectUsage(_Wire):
    pure: Annotated[Usage, _obj(Usage)] = Usage()
    alloy: Annotated[Usage, _obj(Usage)] = Usage()


class Project(_Wire):
    projectName: Text = None
    projectUid: Text = None
    amount: Num = None
    usage: Annotated[ProjectUsage, _obj(ProjectUsage)] = ProjectUsage()


class State(_Wire):
    state: Any = None
    paymentMsg: Text = None
    timestamp: Stamp = None


class Product(_Wire):
    tierName: Text = None
    tierPrice: Num = None
    usedCredits: Num = None
    billableCredits: Num = None
    freeCredits: Num = None
    amount: Num = None


def _product_or_none(value: object, handler: Callable[[object], Any]) -> Any:
    return handler(value) if isinstance(value, dict) and value else None


ProductPart = Annotated[Product | None, WrapValidator(_product_or_none)]


class Products(_Wire):
    pure: ProductPart = None
    alloy: ProductPart = None


class StatusPart(_Wire):
    billableAmount: CheckedNum = None
    productInvoice: Annotated[Products, _obj(Products)] = Products()
    projects: Annotated[list[Project], WrapValidator(_objs)] = ()
    states: Annotated[list[State], WrapValidator(_objs)] = ()
    stripeInvoiceId: Text = None


class PlanCredit(_Wire):
    name: Text = None
    type: Text = None
    cpuCoreHours: Num = None
    start: Start = None
    expiry: End = None


class CreditEntry(_Wire):
    planCredit: Annotated[PlanCredit, _obj(PlanCredit)] = PlanCredit()
    totalCpuCoreHours: Num = None


class Plan(_Wire):
    plantype: Text = None
    freeCredits: Annotated[list[CreditEntry], WrapValidator(_objs)] = ()
    slaCredits: Annotated[list[CreditEntry], WrapValidator(_objs)] = ()


class Period(_Wire):
    start: Start = None
    end: End = None


class FreeCredits(_Wire):
    pureFreeCredits: Num = None
    alloyFreeCredits: Num = None


class Address(_Wire):
    addressLine1: Text = None
    addressLine2: Text = None
    city: Text = None
    state: Text = None
    pincode: Text = None
    country: Text = None

    def line(self) -> str | None:
        parts = (self.addressLine1, self.addressLine2, self.city, self.state, self.pincode,
                 self.country)  # fmt: skip
        return ", ".join(p for p in parts if p) or None


class Spec(_Wire):
    paymentUnit: Text = None
    billingPeriod: Annotated[Period, _obj(Period)] = Period()
    month: Start = None
    plan: Annotated[Plan, _obj(Plan)] = Plan()
    envType: Text = None
    credits: Annotated[FreeCredits, _obj(FreeCredits)] = FreeCredits()
    address: Annotated[Address, _obj(Address)] = Address()


class Metadata(_Wire):
    uid: Uid = None
    name: Name = None
    creationTimestamp: Created = None


class PaletteInvoiceWire(_Wire):
    metadata: Annotated[Metadata, _obj(Metadata)] = Metadata()
    spec: Annotated[Spec, _obj(Spec)] = Spec()
    status: Annotated[StatusPart, _obj(StatusPart)] = StatusPart()

    def to_invoice(self, record: dict[str, Any], account: str) -> Invoice:
        problems: list[str] = []
        meta, spec, part = self.metadata, self.spec, self.status
        uid = meta.uid
        if uid is None:
            uid = parse.fallback_id(record)
            problems.append(f"no metadata.uid: shown as {uid}")
        unit = spec.paymentUnit
        currency = unit.strip().upper()[:16] if unit else DEFAULT_CURRENCY
        start = spec.billingPeriod.start or spec.month
        end = spec.billingPeriod.end
        payments = _payments(part.states)
        state, state_raw = (payments[-1].state, payments[-1].state_raw) if payments else (
            Status.UNKNOWN, None)  # fmt: skip
        total = _ok(part.billableAmount, "billableAmount", problems)
        return Invoice(
            account=account,
            provider=PROVIDER,
            id=uid,
            number=meta.name,
            status=state,
            status_raw=state_raw,
            issued=_ok(meta.creationTimestamp, "creationTimestamp", problems),
            period_start=start,
            period_end=end,
            currency=currency,
            total=total,
            amount_due=Decimal(0) if state in SETTLED else total,
            line_items=tuple(_line_item(p, currency, start, end) for p in part.projects),
            credits_detail=_credits(spec.plan),
            payments=tuple(payments),
            customer=spec.address.line(),
            extra=self._extra(),
            raw=clean_json(record),
            detailed="projects" in part.model_fields_set or "plan" in spec.model_fields_set,
            problems=parse.capped(problems),
        )

    def _extra(self) -> tuple[tuple[str, str], ...]:
        spec, part = self.spec, self.status
        pairs: list[tuple[str, str | None]] = [
            ("Plan", spec.plan.plantype),
            ("Environment", spec.envType),
            ("Pure free credits allocated", _fmt(spec.credits.pureFreeCredits)),
            ("Alloy free credits allocated", _fmt(spec.credits.alloyFreeCredits)),
        ]
        for label, data in (("Pure", part.productInvoice.pure), ("Alloy", part.productInvoice.alloy)):
            if data is None:
                continue
            pairs.append((f"{label} tier", data.tierName))
            pairs.append((f"{label} tier price", _fmt(data.tierPrice)))
            pairs.append((f"{label} used credits", _fmt(data.usedCredits)))
            pairs.append((f"{label} billable credits", _fmt(data.billableCredits)))
            pairs.append((f"{label} free credits", _fmt(data.freeCredits)))
            pairs.append((f"{label} amount", _fmt(data.amount)))
        pairs.append(("Stripe invoice", part.stripeInvoiceId))
        return tuple((k, v) for k, v in pairs if v is not None)


def _payments(states: list[State]) -> list[Payment]:
    rows: list[tuple[bool, datetime, int, int, Payment]] = []
    for index, entry in enumerate(states):
        stamp = entry.timestamp
        state, raw = parse.status(PROVIDER, entry.state)
        rank = _LIFECYCLE.get(raw or "", -1)
        payment = Payment(state, raw, stamp, entry.paymentMsg)
        rows.append((stamp is not None, stamp or _EPOCH, rank, index, payment))
    rows.sort(key=lambda r: r[:4])
    return [r[4] for r in rows]


def _line_item(project: Project, currency: str, start: Any, end: Any) -> LineItem:
    hours: Decimal | None = None
    prices: list[Decimal] = []
    for data in (project.usage.pure, project.usage.alloy):
        used = data.usedCredits
        if used is not None:
            hours = (hours or Decimal(0)) + used
            if used and data.tierPrice is not None:
                prices.append(data.tierPrice)
    return LineItem(
        description=project.projectName or project.projectUid or "project",
        kind="usage",
        project=project.projectName,
        quantity=hours,
        unit="CPU core hours",
        unit_price=prices[0] if len(prices) == 1 else None,
        amount=project.amount,
        start=start,
        end=end,
        currency=currency,
    )


def _credits(plan: Plan) -> tuple[Credit, ...]:
    out: list[Credit] = []
    for entries, label, sla in ((plan.freeCredits, "Free credit", False),
                                (plan.slaCredits, "SLA credit", True)):  # fmt: skip
        for entry in entries:
            credit = entry.planCredit
            name = credit.name
            if sla:
                name = f"SLA credit: {name}" if name else label
            amount = credit.cpuCoreHours
            if amount is None:
                amount = entry.totalCpuCoreHours
            out.append(
                Credit(
                    name=name or label,
                    kind=credit.type,
                    amount=amount,
                    unit="cpu core hours",
                    start=credit.start,
                    end=credit.expiry,
                )
            )
    return tuple(out)


PALETTE_PAGE = TypeAdapter(list[PaletteInvoiceWire])


def palette_page(body: dict[str, Any], account: str) -> list[Invoice]:
    records = [r for r in (body.get("invoices") or [])[:_MAX_ITEMS] if isinstance(r, dict)]
    wires = PALETTE_PAGE.validate_python(records)
    return [w.to_invoice(r, account) for w, r in zip(wires, records, strict=True)]
