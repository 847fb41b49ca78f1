"""The insight computations over 100k invoices (generated): medians of each pure function.

What the TUI's insight views and `invoicetui summary` compute before they show anything:
  - overview (owed per currency, ages, due soon, per account next due / oldest overdue);
  - trends (12 months x account and currency, deltas, anomalies);
  - breakdown (line items by project over 12 months);
  - flags of every invoice (flag_all: the table's marks);
  - changes: diff of two 100k snapshots that differ in 1 % of the invoices, and the refresh's
    compare (service/tracking.py), then save_changes + load_changes of that change set;
  - budgets and the summary report (everything `invoicetui summary` computes).
Each invoice has 5 line items drawn from a pool (projects and kinds vary). The same process
runs every measure `--runs` times after one warm-up; the table gives medians.

    python benchmarks/bench_insight.py [--quick] [--invoices 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import shlex
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from common import ROOT, Measure, emit, log, median, quick_mode, timed

sys.path.insert(0, str(ROOT))

from invoicetui.cache import Cache
from invoicetui.core.model import Invoice, LineItem, Status
from invoicetui.service.insight.breakdown import breakdown
from invoicetui.service.insight.budgets import budget_status
from invoicetui.service.insight.changes import diff
from invoicetui.service.insight.flags import flag_all
from invoicetui.service.insight.overview import overview
from invoicetui.service.insight.report import build_report
from invoicetui.service.insight.trends import trends
from invoicetui.service.tracking import compare

TODAY = date(2026, 11, 15)
PROVIDERS = ("palette", "waldur", "doit", "zilliz")
CURRENCIES = ("USD", "EUR", "GBP")
STATUSES = (Status.PAID,) * 6 + (Status.OPEN, Status.OVERDUE, Status.DRAFT, Status.FAILED)


def generate(count: int, seed: int = 11) -> list[Invoice]:
    r = random.Random(seed)
    pool = [
        tuple(
            LineItem(
                f"item {p}-{i}",
                kind=r.choice(("compute", "storage", "network", "support")),
                project=f"project-{r.randrange(40)}",
                amount=Decimal(r.randrange(100, 100_000)) / 100,
            )
            for i in range(5)
        )
        for p in range(500)
    ]
    out = []
    for n in range(count):
        account = n % 20
        provider = PROVIDERS[account % 4]
        month = 24 - (n * 24 // count)
        start = date(2026 - (month > 10) - (month > 22), (10 - month) % 12 + 1, 1)
        items = () if provider == "zilliz" else pool[n % len(pool)]
        total = sum((i.amount for i in items if i.amount is not None), Decimal(0)) or Decimal(
            r.randrange(100, 10_000)
        )
        status = r.choice(STATUSES)
        out.append(
            Invoice(
                account=f"acct-{account:02d}",
                provider=provider,
                id=f"inv-{n:07d}",
                number=f"N{n % 99_991:05d}",
                status=status,
                issued=start + timedelta(days=31),
                due=start + timedelta(days=61),
                period_start=start,
                currency=CURRENCIES[account % 3],
                subtotal=total,
                total=total,
                amount_due=Decimal(0) if status is Status.PAID else total,
                line_items=items,
            )
        )
    return out


def changed(invoices: list[Invoice], share: float = 0.01) -> list[Invoice]:
    """A second snapshot: `share` of the invoices paid or re-priced, a few new and gone."""
    step = max(1, int(1 / share))
    out = []
    for n, inv in enumerate(invoices):
        if n % step == 0:
            inv = replace(inv, status=Status.PAID, amount_due=Decimal(0))
        elif n % step == 1:
            inv = replace(inv, total=(inv.total or Decimal(0)) + 1)
        elif n % step == 2:
            continue  # gone
        out.append(inv)
    extra = [replace(inv, id=inv.id + "-new") for inv in invoices[: len(invoices) // 1000]]
    return out + extra


def measure(name: str, runs: int, func: Callable[[], Any]) -> Measure:
    func()  # warm-up
    samples = []
    for _ in range(runs):
        with timed() as t:
            func()
        samples.append(t[0] * 1000)
    value = median(samples)
    log(f"  {name}: {value:.1f} ms")
    return Measure("insight", name, value, "ms", runs=runs, samples=samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=None)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    quick = quick_mode()
    count = args.invoices or (10_000 if quick else 100_000)
    runs = args.runs or (2 if quick else 5)
    log(f"generating {count:,} invoices")
    invoices = generate(count)
    second = changed(invoices)
    scale = f"{count // 1000}k invoices"
    budgets = {f"acct-{a:02d}": Decimal(50_000) for a in range(0, 20, 3)}
    year = (date(2025, 12, 1), date(2026, 11, 30))
    measures = [
        measure(f"overview ({scale})", runs, lambda: overview(invoices, TODAY)),
        measure(f"trends, 12 months ({scale})", runs, lambda: trends(invoices, TODAY)),
        measure(
            f"breakdown by project, 12 months ({scale})",
            runs,
            lambda: breakdown(invoices, "project", {}, *year),
        ),
        measure(f"flags of every invoice ({scale})", runs, lambda: flag_all(invoices, TODAY)),
        measure(
            f"changes: diff of two snapshots ({scale}, 1 % changed)",
            runs,
            lambda: diff(invoices, second),
        ),
        measure(
            f"changes: the refresh's compare ({scale})", runs, lambda: compare(invoices, second)
        ),
        measure(f"budgets ({scale})", runs, lambda: budget_status(invoices, budgets, TODAY)),
        measure(
            f"summary report, everything `summary` computes ({scale})",
            runs,
            lambda: build_report(invoices, TODAY, budgets=budgets),
        ),
    ]
    changes = diff(invoices, second)
    with tempfile.TemporaryDirectory() as tmp:
        cache = Cache(Path(tmp))
        at = datetime(2026, 11, 15, 12, tzinfo=UTC)

        def round_trip() -> None:
            cache.save_changes("acct-00", changes, at, since=at)
            assert cache.load_changes("acct-00") is not None

        measures.append(
            measure(
                f"changes: save + load of that change set ({len(changes):,} invoices)",
                runs,
                round_trip,
            )
        )
    command = "python benchmarks/bench_insight.py " + shlex.join(sys.argv[1:])
    print(f"Command: {command.strip()}\n")
    print("One process; each figure is the median of the runs after one warm-up.\n")
    emit(measures, title="Insight computations")


if __name__ == "__main__":
    main()
