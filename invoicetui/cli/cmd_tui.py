"""The TUI command: resolve the accounts, then hand the app its setup."""

from __future__ import annotations

import argparse
from contextlib import ExitStack

from invoicetui.cli.common import (
    fetch_mode,
    resolve,
)
from invoicetui.config.options import AppSetup


def demo_tables(setup: AppSetup) -> None:
    """What a demo config would set, so the overview shows a budget crossed and an ≈ total."""
    from invoicetui.config.load import Rates
    from invoicetui.demo.settings import DEMO_BUDGETS, DEMO_GROUPS, DEMO_RATES, DEMO_RATES_BASE

    names = {a.name for a in setup.accounts}
    setup.budgets = {a: b for a, b in DEMO_BUDGETS.items() if a in names}
    setup.rates = Rates(DEMO_RATES_BASE, dict(DEMO_RATES))
    setup.groups = {a: g for a, g in DEMO_GROUPS.items() if a in names}


def cmd_tui(args: argparse.Namespace) -> int:
    from invoicetui.tui import runtime

    runtime.pause_gc()  # until the first frame is on screen (tui/runtime.py)
    try:
        return _run_tui(args)
    finally:
        runtime.resume_gc()  # if the first frame never came (no terminal, an error)


def _run_tui(args: argparse.Namespace) -> int:
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
        if resolved.demo:  # the demo's own [budgets], [rates] and [groups]
            demo_tables(setup)
        from invoicetui.tui.app import run

        return int(run(setup))
    raise AssertionError("unreachable")  # pragma: no cover
