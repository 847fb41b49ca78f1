"""Scale benchmark: VirtualTable vs Textual's DataTable holding the same invoices.

Run:  python benchmarks/bench_table.py --rows 100000 --runs 5 --reference-runs 1

Every run is a fresh subprocess (so peak RSS is per variant) driving a headless app of
--size columns x lines. A phase's time runs from the call (or key press) to the first frame
the compositor produced that shows its result; every frame is also rendered to terminal
escape sequences, as a real terminal would receive it. Prints a markdown table of medians and
the machine. A DataTable run at 100k takes ~2 minutes (15 s to load, 85 s to stream), hence
one reference run by default; the whole command takes about 2.5 minutes on 2 cores.
Benchmarks report; they never fail.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import textual
from rich.text import Text
from textual import events
from textual._compositor import CompositorUpdate
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable

from invoicetui.core.model import Invoice, Status
from invoicetui.tui.rows import invoice_columns, invoice_key, invoice_search_text
from invoicetui.tui.widgets.table import VirtualTable

ACCOUNTS = [("acme-palette", "palette"), ("hpc-centre", "waldur"), ("doit-reseller", "doit"),
            ("vector-db", "zilliz")]  # fmt: skip
FILTER_KEY = "z"  # first keystroke of "zilliz": a full scan that keeps ~25% of the rows
PAGE = 500  # rows per streamed page
TARGETS = {"first_paint": 0.15, "sort": 0.15, "filter": 0.05, "rss_mb": 250.0}
PHASES = [
    ("first_paint", "data in memory → first paint"),
    ("sort", "sort by amount (first time)"),
    ("jump_end", "jump to the end (G / ctrl+end)"),
    ("filter", f"filter keystroke '{FILTER_KEY}' (full scan)"),
    ("filter_cold", f"filter keystroke '{FILTER_KEY}', right after load"),
    ("stream", f"stream all rows in {PAGE}-row pages → painted (†)"),
    ("stream_key", "key (down) → frame while streaming, median"),
    ("stream_key_max", "key (down) → frame while streaming, worst"),
]


def make_invoices(count: int) -> list[Invoice]:
    """Deterministic invoices shaped like the real ones (Decimal money, dates, statuses)."""
    rnd = random.Random(20261115)
    statuses = list(Status)
    start = date(2018, 1, 1)
    out = []
    for n in range(count):
        account, provider = ACCOUNTS[n % 4]
        issued = start + timedelta(days=rnd.randrange(3000))
        total = Decimal(rnd.randrange(0, 5_000_000)).scaleb(-2)
        status = statuses[rnd.randrange(len(statuses))]
        out.append(Invoice(
            account=account, provider=provider, id=f"{rnd.getrandbits(128):032x}",
            number=str(100_000 + n) if n % 3 else None, status=status, issued=issued,
            due=issued + timedelta(days=30), period_start=issued.replace(day=1),
            currency=("EUR", "USD")[n % 2], subtotal=total, total=total,
            amount_due=Decimal(0) if status is Status.PAID else total,
        ))  # fmt: skip
    return out


def vm_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class Probe:
    """Times frames: a phase ends at the first frame after its start that satisfies `ready`."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.rows_painted = False
        self.start = 0.0
        self.done: float | None = None
        self.ready: Callable[[], bool] = lambda: True
        self.frames = 0
        self.cpu: dict[str, float] = {}  # process CPU seconds per measure, start to its frame
        self.done_cpu = 0.0
        self.last_frame = 0.0
        original = app._display

        def display(screen: Screen[Any], renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None:
                return
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)  # what a real terminal would be sent
            self.frames += 1
            now = self.last_frame = time.perf_counter()
            if self.done is None and now >= self.start and self.ready():
                self.done = now
                self.done_cpu = time.process_time()

        app._display = display  # type: ignore[method-assign]

    async def measure(self, name: str, action: Callable[[], Any],
                      ready: Callable[[], bool] = lambda: True,
                      *, settle: bool = True) -> float:  # fmt: skip
        if settle:
            await self.settle()
        self.done, self.ready = None, ready
        self.start, cpu_start = time.perf_counter(), time.process_time()
        result = action()
        if inspect.isawaitable(result):
            await result
        deadline = time.perf_counter() + 120
        while self.done is None and time.perf_counter() < deadline:
            await asyncio.sleep(0.0005)
        self.cpu[name] = self.done_cpu - cpu_start if self.done else float("nan")
        return (self.done or float("nan")) - self.start

    async def settle(self) -> None:
        """Wait until no frame has been produced for 0.2 s (idle work such as warm-ups done)."""
        while True:
            frames = self.frames
            await asyncio.sleep(0.2)
            if frames == self.frames:
                return


async def stream(probe: Probe, app: App[Any], pages: list[Any], append: Callable[[Any], None],
                 cursor: Callable[[], int]) -> tuple[float, list[float]]:  # fmt: skip
    """Append pages as fast as the loop allows while pressing `down` every 20 ms.

    Returns the time until the last page is painted and each key's press-to-frame latency.
    """

    last_page = 0.0

    async def feed() -> None:
        nonlocal last_page
        for page in pages:
            append(page)
            last_page = time.perf_counter()
            await asyncio.sleep(0)  # a page arrived; other events may run

    await probe.settle()
    start, cpu_start = time.perf_counter(), time.process_time()
    feeder = asyncio.create_task(feed())
    latencies = []
    while not feeder.done():
        before = cursor()
        probe.done, probe.ready = None, lambda before=before: cursor() != before
        probe.start = time.perf_counter()
        key = events.Key("down", None)
        key.set_sender(app)
        assert app._driver is not None
        app._driver.send_message(key)
        while probe.done is None and time.perf_counter() - probe.start < 30:
            await asyncio.sleep(0.0005)
        latencies.append((probe.done or float("nan")) - probe.start)
        await asyncio.sleep(0.02)
    await feeder
    while probe.last_frame < last_page:
        await asyncio.sleep(0.0005)
    probe.cpu["stream"] = time.process_time() - cpu_start
    return probe.last_frame - start, latencies


class PaintedVirtualTable(VirtualTable[Invoice]):
    probe: Probe | None = None

    def render_line(self, y: int) -> Any:
        if y >= 1 and self.visible_count and self.probe is not None:
            self.probe.rows_painted = True
        return super().render_line(y)


class PaintedDataTable(DataTable[Any]):
    probe: Probe | None = None

    def render_line(self, y: int) -> Any:
        if y >= 1 and self.row_count and self.probe is not None:
            self.probe.rows_painted = True
        return super().render_line(y)


class Money(Text):
    """A DataTable cell that also carries its typed value, so its sort is on Decimal too."""

    value: Decimal | None = None


class BenchApp(App[None]):
    def __init__(self, variant: str) -> None:
        super().__init__()
        self.variant = variant

    def compose(self) -> ComposeResult:
        if self.variant == "virtual":
            yield PaintedVirtualTable(invoice_columns(), search_text=invoice_search_text,
                                      row_key=invoice_key)  # fmt: skip
        else:
            yield PaintedDataTable(cursor_type="row")


def datatable_cells(rows: list[Invoice]) -> list[tuple[Text, ...]]:
    columns = invoice_columns()
    out = []
    for row in rows:
        cells = []
        for column in columns:
            cell = column.render(row)
            if column.key == "amount_due":
                money = Money(cell.plain, style=cell.style, justify="right")
                money.value = row.amount_due
                cell = money
            elif column.align == "right":
                cell.justify = "right"
            cells.append(cell)
        out.append(tuple(cells))
    return out


async def child(variant: str, count: int, size: tuple[int, int]) -> dict[str, float]:
    rows = make_invoices(count)
    cells = datatable_cells(rows) if variant == "datatable" else []
    hay = [invoice_search_text(r).lower() for r in rows] if variant == "datatable" else []
    app = BenchApp(variant)
    out: dict[str, float] = {}
    async with app.run_test(size=size) as pilot:
        probe = Probe(app)
        await pilot.pause()
        out["rss_before_mb"] = vm_kib("VmRSS") / 1024
        if variant == "virtual":
            vt = app.query_one(PaintedVirtualTable)
            vt.probe = probe
            vt.focus()
            out["first_paint"] = await probe.measure(
                "first_paint", lambda: vt.set_rows(rows), lambda: probe.rows_painted
            )
            while vt.warming:  # search text and sort keys are built while idle after load
                await asyncio.sleep(0.01)
            out["sort"] = await probe.measure("sort", lambda: vt.sort("amount_due"))
            last = count - 1
            out["jump_end"] = await probe.measure(
                "jump_end",
                lambda: pilot.press("G"),
                lambda: vt.cursor_index == last and vt.scroll_y == vt.max_scroll_y,
            )
            out["filter"] = await probe.measure("filter", lambda: vt.set_filter(FILTER_KEY))
            out["matches"] = vt.visible_count
            vt.set_filter("")
            await probe.settle()
            vt.set_rows(rows)  # search text not built yet: the keystroke pays for it
            out["filter_cold"] = await probe.measure(
                "filter_cold", lambda: vt.set_filter(FILTER_KEY), settle=False
            )
            vt.set_filter("")
            vt.set_rows([])
            vt.sort("amount_due", reverse=True)
            pages = [rows[i : i + PAGE] for i in range(0, count, PAGE)]
            out["stream"], keys = await stream(probe, app, pages, vt.append_rows,
                                               lambda: vt.cursor_index)  # fmt: skip
            out["stream_key"] = statistics.median(keys)
            out["stream_key_max"] = max(keys)
        else:
            dt = app.query_one(PaintedDataTable)
            dt.probe = probe
            dt.focus()
            for column in invoice_columns():
                dt.add_column(column.label, key=column.key)

            def load() -> None:
                dt.add_rows(cells)

            out["first_paint"] = await probe.measure(
                "first_paint", load, lambda: probe.rows_painted
            )

            def by_amount(cell: Money) -> tuple[bool, Decimal]:
                return (cell.value is None, cell.value or Decimal(0))

            out["sort"] = await probe.measure("sort", lambda: dt.sort("amount_due", key=by_amount))
            last = count - 1
            out["jump_end"] = await probe.measure(
                "jump_end",
                lambda: pilot.press("ctrl+end"),
                lambda: dt.cursor_row == last and dt.scroll_y == dt.max_scroll_y,
            )

            def refilter() -> None:  # what an app must do: rebuild the table with the matches
                matches = [cells[i] for i, h in enumerate(hay) if FILTER_KEY in h]
                dt.clear()
                dt.add_rows(matches)

            out["filter"] = await probe.measure("filter", refilter)
            out["matches"] = dt.row_count
            dt.clear()
            pages = [cells[i : i + PAGE] for i in range(0, count, PAGE)]
            out["stream"], keys = await stream(probe, app, pages, dt.add_rows,
                                               lambda: dt.cursor_row)  # fmt: skip
            out["stream_key"] = statistics.median(keys)
            out["stream_key_max"] = max(keys)
        out.update({f"{name}_cpu": seconds for name, seconds in probe.cpu.items()})
    out["rss_mb"] = vm_kib("VmHWM") / 1024
    return out


def run_child(variant: str, args: argparse.Namespace) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", variant, "--rows", str(args.rows),
               "--size", args.size]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"benchmark child {variant} failed ({done.returncode})")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def fmt_time(seconds: float | None) -> str:
    if seconds is None or seconds != seconds:  # missing or NaN
        return "—"
    return f"{seconds * 1000:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def report(args: argparse.Namespace, ours: list[dict[str, float]],
           ref: list[dict[str, float]]) -> str:  # fmt: skip
    def median(runs: list[dict[str, float]], key: str) -> float | None:
        values = [r[key] for r in runs if key in r]
        return statistics.median(values) if values else None

    def mb(value: float | None) -> str:
        return "—" if value is None else f"{value:,.0f} MB"

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"## VirtualTable vs DataTable, {args.rows:,} invoices, terminal {args.size}",
        "",
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"textual {textual.__version__}; load average at the end {load}",
        f"Medians: VirtualTable over {len(ours)} runs, DataTable over {len(ref)} run(s); "
        "each run a fresh process. Wall time from the call or key to the frame that shows it; "
        "CPU is this process's CPU time over the same span (what a busy machine cannot inflate).",
        "",
        "| measure | VirtualTable | its CPU | DataTable | its CPU | speed-up | target | met |",
        "|---|---:|---:|---:|---:|---:|---:|:-:|",
    ]
    for key, label in PHASES:
        a, b = median(ours, key), median(ref, key)
        ca, cb = median(ours, f"{key}_cpu"), median(ref, f"{key}_cpu")
        ratio = f"{b / a:,.0f}x" if a and b else "—"
        target = TARGETS.get(key)
        met = "—" if target is None or a is None else ("yes" if a <= target else "NO")
        lines.append(f"| {label} | {fmt_time(a)} | {fmt_time(ca)} | {fmt_time(b)} | "
                     f"{fmt_time(cb)} | {ratio} | {fmt_time(target)} | {met} |")  # fmt: skip
    a, b = median(ours, "rss_mb"), median(ref, "rss_mb")
    met = "yes" if a is not None and a <= TARGETS["rss_mb"] else "NO"
    less = f"{b / a:.1f}x less" if a and b else "—"
    lines.append(f"| peak RSS (VmHWM) | {mb(a)} | | {mb(b)} | | {less} | ≤ 250 MB | {met} |")
    a, b = median(ours, "rss_before_mb"), median(ref, "rss_before_mb")
    lines.append(f"| RSS with the invoices loaded, before the table gets them | {mb(a)} | | "
                 f"{mb(b)} | | | | |")  # fmt: skip
    a, b = median(ours, "matches"), median(ref, "matches")
    lines += ["", f"Rows matching the filter: {a or 0:,.0f} (VirtualTable), "
                  f"{b or 0:,.0f} (DataTable)."]  # fmt: skip
    lines.append(
        "Sort and filter are timed once search text and sort keys are built (the table builds "
        "them in idle steps after the data arrives); 'right after load' is a keystroke before "
        "that. DataTable's sort uses the same typed Decimal key; its filter is clear() + "
        "add_rows() of the matches (it has none of its own), with the same precomputed search "
        "text. The DataTable RSS includes the Text cells it must be given. "
        "(†) VirtualTable streams into a view sorted by amount (each page merged in order); "
        "DataTable just appends (re-sorting it per page would take minutes)."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="VirtualTable runs")
    parser.add_argument("--reference-runs", type=int, default=1, help="DataTable runs (slow)")
    parser.add_argument("--size", default="120x40", help="terminal COLSxLINES")
    parser.add_argument("--child", choices=["virtual", "datatable"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    if args.child:
        print(json.dumps(asyncio.run(child(args.child, args.rows, (width, height)))))
        return
    ours, ref = [], []
    for n in range(args.runs):
        print(f"VirtualTable run {n + 1}/{args.runs} ...", file=sys.stderr)
        ours.append(run_child("virtual", args))
    for n in range(args.reference_runs):
        print(f"DataTable run {n + 1}/{args.reference_runs} ...", file=sys.stderr)
        ref.append(run_child("datatable", args))
    print(report(args, ours, ref))
    if os.environ.get("INVOICETUI_BENCH_JSON"):
        hand_to_run_all(args, ours, ref)


def hand_to_run_all(args: argparse.Namespace, ours: list[dict[str, float]],
                    ref: list[dict[str, float]]) -> None:  # fmt: skip
    """benchmarks/run_all.py: the same medians as rows of its combined table."""
    from common import Measure, to_json  # this folder is on sys.path when run as a script

    bench = f"2. table ({args.rows:,} invoices)"
    notes = {"stream": "VirtualTable merges pages into a sorted view; DataTable only appends",
             "filter": "DataTable: clear() + add_rows() of the matches"}  # fmt: skip
    measures = []
    for key, label in [*PHASES, ("rss_mb", "peak RSS (VmHWM)")]:
        scale, unit = (1.0, "MB") if key == "rss_mb" else (1000.0, "ms")
        samples = [r[key] * scale for r in ours if key in r]
        refs = [r[key] * scale for r in ref if key in r]
        value = statistics.median(samples) if samples else None
        ref_value = statistics.median(refs) if refs else None
        target = TARGETS.get(key)
        met = None if target is None or value is None else value <= target * scale
        target_text = None if target is None else f"<= {target * scale:g} {unit}"
        if key == "first_paint" and value and ref_value and args.rows >= 100_000:  # 100k target
            met = bool(met) and ref_value / value >= 75
            target_text = f"{target_text}, >= 75x faster than DataTable"
        measures.append(Measure(
            bench, label.replace(" (†)", ""), value, unit, note=notes.get(key, ""),
            reference="DataTable" if refs else None, reference_value=ref_value,
            target=target_text, met=met, runs=len(samples), samples=samples,
        ))  # fmt: skip
    with open(os.environ["INVOICETUI_BENCH_JSON"], "w", encoding="utf-8") as out:
        json.dump(to_json(measures), out, indent=1)


if __name__ == "__main__":
    main()
