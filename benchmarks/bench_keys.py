"""Item 4: keystroke latency while the 100k-item Waldur account streams in.

InvoiceApp runs headless (App.run_test, 120x36) with the demo accounts plus "waldur-scale",
served by DemoServer(scale=N) in its own process, and an empty cache, so every account is
fetched. Once the table has rows, j and k are sent alternately through the driver every ~20 ms
(the next key only after the previous one was painted, or gave up after 2 s). Latency is the
time from sending the key to the first screen update (App._display, which headless mode still
computes) after the table's cursor action ran. Samples are taken while the waldur-scale load
is running; the reference is the same presses after every load has finished.

    python benchmarks/bench_keys.py [--quick] [--scale N] [--presses N]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from common import DemoProcess, Measure, emit, log, median, percentile, quick_mode
from textual import events

from invoicetui.config.options import AppSetup, FetchMode
from invoicetui.tui.app import InvoiceApp

ACCOUNT = "waldur-scale"
INTERVAL = 0.020
GIVE_UP = 2.0
SIZE = (120, 36)


@dataclass
class Probe:
    """Times one key at a time: sent -> cursor action ran -> next screen update."""

    sent: float = 0.0
    handled: float | None = None
    waiting: bool = False
    done: asyncio.Event = field(default_factory=asyncio.Event)
    latencies: list[float] = field(default_factory=list)
    missed: int = 0

    def on_action(self) -> None:
        if self.waiting and self.handled is None:
            self.handled = time.perf_counter()

    def on_display(self) -> None:
        if self.waiting and self.handled is not None:
            self.latencies.append((time.perf_counter() - self.sent) * 1000)
            self.waiting = False
            self.done.set()


def instrument(app: InvoiceApp, table: Any, probe: Probe) -> None:
    """Wrap the app's display hook and the table's cursor actions (instance attributes)."""
    display = app._display

    def timed_display(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if renderable is not None:
            probe.on_display()

    app._display = timed_display  # type: ignore[method-assign]
    for name in ("action_cursor_down", "action_cursor_up"):
        action: Callable[[], None] = getattr(table, name)

        def timed(action: Callable[[], None] = action) -> None:
            action()
            probe.on_action()

        setattr(table, name, timed)


async def press_series(
    app: InvoiceApp, probe: Probe, presses: int, keep_going: Callable[[], bool]
) -> None:
    """j, k, j, k ... every INTERVAL, one in flight at a time."""
    driver = app._driver
    assert driver is not None
    next_at = time.perf_counter()
    for i in range(presses):
        if not keep_going():
            break
        key = "j" if i % 2 == 0 else "k"
        probe.done.clear()
        probe.handled = None
        probe.waiting = True
        probe.sent = time.perf_counter()
        event = events.Key(key, key)
        event.set_sender(app)
        driver.send_message(event)
        try:
            await asyncio.wait_for(probe.done.wait(), GIVE_UP)
        except TimeoutError:
            probe.waiting = False
            probe.missed += 1
        next_at = max(next_at + INTERVAL, time.perf_counter())
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))


PROFILE: list[str] = []  # --profile: cProfile the press window, print the top on stderr


@contextmanager
def profiled(enabled: list[str]) -> Iterator[None]:
    if not enabled:
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats(enabled[0]).print_stats(40)
        stats.print_stats("invoicetui", 40)
        path = Path(tempfile.gettempdir()) / "bench_keys.prof"
        profile.dump_stats(path)
        log(out.getvalue())
        log(f"profile saved: python -m pstats {path}")


def loading(app: InvoiceApp, name: str) -> bool:
    return any(w.name == f"load {name}" and not w.is_finished for w in app.workers)


async def run_once(
    accounts: list[Any], cache_dir: Path, presses: int, *, idle: bool
) -> tuple[Probe, Probe, float, bool]:
    """Probes during the fetch and (with idle) after it; the fetch's seconds; still running?"""
    setup = AppSetup(accounts=accounts, cache_dir=cache_dir, mode=FetchMode.REFRESH)
    app = InvoiceApp(setup)
    during, after = Probe(), Probe()
    async with app.run_test(size=SIZE) as pilot:
        started = time.perf_counter()
        screen: Any = app.screen
        deadline = started + 60
        while getattr(screen, "table", None) is None or screen.table.visible_count < 2:
            await pilot.pause(0.01)
            screen = app.screen
            if time.perf_counter() > deadline:
                raise SystemExit("keys: the table never got two rows")
        table = screen.table
        instrument(app, table, during)
        with profiled(PROFILE):
            await press_series(app, during, presses, lambda: loading(app, ACCOUNT))
        still_running = loading(app, ACCOUNT)
        fetch_seconds = time.perf_counter() - started
        if not idle:
            await pilot.press("q")
            return during, after, fetch_seconds, still_running
        while loading(app, ACCOUNT):
            await pilot.pause(0.05)
        fetch_seconds = time.perf_counter() - started
        await pilot.pause(0.2)
        instrument(app, table, after)
        await press_series(app, after, min(presses, 100), lambda: True)
        await pilot.press("q")
    return during, after, fetch_seconds, still_running


def measures_for(
    label: str, runs: list[tuple[Probe, Probe, float, bool]], after: list[float]
) -> list[Measure]:
    """Median and p95 over every key of every run; `after`: the idle app's latencies."""
    during = [x for probe, _, _, _ in runs for x in probe.latencies]
    missed = sum(probe.missed for probe, _, _, _ in runs)
    fetch = median([seconds for _, _, seconds, _ in runs])
    p50, p95 = median(during), percentile(during, 95)
    bench = "4. keys during a streaming fetch"
    note = f"{len(during)} keys, {missed} unanswered in {GIVE_UP:g}s, fetch {fetch:.1f}s"
    if any(still for _, _, _, still in runs):
        note += ", presses ended before the fetch"
    return [
        Measure(
            bench,
            f"{label}: median key to paint",
            p50,
            "ms",
            reference="same keys, idle app",
            reference_value=median(after),
            target="<= 50 ms",
            met=None if p50 is None else p50 <= 50,
            runs=len(runs),
            note=note,
            samples=during,
        ),
        Measure(
            bench,
            f"{label}: p95 key to paint",
            p95,
            "ms",
            reference="same keys, idle app",
            reference_value=percentile(after, 95),
            target="<= 50 ms",
            met=None if p95 is None else p95 <= 50,
            runs=len(runs),
            note=f"max {max(during):.0f} ms" if during else "",
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k items, one run")
    parser.add_argument("--scale", type=int, default=None, help="items (default 100000)")
    parser.add_argument("--runs", type=int, default=None, help="runs per scenario (default 3)")
    parser.add_argument("--presses", type=int, default=1000, help="most keys per run")
    parser.add_argument("--only", choices=("unlimited", "max_rps=20"), help="one scenario")
    parser.add_argument(
        "--profile", metavar="SORT", help="cProfile the key presses (tottime, cumulative)"
    )
    args = parser.parse_args(argv)
    if args.profile:
        PROFILE.append(args.profile)
    quick = quick_mode(argv)
    scale = args.scale or (10_000 if quick else 100_000)
    runs = args.runs or (1 if quick else 3)
    measures: list[Measure] = []
    with DemoProcess(scale) as server:
        demo = [a for a in server.accounts() if not a.name.endswith("-scale")]
        # Unlimited: keys until the fetch ends, then the idle reference; max_rps=20: a window.
        scenarios = [("unlimited", 1e9, args.presses, True), ("max_rps=20", 20.0, 300, False)]
        idle_latencies: list[float] = []
        scenarios = [s for s in scenarios if args.only in (None, s[0])]
        for label, rps, presses, idle in scenarios:
            big = replace(server.account(ACCOUNT), max_rps=rps)
            results = []
            for i in range(runs):
                with tempfile.TemporaryDirectory(prefix="bench-keys-") as tmp:
                    result = asyncio.run(run_once([*demo, big], Path(tmp), presses, idle=idle))
                results.append(result)
                during, after, seconds, _ = result
                idle_latencies.extend(after.latencies)
                log(
                    f"keys {label} run {i + 1}/{runs}: fetch {seconds:.1f}s, "
                    f"{len(during.latencies)} keys, median {median(during.latencies) or 0:.1f} ms"
                    f", p95 {percentile(during.latencies, 95) or 0:.1f} ms, missed "
                    f"{during.missed}"
                    + (f"; idle median {median(after.latencies) or 0:.1f} ms" if idle else "")
                )
            measures.extend(measures_for(f"{scale:,} items, {label}", results, idle_latencies))
    emit(measures, title="Keystroke latency")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
