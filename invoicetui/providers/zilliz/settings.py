"""The [[accounts]] keys of a Zilliz Cloud account: the common ones only."""

from __future__ import annotations

from typing import Literal

from invoicetui.config.account_model import AccountModel


class ZillizAccount(AccountModel):
    provider: Literal["zilliz"]
