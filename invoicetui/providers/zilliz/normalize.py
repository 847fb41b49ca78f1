"""Zilliz Cloud v2 invoice payloads → normalized Invoice, and its in-body error codes.

Amounts arrive in cents and errors may arrive as HTTP 200 with a nonzero `code`; both
quirks are handled here, away from the HTTP code.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
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
from invoicetui.core.parse import (
    cents,
    normalize_amount,
    period_end,
    period_start,
    status,
)
from invoicetui.core.parse import (
    text_field as text,  # a sanitized, non-blank string field
)
from invoicetui.core.sanitize import clean_json

PROVIDER = "zilliz"
AUTH_CODES = frozenset({80001, 21119})  # "Invalid token" / "The apikey is illegal."
PERMISSION_CODES = frozenset(range(96012, 96017))  # "You don't have permission for ..."
RATE_CODES = frozenset({429})
_PERMISSION_WORDS = ("permission", "not allowed", "forbidden", "preview", "not enabled")
_RATE_WORDS = ("too many", "rate limit", "throttl")
_NOT_FOUND_WORDS = ("not found", "not exist", "does not exist")
_MAX_ITEMS = 10_000


def amount(value: Mapping[str, Any], key: str) -> Decimal | None:
    return normalize_amount(cents(value.get(key)))


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
        return PermissionDenied(
            f"access denied: {detail}",
            hint="the key needs the Organization Owner or Billing Admin role, and the"
            " invoice API (public preview) must be enabled for the organization",
            **common,
        )
    if code in RATE_CODES or any(w in lowered for w in _RATE_WORDS):
        return RateLimited(f"rate limited: {detail}", hint="lower max_rps", **common)
    if any(w in lowered for w in _NOT_FOUND_WORDS):
        return NotFound(f"not found: {detail}", **common)
    return BadRequest(f"request refused: {detail}", **common)


def normalize_invoice(payload: Any, account: str) -> Invoice:
    """One Zilliz invoice object → Invoice; ResponseFormatError without an object or id."""
    if not isinstance(payload, Mapping):
        raise ResponseFormatError(
            "an invoice in the answer is not a JSON object", provider=PROVIDER, account=account
        )
    invoice_id = text(payload, "id")
    if invoice_id is None:
        raise ResponseFormatError(
            "an invoice in the answer has no id", provider=PROVIDER, account=account
        )
    state, state_raw = status(PROVIDER, payload.get("status"))
    currency_raw = text(payload, "currency")
    currency = currency_raw.upper()[:16] if currency_raw else None
    credits = amount(payload, "creditsApplied")
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
        issued=period_start(payload.get("invoiceDate")),
        due=period_start(payload.get("dueDate")),
        period_start=period_start(payload.get("periodStart")),
        period_end=period_end(payload.get("periodEnd"), exclusive=True),
        currency=currency,
        subtotal=amount(payload, "subtotal"),
        tax=amount(payload, "tax"),
        credits=credits,
        total=amount(payload, "total"),
        amount_due=amount(payload, "amountDue"),
        credits_detail=credits_detail,
        extra=tuple((k, v) for k, v in extra if v is not None),
        raw=clean_json(payload),
        detailed=True,
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


def normalize_page(body: Any, account: str) -> tuple[list[Invoice], int | None, int | None]:
    """One list page → (invoices, data.count, data.pageSize)."""
    data = list_data(body, account)
    raw = data.get("invoices")
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise ResponseFormatError("data.invoices is not a list", provider=PROVIDER, account=account)
    invoices = [normalize_invoice(item, account) for item in raw[:_MAX_ITEMS]]
    return invoices, _count(data.get("count")), _count(data.get("pageSize"))


def normalize_detail(body: Any, account: str) -> Invoice:
    data = body.get("data") if isinstance(body, Mapping) else None
    return normalize_invoice(data, account)


def _count(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None
