"""Conformance, Waldur: payloads unlike our demo data, through `invoicetui export`.

The scripted loopback API answers with hand-written bodies that follow PROVIDERS.md and the
specs; the real CLI runs with a temp config pointing at it, and its JSON/CSV output, exit
code and stderr are checked against CONTRACT.md.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from conformance_fixtures import NOW, Run, api_fixture, export_fixture, fixed_now_fixture  # noqa: F401
from conformance_helpers import dec
from conformance_payloads import (
    waldur_account,
    winv,
    witem,
)
from conformance_server import Answer, ScriptedAPI, Seen


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("pending", "draft"),
        ("pending_finalization", "draft"),
        ("created", "open"),
        ("paid", "paid"),
        ("canceled", "void"),
        ("erred", "unknown"),
        ("Paid", "unknown"),
    ],
)
def test_waldur_status_vocabulary(api: ScriptedAPI, export: Run, word: str, expected: str) -> None:
    api.json("/api/invoices/", [winv("u1", word)], **{"X-Result-Count": "1"})
    inv = export([waldur_account(api)]).invoices[0]
    assert (inv["status"], inv["status_raw"]) == (expected, word)
    settled = expected in ("paid", "void")
    assert dec(inv["amount_due"]) == (0 if settled else Decimal("1600.22"))


def test_waldur_invoice_fields(api: ScriptedAPI, export: Run) -> None:
    api.json("/api/invoices/", [winv("3f1c9a7e")])
    result = export([waldur_account(api, currency="chf")])
    assert result.code == 0, result.err
    inv = result.invoices[0]
    assert (inv["id"], inv["number"], inv["currency"]) == ("3f1c9a7e", "100412", "CHF")
    assert (inv["issued"], inv["due"]) == ("2024-06-01", "2024-07-01")
    assert (inv["period_start"], inv["period_end"]) == ("2024-05-01", "2024-05-31")
    assert dec(inv["subtotal"]) == Decimal("1290.5") and dec(inv["tax"]) == Decimal("309.72")
    assert dec(inv["total"]) == Decimal("1600.22") and dec(inv["credits"]) == 0
    (item,) = inv["line_items"]
    assert item["description"] == "Cloud VM cluster / cpu-k-hours"
    assert (item["kind"], item["project"], item["unit"]) == (
        "usage",
        "Plasma simulations",
        "CPU kH",
    )
    assert dec(item["quantity"]) == 2581 and dec(item["unit_price"]) == Decimal("0.5")
    assert dec(item["amount"]) == Decimal("1290.5") and dec(item["tax"]) == Decimal("309.72")
    assert item["start"].startswith("2024-05-01") and item["end"].startswith("2024-05-31")
    assert inv["credits_detail"] == [] and inv["payments"] == []


def test_waldur_decimals_exact(api: ScriptedAPI, export: Run) -> None:
    body = [
        winv(
            "u1",
            price="123.4500000",
            tax="0",
            total="100",
            items=[witem(price="@PRICE@", tax="0.0000001", quantity="3", unit_price="0.3333333")],
        )
    ]
    raw = json.dumps(body).replace('"@PRICE@"', "0.123456789012345678901")
    api.route("/api/invoices/", Answer(200, raw))
    inv = export([waldur_account(api)]).invoices[0]
    assert dec(inv["subtotal"]) == Decimal("123.45") and dec(inv["tax"]) == 0
    assert dec(inv["total"]) == 100
    item = inv["line_items"][0]
    assert item["amount"] == "0.123456789012345678901"
    assert item["tax"] == "0.0000001" and item["unit_price"] == "0.3333333"


def test_waldur_compensation_items(api: ScriptedAPI, export: Run) -> None:
    """Only `"credit": true` items are credits; a downtime compensation stays a line item."""
    items = [
        witem(),
        witem(uuid="comp1", name="Compensation for downtime", price=-50.0, tax="0", total="-50"),
        witem(uuid="comp2", name="Credit compensation. x", price=-0.25, tax="0", total="-0.25",
              credit=True, billing_type=None),
    ]  # fmt: skip
    api.json("/api/invoices/", [winv("u1", items=items)])
    inv = export([waldur_account(api)]).invoices[0]
    assert dec(inv["credits"]) == Decimal("0.25")
    assert [dec(li["amount"]) for li in inv["line_items"]] == [
        Decimal("1290.5"),
        Decimal("-50"),
        Decimal("-0.25"),
    ]
    assert inv["line_items"][2]["kind"] == "credit"
    assert [(c["name"], dec(c["amount"])) for c in inv["credits_detail"]] == [
        ("Credit compensation. x", Decimal("0.25")),
    ]


def test_waldur_pending_invoice_without_dates(api: ScriptedAPI, export: Run) -> None:
    api.json(
        "/api/invoices/",
        [
            winv(
                "p",
                "pending",
                invoice_date=None,
                due_date=None,
                price="0.00",
                total="0.00",
                items=[],
            )
        ],
    )
    inv = export([waldur_account(api)]).invoices[0]
    assert (inv["status"], inv["issued"], inv["due"]) == ("draft", None, None)
    assert dec(inv["total"]) == 0 and dec(inv["amount_due"]) == 0
    assert inv["period_start"] == "2024-05-01"


def test_waldur_list_without_items_fetches_details(api: ScriptedAPI, export: Run) -> None:
    summary = winv("u1")
    del summary["items"]
    api.json("/api/invoices/", [summary])
    api.json("/api/invoices/u1/", winv("u1"))
    inv = export([waldur_account(api)]).invoices[0]
    assert inv["line_items"] and dec(inv["credits"]) == 0
    assert api.paths() == ["/api/invoices/", "/api/invoices/u1/"]


@pytest.mark.parametrize("suffix", ["", "/", "/api", "/api/"])
def test_waldur_base_url_forms_and_token_header(api: ScriptedAPI, export: Run, suffix: str) -> None:
    api.json("/api/invoices/", [winv("u1")])
    result = export([waldur_account(api, api.base_url + suffix)])
    assert result.code == 0, result.err
    assert api.paths() == ["/api/invoices/"]
    assert api.seen[0].headers["authorization"] == "Token secret-token"


def _waldur_pages(total: int, link: str, count: bool, cap: int = 300) -> Any:
    records = [winv(f"u{n:03d}", items=[]) for n in range(total)]

    def page(seen: Seen) -> Answer:
        number = int(seen.arg("page") or 1)
        per_page = min(cap, int(seen.arg("page_size") or 10))
        chunk = records[(number - 1) * per_page : number * per_page]
        if not chunk:
            return Answer(404, {"detail": "Invalid page."})
        headers = {"X-Result-Count": str(total)} if count else {}
        if number * per_page < total and link != "none":
            target = f"?page={number + 1}&page_size={per_page}"
            if link == "absolute":
                target = f"https://waldur.example.com/api/invoices/{target}"
            elif link == "relative":
                target = f"/api/invoices/{target}"
            headers["Link"] = f'<{target}>; rel="next"'
        return Answer(200, chunk, headers)

    return page


@pytest.mark.parametrize(
    ("link", "count"),
    [
        ("absolute", True),
        ("absolute", False),
        ("relative", False),
        ("query", False),
        ("none", True),
    ],
)
def test_waldur_paging(api: ScriptedAPI, export: Run, link: str, count: bool) -> None:
    api.route("/api/invoices/", _waldur_pages(650, link, count))  # pages of 300 (the cap)
    result = export([waldur_account(api)])
    assert result.code == 0, result.err
    assert [i["id"] for i in result.invoices] == [f"u{n:03d}" for n in range(650)]
    assert sorted(s.arg("page") or "1" for s in api.seen) == ["1", "2", "3"]


def test_waldur_provider_role_statements(api: ScriptedAPI, export: Run) -> None:
    items = [
        # 00:30 at +02:00 on June 1st is still May in UTC
        witem(uuid="a", start="2024-06-01T00:30:00+02:00", price=10.5, tax="1.05", total="11.55"),
        witem(uuid="b", start="2024-05-31T12:00:00Z", price=-2.0, tax="0", total="-2", credit=True),
        witem(uuid="c", start="2024-06-01T00:30:00Z", price=7, tax="0.7000000", total="7.7"),
        witem(uuid="d", start="2026-11-02T00:00:00-05:00", price=1.25, tax="0", total="1.25"),
    ]
    api.json("/api/provider-invoice-items/", items)
    result = export([waldur_account(api, role="provider")])
    assert result.code == 0, result.err
    got = result.by_id()
    assert sorted(got) == ["2024-05", "2024-06", "2026-11"]
    may = got["2024-05"]
    assert (may["status"], may["status_raw"], may["amount_due"]) == ("issued", None, None)
    assert (may["period_start"], may["period_end"]) == ("2024-05-01", "2024-05-31")
    assert dec(may["subtotal"]) == Decimal("8.5") and dec(may["tax"]) == Decimal("1.05")
    assert dec(may["total"]) == Decimal("9.55") and len(may["line_items"]) == 2
    assert [dec(c["amount"]) for c in may["credits_detail"]] == [2]
    assert got["2024-06"]["status"] == "issued" and dec(got["2024-06"]["total"]) == Decimal("7.7")
    assert got["2026-11"]["status"] == "draft"
    assert api.paths() == ["/api/provider-invoice-items/"]
    since = export(
        [waldur_account(api, role="provider")], "--since", "2024-06", "--until", "2024-06"
    )
    assert [i["id"] for i in since.invoices] == ["2024-06"]


def test_waldur_drf_errors(api: ScriptedAPI, export: Run) -> None:
    api.json("/api/invoices/", {"detail": "Invalid token."}, 401)
    result = export([waldur_account(api)])
    assert result.code == 1
    (line,) = result.err_lines
    assert "'wal'" in line and "Invalid token." in line and "401" in line


@pytest.mark.parametrize("link", ["none", "query"])
def test_waldur_server_caps_page_size(api: ScriptedAPI, export: Run, link: str) -> None:
    api.route("/api/invoices/", _waldur_pages(25, link, True, cap=10))
    result = export([waldur_account(api)])
    assert result.code == 0, result.err
    assert [i["id"] for i in result.invoices] == [f"u{n:03d}" for n in range(25)]
