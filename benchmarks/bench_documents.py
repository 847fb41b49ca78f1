"""`invoicetui documents --period 2026` against the demo server: wall time and requests.

A year of the demo (all nine accounts; Palette's 20 invoices of 2026 mean 60 PDFs) with the
server's documented rate limits on (Palette 10 req/s, burst 5; Zilliz 20 req/s). The demo
server runs in its own process (common.DemoProcess) and counts every request it answers;
the command runs as users run it, a fresh `invoicetui` process each time:
  (a) cold: empty cache, empty folder (every list, detail and PDF fetched),
  (b) again: the same folder and a fresh cache (nothing downloaded again),
and, as the reference, (c) `export` for the same accounts and cache state as (a).

    python benchmarks/bench_documents.py [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, DemoProcess, Measure, emit, log, median, quick_mode

from invoicetui.config.load import account_to_toml

PERIOD = "2026"


def _invoicetui(args: list[str], cache: Path) -> float:
    env = dict(os.environ, INVOICETUI_CACHE_DIR=str(cache))
    env.pop("INVOICETUI_CONFIG", None)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "invoicetui", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"invoicetui {' '.join(args)} failed: {done.stderr[-500:]}")
    return seconds


def _requests(server: DemoProcess) -> tuple[int, dict[str, int], int]:
    stats = server.stats()
    per = {k: int(v) for k, v in stats["requests"].items()}
    return sum(per.values()), per, int(stats["statuses"].get("429", 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=None)
    args = parser.parse_args()
    runs = args.runs or (1 if quick_mode() else 3)
    cold: list[float] = []
    warm: list[float] = []
    ref: list[float] = []
    counts: dict[str, tuple[int, dict[str, int], int]] = {}
    with DemoProcess() as server, tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.toml"
        config.write_text("\n".join(account_to_toml(a) for a in server.accounts()))
        for run in range(runs):
            base = Path(tmp) / f"run{run}"
            out = base / "out"
            command = ["documents", "--config", str(config), "--period", PERIOD, "-o", str(out)]
            server.reset()
            cold.append(_invoicetui(command, base / "cache"))
            counts["cold"] = _requests(server)
            server.reset()
            warm.append(_invoicetui(command, base / "cache-again"))
            counts["again"] = _requests(server)
            server.reset()
            export = ["export", "--config", str(config), "--since", "2026-01", "--until", "2026-12"]
            ref.append(_invoicetui(export, base / "cache-export"))
            counts["export"] = _requests(server)
            pdfs = len(list(out.rglob("*.pdf")))
            log(f"run {run + 1}: cold {cold[-1]:.2f} s, again {warm[-1]:.2f} s, {pdfs} PDFs")
    bench = "documents"
    export_median = median(ref)
    measures = [
        Measure(
            bench,
            f"--period {PERIOD}, cold (wall)",
            median(cold),
            "s",
            "export 2026",
            export_median,
            runs=runs,
            samples=cold,
        ),
        Measure(
            bench,
            f"--period {PERIOD}, cold: requests",
            float(counts["cold"][0]),
            "count",
            "export 2026",
            float(counts["export"][0]),
            note=f"{counts['cold'][1]}, 429s: {counts['cold'][2]}",
        ),
        Measure(
            bench,
            f"--period {PERIOD}, folder filled (wall)",
            median(warm),
            "s",
            runs=runs,
            samples=warm,
        ),
        Measure(
            bench,
            f"--period {PERIOD}, folder filled: requests",
            float(counts["again"][0]),
            "count",
            note=f"{counts['again'][1]}",
        ),
    ]
    emit(measures, title="documents: a year of the demo")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
