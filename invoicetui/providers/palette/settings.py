"""The [[accounts]] keys of a Palette account (validated by the config loader)."""

from __future__ import annotations

from typing import Literal

from invoicetui.config.account_model import AccountModel
from invoicetui.config.fields import Text, TextList


class PaletteAccount(AccountModel):
    provider: Literal["palette"]
    tenant_uid: Text | None = None  # else found via GET /v1/users/info
    invoice_uids: TextList = ()  # where the list endpoint is not available
