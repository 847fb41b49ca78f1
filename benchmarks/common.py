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
    try:
        load = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    except OSError:
        load = "?"
    return {
        "load": load,
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
        f"Python {info['python']}; Textual {info['textual']}; {info['date']}; "
        f"load average {info['load']} (1, 5, 15 min; other work on the machine skews results)"
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


# ------------------------------------------------------- the demo server in its own process


class DemoProcess:
    """The demo server in a child process (its own GIL), driven over stdin/stdout lines.

    Commands: `limit PROVIDER RATE BURST`, `nolimit PROVIDER`, `stats`, `reset`; each answers one
    JSON line. The first line the child prints is {"port": ..., "accounts": [...]}.
    """

    def __init__(
        self, scale: int = 0, *, doit_scale: int | None = None, startup_timeout: float = 600.0
    ) -> None:
        import subprocess

        self.scale = scale
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--serve",
                str(scale),
                str(scale if doit_scale is None else doit_scale),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.startup_seconds = 0.0
        start = time.perf_counter()
        hello = self._read(startup_timeout)
        self.startup_seconds = time.perf_counter() - start
        self.port: int = hello["port"]
        self._accounts: list[dict[str, Any]] = hello["accounts"]

    def _read(self, timeout: float = 60.0) -> Any:
        import select

        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            self.close()
            raise RuntimeError("the demo server process did not answer")
        return json.loads(line)

    def command(self, text: str) -> Any:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        return self._read()

    def accounts(self) -> list[Any]:
        """The demo accounts as AccountConfig, pointed at this server."""
        from invoicetui.config.accounts import AccountConfig

        result = []
        for data in self._accounts:
            data = dict(data)
            data["invoice_uids"] = tuple(data.get("invoice_uids") or ())
            result.append(AccountConfig(**data))
        return result

    def account(self, name: str) -> Any:
        for account in self.accounts():
            if account.name == name:
                return account
        raise KeyError(f"no demo account {name!r} (scale {self.scale})")

    def set_limit(self, provider: str, rate: float | None, burst: float = 1) -> None:
        if rate is None:
            self.command(f"nolimit {provider}")
        else:
            self.command(f"limit {provider} {rate} {burst}")

    def stats(self) -> dict[str, dict[str, int]]:
        result: dict[str, dict[str, int]] = self.command("stats")
        return result

    def reset(self) -> None:
        self.command("reset")

    def close(self) -> None:
        if self.proc.poll() is None:
            if self.proc.stdin is not None:
                self.proc.stdin.close()  # EOF: the child stops its server and exits
            try:
                self.proc.wait(timeout=10)
            except Exception:  # noqa: BLE001 - then be firm
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def __enter__(self) -> DemoProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(scale: int, doit_scale: int) -> None:
    """The child side of DemoProcess."""
    from dataclasses import asdict as _asdict

    from invoicetui.demo.server import DemoServer, DemoStats, demo_accounts

    server = DemoServer("127.0.0.1", 0, scale=scale, doit_scale=doit_scale)
    report_error = server.httpd.handle_error

    def handle_error(request: Any, client_address: Any) -> None:
        # A client that quits mid-fetch (the app closing) resets its connections: not news.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            report_error(request, client_address)

    server.httpd.handle_error = handle_error  # type: ignore[method-assign]
    server.start()
    accounts = [_asdict(a) for a in demo_accounts(server)]
    print(json.dumps({"port": server.port, "accounts": accounts}), flush=True)
    try:
        for line in sys.stdin:
            words = line.split()
            answer: Any = {"ok": True}
            if not words:
                continue
            if words[0] == "limit":
                server.set_limit(words[1], float(words[2]), float(words[3]))
            elif words[0] == "nolimit":
                server.set_limit(words[1], None)
            elif words[0] == "stats":
                with server.stats.lock:
                    answer = {
                        "requests": dict(server.stats.requests),
                        "statuses": {str(k): v for k, v in server.stats.statuses.items()},
                        "max_in_flight": {"all": server.stats.max_in_flight},
                    }
            elif words[0] == "reset":
                server.stats = DemoStats()
            else:
                answer = {"error": f"unknown command {words[0]!r}"}
            print(json.dumps(answer), flush=True)
    finally:
        server.stop()


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "--serve":
    sys.path.insert(0, str(ROOT))
    _serve(int(sys.argv[2]), int(sys.argv[3]))
