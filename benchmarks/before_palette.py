"""Palette's hand-written normalizer before the wire models (commit e58c8f2), for bench_wire.py.

Kept verbatim so that "normalizer (today)" stays measurable after adoption.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from before_parse import (
    capped,
    checked_date,
    checked_money,
    fallback_id,
    ident,
    money,
    normalize_amount,
    period_end,
    period_start,
    status,
    timestamp,
)
from before_parse import (
    text_field as text,  # a sanitized, non-blank string field
)

from invoicetui.core.errors import ResponseFormatError
from invoicetui.core.model import (
    SETTLED,
    Credit,
    Invoice,
    LineItem,
    Payment,
    Status,
    format_decimal,
)
from invoicetui.core.sanitize import clean_json, clean_optional

PROVIDER = "palette"
PRODUCTS = (("pure", "Pure"), ("alloy", "Alloy"))
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_ITEMS = 10_000
# Order of payment states when two share a timestamp; unknown words sort before them.
_LIFECYCLE = {"PaymentPending": 0, "PaymentInProgress": 1, "PaymentFailed": 2, "Paid": 3}
# v1InvoiceSpec.paymentUnit is an enum of one value, "usd": an invoice without it is in USD.
DEFAULT_CURRENCY = "USD"  # a list longer than this is corrupt; reading it would only burn memory


def obj(value: Any, key: str) -> dict[str, Any]:
    """value[key] when it is an object, else {}."""
    if isinstance(value, Mapping):
        child = value.get(key)
        if isinstance(child, Mapping):
            return dict(child)
    return {}


def items(value: Any, key: str) -> list[dict[str, Any]]:
    """The objects in value[key] when it is a list; other entries are dropped."""
    if isinstance(value, Mapping):
        child = value.get(key)
        if isinstance(child, list):
            return [dict(v) for v in child[:_MAX_ITEMS] if isinstance(v, Mapping)]
    return []


def number(value: Any, key: str, problems: list[str] | None = None) -> Decimal | None:
    if not isinstance(value, Mapping):
        return None
    if problems is None:
        return normalize_amount(money(value.get(key)))
    return normalize_amount(checked_money(value.get(key), key, problems))


def is_summary(payload: Mapping[str, Any]) -> bool:
    """A list item without the detail parts (projects, plan) is only a summary."""
    status_part = obj(payload, "status")
    spec = obj(payload, "spec")
    return "projects" not in status_part and "plan" not in spec


def _payments(states: list[dict[str, Any]]) -> list[Payment]:
    """Oldest first by timestamp, never by array order (CONTRACT.md).

    Entries without a time sort first; equal times are ordered by the payment lifecycle
    (pending, in progress, failed, paid), so the later step is the current state.
    """
    rows: list[tuple[bool, datetime, int, int, Payment]] = []
    for index, entry in enumerate(states):
        stamp = timestamp(entry.get("timestamp"))
        state, raw = status(PROVIDER, entry.get("state"))
        message = text(entry, "paymentMsg")
        rank = _LIFECYCLE.get(raw or "", -1)
        payment = Payment(state, raw, stamp, message)
        rows.append((stamp is not None, stamp or _EPOCH, rank, index, payment))
    rows.sort(key=lambda r: r[:4])
    return [r[4] for r in rows]


def _line_items(
    status_part: Mapping[str, Any], currency: str | None, start: Any, end: Any
) -> tuple[LineItem, ...]:
    out: list[LineItem] = []
    for project in items(status_part, "projects"):
        name = text(project, "projectName") or text(project, "projectUid") or "project"
        usage = obj(project, "usage")
        hours: Decimal | None = None
        prices: list[Decimal] = []
        for key, _label in PRODUCTS:
            data = obj(usage, key)
            used = number(data, "usedCredits")
            if used is not None:
                hours = (hours or Decimal(0)) + used
                price = number(data, "tierPrice")
                if used and price is not None:
                    prices.append(price)
        out.append(
            LineItem(
                description=name,
                kind="usage",
                project=text(project, "projectName"),
                quantity=hours,
                unit="CPU core hours",
                unit_price=prices[0] if len(prices) == 1 else None,
                amount=number(project, "amount"),
                start=start,
                end=end,
                currency=currency,
            )
        )
    return tuple(out)


def _credits(plan: Mapping[str, Any]) -> tuple[Credit, ...]:
    out: list[Credit] = []
    for key, label in (("freeCredits", "Free credit"), ("slaCredits", "SLA credit")):
        for entry in items(plan, key):
            credit = obj(entry, "planCredit")
            name = text(credit, "name")
            if key == "slaCredits":
                name = f"SLA credit: {name}" if name else label
            amount = number(credit, "cpuCoreHours")
            if amount is None:
                amount = number(entry, "totalCpuCoreHours")
            out.append(
                Credit(
                    name=name or label,
                    kind=text(credit, "type"),
                    amount=amount,
                    unit="cpu core hours",
                    start=period_start(credit.get("start")),
                    end=period_end(credit.get("expiry")),
                )
            )
    return tuple(out)


def _name(value: object) -> str | None:
    """metadata.name, the invoice's number: a string, without zero-width characters."""
    return ident(value) if isinstance(value, str) else None


def _customer(address: Mapping[str, Any]) -> str | None:
    keys = ("addressLine1", "addressLine2", "city", "state", "pincode", "country")
    parts = [p for p in (text(address, k) for k in keys) if p]
    return ", ".join(parts) or None


def _fmt(value: Decimal | None) -> str | None:
    return format_decimal(value)


def _extra(spec: Mapping[str, Any], status_part: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str | None]] = [
        ("Plan", text(obj(spec, "plan"), "plantype")),
        ("Environment", text(spec, "envType")),
    ]
    free = obj(spec, "credits")
    pairs.append(("Pure free credits allocated", _fmt(number(free, "pureFreeCredits"))))
    pairs.append(("Alloy free credits allocated", _fmt(number(free, "alloyFreeCredits"))))
    products = obj(status_part, "productInvoice")
    for key, label in PRODUCTS:
        data = obj(products, key)
        if not data:
            continue
        pairs.append((f"{label} tier", text(data, "tierName")))
        pairs.append((f"{label} tier price", _fmt(number(data, "tierPrice"))))
        pairs.append((f"{label} used credits", _fmt(number(data, "usedCredits"))))
        pairs.append((f"{label} billable credits", _fmt(number(data, "billableCredits"))))
        pairs.append((f"{label} free credits", _fmt(number(data, "freeCredits"))))
        pairs.append((f"{label} amount", _fmt(number(data, "amount"))))
    pairs.append(("Stripe invoice", text(status_part, "stripeInvoiceId")))
    return tuple((k, v) for k, v in pairs if v is not None)


def normalize_invoice(
    payload: Any, account: str, *, detailed: bool | None = None, asked: str | None = None
) -> Invoice:
    """One v1Invoice → Invoice; ResponseFormatError when it is not an invoice object.

    Without a metadata.uid it is kept, marked (CONTRACT.md), under the uid it was asked for
    by (`asked`), else a stable made-up id.
    """
    if not isinstance(payload, Mapping):
        raise ResponseFormatError(
            "an invoice in the answer is not a JSON object", provider=PROVIDER, account=account
        )
    problems: list[str] = []
    metadata = obj(payload, "metadata")
    uid = ident(metadata.get("uid"))
    if uid is None:
        uid = asked or fallback_id(payload)
        problems.append(f"no metadata.uid: shown as {uid}")
    spec = obj(payload, "spec")
    status_part = obj(payload, "status")
    unit = text(spec, "paymentUnit")
    currency = unit.strip().upper()[:16] if unit else DEFAULT_CURRENCY
    period = obj(spec, "billingPeriod")
    period_start_ = period_start(period.get("start")) or period_start(spec.get("month"))
    period_end_ = period_end(period.get("end"))
    payments = _payments(items(status_part, "states"))
    if payments:
        latest = payments[-1]
        state, state_raw = latest.state, latest.state_raw
    else:
        state, state_raw = Status.UNKNOWN, None
    total = number(status_part, "billableAmount", problems)
    if state in SETTLED:
        amount_due: Decimal | None = Decimal(0)
    else:
        amount_due = total
    return Invoice(
        account=account,
        provider=PROVIDER,
        id=uid,
        number=_name(metadata.get("name")),
        status=state,
        status_raw=state_raw,
        issued=checked_date(
            timestamp, metadata.get("creationTimestamp"), "creationTimestamp", problems
        ),
        period_start=period_start_,
        period_end=period_end_,
        currency=currency,
        total=total,
        amount_due=amount_due,
        line_items=_line_items(status_part, currency, period_start_, period_end_),
        credits_detail=_credits(obj(spec, "plan")),
        payments=tuple(payments),
        customer=_customer(obj(spec, "address")),
        extra=_extra(spec, status_part),
        raw=clean_json(payload),
        detailed=(not is_summary(payload)) if detailed is None else detailed,
        problems=capped(problems),
    )


def normalize_list(payload: Any, account: str) -> tuple[list[Invoice], str, int | None]:
    """A v1Invoices page → (invoices, continue token or "", listmeta.count)."""
    # Go marshals an empty slice as null: `"invoices": null` is an empty page.
    listed = payload.get("invoices") if isinstance(payload, Mapping) else None
    if not isinstance(payload, Mapping) or not isinstance([] if listed is None else listed, list):
        raise ResponseFormatError(
            "the invoice list is not a v1Invoices object", provider=PROVIDER, account=account
        )
    raw_items = payload.get("invoices") or []
    # An entry that is not an object has nothing to show: it is left out (the probe's list is
    # only a discovery aid; each invoice is fetched again by uid).
    invoices = [
        normalize_invoice(item, account)
        for item in raw_items[:_MAX_ITEMS]
        if isinstance(item, Mapping)
    ]
    meta = obj(payload, "listmeta")
    token = meta.get("continue")
    token = clean_optional(token) if isinstance(token, str) else ""
    count = meta.get("count")
    total = count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else None
    return invoices, token or "", total
