"""`invoicetui summary`: text and json, --fail-on with exit 3, cache like export, changes."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from invoicetui.cli import cmd_summary
from invoicetui.cli.main import main
from invoicetui.config.load import account_to_toml
from invoicetui.demo.data import DEMO_TODAY
from invoicetui.demo.server import DemoServer, Fault, demo_accounts

Capture = pytest.CaptureFixture[str]


def run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    code = main(["summary", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def config_for(server: DemoServer, tmp_path: Path, names: set[str] | None = None) -> str:
    accounts = [a for a in demo_accounts(server) if names is None or a.name in names]
    path = tmp_path / "config.toml"
    path.write_text("\n".join(account_to_toml(a) for a in accounts), encoding="utf-8")
    return str(path)


def test_demo_text_answers_the_questions(capsys: Capture) -> None:
    code, out, err = run(capsys, "--demo")
    assert code == 0, err
    assert out.startswith("invoicetui summary for 2026-11-15 (UTC, demo data)\n")
    for heading in ("Owed", "Overdue, oldest first", "Spend per account", "Budgets", "Changes"):
        assert f"\n{heading}" in out
    overdue = out.split("Overdue, oldest first\n")[1].split("\n\n")[0].splitlines()
    days = [int(line.split("d late")[0]) for line in overdue]
    assert days == sorted(days, reverse=True) and days[0] > 60  # oldest first, several ages
    budgets = out.split("\nBudgets")[1].split("\n\n")[0]
    assert re.search(r"hpc-centre +EUR +[\d,.]+ +of 50,000.00 +1\d\d% +OVER budget", budgets)
    assert re.search(r"vector-db +USD +[\d,.]+ +of 700.00 +[89]\d% +WARN past 80%", budgets)
    assert "NOK left out (no rate)" in out
    assert "first refresh, nothing to compare with yet:" in out
    assert "\x1b" not in out


def test_json_per_currency_never_mixed(capsys: Capture) -> None:
    code, out, _ = run(capsys, "--demo", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["today"] == DEMO_TODAY.isoformat()
    codes = [c["currency"] for c in data["currencies"]]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    by_currency: dict[str, Decimal] = {}
    for line in data["overdue"]:
        by_currency[line["currency"]] = by_currency.get(line["currency"], Decimal(0)) + Decimal(
            line["amount"]
        )
    for block in data["currencies"]:
        overdue = Decimal(block["overdue"]["amount"])
        assert overdue == by_currency.get(block["currency"], Decimal(0))
        parts = ("overdue_1_30", "overdue_31_60", "overdue_over_60")
        assert sum(Decimal(block[p]["amount"]) for p in parts) == overdue
    assert [d["days_late"] for d in data["overdue"]] == sorted(
        (d["days_late"] for d in data["overdue"]), reverse=True
    )
    assert data["spend"]["this_month"] == "2026-11" and data["spend"]["compared"] == [
        "2026-09",
        "2026-10",
    ]
    assert data["approx_outstanding"]["left_out"] == ["NOK"]
    assert {b["level"] for b in data["budgets"]} == {"ok", "warn", "over"}
    assert data["fail_on"] is None and data["errors"] == []


def test_fail_on(capsys: Capture) -> None:
    code, out, _ = run(capsys, "--demo", "--fail-on", "overdue")
    assert code == 3 and "--fail-on overdue: " in out
    code, out, _ = run(capsys, "--demo", "--format", "json", "--fail-on", "due:7")
    data = json.loads(out)
    assert code == 3 and data["fail_on"]["matched"]
    assert len(data["fail_on"]["invoices"]) > len(data["overdue"])  # overdue + due soon
    code, _, err = run(capsys, "--demo", "--fail-on", "soon")
    assert code == 2 and "use 'overdue' or 'due:DAYS'" in err
    code, out, _ = run(capsys, "--demo", "--account", "acme-palette", "--fail-on", "overdue")
    assert code == 0 and "0 invoices overdue" in out  # Palette gives no due dates


def test_offline_and_cache_like_export(
    demo_server: DemoServer, tmp_path: Path, capsys: Capture
) -> None:
    config = config_for(demo_server, tmp_path, {"doit", "vector-db"})
    code, _, err = run(capsys, "--config", config, "--offline")
    assert code == 1 and "no cached data for account 'doit'; run without --offline" in err
    code, out, _ = run(capsys, "--config", config)
    assert code == 0 and "first refresh" in out
    asked = sum(demo_server.stats.requests.values())
    code, offline_out, _ = run(capsys, "--config", config, "--offline")
    assert code == 0 and offline_out == out  # the same answer from the cache
    code, cached_out, _ = run(capsys, "--config", config)  # fresh: no network either
    assert code == 0 and cached_out == out
    assert sum(demo_server.stats.requests.values()) == asked


def test_changes_between_two_refreshes(
    demo_server: DemoServer, tmp_path: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cmd_summary, "utc_today", lambda: DEMO_TODAY)
    config = config_for(demo_server, tmp_path, {"doit", "vector-db"})
    run(capsys, "--config", config)
    code, out, _ = run(capsys, "--config", config, "--refresh")
    assert code == 0
    changes = out.split("Changes at the last refresh\n")[1]
    assert "  doit: since " in changes
    assert re.search(
        r"\n    changed  [A-Z]{2}-2026-\d+  open → paid; due [\d,.]+ → 0.00 [A-Z]{3}\n", changes
    )
    assert "no changes: vector-db" in changes
    code, out, _ = run(capsys, "--config", config, "--format", "json", "--offline")
    [doit] = [c for c in json.loads(out)["changes"] if c["account"] == "doit"]
    assert [(c["from"]["status"], c["to"]["status"]) for c in doit["status_changed"]] == [
        ("open", "paid")
    ]


def test_a_failed_account_exits_1_and_names_it(
    demo_server: DemoServer, tmp_path: Path, capsys: Capture
) -> None:
    config = config_for(demo_server, tmp_path, {"doit", "vector-db"})
    demo_server.add_fault(Fault("wrong_token", provider="zilliz"))
    code, out, err = run(capsys, "--config", config, "--format", "json")
    assert code == 1
    assert "vector-db" in err and json.loads(out)["errors"]
    code, out, _ = run(capsys, "--config", config, "--fail-on", "overdue")
    assert code == 3  # the doit data at hand has overdue invoices
    problems = out.split("Problems (")[1]
    assert "Zilliz account 'vector-db'" in problems


def test_config_budgets_and_rates(
    demo_server: DemoServer, tmp_path: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cmd_summary, "utc_today", lambda: DEMO_TODAY)
    config = config_for(demo_server, tmp_path, {"vector-db", "hpc-centre"})
    with open(config, "a", encoding="utf-8") as handle:
        handle.write('\n[rates]\nbase = "USD"\n\n[budgets]\n"vector-db" = "500"\n')
    code, out, _ = run(capsys, "--config", config)
    assert code == 0
    assert re.search(r"vector-db  USD  [\d,.]+  of 500.00  1\d\d%  OVER budget", out)
    assert "hpc-centre" not in out.split("\nBudgets")[1].split("\n\n")[0]
    assert "USD outstanding in total; EUR left out (no rate)" in out


def test_the_demo_server_config_carries_rates_budgets_and_groups(
    demo_server: DemoServer, tmp_path: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from invoicetui.config.load import load_config
    from invoicetui.demo.runtime import demo_config_text

    monkeypatch.setattr(cmd_summary, "utc_today", lambda: DEMO_TODAY)
    path = tmp_path / "demo.toml"
    path.write_text(demo_config_text(demo_server), encoding="utf-8")
    loaded = load_config(path)
    assert loaded.rates is not None and loaded.rates.base == "EUR"
    assert loaded.budgets["hpc-centre"] == Decimal(50000)
    assert loaded.groups["vector-db"] == "team-search"
    some = [a for a in demo_accounts(demo_server) if a.name == "doit"]
    path.write_text(demo_config_text(demo_server, some), encoding="utf-8")
    assert load_config(path).budgets == {}  # only budgets of accounts it lists
    code, out, _ = run(capsys, "--config", str(path))
    assert code == 0 and "≈" in out and "Budgets" not in out
