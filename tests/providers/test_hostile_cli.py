"""The promises of section 3 seen from the command line: `export` and `accounts --check`
over configs where one account is hostile, its token is malformed, or TLS is off.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_server import HostileServer

from invoicetui.cli import main as cli
from invoicetui.config.accounts import AccountConfig
from invoicetui.config.load import account_to_toml
from invoicetui.demo.server import DemoServer
from invoicetui.demo.zilliz import ZillizDemo
from invoicetui.service import bounds

Capture = pytest.CaptureFixture[str]
# Runs argv[1:] as a child and prints its exit code and peak RSS in KiB (os.wait4).
MEASURE_PEAK = (
    "import os, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)\n"
    "_pid, status, usage = os.wait4(child.pid, 0)\n"
    "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)\n"
)
TOKEN = "tok-SECRET-4711-abcdef"


def write(tmp_path: Path, *accounts: AccountConfig) -> str:
    path = tmp_path / "config.toml"
    path.write_text("\n".join(account_to_toml(a) for a in accounts), encoding="utf-8")
    return str(path)


def good(demo_server: DemoServer) -> AccountConfig:
    return ZillizDemo().accounts(demo_server.base_url("zilliz"))[0]


def hostile_account(hostile: HostileServer, scenario: str, **kwargs: object) -> AccountConfig:
    values: dict[str, object] = {"timeout": 0.5, "token": TOKEN, **kwargs}
    return AccountConfig(
        name="evil", provider="doit", base_url=hostile.url(scenario), **values
    )  # type: ignore[arg-type]


def export(config: str, capsys: Capture) -> tuple[int, list[dict[str, object]], str]:
    code = cli.main(["export", "--config", config, "--format", "json", "--refresh"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


@pytest.mark.parametrize("scenario", ["stall", "trickle~0.05", "bomb", "doit-fresh-tokens"])
def test_one_hostile_account_ends_and_the_other_still_prints(
    tmp_path: Path, demo_server: DemoServer, hostile: HostileServer, capsys: Capture, scenario: str
) -> None:
    config = write(tmp_path, good(demo_server), hostile_account(hostile, scenario))
    code, invoices, err = export(config, capsys)
    assert code == 1
    accounts = {inv["account"] for inv in invoices}
    assert accounts == {"vector-db"} and len(invoices) > 0
    ids = [inv["id"] for inv in invoices]
    assert len(ids) == len(set(ids))
    (line,) = err.strip().splitlines()
    assert line.startswith("DoiT account 'evil': ")
    assert TOKEN not in err and "internal error" not in err


def test_the_account_deadline_ends_a_slow_fetch(
    tmp_path: Path, hostile: HostileServer, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each byte comes in time for the attempt's 30 s timeout; the account's deadline ends it.
    monkeypatch.setattr(bounds, "deadline_seconds", lambda _account: 0.3)
    config = write(tmp_path, hostile_account(hostile, "trickle~0.05", timeout=30))
    code, invoices, err = export(config, capsys)
    assert code == 1 and invoices == []
    assert "did not finish within 0.3 s (the account's deadline)" in err


def test_an_echoed_token_is_redacted_in_export(
    tmp_path: Path, hostile: HostileServer, capsys: Capture
) -> None:
    config = write(tmp_path, hostile_account(hostile, "echo-token"))
    code, _invoices, err = export(config, capsys)
    assert code == 1 and TOKEN not in err and "***" in err and "(401)" in err


@pytest.mark.parametrize(
    ("source", "value", "key", "what"),
    [
        ("token_env", "abc\ndef", "token_env (EVIL_KEY)", "a line break at position 4"),
        ("token_env", "abcdéf", "token_env (EVIL_KEY)", "a non-ASCII character (U+00E9)"),
        ("token", "abc\u200bdef", "check token:", "a non-ASCII character (U+200B)"),
        ("token_command", "printf 'abc\\ndef'", "check token_command", "a line break"),
    ],
)
def test_a_malformed_token_names_the_account_and_the_key(
    tmp_path: Path,
    hostile: HostileServer,
    capsys: Capture,
    monkeypatch: pytest.MonkeyPatch,
    source: str,
    value: str,
    key: str,
    what: str,
) -> None:
    acc = hostile_account(hostile, "ok")
    if source == "token_env":
        monkeypatch.setenv("EVIL_KEY", value)
        acc = dataclasses.replace(acc, token=None, token_env="EVIL_KEY")
    elif source == "token_command":
        acc = dataclasses.replace(acc, token=None, token_command=f"sh -c \"{value}\"")
    else:
        acc = dataclasses.replace(acc, token=value)
    code, _invoices, err = export(write(tmp_path, acc), capsys)
    assert code == 1 and hostile.hits["ok"] == 0
    assert "DoiT account 'evil'" in err and key in err and what in err
    assert "network" not in err and "internal error" not in err
    assert "abc" not in err and "def" not in err  # no part of the token is shown


def test_refused_connection_names_host_and_cause(tmp_path: Path, capsys: Capture) -> None:
    acc = AccountConfig(name="gone", provider="zilliz", base_url="http://127.0.0.1:1", token=TOKEN)
    code = cli.main(["accounts", "--check", "--config", write(tmp_path, acc)])
    out = capsys.readouterr().out
    assert code == 1 and "127.0.0.1:1 refused the connection" in out


def test_verify_tls_false_warns_once_per_run(
    tmp_path: Path, demo_server: DemoServer, capsys: Capture
) -> None:
    first = dataclasses.replace(good(demo_server), verify_tls=False)
    second = dataclasses.replace(first, name="vector-db-2")
    code, invoices, err = export(write(tmp_path, first, second), capsys)
    assert code == 0 and invoices
    (line,) = err.strip().splitlines()
    assert "warning: TLS certificates are not checked" in line
    assert "'vector-db', 'vector-db-2'" in line


@pytest.mark.parametrize(
    ("command", "provider", "scenario", "words"),
    [
        ("export", "doit", "bomb~1024", "larger than 64 MiB (after decompression)"),
        ("export", "doit", "big", "larger than 64 MiB (after decompression)"),
        ("documents", "palette", "palette-docs~big", "larger than 50 MiB (after decompression)"),
    ],
)
def test_an_oversized_body_fails_with_peak_rss_under_300_mb(
    tmp_path: Path, hostile: HostileServer, command: str, provider: str, scenario: str, words: str
) -> None:
    # A real process, as users run it: its peak RSS (os.wait4) while the body is refused.
    # The gzip bomb is 1 GiB decoded, the endless bodies never end: only the cap ends them.
    extra = {"tenant_uid": "t1"} if provider == "palette" else {}
    acc = AccountConfig(
        name="evil", provider=provider, base_url=hostile.url(scenario), token=TOKEN, timeout=30,
        **extra,  # type: ignore[arg-type]
    )  # fmt: skip
    config = write(tmp_path, acc)
    tail = {
        "export": ["export", "--refresh"],
        "documents": ["documents", "--period", "2026-01", "-o", str(tmp_path / "books")],
    }[command]
    argv = [sys.executable, "-m", "invoicetui", *tail, "--config", config]
    err = tmp_path / "err.txt"
    # Linux carries a process's peak RSS across exec, so a child forked from this (large)
    # pytest process would report pytest's size: a small Python in between forks the app.
    with err.open("wb") as stderr:
        measured = subprocess.run(
            [sys.executable, "-c", MEASURE_PEAK, *argv],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, text=True,
            check=True,
        )  # fmt: skip
    code, peak_kib = (int(n) for n in measured.stdout.split())
    assert code == 1
    assert words in err.read_text()
    assert peak_kib / 1024 < 300, f"peak RSS {peak_kib / 1024:.0f} MB"
