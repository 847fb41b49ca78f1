"""The [[accounts]] keys of a Waldur account (validated by the config loader)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BeforeValidator

from invoicetui.config.account_model import AccountModel, Url
from invoicetui.config.fields import Currency, Text, problem


def _role(value: object) -> str:
    if value not in ("customer", "provider"):
        shown = repr(value) if isinstance(value, str) else "a " + type(value).__name__
        raise problem(f'must be "customer" or "provider", not {shown[:40]}')
    return str(value)


class WaldurAccount(AccountModel):
    REQUIRED_BECAUSE: ClassVar[dict[str, str]] = {
        "base_url": "required for waldur: it is always self-hosted, e.g. base_url = "
        '"https://waldur.example.org"',
    }

    provider: Literal["waldur"]
    base_url: Url  # required here: no public host
    role: Annotated[str, BeforeValidator(_role)] = "customer"
    currency: Currency = "EUR"  # Waldur invoices carry no currency
    customer_uuid: Text | None = None
