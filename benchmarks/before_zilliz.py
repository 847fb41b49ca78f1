"""Zilliz's hand-written normalizer before the wire models (commit e58c8f2), for bench_wire.py.

Kept verbatim so that "normalizer (today)" stays measurable after adoption.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from before_parse import (
    capped,
    cents,
    checked,
    checked_date,
    fallback_id,
    ident,
    normalize_amount,
    period_end,
    period_start,
    shown,
    status,
)
from before_parse import (
    text_field as text,  # a sanitized, non-blank string field
)

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
from invoicetui.core.sanitize import clean_json

PROVIDER = "zilliz"
AUTH_CODES = frozenset({80001, 21119})  # "Invalid token" / "The apikey is illegal."
PERMISSION_CODES = frozenset(range(96012, 96017))  # "You don't have permission for ..."
RATE_CODES = frozenset({429})
_PERMISSION_WORDS = ("permission", "not allowed", "forbidden", "preview", "not enabled")
_RATE_WORDS = ("too many", "rate limit", "throttl")
_NOT_FOUND_WORDS = ("not found", "not exist", "does not exist")
_MAX_ITEMS = 10_000


def amount(value: Mapping[str, Any], key: str, problems: list[str] | None = None) -> Decimal | None:
    """value[key] in cents as exact major units (not always whole cents: read the literal)."""
    if problems is None:
        return normalize_amount(cents(value.get(key)))
    return normalize_amount(checked(cents, value.get(key), key, problems))


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
    if not isinstance(payload, Mapping):
        raise ResponseFormatError(
            "an invoice in the answer is not a JSON object", provider=PROVIDER, account=account
        )
    problems: list[str] = []
    invoice_id = ident(payload.get("id"))
    if invoice_id is None:
        invoice_id = fallback_id(payload)
        problems.append(f"no id: shown as {invoice_id}")
    state, state_raw = status(PROVIDER, payload.get("status"))
    currency_raw = text(payload, "currency")
    currency = currency_raw.upper()[:16] if currency_raw else None
    credits = amount(payload, "creditsApplied", problems)
    credits_detail: tuple[Credit, ...] = ()
    if credits:
        credits_detail = (Credit(name="Credits applied", amount=credits, unit=currency),)
    extra: list[tuple[str, str | None]] = [
        ("Usage", format_decimal(amount(payload, "usageAmount"))),
        ("Already billed", format_decimal(amount(payload, "alreadyBilledAmount"))),
        ("Advance payment", format_decimal(amount(payload, "advancePayAmount"))),
        ("Organization", text(payload, "orgId")),
    ]
    return Invoice(
        account=account,
        provider=PROVIDER,
        id=invoice_id,
        status=state,
        status_raw=state_raw,
        issued=checked_date(period_start, payload.get("invoiceDate"), "invoiceDate", problems),
        due=checked_date(period_start, payload.get("dueDate"), "dueDate", problems),
        period_start=checked_date(
            period_start, payload.get("periodStart"), "periodStart", problems
        ),
        period_end=checked_date(_exclusive_end, payload.get("periodEnd"), "periodEnd", problems),
        currency=currency,
        subtotal=amount(payload, "subtotal", problems),
        tax=amount(payload, "tax", problems),
        credits=credits,
        total=amount(payload, "total", problems),
        amount_due=amount(payload, "amountDue", problems),
        credits_detail=credits_detail,
        extra=tuple((k, v) for k, v in extra if v is not None),
        raw=clean_json(payload),
        detailed=True,
        problems=capped(problems),
    )


def _exclusive_end(value: object) -> date | None:
    return period_end(value, exclusive=True)


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
    invoices: list[Invoice] = []
    for index, item in enumerate(raw[:_MAX_ITEMS]):
        if not isinstance(item, Mapping):
            if warn is not None:
                warn(f"skipped invoice record {index} of a page: not an object ({shown(item)})")
            continue
        invoices.append(normalize_invoice(item, account))
    return invoices, _count(data.get("count")), _count(data.get("pageSize"))


def normalize_detail(body: Any, account: str) -> Invoice:
    data = body.get("data") if isinstance(body, Mapping) else None
    return normalize_invoice(data, account)


def _count(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None
