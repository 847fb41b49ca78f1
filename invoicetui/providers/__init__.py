"""Provider clients, one package each, listed in registry.py; none of them imports Textual.

This package's import stays light (no httpx): the registry is read from every layer.

Wire formats are tolerant pydantic models, one <name>/wire.py per provider (building blocks
in wire.py), turned into Invoices by <name>/normalize.py. Adopted by measurement against the
hand-written normalizers they replaced (kept in benchmarks/before_*.py): at 100k records, CPU
time of json.loads(parse_float=Decimal) + reading, same Invoices out, 3 interleaved runs,
`python benchmarks/bench_wire.py --runs 3` (2026-12-03 10:50-11:03 UTC, load average 3-6.5 on
2 cores): DoiT 1.11x (3.97 s against 3.57 s), Zilliz 1.04x, Palette 1.09x (23.6 s against
21.6 s), Waldur invoices 1.10x (20.1 s against 18.2 s), Waldur provider items 1.03x; all
within the 1.2x bar. Wall time in that run: 1.21x, 1.07x, 1.14x, 1.02x, 1.04x; DoiT again with
`--runs 5 --only doit` at load 2: 1.05x wall, 1.08x CPU (the wall figure follows the
neighbours' load; an earlier run at load 8 read 1.65x wall for Palette at 1.13x CPU). The
TypeAdapter call alone is 0.45-0.57x; the rest is building Invoices (clean_json of the raw
record is the largest part), which the normalizers did too.
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
