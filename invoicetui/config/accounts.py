"""The validated shape of one configured account (loading lives in config.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

DEFAULT_CACHE_TTL = 15 * 60.0
DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class AccountConfig:
    """One [[accounts]] entry, validated (config/account_model.py); what every layer gets."""

    name: str
    provider: str  # palette | waldur | doit | zilliz
    base_url: str | None = None
    token: str | None = field(default=None, repr=False)
    token_env: str | None = None
    token_command: str | None = None
    verify_tls: bool | str = True
    timeout: float = DEFAULT_TIMEOUT
    max_rps: float | None = None  # None: the provider's default, under its documented limit
    cache_ttl: float = DEFAULT_CACHE_TTL
    # palette
    tenant_uid: str | None = None
    invoice_uids: tuple[str, ...] = ()
    # waldur
    role: str = "customer"  # customer | provider
    currency: str = "EUR"
    customer_uuid: str | None = None
    # doit
    customer_context: str | None = None

    @property
    def token_source(self) -> str:
        """Where the token comes from, for messages (never the token itself)."""
        if self.token_env:
            return self.token_env
        if self.token_command:
            return "token_command"
        return "token"


def insecure_tls_warning(accounts: Iterable[AccountConfig]) -> str | None:
    """The one warning per run for accounts with verify_tls = false (None when there are none)."""
    names = [a.name for a in accounts if a.verify_tls is False]
    if not names:
        return None
    listed = ", ".join(f"'{n}'" for n in names)
    noun = "account" if len(names) == 1 else "accounts"
    return (
        f"TLS certificates are not checked for {noun} {listed} (verify_tls = false): "
        "anyone on the network path can read their tokens and invoices"
    )
