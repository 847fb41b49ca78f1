"""How long each misbehaving server takes to fail an account, and the memory it costs.

Each fault class of CONTRACT "Untrusted input" is served by tests/hostile_server.py (in
this process, on threads) to a fresh `invoicetui export --refresh` process, as users run
it, with `timeout = 2` in the account's config (the issue's reference). Per class: the wall
time until the command exits (every account has ended), and the child's peak RSS
(os.wait4); the reference is the same command against a server that answers at once (the
process start-up and exit that every row includes). One more run puts every hostile account
and one good account (the demo server) in a single export: the good one must still print,
and the whole run ends in bounded time. The rows named "PDF:" run `invoicetui documents`
against a Palette whose list answers and whose PDF reports misbehave (hostile_server
"palette-docs"); "accounts --check:" rows run that command.

    python benchmarks/bench_faults.py [--quick] [--only NAME...]

--quick leaves out the two-minute class (429 with Retry-After: 60, honoured twice).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from common import ROOT, Measure, emit, log, quick_mode

sys.path.insert(0, str(ROOT / "tests"))

from hostile_server import PALETTE_MONTH, HostileServer, self_signed_context

from invoicetui.config.accounts import AccountConfig
from invoicetui.config.load import account_to_toml

TIMEOUT = 2.0
TOKEN = "bench-token-0123456789"


@dataclass(frozen=True)
class Fault:
    name: str  # the table's row
    provider: str
    scenario: str  # hostile_server scenario, or a full URL
    tls: bool = False
    slow: bool = False  # minutes: left out by --quick
    command: str = "export"  # or "documents", "check"
    prime: str | None = None  # documents: a first run against this plain scenario (the cache)


FAULTS = [
    Fault("trickle: 1 byte/s body", "doit", "trickle~1"),
    Fault("trickle: 1 byte/s status line and headers", "doit", "trickle-head~1"),
    Fault("accepts, never answers", "doit", "stall"),
    Fault("short body, Content-Length longer, then silence", "doit", "short"),
    Fault("short body, then hang-up", "doit", "short~close"),
    Fault("gzip bomb (1 GiB decoded)", "doit", "bomb~1024"),
    Fault("endless body", "doit", "big"),
    Fault("Content-Length 100 GiB", "doit", "big-declared"),
    Fault("redirect loop", "doit", "redirect~loop"),
    Fault("redirect to another host", "doit", "redirect~host"),
    Fault("429, Retry-After 3600, HTML body", "palette", "429~3600"),
    Fault("429, Retry-After 60 (honoured)", "palette", "429~60", slow=True),
    Fault("503 with no Retry-After, forever", "doit", "status~503"),
    Fault("bad TLS certificate", "zilliz", "ok", tls=True),
    Fault("connection refused (127.0.0.1:1)", "doit", "http://127.0.0.1:1"),
    Fault("DNS: no such host", "doit", "http://no-such-host.invalid"),
    Fault("DoiT: fresh tokens, same invoices", "doit", "doit-fresh-tokens"),
    Fault("DoiT: a token sent twice", "doit", "doit-same-token"),
    Fault("Palette: continue tokens that cycle", "palette", "palette-cycle"),
    Fault("Waldur: Link headers that cycle", "waldur", "waldur-cycle"),
    Fault("Waldur: X-Result-Count lies, same records", "waldur", "waldur-count-lies"),
    Fault("Zilliz: count lies, same page", "zilliz", "zilliz-count-lies"),
    Fault("401 echoing the token", "doit", "echo-token"),
    Fault("PDF: trickle 1 byte/s", "palette", "palette-docs~trickle:1", command="documents"),
    Fault("PDF: accepts, never answers", "palette", "palette-docs~stall", command="documents"),
    Fault(
        "PDF: short body, Content-Length longer",
        "palette",
        "palette-docs~short",
        command="documents",
    ),
    Fault("PDF: endless body (50 MiB cap)", "palette", "palette-docs~big", command="documents"),
    Fault("PDF: 429, Retry-After 3600", "palette", "palette-docs~429:3600", command="documents"),
    Fault(
        "PDF: bad TLS certificate (list from the cache)",
        "palette",
        "palette-docs~ok",
        tls=True,
        command="documents",
        prime="palette-docs~status:404",
    ),
    Fault(
        "accounts --check: connection refused (127.0.0.1:1)",
        "doit",
        "http://127.0.0.1:1",
        command="check",
    ),
    Fault("accounts --check: accepts, never answers", "doit", "stall", command="check"),
]


def account(
    fault: Fault, plain: HostileServer, tls: HostileServer | None, n: int, scenario: str = ""
) -> AccountConfig:
    scenario = scenario or fault.scenario
    if scenario.startswith("http"):
        url = scenario
    else:
        server = tls if fault.tls and tls is not None and scenario == fault.scenario else plain
        url = server.url(scenario)
    extra = {"tenant_uid": "t1"} if fault.provider == "palette" else {}
    return AccountConfig(
        name=f"fault-{n}",
        provider=fault.provider,
        base_url=url,
        token=TOKEN,
        timeout=TIMEOUT,
        **extra,  # type: ignore[arg-type]
    )


COMMANDS = {
    "export": ["export", "--refresh"],
    "documents": ["documents", "--period", PALETTE_MONTH, "-o", "books"],
    "check": ["accounts", "--check"],
}


def run_export(
    accounts: list[AccountConfig], workdir: Path, command: str = "export"
) -> tuple[float, float, int, str]:
    """(seconds, peak RSS MB, exit code, stderr) of one `invoicetui export --refresh` (or
    of COMMANDS[command]); for `accounts --check`, stdout's result column stands for stderr."""
    config = workdir / "config.toml"
    config.write_text("\n".join(account_to_toml(a) for a in accounts), encoding="utf-8")
    env = dict(os.environ, INVOICETUI_CACHE_DIR=str(workdir / "cache"))
    env.pop("INVOICETUI_CONFIG", None)
    argv = [sys.executable, "-m", "invoicetui", *COMMANDS[command], "--config", str(config)]
    if command == "documents":
        argv[argv.index("books")] = str(workdir / "books")
    out, err = workdir / "out.json", workdir / "err.txt"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr
        )
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    said = err.read_text()
    if command == "check":  # NAME PROVIDER RESULT: the result of the one account
        said = "\n".join(line.split(None, 2)[-1] for line in out.read_text().splitlines()[1:])
    return seconds, usage.ru_maxrss / 1024, child.returncode, said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", help="substrings of the fault names to run")
    args = parser.parse_args()
    quick = quick_mode()
    faults = [f for f in FAULTS if not (quick and f.slow)]
    if args.only:
        faults = [f for f in faults if any(o.lower() in f.name.lower() for o in args.only)]
    measures: list[Measure] = []
    with tempfile.TemporaryDirectory() as tmp, HostileServer() as plain:
        context = self_signed_context(Path(tmp))
        tls = HostileServer(tls=context).__enter__() if context is not None else None
        try:
            # The reference: the same command against a server that answers at once.
            ok = Fault("well-behaved", "doit", "ok")
            base, base_rss, _code, _err = run_export(
                [account(ok, plain, tls, 99)], Path(tempfile.mkdtemp(dir=tmp))
            )
            log(f"reference (a well-behaved server): {base:.2f} s, {base_rss:.0f} MB")
            for n, fault in enumerate(faults):
                if fault.tls and tls is None:
                    log(f"skip {fault.name}: openssl is not installed")
                    continue
                work = Path(tempfile.mkdtemp(dir=tmp))
                if fault.prime:
                    run_export([account(fault, plain, tls, n, fault.prime)], work, fault.command)
                accounts = [account(fault, plain, tls, n)]
                seconds, rss, code, err = run_export(accounts, work, fault.command)
                line = " ".join(err.split())[:160]
                log(f"{fault.name}: {seconds:.2f} s, {rss:.0f} MB, exit {code}: {line}")
                note = f"exit {code}; {line}"
                if TOKEN in err:
                    note = "TOKEN LEAKED; " + note
                measures.append(
                    Measure(
                        "faults (timeout = 2)",
                        fault.name,
                        seconds,
                        "s",
                        reference="the same export, well-behaved server",
                        reference_value=base,
                        target="bounded; one error line",
                        met=code == 1 and len(err.strip().splitlines()) == 1,
                        note=note,
                    )
                )
                measures.append(
                    Measure(
                        "faults (timeout = 2)",
                        f"{fault.name}: peak RSS",
                        rss,
                        "MB",
                        reference="well-behaved server",
                        reference_value=base_rss,
                        target="<= 300 MB",
                        met=rss <= 300,
                    )
                )
            measures.extend(all_at_once(faults, plain, tls, Path(tmp)))
        finally:
            if tls is not None:
                tls.stop()
    emit(measures, title="Misbehaving servers: time for each account to fail (timeout = 2)")


def all_at_once(
    faults: list[Fault], plain: HostileServer, tls: HostileServer | None, tmp: Path
) -> list[Measure]:
    """Every hostile account plus one good one (the demo server) in a single export."""
    from common import DemoProcess

    with DemoProcess() as demo:
        good = next(a for a in demo.accounts() if a.provider == "zilliz")
        hostile = [
            account(f, plain, tls, n)
            for n, f in enumerate(faults)
            if (tls is not None or not f.tls) and f.command == "export"
        ]
        work = Path(tempfile.mkdtemp(dir=tmp))
        seconds, rss, code, err = run_export([good, *hostile], work)
    printed = json.loads((work / "out.json").read_text() or "[]")
    good_rows = sum(1 for inv in printed if inv.get("account") == good.name)
    failed = len(err.strip().splitlines())
    note = f"exit {code}; {good_rows} invoices of '{good.name}' printed; {failed} error lines"
    log(f"all at once: {seconds:.2f} s, {rss:.0f} MB; {note}")
    return [
        Measure(
            "faults (timeout = 2)",
            f"all {len(hostile)} hostile accounts + 1 good one in one export",
            seconds,
            "s",
            target="good one prints",
            met=good_rows > 0 and failed == len(hostile),
            note=note,
        ),
        Measure(
            "faults (timeout = 2)",
            "all at once: peak RSS",
            rss,
            "MB",
            target="<= 300 MB",
            met=rss <= 300,
        ),
    ]


if __name__ == "__main__":
    main()
