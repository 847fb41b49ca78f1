"""Provider clients, one package each, listed in registry.py; none of them imports Textual.

This package's import stays light (no httpx): the registry is read from every layer.

Wire formats stay in hand-written tolerant normalizers (<name>/normalize.py), by measurement:
pydantic models of the DoiT and Zilliz pages (benchmarks/wire_models.py: tolerant leaves
calling the same readers, extra="ignore", validate_python on json.loads(parse_float=Decimal),
the same Invoices out) took 1.27x (DoiT) and 1.21x (Zilliz) the normalizers' time at 100k
records (3 runs, a loaded 2-core machine; 1.37x and 1.35x at 10k), above the 1.2x bar:
`python benchmarks/bench_wire.py`. The TypeAdapter call alone is 0.57x; the loss is building
a model per record and then an Invoice from it, a second pass the normalizers do not make.
Palette and Waldur, more nested with the same per-field readers, were not modelled.
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
