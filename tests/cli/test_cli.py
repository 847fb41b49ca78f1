"""The command line through main(argv): parsing, exit codes, export, accounts, cache, demo."""

from __future__ import annotations

import csv
import importlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import tomllib
import types
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import invoicetui
from invoicetui.cache import Cache
from invoicetui.cli import main as cli
from invoicetui.config.accounts import AccountConfig
from invoicetui.config.load import account_to_toml
from invoicetui.config.options import AppSetup, FetchMode
from invoicetui.core.errors import AuthError, NetworkError
from invoicetui.core.model import AccountSnapshot, Invoice, LineItem, Status

Capture = pytest.CaptureFixture[str]
SECRET = "s3cr3t-cli-token"


# ---------------------------------------------------------------------- helpers


def write_config(tmp_path: Path, accounts: list[AccountConfig], extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text("\n".join(account_to_toml(a) for a in accounts) + extra, encoding="utf-8")
    return path


CONFIGURED = [
    AccountConfig(name="acme", provider="palette", token_env="PALETTE_API_KEY"),
    AccountConfig(
        name="hpc", provider="waldur", base_url="https://waldur.example.org", token=SECRET
    ),
    AccountConfig(name="prod", provider="doit", token_command="pass show doit"),
]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    return write_config(tmp_path, CONFIGURED, '\n[ui]\ntheme = "nord"\n[keys]\nrefresh = "f5"\n')


def invoice(account: str, provider: str, ident: str, month: int, items: int = 1) -> Invoice:
    return Invoice(
        account=account,
        provider=provider,
        id=ident,
        number=f"#{ident}",
        status=Status.PAID,
        status_raw="paid",
        period_start=date(2026, month, 1),
        currency="EUR",
        total=Decimal("100.25"),
        line_items=tuple(
            LineItem(description=f"{ident} line {n}", amount=Decimal(n)) for n in range(items)
        ),
    )


@pytest.fixture
def service_module(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """invoicetui.service.loading, or a stand-in while it does not exist; patch its functions."""
    try:
        return importlib.import_module("invoicetui.service.loading")
    except ImportError:
        module = types.ModuleType("invoicetui.service.loading")
        monkeypatch.setitem(sys.modules, "invoicetui.service.loading", module)
        monkeypatch.setattr(invoicetui, "service", module, raising=False)
        return module


@pytest.fixture
def fake_load(service_module: types.ModuleType, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """load_account answers from `behaviour` (name -> list of invoices | exception | snapshot)."""
    behaviour: dict[str, Any] = {}
    calls: list[tuple[str, FetchMode]] = []

    async def load_account(
        account: AccountConfig, cache: Any, mode: FetchMode, *, with_details: bool = False
    ) -> AccountSnapshot:
        assert isinstance(cache, Cache) and with_details
        calls.append((account.name, mode))
        result = behaviour.get(account.name, [])
        if isinstance(result, Exception):
            raise result.with_account(account.provider, account.name)  # type: ignore[attr-defined]
        if isinstance(result, AccountSnapshot):
            return result
        return AccountSnapshot(account.name, account.provider, tuple(result), datetime.now(UTC))

    monkeypatch.setattr(service_module, "load_account", load_account, raising=False)
    return {"behaviour": behaviour, "calls": calls}


@pytest.fixture
def fake_tui(monkeypatch: pytest.MonkeyPatch) -> list[AppSetup]:
    """Replace invoicetui.tui.app.run; collects the setups it was given."""
    seen: list[AppSetup] = []
    module = types.ModuleType("invoicetui.tui.app")

    def run(setup: AppSetup) -> int:
        seen.append(setup)
        return 0

    module.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "invoicetui.tui.app", module)
    return seen


@pytest.fixture
def fake_demo(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Replace the in-process demo server with a recorder (no providers needed)."""
    state = {"started": 0, "stopped": 0}
    accounts = [AccountConfig(name="demo-doit", provider="doit", base_url="http://x", token="d")]

    @contextmanager
    def running_demo(scale: int = 0) -> Iterator[tuple[object, list[AccountConfig]]]:
        state["started"] += 1
        try:
            yield object(), accounts
        finally:
            state["stopped"] += 1

    import invoicetui.demo.runtime as runtime

    monkeypatch.setattr(runtime, "running_demo", running_demo)
    return state


def cache_root() -> Path:
    return Path(os.environ["INVOICETUI_CACHE_DIR"])


# ---------------------------------------------------------------------- basics


def test_version(capsys: Capture) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == "invoicetui 0.1.0"


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["export"],
        ["accounts"],
        ["cache"],
        ["cache", "info"],
        ["cache", "clear"],
        ["demo-server"],
    ],
)
def test_help_everywhere(argv: list[str], capsys: Capture) -> None:
    assert cli.main([*argv, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: invoicetui")
    if argv in ([], ["export"], ["accounts"], ["cache"], ["demo-server"]):
        assert "examples:" in out


def test_usage_errors_exit_2(capsys: Capture) -> None:
    assert cli.main(["--offline", "--refresh"]) == 2
    assert "not allowed with argument" in capsys.readouterr().err
    assert cli.main(["export", "--format", "xml"]) == 2
    assert cli.main(["frobnicate"]) == 2
    assert cli.main(["cache"]) == 2
    assert "cache info" in capsys.readouterr().err


# ---------------------------------------------------------------------- the TUI entry


def test_tui_without_config_starts_demo(
    fake_tui: list[AppSetup], fake_demo: dict[str, int]
) -> None:
    assert cli.main([]) == 0
    (setup,) = fake_tui
    assert setup.demo is True
    assert [a.name for a in setup.accounts] == ["demo-doit"]
    assert setup.cache_dir == cache_root() / "demo"
    assert setup.mode is FetchMode.AUTO and setup.mouse is True
    assert fake_demo == {"started": 1, "stopped": 1}  # stopped when the app returns


def test_tui_with_config(
    config_file: Path, fake_tui: list[AppSetup], fake_demo: dict[str, int]
) -> None:
    assert cli.main(["--config", str(config_file), "--offline", "--no-mouse"]) == 0
    assert cli.main(["--config", str(config_file), "--refresh", "--theme", "dracula"]) == 0
    first, second = fake_tui
    assert first.demo is False and [a.name for a in first.accounts] == ["acme", "hpc", "prod"]
    assert first.cache_dir == cache_root() and first.config_path == config_file
    assert first.mode is FetchMode.OFFLINE and first.mouse is False
    assert first.theme == "nord" and first.keys == {"refresh": "f5"}
    assert second.mode is FetchMode.REFRESH and second.theme == "dracula"
    assert fake_demo["started"] == 0


def test_tui_config_from_env_and_demo_flag(
    config_file: Path,
    fake_tui: list[AppSetup],
    fake_demo: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INVOICETUI_CONFIG", str(config_file))
    assert cli.main([]) == 0
    assert cli.main(["--demo"]) == 0
    real, demo = fake_tui
    assert real.demo is False and len(real.accounts) == 3
    assert demo.demo is True and demo.theme == "nord"  # [ui] still applies in demo mode
    assert demo.cache_dir == cache_root() / "demo"


def test_tui_named_config_missing_or_broken(
    tmp_path: Path, fake_tui: list[AppSetup], capsys: Capture
) -> None:
    assert cli.main(["--config", str(tmp_path / "nope.toml")]) == 2
    assert "nope.toml: config file not found" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    bad.write_text('[[accounts]]\nname = "x"\nprovider = "doit"\ntoken = "t"\ntimeout = 0\n')
    assert cli.main(["--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:5: account 'x': key 'timeout'" in err
    assert fake_tui == []


# ---------------------------------------------------------------------- export (service faked)


def test_export_without_config_is_usage_error(capsys: Capture) -> None:
    assert cli.main(["export"]) == 2
    err = capsys.readouterr().err
    assert "no config file at" in err and "config.toml" in err and "--demo" in err


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--since", "2026-13"], "is not a month; use YYYY-MM"),
        (["--until", "May"], "is not a month"),
        (["--since", "2026-05", "--until", "2026-03"], "--since 2026-05 is after --until 2026-03"),
        (["--account", "nobody"], "unknown account 'nobody'; configured: acme, hpc, prod"),
        (["-o", "/no/such/dir/out.json"], "directory /no/such/dir does not exist"),
    ],
)
def test_export_usage_errors(
    config_file: Path, fake_load: dict[str, Any], capsys: Capture, argv: list[str], fragment: str
) -> None:
    assert cli.main(["export", "--config", str(config_file), *argv]) == 2
    captured = capsys.readouterr()
    assert fragment in captured.err and captured.out == ""
    assert fake_load["calls"] == []


def test_export_config_error_exit_2(tmp_path: Path, capsys: Capture) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[[accounts]]\nname = "x"\nprovider = "doit"\ntoken = "{SECRET}"\nbogus = 1\n')
    assert cli.main(["export", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:5: account 'x': key 'bogus': unknown key" in err
    assert SECRET not in err


def test_export_json_all_accounts_in_config_order(
    config_file: Path, fake_load: dict[str, Any], capsys: Capture
) -> None:
    b = fake_load["behaviour"]
    b["acme"] = [invoice("acme", "palette", "p2", 2), invoice("acme", "palette", "p1", 1)]
    b["hpc"] = [invoice("hpc", "waldur", "w1", 3, items=2)]
    b["prod"] = [invoice("prod", "doit", "d1", 1)]
    assert cli.main(["export", "--config", str(config_file)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    data = json.loads(captured.out)
    assert [d["id"] for d in data] == ["p2", "p1", "w1", "d1"]
    assert data[2]["line_items"][1]["description"] == "w1 line 1"
    assert {c[1] for c in fake_load["calls"]} == {FetchMode.AUTO}


def test_export_filters_formats_and_output_file(
    config_file: Path, fake_load: dict[str, Any], capsys: Capture, tmp_path: Path
) -> None:
    b = fake_load["behaviour"]
    b["acme"] = [invoice("acme", "palette", f"p{m}", m) for m in (1, 2, 3, 4)]
    b["prod"] = [invoice("prod", "doit", "d3", 3, items=3)]
    argv = ["export", "--config", str(config_file), "--account", "prod", "--account", "acme"]
    assert cli.main([*argv, "--since", "2026-02", "--until", "2026-03", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("account,provider,id,number,status,status_raw,issued,due,")
    assert [line.split(",")[2] for line in lines[1:]] == ["p2", "p3", "d3"]
    assert {c[0] for c in fake_load["calls"]} == {"acme", "prod"}

    out = tmp_path / "items.csv"
    assert cli.main([*argv, "--format", "csv", "--items", "--refresh", "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    rows = out.read_text().splitlines()
    assert rows[0] == (
        "account,provider,id,number,currency,description,kind,project,quantity,unit,"
        "unit_price,amount,tax,start,end"
    )
    assert [r.split(",")[5] for r in rows[1:]] == [
        "p1 line 0",
        "p2 line 0",
        "p3 line 0",
        "p4 line 0",
        "d3 line 0",
        "d3 line 1",
        "d3 line 2",
    ]
    assert fake_load["calls"][-1][1] is FetchMode.REFRESH


def test_export_failures_exit_1_one_line_each(
    config_file: Path, fake_load: dict[str, Any], capsys: Capture
) -> None:
    b = fake_load["behaviour"]
    b["acme"] = AuthError("API key rejected", status_code=401, hint="check PALETTE_API_KEY")
    b["hpc"] = [invoice("hpc", "waldur", "w1", 3)]
    b["prod"] = NetworkError("could not connect to api.doit.com")
    assert cli.main(["export", "--config", str(config_file), "--offline"]) == 1
    captured = capsys.readouterr()
    assert [d["id"] for d in json.loads(captured.out)] == ["w1"]
    assert captured.err.splitlines() == [
        "Palette account 'acme': API key rejected (401); check PALETTE_API_KEY",
        "DoiT account 'prod': could not connect to api.doit.com",
    ]


def test_export_stale_cache_prints_data_and_warns(
    config_file: Path, fake_load: dict[str, Any], capsys: Capture
) -> None:
    fetched = datetime.now(UTC) - timedelta(hours=3, minutes=5)
    fake_load["behaviour"]["hpc"] = AccountSnapshot(
        "hpc",
        "waldur",
        (invoice("hpc", "waldur", "w1", 3),),
        fetched,
        from_cache=True,
        stale=True,
        error="Waldur account 'hpc': server error (503)",
    )
    assert cli.main(["export", "--config", str(config_file), "--account", "hpc"]) == 1
    captured = capsys.readouterr()
    assert [d["id"] for d in json.loads(captured.out)] == ["w1"]
    (line,) = captured.err.splitlines()
    assert line.startswith("Waldur account 'hpc': server error (503); showing cached data from ")
    assert line.endswith("(3h ago)")


# ---------------------------------------------------------------------- accounts


def test_accounts_list_never_shows_tokens(config_file: Path, capsys: Capture) -> None:
    assert cli.main(["accounts", "--config", str(config_file)]) == 0
    out = capsys.readouterr().out
    assert SECRET not in out
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "PROVIDER", "BASE", "URL", "TOKEN"]
    assert lines[1].split() == [
        "acme",
        "palette",
        "https://api.spectrocloud.com",
        "(default)",
        "env",
        "PALETTE_API_KEY",
    ]
    assert lines[2].split() == ["hpc", "waldur", "https://waldur.example.org", "inline", "token"]
    assert lines[3].split()[-1] == "token_command"


def test_accounts_check_faked(
    config_file: Path,
    service_module: types.ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Capture,
) -> None:
    async def check_account(account: AccountConfig) -> None:
        if account.name == "hpc":
            raise AuthError("token rejected", status_code=401).with_account("waldur", "hpc")

    monkeypatch.setattr(service_module, "check_account", check_account, raising=False)
    assert cli.main(["accounts", "--config", str(config_file), "--check"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["acme", "palette", "ok"]
    assert lines[2].split(None, 2) == ["hpc", "waldur", "token rejected (401)"]
    assert lines[3].split() == ["prod", "doit", "ok"]


def test_accounts_without_config(capsys: Capture) -> None:
    assert cli.main(["accounts"]) == 2
    assert "--demo" in capsys.readouterr().err


# ---------------------------------------------------------------------- cache


def _snapshot(name: str, provider: str, count: int, age: timedelta) -> AccountSnapshot:
    invoices = tuple(invoice(name, provider, f"{name}-{n}", 1) for n in range(count))
    return AccountSnapshot(name, provider, invoices, datetime.now(UTC) - age)


def test_cache_info_and_clear(capsys: Capture) -> None:
    assert cli.main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert f"path: {cache_root()}" in out and "none cached" in out

    Cache(cache_root()).save(_snapshot("acme", "palette", 3, timedelta(hours=3, minutes=2)))
    Cache(cache_root()).save(_snapshot("prod", "doit", 1, timedelta(minutes=7)))
    Cache(cache_root() / "demo").save(_snapshot("demo-doit", "doit", 2, timedelta(days=2)))
    assert cli.main(["cache", "info"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("size: ") and not lines[1].endswith(" 0 B")
    assert lines[2].split() == ["ACCOUNT", "PROVIDER", "INVOICES", "DETAILS", "FETCHED", "SIZE"]
    assert lines[3].split()[:6] == ["acme", "palette", "3", "3", "3h", "ago"]
    assert lines[4].split()[:6] == ["prod", "doit", "1", "1", "7m", "ago"]
    assert len(lines) == 5  # demo data is kept apart

    assert cli.main(["cache", "info", "--demo"]) == 0
    out = capsys.readouterr().out
    assert f"path: {cache_root() / 'demo'}" in out and "demo-doit" in out and "2d ago" in out

    assert cli.main(["cache", "clear", "--account", "acme"]) == 0
    assert "cleared the cache of account 'acme'" in capsys.readouterr().out
    assert cli.main(["cache", "clear", "--account", "acme"]) == 0
    assert "nothing cached for account 'acme'" in capsys.readouterr().out
    assert [i.name for i in Cache(cache_root()).info()] == ["prod"]
    assert cli.main(["cache", "clear"]) == 0
    assert "(1 accounts)" in capsys.readouterr().out
    assert Cache(cache_root()).info() == []
    assert [i.name for i in Cache(cache_root() / "demo").info()] == ["demo-doit"]
    assert cli.main(["--demo", "cache", "clear"]) == 0
    assert Cache(cache_root() / "demo").info() == []


# ---------------------------------------------------------------------- demo-server


def test_demo_server_refuses_remote_host_and_bad_port(capsys: Capture) -> None:
    assert cli.main(["demo-server", "--host", "0.0.0.0"]) == 2
    assert "--allow-remote" in capsys.readouterr().err
    assert cli.main(["demo-server", "--port", "70000"]) == 2


# ---------------------------------------------------------------------- against the demo APIs


@pytest.fixture
def real_stack() -> None:
    """Skip until the four clients, the four demo fakes and the service exist."""
    for provider in ("palette", "waldur", "doit", "zilliz"):
        pytest.importorskip(f"invoicetui.providers.{provider}")
        pytest.importorskip(f"invoicetui.demo.{provider}")
    pytest.importorskip("invoicetui.service.loading")


@pytest.fixture
def live_server(real_stack: None, request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue("demo_server")


def _normalized(text: str) -> list[dict[str, Any]]:
    """Export JSON with the demo server's address (a random port) taken out."""
    data: list[dict[str, Any]] = json.loads(re.sub(r"http://127\.0\.0\.1:\d+", "http://demo", text))
    return data


def _demo_config(tmp_path: Path, server: Any, **changes: dict[str, Any]) -> Path:
    """A config for every demo account of `server`, unthrottled (speed is not tested here)."""
    from dataclasses import replace

    from invoicetui.demo.server import demo_accounts

    for provider in list(server.limits):
        server.set_limit(provider, None)
    accounts = [
        replace(a, **{"max_rps": 1000.0, **changes.get(a.name, {})}) for a in demo_accounts(server)
    ]
    return write_config(tmp_path, accounts)


def test_export_demo_equals_config_at_demo_server(
    live_server: Any, tmp_path: Path, capsys: Capture
) -> None:
    from invoicetui.demo.server import demo_accounts

    names = [a.name for a in demo_accounts(live_server)]
    assert cli.main(["export", "--demo"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    demo = _normalized(captured.out)
    assert [n for n in names if n not in {d["account"] for d in demo}] == []
    assert {d["provider"] for d in demo} == {"palette", "waldur", "doit", "zilliz"}
    assert [d["account"] for d in demo] == sorted(
        (d["account"] for d in demo), key=names.index
    )  # configured order
    # demo data has its own cache, apart from real data
    assert Cache(cache_root() / "demo").info() and not Cache(cache_root()).info()

    path = _demo_config(tmp_path, live_server)
    assert cli.main(["export", "--config", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert _normalized(captured.out) == demo


def test_export_offline_wrong_token_and_cache(
    live_server: Any, tmp_path: Path, capsys: Capture
) -> None:
    from invoicetui.demo.server import demo_accounts

    accounts = demo_accounts(live_server)
    victim = next(a for a in accounts if a.provider == "doit")
    path = _demo_config(tmp_path, live_server)
    base = ["export", "--config", str(path)]

    # --offline with nothing cached: every account fails, one line each, exit 1.
    assert cli.main([*base, "--offline"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out) == []
    lines = captured.err.splitlines()
    assert len(lines) == len(accounts)
    assert f"no cached data for account '{victim.name}'; run without --offline" in lines

    # Fill the cache, then --offline prints the same without the network.
    assert cli.main(base) == 0
    online = capsys.readouterr().out
    before = sum(live_server.stats.requests.values())
    assert cli.main([*base, "--offline"]) == 0
    assert capsys.readouterr().out == online
    assert sum(live_server.stats.requests.values()) == before

    # A wrong token, refreshed: the account has cached data, so it is printed (stale) and warned.
    bad = _demo_config(tmp_path, live_server, **{victim.name: {"token": "wrong-token"}})
    assert cli.main(["export", "--config", str(bad), "--refresh"]) == 1
    captured = capsys.readouterr()
    assert captured.out == online
    (line,) = captured.err.splitlines()
    assert line.startswith(f"DoiT account '{victim.name}': ") and "showing cached data" in line
    assert "wrong-token" not in captured.err

    # Without a cache, the wrong-token account is missing from the output and fails alone.
    assert cli.main(["cache", "clear", "--account", victim.name]) == 0
    capsys.readouterr()
    assert cli.main(["export", "--config", str(bad), "--format", "csv"]) == 1
    captured = capsys.readouterr()
    (line,) = captured.err.splitlines()
    assert line.startswith(f"DoiT account '{victim.name}': ") and "(401)" in line
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    assert rows and victim.name not in {r["account"] for r in rows}


def test_accounts_check_against_demo_server(
    live_server: Any, tmp_path: Path, capsys: Capture
) -> None:
    from invoicetui.demo.server import demo_accounts

    accounts = demo_accounts(live_server)
    victim = next(a for a in accounts if a.provider == "zilliz")
    path = _demo_config(tmp_path, live_server, **{victim.name: {"token": "nope"}})
    assert cli.main(["accounts", "--config", str(path), "--check"]) == 1
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert set(rows) == {a.name for a in accounts}
    assert "(401)" in rows[victim.name] or "token" in rows[victim.name].lower()
    assert all(rows[a.name].split()[2] == "ok" for a in accounts if a is not victim)
    assert cli.main(["accounts", "--demo", "--check"]) == 0


def test_demo_server_prints_working_config(real_stack: None, tmp_path: Path) -> None:
    from invoicetui.demo.runtime import serve_demo
    from invoicetui.demo.server import DemoServer

    class Out(io.StringIO):
        def __init__(self) -> None:
            super().__init__()
            self.ready = threading.Event()

        def flush(self) -> None:
            self.ready.set()

    out, stop = Out(), threading.Event()
    server = DemoServer("127.0.0.1", 0)
    thread = threading.Thread(target=serve_demo, args=(server, out, stop))
    thread.start()
    try:
        assert out.ready.wait(10)
        text = out.getvalue()
        config = tomllib.loads(text)
        assert {a["provider"] for a in config["accounts"]} == {
            "palette",
            "waldur",
            "doit",
            "zilliz",
        }
        assert f"http://127.0.0.1:{server.port}/doit" in text
        path = tmp_path / "demo.toml"
        path.write_text(text)
        assert cli.main(["accounts", "--config", str(path), "--check"]) == 0
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


# ---------------------------------------------------------------------- real processes (few: slow)


def _run(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoicetui", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_module_help_and_exit_codes(tmp_path: Path) -> None:
    done = _run("--help")
    assert done.returncode == 0 and "examples:" in done.stdout
    done = _run("export", "--config", str(tmp_path / "missing.toml"))
    assert done.returncode == 2 and "missing.toml: config file not found" in done.stderr
    done = _run("export", "--since", "2026-5")
    assert done.returncode == 2 and done.stdout == ""


def test_demo_server_process_stops_on_sigterm(real_stack: None) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "invoicetui", "demo-server", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("# Serving"):
                break
        config = tomllib.loads("".join(lines))
        assert len(config["accounts"]) >= 4
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_items_with_json_is_accepted_and_changes_nothing(
    config_file: Path, fake_load: dict[str, Any], capsys: Capture
) -> None:
    """JSON always carries line items; --items there is harmless, not a usage error."""
    assert cli.main(["export", "--config", str(config_file)]) == 0
    plain = capsys.readouterr().out
    assert cli.main(["export", "--config", str(config_file), "--items"]) == 0
    assert capsys.readouterr().out == plain
