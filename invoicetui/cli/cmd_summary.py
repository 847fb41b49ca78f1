"""`invoicetui summary`: what is owed, overdue, due soon, spent, and what changed, for cron,
chat or a status bar (CONTRACT.md, "What users watch and file"). Never imports Textual."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Mapping
from contextlib import ExitStack
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from invoicetui.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    Resolved,
    UsageError,
    err,
    fetch_mode,
    make_cache,
    resolve,
    select_accounts,
)

if TYPE_CHECKING:
    from invoicetui.service.insight.budgets import RatesLike

EXIT_MATCHED = 3


def utc_today() -> date:
    return datetime.now(UTC).date()


def cmd_summary(args: argparse.Namespace) -> int:
    from invoicetui.cli.cmd_export import write_stdout
    from invoicetui.service import export
    from invoicetui.service.insight.report import AccountChanges, FailOn, build_report
    from invoicetui.service.insight.report_render import render_json, render_text

    try:
        fail_on = FailOn.parse(args.fail_on) if args.fail_on else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    with ExitStack() as stack:
        resolved = resolve(args, stack, auto_demo=False)
        accounts = select_accounts(resolved.accounts, args.account)
        cache = make_cache(resolved.cache_dir)
        outcomes = asyncio.run(export.load_all(accounts, cache, fetch_mode(args)))
    changes = [AccountChanges(a.name, cache.load_changes(a.name)) for a in accounts]
    budgets, rates, today = _settings(resolved)
    report = build_report(
        export.collect(outcomes, None, None),
        today,
        changes=changes,
        budgets={k: v for k, v in budgets.items() if k in {a.name for a in accounts}},
        rates=rates,
        fail_on=fail_on,
        errors=[o.error for o in outcomes if o.error],
        note="demo data" if resolved.demo else "",
    )
    write_stdout(render_json(report) if args.format == "json" else render_text(report))
    for outcome in outcomes:
        if outcome.error:
            err(outcome.error)
    if report.matched:
        return EXIT_MATCHED  # true of the data at hand, even when an account failed
    return EXIT_FAILED if any(o.failed for o in outcomes) else EXIT_OK


def _settings(resolved: Resolved) -> tuple[Mapping[str, Decimal], RatesLike | None, date]:
    """[budgets] and [rates] of the config (the demo's own in demo mode), and today.

    The demo data is anchored on a fixed day, so demo mode reads it on that day.
    """
    if resolved.demo:
        from invoicetui.demo.data import DEMO_TODAY
        from invoicetui.demo.settings import DEMO_BUDGETS, DEMO_RATES, DEMO_RATES_BASE
        from invoicetui.service.insight.budgets import Rates

        return DEMO_BUDGETS, Rates(DEMO_RATES_BASE, DEMO_RATES), DEMO_TODAY
    config = resolved.config
    if config is None:
        return {}, None, utc_today()
    return config.budgets, config.rates, utc_today()
