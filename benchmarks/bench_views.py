"""Insight views: time to open each view (overview, trends, breakdown, changes) with 100k
invoices loaded, as medians.

Run:  python benchmarks/bench_views.py --rows 100000 --runs 5

A headless InvoiceApp (120x36) is given --rows invoices in 4 accounts (each with 3 line items,
money in Decimal, 8 years of months) through a stand-in for the loading service, so nothing
is fetched. Per view and run: from the key press to the frame that shows its figures (they
are computed in a worker thread; the view says "Computing…" until then). Also: the rows'
marks (flags of every invoice) after the rows arrive.
Benchmarks report; they never fail.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from common import Measure, emit, log, median, quick_mode

from invoicetui.config.accounts import AccountConfig
from invoicetui.config.options import AppSetup
from invoicetui.core.model import AccountSnapshot, Invoice, LineItem, Status
from invoicetui.service import loading as service
from invoicetui.tui.app import InvoiceApp

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
ACCOUNTS = [AccountConfig(name="acme-palette", provider="palette"),
            AccountConfig(name="hpc-centre", provider="waldur"),
            AccountConfig(name="doit-reseller", provider="doit"),
            AccountConfig(name="vector-db", provider="zilliz")]  # fmt: skip
VIEWS = (("overview", "O"), ("trends", "T"), ("breakdown", "B"), ("changes", "C"))
PROJECTS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta")
STATUSES = (Status.PAID, Status.PAID, Status.PAID, Status.OPEN, Status.OVERDUE, Status.DRAFT)


def make_invoices(count: int) -> dict[str, list[Invoice]]:
    """Deterministic invoices over the 8 years up to NOW, 3 line items each (Zilliz: none)."""
    rnd = random.Random(20261115)
    out: dict[str, list[Invoice]] = {a.name: [] for a in ACCOUNTS}
    for n in range(count):
        account = ACCOUNTS[n % len(ACCOUNTS)]
        issued = NOW.date() - timedelta(days=rnd.randrange(8 * 365))
        status = STATUSES[rnd.randrange(len(STATUSES))]
        parts = [Decimal(rnd.randrange(100, 500_000)).scaleb(-2) for _ in range(3)]
        total = sum(parts, Decimal(0))
        items = () if account.provider == "zilliz" else tuple(
            LineItem(f"item {k}", kind=("compute", "storage", "network")[k],
                     project=PROJECTS[rnd.randrange(len(PROJECTS))], amount=amount)
            for k, amount in enumerate(parts)
        )  # fmt: skip
        out[account.name].append(Invoice(
            account=account.name, provider=account.provider, id=f"{account.name}-{n:07d}",
            number=str(100_000 + n), status=status, issued=issued,
            due=issued + timedelta(days=30), period_start=issued.replace(day=1),
            currency=("EUR", "USD")[n % 2], subtotal=total, total=total,
            amount_due=Decimal(0) if status is Status.PAID else total, line_items=items,
        ))  # fmt: skip
    return out


def install(invoices: dict[str, list[Invoice]]) -> None:
    """The loading service's two entry points the app calls, answering from memory."""

    def snapshot(account: AccountConfig) -> AccountSnapshot:
        return AccountSnapshot(account.name, account.provider,
                               tuple(invoices[account.name]), NOW)  # fmt: skip

    def read_cached(account: AccountConfig, cache: object, **_: Any) -> AccountSnapshot:
        return replace(snapshot(account), from_cache=True)

    async def load_account(account: AccountConfig, cache: object, *_: Any,
                           **__: Any) -> AccountSnapshot:  # fmt: skip
        return snapshot(account)

    service.read_cached = read_cached  # type: ignore[assignment]
    service.load_account = load_account  # type: ignore[assignment]


async def until(pilot: Any, done: Any, limit: float = 120.0) -> None:
    deadline = time.perf_counter() + limit
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the view never showed its figures")
        await pilot.pause(0.001)


async def measure(rows: int, runs: int) -> list[Measure]:
    from invoicetui.tui.screens.insight import InsightScreen
    from invoicetui.tui.screens.main import MainScreen

    install(make_invoices(rows))
    setup = AppSetup(accounts=list(ACCOUNTS), cache_dir=Path(tempfile.mkdtemp()) / "cache")
    app = InvoiceApp(setup, now=lambda: NOW, tz=UTC)
    shown: dict[str, list[float]] = {name: [] for name, _ in VIEWS}
    marks: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        main = next(s for s in app.screen_stack if isinstance(s, MainScreen))
        start = time.perf_counter()
        await until(pilot, lambda: main.total_rows >= rows and not main._marks_running)
        marks.append(time.perf_counter() - start)
        log(f"{rows} rows loaded, marks computed in {marks[0]:.2f} s")
        await app.workers.wait_for_complete()
        for run in range(runs):
            for name, key in VIEWS:
                start = time.perf_counter()
                await pilot.press(key)
                screen = app.screen
                assert isinstance(screen, InsightScreen)
                await until(pilot, lambda s=screen: s.result is not None)  # type: ignore[misc]
                await pilot.pause()
                shown[name].append(time.perf_counter() - start)
                await pilot.press("escape")
                await pilot.pause()
            log(f"run {run + 1}: " + ", ".join(f"{n} {shown[n][-1]:.2f} s" for n, _ in VIEWS))
    out = [Measure("views", f"{name}: key → figures shown", _ms(shown[name]), "ms",
                    runs=runs, samples=shown[name],
                    note=f"{rows} invoices, computed in a worker thread")
            for name, _ in VIEWS]  # fmt: skip
    out.append(Measure("views", "rows in → table marks (flags of every invoice)",
                       _ms(marks), "ms", note="includes the first paint of the rows"))  # fmt: skip
    return out


def _ms(values: Sequence[float]) -> float | None:
    value = median(values)
    return None if value is None else value * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rows, runs = (20_000, 2) if quick_mode() else (args.rows, args.runs)
    emit(asyncio.run(measure(rows, runs)), title=f"Insight views, {rows} invoices")


if __name__ == "__main__":
    main()
