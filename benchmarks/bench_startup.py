"""Item 1: start to the first painted invoices from a warm cache, against a bare Textual app.

Both programs are launched the same way: a fresh Python process on a pseudo-terminal of
120x36 with TERM=xterm-256color; the clock starts just before the process is spawned and stops
when the bytes arrive in which a known string shows up in what the process wrote to the
terminal (escape sequences stripped). For invoicetui the strings are the labels (number or id)
of the first account's invoices, read from a prior `invoicetui export` run that also warmed the
cache; the TUI then runs with --offline, with the demo server stopped, so nothing but the cache
can feed it.

Wall time, and the child's CPU time at the same moment (all its threads, from
/proc/PID/task/*/schedstat), which other work on the machine hardly changes.
Measured twice: with invoicetui's bytecode compiled (what `pip install .` leaves) and with
none (an editable install under PYTHONDONTWRITEBYTECODE or on a read-only tree).

    python benchmarks/bench_startup.py [--quick] [--runs N] [--bytecode both|compiled|none]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Sequence
from pathlib import Path

from common import Measure, emit, log, median, quick_mode

COLS, ROWS = 120, 36
ANSI = re.compile(
    r"\x1b(?:\[[0-9;?<>=!$ ]*[A-Za-z@`~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|P[^\x1b]*\x1b\\|.)"
)
REFERENCE_MARK = "bench-ready-7e3f"
REFERENCE_APP = f"""
from textual.app import App, ComposeResult
from textual.widgets import Static

class Bare(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static("{REFERENCE_MARK}")

Bare().run()
"""


def strip_ansi(text: str) -> str:
    return ANSI.sub("", text)


def _drain(master: int, seconds: float) -> bytes:
    """Read what the child writes for up to `seconds` (so it never blocks on a full pty)."""
    out = bytearray()
    end = time.perf_counter() + seconds
    while True:
        left = end - time.perf_counter()
        if left <= 0:
            break
        ready, _, _ = select.select([master], [], [], min(left, 0.05))
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    return bytes(out)


def cpu_seconds(pid: int) -> float | None:
    """CPU time so far of every thread of a process (/proc/PID/task/*/schedstat, in ns).

    Unlike wall time, it hardly changes when other work shares the machine's two cores."""
    total = 0
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += int((task / "schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return total / 1e9


def time_to_text(
    argv: Sequence[str],
    env: dict[str, str],
    needles: Sequence[str],
    timeout: float = 30.0,
    cpu: list[float] | None = None,
) -> tuple[float | None, str]:
    """Seconds from spawn until one of `needles` is on screen; None on timeout or exit.

    With `cpu`, the child's CPU seconds at that moment are appended to it."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(argv), stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    buffer = bytearray()
    found: float | None = None
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            # The clocks are read as the bytes arrive, before the search below: the child
            # goes on working meanwhile, and a bigger frame takes longer to search.
            arrived = time.perf_counter() - start
            used = cpu_seconds(proc.pid) if cpu is not None else None
            if not chunk:
                break
            buffer += chunk
            screen = strip_ansi(buffer.decode("utf-8", "replace"))
            if any(needle in screen for needle in needles):
                found = arrived
                if cpu is not None and used is not None:
                    cpu.append(used)
                break
    finally:
        _stop(proc, master)
    return found, strip_ansi(buffer.decode("utf-8", "replace"))


def _stop(proc: subprocess.Popen[bytes], master: int) -> None:
    """q, then ctrl+q, then SIGTERM, then SIGKILL; reaps the child and closes the pty."""
    for key in (b"q", b"\x11"):
        if proc.poll() is not None:
            break
        try:
            os.write(master, key)
        except OSError:
            break
        _drain(master, 0.0)
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            _drain(master, 0.2)
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    os.close(master)


def invoicetui_command() -> list[str]:
    script = Path(sys.executable).with_name("invoicetui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "invoicetui"]


def base_env(cache_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TEXTUAL_THEME")}
    env.update(
        TERM="xterm-256color",
        COLUMNS=str(COLS),
        LINES=str(ROWS),
        INVOICETUI_CACHE_DIR=str(cache_dir),
    )
    env.pop("INVOICETUI_BENCH_JSON", None)
    return env


def prepare(workdir: Path) -> tuple[Path, list[str], dict[str, str]]:
    """Write a config for the demo accounts, warm the cache with one export; return the needles."""
    from invoicetui.demo.runtime import demo_config_text
    from invoicetui.demo.server import DemoServer, demo_accounts

    config = workdir / "config.toml"
    env = base_env(workdir / "cache")
    with DemoServer() as server:
        accounts = demo_accounts(server)
        config.write_text(demo_config_text(server, accounts))
        done = subprocess.run(
            [*invoicetui_command(), "export", "--config", str(config)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    if done.returncode != 0:
        raise SystemExit(f"warming the cache failed ({done.returncode}):\n{done.stderr}")
    invoices = json.loads(done.stdout)
    first = accounts[0].name
    labels = [inv.get("number") or inv["id"] for inv in invoices if inv["account"] == first]
    # A cell may be cut short with an ellipsis ("invoice-202…"): a prefix of 10 is still
    # specific to the rows (and the detail pane), never in headers or the empty table.
    needles = sorted({label[:10] for label in labels if len(label) >= 6})
    if not needles:
        raise SystemExit(f"no invoice labels for the first account {first!r}")
    return config, needles, env


def package_dir() -> Path:
    """Where the invoicetui the benchmark runs is installed (the source tree when editable)."""
    import invoicetui

    return Path(invoicetui.__file__).resolve().parent


def set_bytecode(compiled: bool) -> None:
    """Compile invoicetui's bytecode, or remove it (users' installs differ: a read-only
    or PYTHONDONTWRITEBYTECODE editable install never gets any; `pip install .` compiles)."""
    import compileall

    root = package_dir()
    for cache in root.rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
    if compiled:
        compileall.compile_dir(str(root), quiet=1)


def measure(
    app_cmd: list[str], env: dict[str, str], needles: list[str], runs: int
) -> tuple[list[float], list[float], list[float], list[float], list[str]]:
    """Interleaved runs of the bare reference and invoicetui: wall ms of the app and the
    reference, CPU ms of the app and the reference, and failures."""
    ref_cmd = [sys.executable, "-c", REFERENCE_APP]
    # One untimed launch each, so both start with the same warm OS file cache.
    time_to_text(app_cmd, env, needles)
    time_to_text(ref_cmd, env, [REFERENCE_MARK])
    app_samples: list[float] = []
    ref_samples: list[float] = []
    app_cpu: list[float] = []
    ref_cpu: list[float] = []
    failures: list[str] = []
    for _ in range(runs):  # interleaved, so drift on the machine hits both alike
        seconds, screen = time_to_text(ref_cmd, env, [REFERENCE_MARK], cpu=ref_cpu)
        if seconds is None:
            failures.append("reference: " + screen[-300:])
        else:
            ref_samples.append(seconds * 1000)
        seconds, screen = time_to_text(app_cmd, env, needles, cpu=app_cpu)
        if seconds is None:
            failures.append("invoicetui: " + screen[-500:])
        else:
            app_samples.append(seconds * 1000)
    ms = [1000 * c for c in app_cpu], [1000 * c for c in ref_cpu]
    return app_samples, ref_samples, ms[0], ms[1], failures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--runs", type=int, default=None, help="runs per program (default 5)")
    parser.add_argument(
        "--bytecode",
        choices=("both", "compiled", "none"),
        default="both",
        help="invoicetui's own bytecode: compiled, removed, or each in turn (default)",
    )
    args = parser.parse_args(argv)
    runs = args.runs or (3 if quick_mode(argv) else 5)
    modes = {"both": (True, False), "compiled": (True,), "none": (False,)}[args.bytecode]
    workdir = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    measures: list[Measure] = []
    try:
        config, needles, env = prepare(workdir)
        # Bytecode is what this benchmark sets, never what the interpreter happens to write.
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        log(f"startup: first account's labels {needles[:4]}..., {runs} runs each")
        app_cmd = [*invoicetui_command(), "--offline", "--config", str(config)]
        for compiled in modes:
            set_bytecode(compiled)
            app_wall, ref_wall, app_cpu, ref_cpu, failures = measure(app_cmd, env, needles, runs)
            for failure in failures:
                log(f"startup: no needle on screen: {failure!r}")
            label = "bytecode compiled" if compiled else "no bytecode for invoicetui"
            for kind, app_s, ref_s in (("wall", app_wall, ref_wall), ("CPU", app_cpu, ref_cpu)):
                app, ref = median(app_s), median(ref_s)
                ratio = app / ref if app is not None and ref else None
                measures.append(
                    Measure(
                        "1. warm start",
                        f"start to first painted invoices, {kind} time ({label})",
                        app,
                        "ms",
                        reference=f"bare Textual app, first frame ({kind})",
                        reference_value=ref,
                        target="<= 1.5x reference",
                        met=None if ratio is None else ratio <= 1.5,
                        runs=len(app_s),
                        note=f"{ratio:.2f}x" if ratio is not None else f"{len(failures)} failed",
                        samples=app_s,
                    )
                )
    finally:
        set_bytecode(True)
        shutil.rmtree(workdir, ignore_errors=True)
    emit(measures, title="Warm start")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
