"""What every command shares: exit codes, stderr lines, and finding the accounts and cache."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from invoicetui.cli.parser import PROG
from invoicetui.config import locations
from invoicetui.config.accounts import AccountConfig, insecure_tls_warning
from invoicetui.config.load import Config, load_config
from invoicetui.config.options import FetchMode
from invoicetui.core.errors import ConfigError
from invoicetui.core.model import PROVIDER_LABELS

if TYPE_CHECKING:
    from invoicetui.cache import Cache

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A command-line mistake (exit 2); the message says what to do instead."""


def err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def warn(message: str) -> None:
    err(f"{PROG}: warning: {message}")


def fetch_mode(args: argparse.Namespace) -> FetchMode:
    if getattr(args, "offline", False):
        return FetchMode.OFFLINE
    if getattr(args, "refresh", False):
        return FetchMode.REFRESH
    return FetchMode.AUTO


def config_location(args: argparse.Namespace) -> tuple[Path, bool]:
    """The config path and whether the user named it (--config or INVOICETUI_CONFIG)."""
    if args.config:
        return Path(args.config).expanduser(), True
    return locations.config_file(), bool(os.environ.get("INVOICETUI_CONFIG"))


def cache_location(demo: bool) -> Path:
    """Demo data lives apart from real data."""
    base = locations.cache_dir()
    return base / "demo" if demo else base


@dataclass
class Resolved:
    """The accounts a command works on, and where they came from."""

    accounts: list[AccountConfig]
    config: Config | None
    config_path: Path
    demo: bool

    @property
    def cache_dir(self) -> Path:
        return cache_location(self.demo)


def resolve(
    args: argparse.Namespace, stack: ExitStack, *, auto_demo: bool, ui: bool = False
) -> Resolved:
    """Accounts from --demo (server started on `stack`) or from the config file.

    auto_demo: a missing default config means demo mode (the TUI) rather than an error.
    ui: in demo mode, still read an existing config for its [ui] and [keys] tables.
    """
    path, explicit = config_location(args)
    demo = bool(getattr(args, "demo", False))
    if not demo and not path.exists():
        if explicit:
            raise ConfigError("config file not found", path=str(path))
        if not auto_demo:
            raise UsageError(
                f"no config file at {path}\n"
                "  create it (`invoicetui demo-server` prints an example), point to one with\n"
                "  --config or INVOICETUI_CONFIG, or add --demo to see demo data"
            )
        demo = True
    config: Config | None = None
    memo = locations.cache_dir() / "config-memo.json"  # the start skips pydantic (memo.py)
    if not demo:
        config = load_config(path, memo=memo)
        insecure = insecure_tls_warning(config.accounts)
        if insecure and not ui:  # the TUI shows it in the app instead
            warn(insecure)
        return Resolved(config.accounts, config, path, False)
    if ui and path.exists():
        try:
            config = load_config(path, memo=memo)  # only for [ui] and [keys]
        except ConfigError as exc:
            warn(f"ignoring the config in demo mode: {exc}")
    from invoicetui.demo.runtime import running_demo

    _server, accounts = stack.enter_context(running_demo())
    return Resolved(accounts, config, path, True)


def configured_names(args: argparse.Namespace) -> list[str]:
    """The account names --config (or the default config, or --demo) gives, without a server."""
    if getattr(args, "demo", False):
        from invoicetui.demo.server import build_providers

        return [a.name for p in build_providers().values() for a in p.accounts("http://demo")]
    path, explicit = config_location(args)
    if not path.exists():
        if explicit:
            raise ConfigError("config file not found", path=str(path))
        return []
    return [a.name for a in load_config(path).accounts]


def make_cache(directory: Path) -> Cache:
    from invoicetui.cache import Cache

    return Cache(directory=directory, warn=warn)


def strip_prefix(account: AccountConfig, message: str) -> str:
    label = PROVIDER_LABELS.get(account.provider, account.provider)
    prefix = f"{label} account '{account.name}': "
    return message[len(prefix) :] if message.startswith(prefix) else message


def select_accounts(accounts: list[AccountConfig], names: Sequence[str]) -> list[AccountConfig]:
    """The accounts named by --account (all when none), or a usage error listing the known ones."""
    if not names:
        return accounts
    known = {a.name for a in accounts}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(
            f"unknown account {unknown[0]!r}; configured: {', '.join(a.name for a in accounts)}"
        )
    wanted = set(names)
    return [a for a in accounts if a.name in wanted]


def text_table(rows: list[list[str]]) -> str:
    """Left-aligned columns for terminal listings (accounts, cache info)."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines) + "\n"
