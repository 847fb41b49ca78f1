"""The pydantic base of every provider's account model: the keys all accounts share.

A provider's own model (providers/<name>/settings.py) adds its keys and a `provider`
Literal; the loader unites them in a union discriminated on `provider` (registry.py).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator

from invoicetui.config.accounts import DEFAULT_CACHE_TTL, DEFAULT_TIMEOUT, AccountConfig
from invoicetui.config.fields import (
    Duration,
    EnvName,
    Name,
    Rate,
    Secret,
    Text,
    Timeout,
    TlsVerify,
    problem,
)
from invoicetui.config.fields import Url as Url

TOKEN_KEYS = ("token_env", "token_command", "token")


class AccountModel(BaseModel):
    """One [[accounts]] table; tokens are never echoed in an error (hide_input_in_errors)."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True, frozen=True)

    # Why a required key is required, for "missing (...)" (a provider with no public host).
    REQUIRED_BECAUSE: ClassVar[dict[str, str]] = {}

    name: Name
    provider: str
    base_url: Url | None = None
    token_env: EnvName | None = None
    token_command: Text | None = None
    token: Secret | None = None
    verify_tls: TlsVerify = True
    timeout: Timeout = DEFAULT_TIMEOUT
    max_rps: Rate | None = None
    cache_ttl: Duration = DEFAULT_CACHE_TTL

    @model_validator(mode="after")
    def _exactly_one_token(self) -> AccountModel:
        present = [k for k in TOKEN_KEYS if k in self.model_fields_set]
        if not present:
            raise problem(
                "missing token: set exactly one of token_env (recommended), token_command or token"
            )
        if len(present) > 1:
            raise problem(
                "set exactly one of token_env, token_command or token "
                f"(found {', '.join(present)})",
                key=present[1],
            )
        return self

    def to_account(self) -> AccountConfig:
        """The plain dataclass the rest of the program uses."""
        values: dict[str, Any] = self.model_dump(exclude={"provider"})
        return AccountConfig(provider=self.provider, **values)
