"""Palette v1Invoice payloads → normalized Invoice (pure functions, no HTTP).

Every field of v1Invoice is optional and numbers may be int or float: the wire models
(wire.py) read each field tolerantly, so one odd field costs that field only; this module
turns them into the normalized Invoice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

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
from invoicetui.core.parse import capped, fallback_id, status
from invoicetui.core.sanitize import clean_json, clean_optional
from invoicetui.providers.palette.wire import (
    MAX_ITEMS,
    InvoiceWire,
    Plan,
    Project,
    State,
    read_invoices,
)
from invoicetui.providers.wire import ok

PROVIDER = "palette"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Order of payment states when two share a timestamp; unknown words sort before them.
_LIFECYCLE = {"PaymentPending": 0, "PaymentInProgress": 1, "PaymentFailed": 2, "Paid": 3}
# v1InvoiceSpec.paymentUnit is an enum of one value, "usd": an invoice without it is in USD.
DEFAULT_CURRENCY = "USD"


def _payments(states: Sequence[State]) -> list[Payment]:
    """Oldest first by timestamp, never by array order (CONTRACT.md).

    Entries without a time sort first; equal times are ordered by the payment lifecycle
    (pending, in progress, failed, paid), so the later step is the current state.
    """
    rows: list[tuple[bool, datetime, int, int, Payment]] = []
    for index, entry in enumerate(states):
        stamp = entry.timestamp
        state, raw = status(PROVIDER, entry.state)
        rank = _LIFECYCLE.get(raw or "", -1)
        payment = Payment(state, raw, stamp, entry.paymentMsg)
        rows.append((stamp is not None, stamp or _EPOCH, rank, index, payment))
    rows.sort(key=lambda r: r[:4])
    return [r[4] for r in rows]


def _line_item(project: Project, currency: str | None, start: Any, end: Any) -> LineItem:
    """A project's usage: CPU core hours of both products, priced when only one was used."""
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
    kinds = ((plan.freeCredits, "Free credit", False), (plan.slaCredits, "SLA credit", True))
    for entries, label, sla in kinds:
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


def _fmt(value: Decimal | None) -> str | None:
    return format_decimal(value)


def _extra(wire: InvoiceWire) -> tuple[tuple[str, str], ...]:
    spec, part = wire.spec, wire.status
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


def normalize_invoice(
    payload: Any, account: str, *, detailed: bool | None = None, asked: str | None = None
) -> Invoice:
    """One v1Invoice → Invoice; ResponseFormatError when it is not an invoice object.

    Without a metadata.uid it is kept, marked (CONTRACT.md), under the uid it was asked for
    by (`asked`), else a stable made-up id.
    """
    if not isinstance(payload, dict):
        raise ResponseFormatError(
            "an invoice in the answer is not a JSON object", provider=PROVIDER, account=account
        )
    (wire,) = read_invoices([payload])
    return _invoice(wire, payload, account, detailed, asked)


def _invoice(
    wire: InvoiceWire,
    payload: dict[str, Any],
    account: str,
    detailed: bool | None = None,
    asked: str | None = None,
) -> Invoice:
    problems: list[str] = []
    meta, spec, part = wire.metadata, wire.spec, wire.status
    uid = meta.uid
    if uid is None:
        uid = asked or fallback_id(payload)
        problems.append(f"no metadata.uid: shown as {uid}")
    unit = spec.paymentUnit
    currency = unit.strip().upper()[:16] if unit else DEFAULT_CURRENCY
    start = spec.billingPeriod.start or spec.month
    end = spec.billingPeriod.end
    payments = _payments(part.states)
    if payments:
        state, state_raw = payments[-1].state, payments[-1].state_raw
    else:
        state, state_raw = Status.UNKNOWN, None
    total = ok(part.billableAmount, "billableAmount", problems)
    return Invoice(
        account=account,
        provider=PROVIDER,
        id=uid,
        number=meta.name,
        status=state,
        status_raw=state_raw,
        issued=ok(meta.creationTimestamp, "creationTimestamp", problems),
        period_start=start,
        period_end=end,
        currency=currency,
        total=total,
        amount_due=Decimal(0) if state in SETTLED else total,
        line_items=tuple(_line_item(p, currency, start, end) for p in part.projects),
        credits_detail=_credits(spec.plan),
        payments=tuple(payments),
        customer=spec.address.line(),
        extra=_extra(wire),
        raw=clean_json(payload),
        detailed=(not wire.is_summary) if detailed is None else detailed,
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
    # An entry that is not an object has nothing to show: it is left out (the probe's list is
    # only a discovery aid; each invoice is fetched again by uid).
    records = [item for item in (listed or [])[:MAX_ITEMS] if isinstance(item, dict)]
    invoices = [
        _invoice(w, r, account) for w, r in zip(read_invoices(records), records, strict=True)
    ]
    meta = payload.get("listmeta")
    meta = meta if isinstance(meta, Mapping) else {}
    token = meta.get("continue")
    token = clean_optional(token) if isinstance(token, str) else ""
    count = meta.get("count")
    total = count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else None
    return invoices, token or "", total
