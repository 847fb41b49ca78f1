"""Config load time in a fresh process: full pydantic validation against the memo's fast path.

The TUI resolves its config before its first paint, so this is start-up time. Each run is a
new interpreter (imports included, as a user pays them) reading a four-account config with
every optional table: "full" validates with pydantic (what a changed file costs), "memo" reads
back the memo of an unchanged file (config/memo.py: no pydantic import), and "tomllib" is the
floor every loader pays (import tomllib and parse the text).

    python benchmarks/bench_config.py [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from common import Measure, emit, log, median, quick_mode

CONFIG = """\
[[accounts]]
name = "acme-palette"
provider = "palette"
token_env = "PALETTE_API_KEY"
invoice_uids = ["6650b1f3", "6650b1f4"]

[[accounts]]
name = "hpc-centre"
provider = "waldur"
base_url = "https://waldur.example.org"
token_command = "pass show waldur/token"
role = "provider"
cache_ttl = "1h30m"

[[accounts]]
name = "doit"
provider = "doit"
token = "not-a-real-token"
timeout = 12

[[accounts]]
name = "vector-db"
provider = "zilliz"
token_env = "ZILLIZ_API_KEY"

[ui]
theme = "nord"

[keys]
refresh = "ctrl+r"

[rates]
base = "EUR"
USD = "0.92"

[budgets]
doit = "3000"

[groups]
"payments-prod" = "team-payments"
"""

PROBES = {
    "full": "from invoicetui.config.load import load_config; load_config(PATH)",
    "memo": "from invoicetui.config.load import load_config; load_config(PATH, memo=MEMO)",
    "tomllib": "import tomllib; tomllib.loads(PATH.read_text())",
}
TIMER = """
import time, sys
from pathlib import Path
PATH, MEMO = Path(sys.argv[1]), Path(sys.argv[2])
start = time.perf_counter()
{probe}
print((time.perf_counter() - start) * 1000)
"""


def run_once(probe: str, path: Path, memo: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", TIMER.format(probe=probe), str(path), str(memo)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs = args.runs or (3 if quick_mode() or args.quick else 15)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.toml"
        path.write_text(CONFIG, encoding="utf-8")
        memo = Path(tmp) / "cache" / "config-memo.json"
        run_once(PROBES["memo"], path, memo)  # writes the memo
        samples: dict[str, list[float]] = {name: [] for name in PROBES}
        for index in range(runs):  # interleaved, so that load drifts hit all three alike
            for name, probe in PROBES.items():
                samples[name].append(run_once(probe, path, memo))
            log(f"run {index + 1}/{runs}")
    floor = median(samples["tomllib"])
    measures = [
        Measure(
            "config",
            f"load, {name}",
            median(values),
            "ms",
            reference="tomllib import + parse",
            reference_value=floor,
            runs=runs,
            samples=values,
        )
        for name, values in samples.items()
        if name != "tomllib"
    ]
    emit(measures, title="Config load (fresh process, imports included)")


if __name__ == "__main__":
    main()
