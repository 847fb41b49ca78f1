"""One table of provider facts: add a provider with one package and one line in SPECS.

Pure data (stdlib only, checked by an import-linter contract), so that every layer may read
it: the config loader finds each provider's account model here, the service its client
class, the UI its label, the normalizers its status words. Classes are named by dotted path
and imported on first use, which keeps httpx and pydantic off the start path.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """Everything the rest of the program needs to know about one provider."""

    name: str  # the `provider = "..."` value in the config
    label: str  # what users read: "DoiT account 'prod': ..."
    default_base_url: str | None  # None: always self-hosted, base_url is required
    keys: tuple[str, ...]  # its own config keys, beyond the common ones (order of writing)
    settings: str  # "module:Class" of its pydantic account model (config validation)
    client: str  # "module:Class" of its ProviderClient
    statuses: Mapping[str, str] = field(default_factory=dict)  # status word -> core Status value
    short: str = ""  # at most 4 characters, for narrow table columns (default: the label's start)

    @property
    def short_label(self) -> str:
        return self.short or self.label[:3]

    def client_class(self) -> Any:
        """The ProviderClient class, imported now (and httpx with it)."""
        return _resolve(self.client)

    def settings_model(self) -> Any:
        """The pydantic account model, imported now (and pydantic with it)."""
        return _resolve(self.settings)


def _resolve(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _pkg(name: str, client: str) -> tuple[str, str]:
    base = f"invoicetui.providers.{name}"
    return f"{base}.settings:{name.capitalize()}Account", f"{base}.client:{client}"


SPECS: tuple[ProviderSpec, ...] = (
    ProviderSpec(
        "palette",
        "Palette",
        "https://api.spectrocloud.com",
        ("tenant_uid", "invoice_uids"),
        *_pkg("palette", "PaletteClient"),
        MappingProxyType(
            {
                "PaymentPending": "open",
                "PaymentInProgress": "processing",
                "PaymentFailed": "failed",
                "Paid": "paid",
            }
        ),
    ),
    ProviderSpec(
        "waldur",
        "Waldur",
        None,
        ("role", "currency", "customer_uuid"),
        *_pkg("waldur", "WaldurClient"),
        MappingProxyType(
            {
                "pending": "draft",
                "pending_finalization": "draft",
                "created": "open",
                "paid": "paid",
                "canceled": "void",
            }
        ),
    ),
    ProviderSpec(
        "doit",
        "DoiT",
        "https://api.doit.com",
        ("customer_context",),
        *_pkg("doit", "DoitClient"),
        MappingProxyType({"OPEN": "open", "PAST DUE": "overdue", "PAID": "paid"}),
        short="DoiT",
    ),
    ProviderSpec(
        "zilliz",
        "Zilliz",
        "https://api.cloud.zilliz.com",
        (),
        *_pkg("zilliz", "ZillizClient"),
        MappingProxyType(
            {
                "unbilled": "draft",
                "unpaid": "open",
                "unconfirmed": "open",
                "overdue": "overdue",
                "paid": "paid",
                "free": "paid",
                "disputed": "disputed",
            }
        ),
    ),
)

BY_NAME: Mapping[str, ProviderSpec] = MappingProxyType({s.name: s for s in SPECS})
PROVIDERS: tuple[str, ...] = tuple(s.name for s in SPECS)
LABELS: Mapping[str, str] = MappingProxyType({s.name: s.label for s in SPECS})
SHORT_LABELS: Mapping[str, str] = MappingProxyType({s.name: s.short_label for s in SPECS})
DEFAULT_BASE_URLS: Mapping[str, str] = MappingProxyType(
    {s.name: s.default_base_url for s in SPECS if s.default_base_url}
)


def label(provider: str) -> str:
    """The provider's name as users read it (the raw name for one we do not know)."""
    return LABELS.get(provider, provider)
