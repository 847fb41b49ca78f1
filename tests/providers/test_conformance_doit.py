"""Conformance, DoiT: payloads unlike our demo data, through `invoicetui export`.

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
    DOIT_LIST,
    dinv,
    doit_account,
    doit_serve,
)
from conformance_server import Answer, ScriptedAPI, Seen


@pytest.mark.parametrize(
    ("word", "expected"),
    [("OPEN", "open"), ("PAST DUE", "overdue"), ("PAID", "paid"), ("VOID", "unknown")],
)
def test_doit_status_vocabulary(api: ScriptedAPI, export: Run, word: str, expected: str) -> None:
    doit_serve(api, [dinv("GB-1", word)])
    inv = export([doit_account(api)]).invoices[0]
    assert (inv["status"], inv["status_raw"]) == (expected, word)


def test_doit_invoice_fields_and_line_items(api: ScriptedAPI, export: Run) -> None:
    items = [
        {
            "currency": "usd",
            "description": "Google Cloud usage",
            "details": "Billing account 01AB23, May 2024",
            "price": 0.1,
            "qty": 3,
            "type": "usage",
        },
        {
            "currency": "USD",
            "description": "Support",
            "price": 19.99,
            "qty": 0.5,
            "type": "service",
        },
        {"description": "Storage", "price": "@PRICE@", "qty": 1.1},
    ]
    doit_serve(api, [dinv("GB-2024-0518347", lineItems=items, currency="eur")])
    raw = json.dumps(api.routes[f"{DOIT_LIST}/GB-2024-0518347"].body)  # type: ignore[union-attr]
    api.route(
        f"{DOIT_LIST}/GB-2024-0518347",
        Answer(200, raw.replace('"@PRICE@"', "1234567890.123456789")),
    )
    result = export([doit_account(api)])
    assert result.code == 0, result.err
    inv = result.invoices[0]
    assert (inv["id"], inv["currency"]) == ("GB-2024-0518347", "EUR")
    assert (inv["issued"], inv["due"]) == ("2024-06-01", "2024-07-01")
    assert inv["period_start"] is None and inv["period_end"] is None
    assert inv["total"] == "18452.37" and inv["amount_due"] == "18452.37"
    assert inv["number"] == "GB-2024-0518347"
    assert inv["credits"] is None and inv["subtotal"] is None and inv["tax"] is None
    assert inv["url"] == "https://console.doit.com/invoices/GB-2024-0518347"
    first, second, third = inv["line_items"]
    assert first["description"] == "Google Cloud usage" and first["kind"] == "usage"
    assert (dec(first["unit_price"]), dec(first["quantity"])) == (Decimal("0.1"), 3)
    assert dec(first["amount"]) == Decimal("0.3")  # not 0.30000000000000004
    assert dec(second["amount"]) == Decimal("9.995") and dec(second["quantity"]) == Decimal("0.5")
    assert dec(third["amount"]) == Decimal("1358024679.1358024679")


def test_doit_times_balance_and_missing_fields(api: ScriptedAPI, export: Run) -> None:
    doit_serve(
        api,
        [
            # 2024-06-01T13:45:30.123Z: a time, not midnight
            dinv("late", invoiceDate=1717249530123, balanceAmount=None),
            dinv("float-ms", invoiceDate=1717200000000.0, dueDate=None, totalAmount=0),
            dinv("bare", invoiceDate=None, currency=None, totalAmount=None, status=None),
        ],
    )
    got = export([doit_account(api)]).by_id()
    assert got["late"]["issued"] == "2024-06-01T13:45:30.123Z"
    assert got["late"]["amount_due"] is None
    assert got["float-ms"]["issued"] == "2024-06-01" and got["float-ms"]["due"] is None
    assert dec(got["float-ms"]["total"]) == 0
    bare = got["bare"]
    assert (bare["issued"], bare["currency"], bare["total"]) == (None, None, None)
    assert (bare["status"], bare["status_raw"]) == ("unknown", None)


@pytest.mark.parametrize("end", ["missing", "empty", "null"])
def test_doit_page_token_ends_and_row_count_lies(api: ScriptedAPI, export: Run, end: str) -> None:
    last: dict[str, Any] = {"invoices": [dinv("B")], "rowCount": 999}
    if end == "empty":
        last["pageToken"] = ""
    elif end == "null":
        last["pageToken"] = None

    def listing(seen: Seen) -> Answer:
        if seen.arg("pageToken") == "tok-2":
            return Answer(200, last)
        return Answer(200, {"invoices": [dinv("A")], "pageToken": "tok-2", "rowCount": 1})

    api.route(DOIT_LIST, listing)
    for ident in "AB":
        api.json(f"{DOIT_LIST}/{ident}", {**dinv(ident), "lineItems": []})
    result = export([doit_account(api)])
    assert result.code == 0, result.err
    assert [i["id"] for i in result.invoices] == ["A", "B"]
    assert [s.path for s in api.seen].count(DOIT_LIST) == 2
    assert all(s.headers["authorization"] == "Bearer secret-token" for s in api.seen)


def test_doit_tenant_header_and_legacy_context(api: ScriptedAPI, export: Run) -> None:
    doit_serve(api, [dinv("A")])
    assert export([doit_account(api, customer_context="acme.com")]).code == 0
    for seen in api.seen:
        assert seen.headers["x-tenant-id"] == "acme.com"
        assert seen.arg("customerContext") == "acme.com"


@pytest.mark.parametrize(
    ("status", "body", "words"),
    [
        (
            401,
            {
                "type": "https://developer.doit.com/errors/unauthorized",
                "title": "Unauthorized",
                "status": 401,
                "detail": "API key is invalid",
                "instance": "https://api.doit.com/requests/req_01",
                "code": "unauthorized",
                "retryable": False,
            },
            ("API key is invalid", "401"),
        ),
        (403, {"error": "Forbidden for this customer"}, ("Forbidden for this customer", "403")),
        (400, {"error": "bad filter"}, ("bad filter", "400")),
    ],
)
def test_doit_both_error_formats(
    api: ScriptedAPI, export: Run, status: int, body: dict[str, Any], words: tuple[str, ...]
) -> None:
    api.json(DOIT_LIST, body, status, **{"Request-Id": "req_01J0ABCDEFGHJKMNPQRSTVWXYZ"})
    result = export([doit_account(api)])
    assert result.code == 1
    (line,) = result.err_lines
    assert "'doit'" in line and all(word in line for word in words)


def test_doit_since_until_by_issued_month(api: ScriptedAPI, export: Run) -> None:
    doit_serve(
        api,
        [
            dinv("may", invoiceDate=1714521600000),  # 2024-05-01
            dinv("jun", invoiceDate=1719791999000),  # 2024-06-30T23:59:59Z
            dinv("jul", invoiceDate=1719792000000),  # 2024-07-01
        ],
    )
    result = export([doit_account(api)], "--since", "2024-06", "--until", "2024-06")
    assert [i["id"] for i in result.invoices] == ["jun"]
    result = export([doit_account(api)], "--since", "2024-06")
    assert [i["id"] for i in result.invoices] == ["jun", "jul"]
