"""Zilliz Cloud v2 invoice payloads → normalized Invoice, and its in-body error codes.

Amounts arrive in cents and errors may arrive as HTTP 200 with a nonzero `code`; both
quirks are handled here, away from the HTTP code; the records are read by the wire model
(wire.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from invoicetui.core.errors import (
    AuthError,
    BadRequest,
    NotFound,
    PermissionDenied,
    ProviderError,
    RateLimited,
    ResponseFormatError,
)
from invoicetui.core.model import Credit, Invoice, format_decimal
from invoicetui.core.parse import capped, fallback_id, shown, status
from invoicetui.core.sanitize import clean_json
from invoicetui.providers.wire import good, ok
from invoicetui.providers.zilliz.wire import InvoiceWire, read_invoices

PROVIDER = "zilliz"
AUTH_CODES = frozenset({80001, 21119})  # "Invalid token" / "The apikey is illegal."
PERMISSION_CODES = frozenset(range(96012, 96017))  # "You don't have permission for ..."
RATE_CODES = frozenset({429})
_PERMISSION_WORDS = ("permission", "not allowed", "forbidden", "preview", "not enabled")
_RATE_WORDS = ("too many", "rate limit", "throttl")
_NOT_FOUND_WORDS = ("not found", "not exist", "does not exist")
_MAX_ITEMS = 10_000


def body_code(data: Any) -> int | None:
    """The envelope's `code` when it is an integer (bools are not)."""
    if isinstance(data, Mapping):
        code = data.get("code")
        if isinstance(code, int) and not isinstance(code, bool):
            return code
    return None


def is_error_code(code: int | None) -> bool:
    return code is not None and code not in (0, 200)


def error_for_code(
    code: int, message: str | None, *, account: str, auth_hint: str | None = None, **kwargs: Any
) -> ProviderError:
    """The typed error for a nonzero Zilliz `code` (sent with HTTP 200 or with 4xx)."""
    detail = f"{message} (code {code})" if message else f"code {code}"
    lowered = (message or "").lower()
    common: dict[str, Any] = {"provider": PROVIDER, "account": account, **kwargs}
    if code in AUTH_CODES or "apikey is illegal" in lowered or "invalid token" in lowered:
        return AuthError(f"API key rejected: {detail}", hint=auth_hint, **common)
    if code in PERMISSION_CODES or any(w in lowered for w in _PERMISSION_WORDS):
        return billing_refused(detail, **common)
    if code in RATE_CODES or any(w in lowered for w in _RATE_WORDS):
        return RateLimited(f"rate limited: {detail}", hint="lower max_rps", **common)
    if any(w in lowered for w in _NOT_FOUND_WORDS):
        return NotFound(f"not found: {detail}", **common)
    return BadRequest(f"request refused: {detail}", **common)


# Zilliz's own CLI guide says billing needs an OAuth login and API keys "may not have access"
# (PROVIDERS.md corrections #6): a valid key can be refused here. That is not "no invoices".
BILLING_REFUSED_HINT = (
    "Zilliz refuses this API key access to billing: use a key of an Organization Owner or"
    " Billing Admin with the invoice API (public preview) enabled for the organization, or"
    " read the invoices in the Zilliz console (Billing > Invoices), which some organizations"
    " only allow with a console login"
)


def billing_refused(detail: str, **kwargs: Any) -> PermissionDenied:
    """The key works but may not read invoices: its own message, saying what to do."""
    return PermissionDenied(
        f"this API key may not read invoices: {detail}", hint=BILLING_REFUSED_HINT, **kwargs
    )


def normalize_invoice(payload: Any, account: str) -> Invoice:
    """One Zilliz invoice object → Invoice; ResponseFormatError when it is not an object.

    Without an id it is kept under a stable made-up one and marked (CONTRACT.md).
    """
    if not isinstance(payload, dict):
        raise ResponseFormatError(
            "an invoice in the answer is not a JSON object", provider=PROVIDER, account=account
        )
    (wire,) = read_invoices([payload])
    return _invoice(wire, payload, account)


def _invoice(wire: InvoiceWire, payload: dict[str, Any], account: str) -> Invoice:
    problems: list[str] = []
    invoice_id = wire.id
    if invoice_id is None:
        invoice_id = fallback_id(payload)
        problems.append(f"no id: shown as {invoice_id}")
    state, state_raw = status(PROVIDER, wire.status)
    currency = wire.currency.upper()[:16] if wire.currency else None
    credits = ok(wire.creditsApplied, "creditsApplied", problems)
    credits_detail: tuple[Credit, ...] = ()
    if credits:
        credits_detail = (Credit(name="Credits applied", amount=credits, unit=currency),)
    extra: list[tuple[str, str | None]] = [
        ("Usage", format_decimal(good(wire.usageAmount))),
        ("Already billed", format_decimal(good(wire.alreadyBilledAmount))),
        ("Advance payment", format_decimal(good(wire.advancePayAmount))),
        ("Organization", wire.orgId),
    ]
    return Invoice(
        account=account,
        provider=PROVIDER,
        id=invoice_id,
        status=state,
        status_raw=state_raw,
        issued=ok(wire.invoiceDate, "invoiceDate", problems),
        due=ok(wire.dueDate, "dueDate", problems),
        period_start=ok(wire.periodStart, "periodStart", problems),
        period_end=ok(wire.periodEnd, "periodEnd", problems),
        currency=currency,
        subtotal=ok(wire.subtotal, "subtotal", problems),
        tax=ok(wire.tax, "tax", problems),
        credits=credits,
        total=ok(wire.total, "total", problems),
        amount_due=ok(wire.amountDue, "amountDue", problems),
        credits_detail=credits_detail,
        extra=tuple((k, v) for k, v in extra if v is not None),
        raw=clean_json(payload),
        detailed=True,
        problems=capped(problems),
    )


def list_data(body: Any, account: str) -> Mapping[str, Any]:
    """The list envelope's `data`: an object (as documented), or a one-element list (as typed)."""
    data = body.get("data") if isinstance(body, Mapping) else None
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    if not isinstance(data, Mapping):
        raise ResponseFormatError(
            "the invoice list has no data object", provider=PROVIDER, account=account
        )
    return data


def normalize_page(
    body: Any, account: str, warn: Callable[[str], None] | None = None
) -> tuple[list[Invoice], int | None, int | None]:
    """One list page → (invoices, data.count, data.pageSize); non-objects skipped via warn."""
    data = list_data(body, account)
    raw = data.get("invoices")
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise ResponseFormatError("data.invoices is not a list", provider=PROVIDER, account=account)
    kept: list[dict[str, Any]] = []
    for index, item in enumerate(raw[:_MAX_ITEMS]):
        if not isinstance(item, dict):
            if warn is not None:
                warn(f"skipped invoice record {index} of a page: not an object ({shown(item)})")
            continue
        kept.append(item)
    wires = read_invoices(kept)
    invoices = [_invoice(w, r, account) for w, r in zip(wires, kept, strict=True)]
    return invoices, _count(data.get("count")), _count(data.get("pageSize"))


def normalize_detail(body: Any, account: str) -> Invoice:
    data = body.get("data") if isinstance(body, Mapping) else None
    return normalize_invoice(data, account)


def _count(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None
