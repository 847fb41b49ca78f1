"""Run every benchmark in this folder and print one combined markdown table of medians.

    python benchmarks/run_all.py [--quick] [--only startup,fetch]

Each benchmarks/bench_*.py runs in its own subprocess (its own memory peak, its own GIL).
Scripts that report through common.emit() join the combined table (median, the reference
measured in the same run, the target, whether it was met); a script with its own output has
its table printed below the combined one. Progress goes to stderr, the report to stdout.
Benchmarks report; this command exits 0 even when targets are missed (1 only if a script
crashed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from common import (
    JSON_ENV,
    QUICK_ENV,
    Measure,
    from_json,
    log,
    machine_line,
    measures_table,
)

HERE = Path(__file__).resolve().parent
# The numbering first (1 startup, 2 table, 3 fetch, 4 keys), then the rest by name.
ORDER = ("bench_startup.py", "bench_table.py", "bench_fetch.py", "bench_keys.py")
# For scripts without --quick of their own: what makes them quick.
QUICK_ARGS = {"bench_table.py": ["--rows", "20000", "--runs", "2", "--reference-runs", "1"]}
TIMEOUT = 3600.0


def scripts(only: Sequence[str]) -> list[Path]:
    def rank(path: Path) -> tuple[int, str]:
        return (ORDER.index(path.name) if path.name in ORDER else len(ORDER), path.name)

    found = sorted(HERE.glob("bench_*.py"), key=rank)
    if only:
        wanted = {name if name.startswith("bench_") else f"bench_{name}" for name in only}
        found = [p for p in found if p.stem in wanted or p.name in wanted]
    return found


def command(script: Path, quick: bool) -> list[str]:
    argv = [sys.executable, str(script)]
    if quick:
        text = script.read_text(encoding="utf-8")
        if "quick_mode" in text or "--quick" in text:
            argv.append("--quick")
        else:
            argv += QUICK_ARGS.get(script.name, [])
    return argv


def run_script(script: Path, quick: bool) -> tuple[list[Measure] | None, str, str | None]:
    """(measures if the script used common.emit, its stdout, an error or None)."""
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        out = Path(tmp) / "measures.json"
        env = dict(os.environ)
        env[JSON_ENV] = str(out)
        env["PYTHONUNBUFFERED"] = "1"
        if quick:
            env[QUICK_ENV] = "1"
        argv = command(script, quick)
        log(f"== {' '.join([script.name, *argv[2:]])}")
        start = time.perf_counter()
        try:
            done = subprocess.run(
                argv,
                cwd=HERE.parent,
                env=env,
                stdout=subprocess.PIPE,
                stderr=None,  # progress straight through
                text=True,
                timeout=TIMEOUT,
            )
        except subprocess.TimeoutExpired as exc:
            stdout = exc.stdout if isinstance(exc.stdout, str) else ""
            return None, stdout, f"timed out after {TIMEOUT:.0f}s"
        log(f"== {script.name}: {time.perf_counter() - start:.0f}s, exit {done.returncode}")
        error = f"exit {done.returncode}" if done.returncode != 0 else None
        measures = from_json(json.loads(out.read_text())) if out.exists() else None
        return measures, done.stdout, error


def report(results: list[tuple[Path, list[Measure] | None, str, str | None]], quick: bool) -> str:
    mode = "--quick" if quick else "full"
    lines = [
        f"# invoicetui benchmarks ({mode})",
        "",
        machine_line(),
        "",
        f"Command: python benchmarks/run_all.py{' --quick' if quick else ''}",
        "",
    ]
    combined = [m for _, measures, _, _ in results for m in measures or []]
    if combined:
        lines += [measures_table(combined), ""]
    for script, measures, stdout, _ in results:
        if measures is None and stdout.strip():
            lines += [f"## {script.name} (its own report)", "", stdout.strip(), ""]
    failed = [(script, error) for script, _, _, error in results if error]
    if failed:
        lines.append("Failed: " + "; ".join(f"{s.name} ({e})" for s, e in failed))
    return "\n".join(lines).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller scales, fewer runs")
    parser.add_argument(
        "--only", default="", help="comma-separated names, e.g. startup,fetch (default: all)"
    )
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    results = []
    for script in scripts(only):
        measures, stdout, error = run_script(script, args.quick)
        results.append((script, measures, stdout, error))
    print(report(results, args.quick))
    return 1 if any(error for _, _, _, error in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
