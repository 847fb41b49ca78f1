"""Conformance across providers (CSV, exit codes, cache, escapes), through `invoicetui export`.

The scripted loopback API answers with hand-written bodies that follow PROVIDERS.md and the
specs; the real CLI runs with a temp config pointing at it, and its JSON/CSV output, exit
code and stderr are checked against CONTRACT.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conformance_fixtures import NOW, Run, api_fixture, export_fixture, fixed_now_fixture  # noqa: F401
from conformance_helpers import NASTY, NASTY_CLEAN, write_config
from conformance_payloads import (
    DOIT_LIST,
    TENANT,
    ZILLIZ_LIST,
    dinv,
    doit_account,
    doit_serve,
    palette_account,
    palette_list,
    pinv,
    st,
    waldur_account,
    winv,
    witem,
    zilliz_account,
    zilliz_serve,
    zinv,
)
from conformance_server import Answer, ScriptedAPI


def test_control_characters_stripped_markup_kept(api: ScriptedAPI, export: Run) -> None:
    palette_list(
        api,
        [
            pinv(
                "p" + NASTY,
                [st("Paid", "2024-06-03T09:41:07Z", NASTY)],
                metadata={"uid": "p" + NASTY, "name": NASTY},
                status__projects=[{"projectName": NASTY, "amount": 1}],
            )
        ],
    )
    api.json("/api/invoices/", [winv("w" + NASTY, items=[witem(name=NASTY, project_name=NASTY)])])
    api.json(
        DOIT_LIST,
        {"invoices": [dinv("d1", status=NASTY, url=NASTY, currency="us\x1b[1md")]},
    )
    api.json(
        f"{DOIT_LIST}/d1",
        dinv(
            "d1",
            status=NASTY,
            url=NASTY,
            lineItems=[
                {"description": NASTY, "details": NASTY, "type": NASTY, "price": 1, "qty": 1}
            ],
        ),
    )
    zilliz_serve(api, [zinv("z" + NASTY, status=NASTY)])
    result = export(
        [
            palette_account(api),
            waldur_account(api),
            doit_account(api),
            zilliz_account(api),
        ]
    )
    assert result.code == 0, result.err
    got = result.by_id()
    assert sorted(got) == sorted([*(f"{p}{NASTY_CLEAN}" for p in "pwz"), "d1"])
    pal = got["p" + NASTY_CLEAN]
    assert pal["payments"][0]["message"] == NASTY_CLEAN
    assert pal["line_items"][0]["description"] == NASTY_CLEAN
    wal = got["w" + NASTY_CLEAN]
    assert wal["line_items"][0]["description"] == NASTY_CLEAN
    assert wal["line_items"][0]["project"] == NASTY_CLEAN
    doit = got["d1"]
    assert doit["status_raw"] == NASTY_CLEAN and doit["status"] == "unknown"
    assert doit["url"] == NASTY_CLEAN and doit["currency"] == "USD"
    assert doit["line_items"][0]["description"] == NASTY_CLEAN
    assert doit["line_items"][0]["kind"] == NASTY_CLEAN
    assert got["z" + NASTY_CLEAN]["status_raw"] == NASTY_CLEAN
    assert "\x1b" not in result.out and "\\u001b" not in result.out
    csv_out = export([palette_account(api), doit_account(api)], "--format", "csv", "--items").out
    assert "\x1b" not in csv_out and "\x07" not in csv_out and "[bold]x[/bold]" in csv_out


def test_csv_one_row_per_invoice_and_per_item(api: ScriptedAPI, export: Run) -> None:
    palette_list(api, [pinv("a"), pinv("b")])
    rows = export([palette_account(api)], "--format", "csv").rows()
    assert [r["id"] for r in rows] == ["a", "b"]
    assert list(rows[0]) == [
        "account", "provider", "id", "number", "status", "status_raw", "issued", "due",
        "period_start", "period_end", "currency", "subtotal", "tax", "credits", "total",
        "amount_due", "url", "problems",
    ]  # fmt: skip
    assert (
        rows[0]["total"] == "1843.20" and rows[0]["credits"] == "" and rows[0]["currency"] == "USD"
    )
    items = export([palette_account(api)], "--format", "csv", "--items").rows()
    assert [(r["id"], r["description"]) for r in items] == [
        ("a", "payments-prod"),
        ("a", "staging"),
        ("b", "payments-prod"),
        ("b", "staging"),
    ]
    assert {"description", "quantity", "unit_price", "amount", "start", "end"} <= set(items[0])


def test_exit_codes_and_one_stderr_line_per_failed_account(
    api: ScriptedAPI, export: Run, tmp_path: Path
) -> None:
    palette_list(api, [pinv("a")])
    api.json(DOIT_LIST, {"error": "Invalid API key"}, 401)
    api.json(ZILLIZ_LIST, {"code": 80001, "message": "Invalid token"}, 200)
    result = export([palette_account(api), doit_account(api), zilliz_account(api)])
    assert result.code == 1
    assert [i["id"] for i in result.invoices] == ["a"]  # the others' results still printed
    assert len(result.err_lines) == 2
    assert "'doit'" in result.err_lines[0] and "'zz'" in result.err_lines[1]
    only_ok = export([palette_account(api), doit_account(api)], "--account", "pal")
    assert (only_ok.code, only_ok.err_lines) == (0, [])
    bad = export([palette_account(api, tenant_uid=5)])
    assert bad.code == 2 and "config.toml" in bad.err and "tenant_uid" in bad.err
    unknown = export([palette_account(api)], "--account", "nope")
    assert unknown.code == 2


def test_offline_uses_the_cache_and_names_accounts_without_one(
    api: ScriptedAPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:

    from invoicetui.cli import main as cli

    palette_list(api, [pinv("a", [st("Paid", "2024-06-03T09:41:07Z")])])
    config = write_config(tmp_path / "c.toml", [palette_account(api), doit_account(api)])
    api.json(DOIT_LIST, {"invoices": []})
    assert cli.main(["export", "--config", str(config), "--account", "pal"]) == 0
    fetched = json.loads(capsys.readouterr().out)
    requests = len(api.seen)
    assert cli.main(["export", "--config", str(config), "--offline"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out) == fetched  # the cache gives back exactly what was exported
    (line,) = err.strip().splitlines()
    assert "no cached data for account 'doit'; run without --offline" in line
    assert len(api.seen) == requests


def test_accounts_check_one_line_per_account(
    api: ScriptedAPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:

    from invoicetui.cli import main as cli

    api.json("/v1/users/info", {"tenantUid": TENANT})
    api.json(DOIT_LIST, {"error": "Invalid API key"}, 401)
    config = write_config(tmp_path / "c.toml", [palette_account(api), doit_account(api)])
    assert cli.main(["accounts", "--config", str(config), "--check"]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert lines[1].split()[:3] == ["pal", "palette", "ok"]
    assert lines[2].split()[:2] == ["doit", "doit"] and "Invalid API key" in lines[2]
    assert "secret-token" not in "".join(lines)


def test_cached_export_equals_fetched_export(
    api: ScriptedAPI, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:

    from invoicetui.cli import main as cli

    palette_list(api, [pinv("p", [st("Paid", "2024-06-03T09:41:07.5Z", NASTY)])])
    comp = witem(uuid="c", price=-0.125, total="-0.125", tax="0", start="2024-05-02T00:00:00+03:00")
    api.json("/api/invoices/", [winv("w", items=[witem(price="@P@"), comp])])
    raw = json.dumps(api.routes["/api/invoices/"].body)  # type: ignore[union-attr]
    api.route("/api/invoices/", Answer(200, raw.replace('"@P@"', "0.1000000000000000000001")))
    items = [{"description": "a", "details": "b", "price": 0.1, "qty": 0.3, "currency": "USD"}]
    doit_serve(api, [dinv("d", invoiceDate=1717249530123, lineItems=items, balanceAmount=None)])
    zilliz_serve(api, [zinv("z", creditsApplied=1, amountDue=None)])
    accounts = [palette_account(api), waldur_account(api), doit_account(api), zilliz_account(api)]
    config = write_config(tmp_path / "c.toml", accounts)
    outputs = []
    for mode in ("--refresh", "--offline", "--refresh", "--offline"):
        assert cli.main(["export", "--config", str(config), mode]) == 0
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[0] == outputs[1] == outputs[2] == outputs[3]
    assert len(outputs[0]) == 4


def test_numbers_where_strings_are_expected(api: ScriptedAPI, export: Run) -> None:
    api.route("/api/invoices/", Answer(200, json.dumps([winv("w")]).replace("100412", "100412.0")))
    doit_serve(api, [dinv(12345)])  # type: ignore[arg-type]
    result = export([waldur_account(api), doit_account(api)])
    assert result.code == 0, result.err
    got = result.by_id()
    assert got["w"]["number"] == "100412.0"
    assert got["12345"]["id"] == "12345"


def test_hand_written_payloads_follow_the_published_schemas() -> None:
    """The bodies above are valid per the specs (Zilliz's oneOf is broken upstream: skipped)."""
    from spec_check import validate, validate_against

    validate_against(
        "palette", "#/definitions/v1Invoice", pinv("u", [st("Paid", "2024-06-01T00:00:00Z")])
    )
    validate_against(
        "palette", "#/definitions/v1Invoices", {"invoices": [pinv("u")], "listmeta": {}}
    )
    # 8.1.2 writes two places; the seven-place strings used above are older servers' habit.
    two = {"tax": "309.72", "total": "1600.22", "unit_price": "0.50", "quantity": "2581.00"}
    item = witem(**two)
    invoice = winv(
        "u", "pending", invoice_date=None, price="1290.50", total="1600.22", items=[item]
    )
    validate("waldur", "get", "/api/invoices/", [invoice])
    validate("waldur", "get", "/api/provider-invoice-items/", [witem(price=-1.5, **two)])
    items = [
        {
            "currency": "USD",
            "description": "d",
            "details": "x",
            "price": 0.1,
            "qty": 0.5,
            "type": "t",
        }
    ]
    validate(
        "doit", "get", "/billing/v1/invoices/{id}", {**dinv("A", "PAST DUE"), "lineItems": items}
    )
    validate(
        "doit",
        "get",
        "/billing/v1/invoices",
        {"invoices": [dinv("A")], "pageToken": "", "rowCount": 1},
    )


def test_redirect_is_not_followed_and_says_where(api: ScriptedAPI, export: Run) -> None:
    api.route(ZILLIZ_LIST, Answer(301, b"", {"Location": "https://api.example.org/v2/invoices"}))
    result = export([zilliz_account(api)])
    assert result.code == 1
    (line,) = result.err_lines
    assert "'zz'" in line and "redirect" in line and "https://api.example.org" in line
    assert api.paths() == [ZILLIZ_LIST]


def test_a_client_bug_fails_only_its_account(
    api: ScriptedAPI, export: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from invoicetui.providers.doit import normalize as doit_models

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise TypeError("unexpected shape")

    monkeypatch.setattr(doit_models, "invoice_page", broken)
    palette_list(api, [pinv("a")])
    api.json(DOIT_LIST, {"invoices": []})
    result = export([palette_account(api), doit_account(api)])
    assert result.code == 1
    assert [i["id"] for i in result.invoices] == ["a"]
    (line,) = result.err_lines
    assert "'doit'" in line and "TypeError: unexpected shape" in line
