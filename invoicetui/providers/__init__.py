"""Provider clients, one package each, listed in registry.py; none of them imports Textual.

This package's import stays light (no httpx): the registry is read from every layer.

Wire formats are tolerant pydantic models, one <name>/wire.py per provider (building blocks
in wire.py), turned into Invoices by <name>/normalize.py. Adopted by measurement against the
hand-written normalizers they replaced (kept in benchmarks/before_*.py): at 100k records, CPU
time of json.loads(parse_float=Decimal) + reading, same Invoices out, 3 interleaved runs,
`python benchmarks/bench_wire.py --runs 3` (2026-12-03, load average 5.5-8 on 2 cores):
DoiT 1.11x (4.18 s against 3.77 s), Zilliz 1.04x, Palette 1.13x (25.7 s against 22.7 s),
Waldur invoices 1.14x (21.6 s against 18.9 s), Waldur provider items 1.05x; all within the
1.2x bar. Wall time on that loaded machine said 1.21x, 1.15x, 1.65x, 1.65x and 1.19x: the
process waited for the CPU most of the time (Palette: 68.8 s wall for 25.7 s of CPU), which
measures the neighbours, not the code. The TypeAdapter call alone is 0.47-0.59x; the rest is
building Invoices, which the normalizers did too.
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
