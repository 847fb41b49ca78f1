"""Hostile records through `invoicetui export`: kept and marked, or skipped with one line.

Bodies are raw JSON text, so they can hold what json.dumps never writes: NaN, 1e400, 1e-400,
lone surrogate escapes. Whatever a record holds, the account keeps its other invoices, the
export is valid UTF-8, no amount is written with 400 digits, and nothing raises.
"""

from __future__ import annotations

import json
from typing import Any

from conformance_fixtures import Run, api_fixture, export_fixture, fixed_now_fixture  # noqa: F401
from conformance_helpers import CONTROL
from conformance_payloads import (
    DOIT_LIST,
    ZILLIZ_LIST,
    dinv,
    doit_account,
    palette_account,
    pinv,
    waldur_account,
    winv,
    witem,
    zilliz_account,
    zinv,
)
from conformance_server import Answer, ScriptedAPI

# Placeholders replaced in the JSON text by literals json.dumps would refuse or rewrite.
LITERALS = {
    '"@NAN@"': "NaN",
    '"@HUGE@"': "1e400",
    '"@TINY@"': "1e-400",
    '"@SURROGATE@"': '"INV\\ud800-x"',
    '"@BIDI@"': '"pay \\u202eKCATTA\\u202c \\u2066now\\u2069"',
    '"@ZW@"': '"Z\\u200bW-1\\ufeff"',
}


def raw(body: Any) -> str:
    text = json.dumps(body)
    for placeholder, literal in LITERALS.items():
        text = text.replace(placeholder, literal)
    return text


def check_output(invoices: list[dict[str, Any]]) -> None:
    for inv in invoices:
        text = json.dumps(inv, ensure_ascii=False)
        text.encode("utf-8")  # strict
        assert not CONTROL.search(text.replace("\\n", ""))
        assert "0" * 40 not in text  # never 400 digits


def test_waldur_hostile_invoices(api: ScriptedAPI, export: Run) -> None:
    body = [
        winv("nan", total="@NAN@", price="@HUGE@", tax="@TINY@"),
        winv("", number=None, items=[witem(price="@NAN@", start="0001-01-01T00:00:00Z")]),
        winv("old", invoice_date="0001-01-01", due_date="9999-12-31"),
        winv("@SURROGATE@", customer_details={"name": "@BIDI@"}),
        "not an invoice",
        winv("ok"),
    ]
    api.route("/api/invoices/", Answer(200, raw(body)))
    result = export([waldur_account(api)])
    assert result.code == 0, result.err
    invoices = result.invoices
    check_output(invoices)
    by_id = {inv["id"]: inv for inv in invoices}
    assert len(invoices) == 5 and "ok" in by_id
    nan = by_id["nan"]
    assert (nan["total"], nan["subtotal"], nan["tax"]) == (None, None, None)
    assert nan["problems"] == [
        "total: not a finite decimal (NaN)",
        "price: not a finite decimal (1E+400)",
        "tax: not a finite decimal (1E-400)",
    ]
    (noid,) = [inv for inv in invoices if inv["id"].startswith("noid-")]
    assert noid["problems"][0] == f"no uuid: shown as {noid['id']}"
    assert any("price: not a finite decimal (NaN)" in p for p in noid["problems"])
    assert any("start: not a date in 1970-2199" in p for p in noid["problems"])
    old = by_id["old"]
    assert (old["issued"], old["due"]) == (None, None)
    assert old["problems"] == [
        "invoice_date: not a date in 1970-2199 ('0001-01-01')",
        "due_date: not a date in 1970-2199 ('9999-12-31')",
    ]
    assert "INV\ufffd-x" in by_id
    assert by_id["ok"]["problems"] == []
    (line,) = result.err_lines
    assert line.startswith("invoicetui: warning: Waldur account 'wal': skipped invoice record 4")


def test_doit_hostile_invoices(api: ScriptedAPI, export: Run) -> None:
    invoices = [
        dinv("A-1", totalAmount="@HUGE@", balanceAmount="@NAN@"),
        dinv("A-2", invoiceDate=-62135596800000, dueDate="@HUGE@"),  # year 1, then 1e400 ms
        dinv("@ZW@", lineItems=[{"description": "@BIDI@", "price": "@TINY@", "qty": 1}]),
        dinv("A-4", balanceAmount=-25.5),
    ]
    summaries = [{k: v for k, v in inv.items() if k != "lineItems"} for inv in invoices]
    api.route(DOIT_LIST, Answer(200, raw({"invoices": [*summaries, 7], "pageToken": ""})))
    for inv in invoices:
        ident = inv["id"] if inv["id"] != "@ZW@" else "ZW-1"
        api.route(f"{DOIT_LIST}/{ident}", Answer(200, raw({"lineItems": [], **inv})))
    result = export([doit_account(api)])
    assert result.code == 0, result.err
    got = result.invoices
    check_output(got)
    by_id = {inv["id"]: inv for inv in got}
    assert sorted(by_id) == ["A-1", "A-2", "A-4", "ZW-1"]
    assert (by_id["A-1"]["total"], by_id["A-1"]["amount_due"]) == (None, None)
    assert by_id["A-1"]["problems"] == [
        "totalAmount: not a finite decimal (1E+400)",
        "balanceAmount: not a finite decimal (NaN)",
    ]
    assert (by_id["A-2"]["issued"], by_id["A-2"]["due"]) == (None, None)
    assert len(by_id["A-2"]["problems"]) == 2
    item = by_id["ZW-1"]["line_items"][0]
    assert item["description"] == "pay KCATTA now" and item["unit_price"] is None
    assert by_id["A-4"]["amount_due"] == "-25.50"  # a credit balance keeps its sign
    assert any("skipped invoice record 4" in line for line in result.err_lines)


def test_zilliz_hostile_invoices(api: ScriptedAPI, export: Run) -> None:
    invoices = [
        zinv("z1", total="@NAN@", subtotal="@HUGE@"),
        zinv("", periodStart="9999-12-31T23:00:00-05:00"),
        zinv("z3", tax=123.456),  # not whole cents: exact
    ]
    data = {"count": 4, "currentPage": 1, "pageSize": 100, "invoices": [*invoices, None]}
    api.route(ZILLIZ_LIST, Answer(200, raw({"code": 0, "data": data})))
    result = export([zilliz_account(api)])
    assert result.code == 0, result.err
    got = result.invoices
    check_output(got)
    assert len(got) == 3
    assert got[0]["total"] is None and got[0]["subtotal"] is None and len(got[0]["problems"]) == 2
    assert got[1]["id"].startswith("noid-") and got[1]["period_start"] is None
    assert got[2]["tax"] == "1.23456"
    assert any("skipped invoice record 3" in line for line in result.err_lines)


def test_palette_hostile_invoice(api: ScriptedAPI, export: Run) -> None:
    bad = pinv("p1")
    bad["status"]["billableAmount"] = "@NAN@"
    bad["metadata"]["creationTimestamp"] = "0001-01-01T00:00:00Z"
    api.route("/v1/tenants/t-1/invoices/p1", Answer(200, raw(bad)))
    result = export([palette_account(api, tenant_uid="t-1", invoice_uids=["p1"])])
    assert result.code == 0, result.err
    (inv,) = result.invoices
    assert inv["total"] is None and inv["issued"] is None
    assert inv["problems"] == [
        "billableAmount: not a finite decimal (NaN)",
        "creationTimestamp: not a date in 1970-2199 ('0001-01-01T00:00:00Z')",
    ]


def test_surrogates_and_formulas_in_csv(api: ScriptedAPI, export: Run) -> None:
    """A lone surrogate used to crash export (UnicodeEncodeError); CSV text cells are defused."""
    body = [
        winv("@SURROGATE@", number='=HYPERLINK("http://evil")', total="-5.00"),
        winv("w2", number="+1", items=[witem(name="@cmd", price=-1.5, project_name="-x")]),
    ]
    api.route("/api/invoices/", Answer(200, raw(body)))
    result = export([waldur_account(api)], "--format", "csv")
    assert result.code == 0, result.err
    rows = result.rows()
    assert rows[0]["id"] == "INV\ufffd-x" and rows[0]["number"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["total"] == "-5.00" and rows[0]["amount_due"] == "-5.00"  # numbers stay
    assert rows[1]["number"] == "'+1"
    items = export([waldur_account(api)], "--format", "csv", "--items").rows()
    item = items[-1]
    assert item["description"] == "'@cmd" and item["project"] == "'-x"
    assert item["amount"] == "-1.50" and item["number"] == "'+1"
