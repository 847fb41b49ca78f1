"""Provider clients; none of them imports Textual."""

from __future__ import annotations

from typing import Any

from invoicetui.config.accounts import AccountConfig
from invoicetui.providers.base import ProviderClient


def client_class(provider: str) -> type[ProviderClient]:
    """The client class for a provider name (imported lazily: start-up stays fast)."""
    if provider == "palette":
        from invoicetui.providers.palette.client import PaletteClient

        return PaletteClient
    if provider == "waldur":
        from invoicetui.providers.waldur.client import WaldurClient

        return WaldurClient
    if provider == "doit":
        from invoicetui.providers.doit.client import DoitClient

        return DoitClient
    if provider == "zilliz":
        from invoicetui.providers.zilliz.client import ZillizClient

        return ZillizClient
    raise ValueError(f"unknown provider {provider!r}")


def make_client(account: AccountConfig, token: str, **kwargs: Any) -> ProviderClient:
    return client_class(account.provider)(account, token, **kwargs)
