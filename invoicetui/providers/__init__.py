"""Provider clients, one package each, listed in registry.py; none of them imports Textual.

This package's import stays light (no httpx): the registry is read from every layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from invoicetui.config.accounts import AccountConfig
    from invoicetui.providers.base import ProviderClient


def client_class(provider: str) -> type[ProviderClient]:
    """The client class for a provider name (imported lazily: start-up stays fast)."""
    from invoicetui.providers.registry import BY_NAME

    spec = BY_NAME.get(provider)
    if spec is None:
        raise ValueError(f"unknown provider {provider!r}")
    found: type[ProviderClient] = spec.client_class()
    return found


def make_client(account: AccountConfig, token: str, **kwargs: Any) -> ProviderClient:
    return client_class(account.provider)(account, token, **kwargs)
