"""The [[accounts]] keys of a DoiT account (validated by the config loader)."""

from __future__ import annotations

from typing import Literal

from invoicetui.config.account_model import AccountModel
from invoicetui.config.fields import Text


class DoitAccount(AccountModel):
    provider: Literal["doit"]
    customer_context: Text | None = None  # X-Tenant-Id header and legacy customerContext
