"""The TUI command: resolve the accounts, then hand the app its setup."""

from __future__ import annotations

import argparse
from contextlib import ExitStack

from invoicetui.cli.common import (
    fetch_mode,
    resolve,
)
from invoicetui.config.options import AppSetup


def cmd_tui(args: argparse.Namespace) -> int:
    with ExitStack() as stack:
        resolved = resolve(args, stack, auto_demo=True, ui=True)
        config = resolved.config
        setup = AppSetup(
            accounts=resolved.accounts,
            cache_dir=resolved.cache_dir,
            mode=fetch_mode(args),
            demo=resolved.demo,
            theme=args.theme or (config.theme if config else None),
            keys=dict(config.keys) if config else {},
            mouse=not args.no_mouse,
            config_path=resolved.config_path,
            budgets=dict(config.budgets) if config else {},
            rates=config.rates if config else None,
            groups=dict(config.groups) if config else {},
            downloads=config.downloads if config else None,
        )
        from invoicetui.tui.app import run

        return int(run(setup))
    raise AssertionError("unreachable")  # pragma: no cover
