"""What the CLI hands the TUI: resolved accounts and settings, no Textual here."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from invoicetui.config.accounts import AccountConfig

if TYPE_CHECKING:
    from invoicetui.config.load import Rates


class FetchMode(enum.StrEnum):
    """How data is obtained (CONTRACT.md, "Export and the cache")."""

    AUTO = "auto"  # fresh cache entries are served, the rest fetched
    REFRESH = "refresh"  # always fetch
    OFFLINE = "offline"  # never touch the network


@dataclass
class AppSetup:
    """Everything the TUI needs to start, already validated by the CLI."""

    accounts: list[AccountConfig]
    cache_dir: Path
    mode: FetchMode = FetchMode.AUTO
    demo: bool = False  # show the DEMO marker and the "add a real account" hint
    theme: str | None = None
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> key(s), from [keys]
    mouse: bool = True
    config_path: Path | None = None
    # The insight views' optional tables ([budgets], [rates], [groups]; see CONTRACT).
    budgets: dict[str, Decimal] = field(default_factory=dict)
    rates: Rates | None = None
    groups: dict[str, str] = field(default_factory=dict)
    downloads: Path | None = None  # [ui] downloads; None: the platform's downloads folder
