"""Load: a 1,000,000-item Waldur provider account, a 10,000-invoice DoiT account; 40 accounts.

The demo server runs in its own process (`--scale N` provider items, `--invoices M` for DoiT).
Measured, each in a fresh process:
  (a) `invoicetui export --refresh -o /dev/null` of the two scale accounts: wall time, peak RSS;
  (b) the TUI (`--offline`, warm cache from (a), 120x36 pty): start to the first painted
      invoices, and its peak RSS (VmHWM) once every account is painted and the app is idle;
  (c) 40 accounts (ten copies of each provider's demo accounts, renamed): `export --refresh`
      wall time and the most requests the server saw in flight at once, then the TUI's first
      paint from their warm cache.
Keys while the big account streams in are `bench_keys.py --scale N`.

    python benchmarks/bench_load.py [--quick] [--scale N]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench_startup import base_env, invoicetui_command, strip_ansi
from common import DemoProcess, Measure, emit, log, quick_mode

from invoicetui.config.accounts import AccountConfig
from invoicetui.config.load import account_to_toml

SCALE_ACCOUNTS = ("waldur-scale", "doit-scale")
COLS, ROWS = 120, 36


def run_measured(argv: Sequence[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS (MB) and exit code of a child process, and its stderr."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(argv), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, proc.returncode, err


def labels_of(config: Path, env: dict[str, str], account: str) -> list[str]:
    """Invoice labels of one account, from the cache (CSV, one row per invoice)."""
    done = subprocess.run(
        [
            *invoicetui_command(),
            "export",
            "--offline",
            "--config",
            str(config),
            "--account",
            account,
            "--format",
            "csv",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    rows = csv.DictReader(io.StringIO(done.stdout))
    return sorted({(r.get("number") or r["id"])[:10] for r in rows if len(r["id"]) >= 6})


def _vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _cpu_ticks(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def tui_paint_and_rss(
    argv: Sequence[str], env: dict[str, str], needles: Sequence[str], timeout: float = 300.0
) -> tuple[float | None, float | None]:
    """Seconds to the first needle on screen, and VmHWM once the app has gone idle."""
    import fcntl
    import select
    import struct
    import termios

    from bench_startup import _stop

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(argv), stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    buffer = bytearray()
    painted: float | None = None
    hwm: float | None = None
    idle_since: float | None = None
    last_ticks: int | None = None
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.25)
            if ready:
                try:
                    chunk = os.read(master, 1 << 16)
                except OSError:
                    break
                if not chunk:
                    break
                if painted is None:
                    buffer += chunk
                    screen = strip_ansi(buffer.decode("utf-8", "replace"))
                    if any(n in screen for n in needles):
                        painted = time.perf_counter() - start
            if painted is None:
                continue
            ticks = _cpu_ticks(proc.pid)
            now = time.perf_counter()
            if ticks is not None and ticks == last_ticks:
                idle_since = idle_since or now
                if now - idle_since >= 2.0:  # two seconds without CPU: everything is loaded
                    hwm = _vm_hwm_mb(proc.pid)
                    break
            else:
                idle_since = None
            last_ticks = ticks
    finally:
        _stop(proc, master)
    return painted, hwm


def write_config(path: Path, accounts: Sequence[AccountConfig]) -> None:
    path.write_text("\n".join(account_to_toml(a) for a in accounts))


def forty(demo: DemoProcess) -> list[AccountConfig]:
    """Ten copies of the demo's ordinary accounts, renamed, up to 40 across the four providers."""
    from dataclasses import replace

    base = [a for a in demo.accounts() if a.name not in SCALE_ACCOUNTS]
    out: list[AccountConfig] = []
    copy = 0
    while len(out) < 40:
        for account in base:
            if len(out) < 40:
                out.append(replace(account, name=f"{account.name}-{copy:02d}"))
        copy += 1
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="scale 20,000")
    parser.add_argument("--scale", type=int, default=None, help="items (default 1,000,000)")
    parser.add_argument(
        "--invoices", type=int, default=None, help="DoiT invoices (default 10,000; quick 2,000)"
    )
    parser.add_argument(
        "--rps",
        type=float,
        default=1000.0,
        help="max_rps of both scale accounts (default 1000, the most a config allows: the"
        " demo sets no limit on them; at the clients' defaults, 10 req/s for Waldur and 20"
        " for DoiT, 10,000 detail fetches alone take over 8 minutes)",
    )
    args = parser.parse_args(argv)
    scale = args.scale or (20_000 if quick_mode(argv) else 1_000_000)
    invoices = args.invoices or (2_000 if quick_mode(argv) else 10_000)
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    measures: list[Measure] = []
    log(f"load: demo server with {scale:,} Waldur items and {invoices:,} DoiT invoices")
    with DemoProcess(scale, doit_scale=invoices * 10) as demo:
        from dataclasses import replace

        big = [
            replace(a, max_rps=args.rps)
            for a in demo.accounts()
            if a.name in SCALE_ACCOUNTS
        ]
        config = work / "big.toml"
        write_config(config, big)
        env = base_env(work / "cache-big")
        env.update(INVOICETUI_CONFIG=str(config))
        seconds, rss, code, err = run_measured(
            [
                *invoicetui_command(),
                "export",
                "--refresh",
                "--config",
                str(config),
                "-o",
                os.devnull,
            ],
            env,
        )
        log(f"export: {seconds:.1f} s, peak RSS {rss:.0f} MB, exit {code} {err[-300:]}")
        measures += [
            Measure(
                "load",
                f"export of {scale:,} items + {invoices:,} invoices (--refresh)",
                seconds * 1000,
                "ms",
                target="reported",
            ),
            Measure("load", "export peak RSS", rss, "MB", target="reported"),
        ]
        needles = labels_of(config, env, SCALE_ACCOUNTS[0]) + labels_of(
            config, env, SCALE_ACCOUNTS[1]
        )
        app = [*invoicetui_command(), "--offline", "--config", str(config)]
        painted, hwm = tui_paint_and_rss(app, env, needles)
        log(f"tui: first paint {painted}, VmHWM {hwm} MB")
        measures += [
            Measure(
                "load",
                "TUI first paint from warm cache",
                (painted or 0) * 1000,
                "ms",
                target="<= 1000 ms",
                met=painted is not None and painted <= 1.0,
            ),
            Measure(
                "load",
                "TUI peak RSS, everything loaded",
                hwm or 0,
                "MB",
                target="<= 600 MB",
                met=hwm is not None and hwm <= 600,
            ),
        ]
        many = forty(demo)
        config40 = work / "forty.toml"
        write_config(config40, many)
        env40 = base_env(work / "cache-40")
        demo.reset()
        seconds, rss, code, err = run_measured(
            [
                *invoicetui_command(),
                "export",
                "--refresh",
                "--config",
                str(config40),
                "-o",
                os.devnull,
            ],
            env40,
        )
        stats: Any = demo.stats()
        peak = stats.get("max_in_flight", {}).get("all", 0)
        log(f"40 accounts: export {seconds:.1f} s exit {code}, server in flight at most {peak}")
        measures.append(
            Measure(
                "load", "40 accounts, export --refresh", seconds * 1000, "ms", target="reported"
            )
        )
        labels = labels_of(config40, env40, many[0].name)
        app40 = [*invoicetui_command(), "--offline", "--config", str(config40)]
        painted40, hwm40 = tui_paint_and_rss(app40, env40, labels)
        measures += [
            Measure(
                "load",
                "40 accounts, TUI first paint from cache",
                (painted40 or 0) * 1000,
                "ms",
                target="reported",
            ),
            Measure("load", "40 accounts, TUI peak RSS", hwm40 or 0, "MB", target="reported"),
        ]
    emit(measures, title="Load")
    return 0


if __name__ == "__main__":
    sys.exit(main())
