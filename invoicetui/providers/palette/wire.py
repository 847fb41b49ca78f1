"""Palette's wire format (v1Invoice, v1Invoices) as tolerant pydantic models.

Adopted by measurement (benchmarks/bench_wire.py, within 1.2x of the hand-written normalizer
it replaced at 100k records; the figures are in invoicetui/providers/__init__.py). Every field
of v1Invoice is optional and numbers may be int or float: each is read by core/parse.py's
readers (providers/wire.py), an object that is not one reads as empty, a list keeps only its
objects, and one odd field costs that field only (the billable amount and the creation time,
when there but unreadable, are also noted on the record).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any

from pydantic import TypeAdapter, WrapValidator

from invoicetui.core import parse
from invoicetui.core.sanitize import clean_optional
from invoicetui.providers.wire import DATE, Bad, Wire, checked, obj, objs, quiet

MAX_ITEMS = 10_000  # a list longer than this is corrupt; reading it would only burn memory


def field_text(value: object) -> str | None:
    """A non-blank string, sanitized (not stripped): what parse.text_field reads."""
    if not isinstance(value, str):
        return None
    cleaned = clean_optional(value)
    return cleaned if cleaned and cleaned.strip() else None


def number(value: object) -> Decimal | None:
    return parse.normalize_amount(parse.money(value))


def _name(value: object) -> str | None:
    """metadata.name, the invoice's number: a string, without zero-width characters."""
    return parse.ident(value) if isinstance(value, str) else None


Text = Annotated[str | None, quiet(field_text)]
Num = Annotated[Decimal | None, quiet(number)]
Many = objs(MAX_ITEMS)


class Usage(Wire):
    usedCredits: Num = None
    tierPrice: Num = None


class ProjectUsage(Wire):
    pure: Annotated[Usage, obj(Usage)] = Usage.model_construct()
    alloy: Annotated[Usage, obj(Usage)] = Usage.model_construct()


class Project(Wire):
    projectName: Text = None
    projectUid: Text = None
    amount: Num = None
    usage: Annotated[ProjectUsage, obj(ProjectUsage)] = ProjectUsage.model_construct()


class State(Wire):
    state: Any = None
    paymentMsg: Text = None
    timestamp: Annotated[datetime | None, quiet(parse.timestamp)] = None


class Product(Wire):
    tierName: Text = None
    tierPrice: Num = None
    usedCredits: Num = None
    billableCredits: Num = None
    freeCredits: Num = None
    amount: Num = None


def _product(value: object, handler: Any) -> Any:
    """A product's part of the invoice, None when absent, empty or not an object."""
    return handler(value) if isinstance(value, dict) and value else None


class Products(Wire):
    pure: Annotated[Product | None, WrapValidator(_product)] = None
    alloy: Annotated[Product | None, WrapValidator(_product)] = None


class StatusPart(Wire):
    billableAmount: Annotated[Decimal | Bad | None, checked(number)] = None
    productInvoice: Annotated[Products, obj(Products)] = Products.model_construct()
    projects: Annotated[tuple[Project, ...], Many] = ()
    states: Annotated[tuple[State, ...], Many] = ()
    stripeInvoiceId: Text = None


class PlanCredit(Wire):
    name: Text = None
    type: Text = None
    cpuCoreHours: Num = None
    start: Annotated[date | None, quiet(parse.period_start)] = None
    expiry: Annotated[date | None, quiet(parse.period_end)] = None


class CreditEntry(Wire):
    planCredit: Annotated[PlanCredit, obj(PlanCredit)] = PlanCredit.model_construct()
    totalCpuCoreHours: Num = None


class Plan(Wire):
    plantype: Text = None
    freeCredits: Annotated[tuple[CreditEntry, ...], Many] = ()
    slaCredits: Annotated[tuple[CreditEntry, ...], Many] = ()


class Period(Wire):
    start: Annotated[date | None, quiet(parse.period_start)] = None
    end: Annotated[date | None, quiet(parse.period_end)] = None


class FreeCredits(Wire):
    pureFreeCredits: Num = None
    alloyFreeCredits: Num = None


class Address(Wire):
    addressLine1: Text = None
    addressLine2: Text = None
    city: Text = None
    state: Text = None
    pincode: Text = None
    country: Text = None

    def line(self) -> str | None:
        parts = (
            self.addressLine1, self.addressLine2, self.city, self.state, self.pincode, self.country
        )  # fmt: skip
        return ", ".join(p for p in parts if p) or None


class Spec(Wire):
    paymentUnit: Text = None
    billingPeriod: Annotated[Period, obj(Period)] = Period.model_construct()
    month: Annotated[date | None, quiet(parse.period_start)] = None
    plan: Annotated[Plan, obj(Plan)] = Plan.model_construct()
    envType: Text = None
    credits: Annotated[FreeCredits, obj(FreeCredits)] = FreeCredits.model_construct()
    address: Annotated[Address, obj(Address)] = Address.model_construct()


class Metadata(Wire):
    uid: Annotated[str | None, quiet(parse.ident)] = None
    name: Annotated[str | None, quiet(_name)] = None
    creationTimestamp: Annotated[datetime | Bad | None, checked(parse.timestamp, DATE)] = None


class InvoiceWire(Wire):
    """One v1Invoice. A list item without the detail parts (projects, plan) is a summary."""

    metadata: Annotated[Metadata, obj(Metadata)] = Metadata.model_construct()
    spec: Annotated[Spec, obj(Spec)] = Spec.model_construct()
    status: Annotated[StatusPart, obj(StatusPart)] = StatusPart.model_construct()

    @property
    def is_summary(self) -> bool:
        return (
            "projects" not in self.status.model_fields_set
            and "plan" not in self.spec.model_fields_set
        )


@cache
def _adapter() -> TypeAdapter[list[InvoiceWire]]:
    return TypeAdapter(list[InvoiceWire])


def read_invoices(records: list[dict[str, Any]]) -> list[InvoiceWire]:
    return _adapter().validate_python(records)
