"""Shared helpers for the benchmarks: timing, medians, peak RSS, machine info, the result table.

Every bench_*.py builds a list of Measure and calls emit(); run_all.py collects them through
the file named by INVOICETUI_BENCH_JSON and prints one combined table. Benchmarks report; they
never fail a build on a missed target.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

JSON_ENV = "INVOICETUI_BENCH_JSON"  # run_all.py: write the measures here as JSON
QUICK_ENV = "INVOICETUI_BENCH_QUICK"  # run_all.py --quick: smaller scales, fewer runs

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Measure:
    """One line of the result table: a median, its reference measured in the same run, a target."""

    benchmark: str  # e.g. "1. warm start"
    name: str  # e.g. "start to first painted invoices"
    value: float | None  # the median (None: could not be measured; see note)
    unit: str  # ms, s, req/s, MB, count, ...
    reference: str | None = None  # what the reference is
    reference_value: float | None = None
    target: str | None = None  # human text, e.g. "<= 1.5x reference"
    met: bool | None = None  # None: no target, or not measurable
    runs: int = 1
    note: str = ""
    samples: list[float] = field(default_factory=list)


def quick_mode(argv: Sequence[str] | None = None) -> bool:
    """--quick on the command line, or set by run_all.py --quick."""
    args = sys.argv[1:] if argv is None else argv
    return "--quick" in args or os.environ.get(QUICK_ENV) == "1"


def median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile (p95 of 20 samples is the 19th smallest)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-pct * len(ordered) // 100))))
    return float(ordered[rank - 1])


def now() -> float:
    return time.perf_counter()


@contextmanager
def timed() -> Iterator[list[float]]:
    """`with timed() as t: ...` then t[0] is the elapsed seconds."""
    box: list[float] = []
    start = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - start)


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def current_rss_mb() -> float | None:
    """Current RSS from /proc (Linux); None elsewhere."""
    try:
        text = Path("/proc/self/statm").read_text()
    except OSError:
        return None
    pages = int(text.split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def machine_info() -> dict[str, str]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / (1024 * 1024):.1f} GiB"
                break
    except OSError:
        pass
    try:
        from importlib.metadata import version

        textual = version("textual")
    except Exception:  # noqa: BLE001 - informational only
        textual = "?"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "os": platform.platform(),
        "python": platform.python_version(),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "textual": textual,
    }


def machine_line(info: dict[str, str] | None = None) -> str:
    info = info or machine_info()
    return (
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']} RAM; {info['os']}; "
        f"Python {info['python']}; Textual {info['textual']}; {info['date']}"
    )


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "n/a"
    if unit == "count" or (float(value).is_integer() and abs(value) >= 100):
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])


HEADERS = ("benchmark", "measure", "median", "reference", "ref. median", "target", "met", "runs")


def measure_row(m: Measure) -> list[str]:
    unit = "" if m.unit == "count" else f" {m.unit}"
    value = fmt(m.value, m.unit) + (unit if m.value is not None else "")
    ref = fmt(m.reference_value, m.unit) + unit if m.reference_value is not None else "-"
    met = "-" if m.met is None else ("yes" if m.met else "NO")
    name = m.name + (f" ({m.note})" if m.note else "")
    return [m.benchmark, name, value, m.reference or "-", ref, m.target or "-", met, str(m.runs)]


def measures_table(measures: Sequence[Measure]) -> str:
    return markdown_table(HEADERS, [measure_row(m) for m in measures])


def to_json(measures: Sequence[Measure]) -> list[dict[str, Any]]:
    return [asdict(m) for m in measures]


def from_json(data: list[dict[str, Any]]) -> list[Measure]:
    return [Measure(**item) for item in data]


def emit(measures: Sequence[Measure], *, title: str | None = None) -> None:
    """Print the table (with the machine) and hand the measures to run_all.py when it asks."""
    target = os.environ.get(JSON_ENV)
    if target:
        Path(target).write_text(json.dumps(to_json(measures), indent=1))
    if title:
        print(f"## {title}\n")
    print(measures_table(measures))
    print()
    print(machine_line())
    sys.stdout.flush()


def log(message: str) -> None:
    """Progress on stderr, so stdout stays the table."""
    print(message, file=sys.stderr, flush=True)
