"""Conformance, Zilliz Cloud: payloads unlike our demo data, through `invoicetui export`.

The scripted loopback API answers with hand-written bodies that follow PROVIDERS.md and the
specs; the real CLI runs with a temp config pointing at it, and its JSON/CSV output, exit
code and stderr are checked against CONTRACT.md.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from conformance_fixtures import NOW, Run, api_fixture, export_fixture, fixed_now_fixture  # noqa: F401
from conformance_helpers import dec
from conformance_payloads import (
    ZILLIZ_LIST,
    zilliz_account,
    zilliz_serve,
    zinv,
)
from conformance_server import Answer, ScriptedAPI, Seen


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("unbilled", "draft"),
        ("unpaid", "open"),
        ("unconfirmed", "open"),
        ("overdue", "overdue"),
        ("paid", "paid"),
        ("free", "paid"),
        ("disputed", "disputed"),
        ("refunded", "unknown"),
    ],
)
def test_zilliz_status_vocabulary(api: ScriptedAPI, export: Run, word: str, expected: str) -> None:
    zilliz_serve(api, [zinv("inv-1", word)])
    inv = export([zilliz_account(api)]).invoices[0]
    assert (inv["status"], inv["status_raw"]) == (expected, word)


def test_zilliz_cents_and_fields(api: ScriptedAPI, export: Run) -> None:
    zilliz_serve(
        api,
        [
            zinv("inv-a", subtotal=1, tax=99, total=12345, amountDue=100, creditsApplied=0),
            zinv("inv-b", creditsApplied=2001, amountDue=None, currency="eur", total=-250),
        ],
        as_list=True,
    )
    result = export([zilliz_account(api)])
    assert result.code == 0, result.err
    got = result.by_id()
    a, b = got["inv-a"], got["inv-b"]
    assert (a["subtotal"], a["tax"], a["total"]) == ("0.01", "0.99", "123.45")
    assert dec(a["amount_due"]) == 1 and dec(a["credits"]) == 0
    assert a["credits_detail"] == [] and a["line_items"] == [] and a["payments"] == []
    assert (a["issued"], a["due"]) == ("2024-07-01", "2024-07-15")
    # periodEnd is the first instant after the month: the period's last day is the 30th.
    assert (a["period_start"], a["period_end"]) == ("2024-06-01", "2024-06-30")
    assert a["currency"] == "USD" and a["id"] == "inv-a"
    assert b["credits"] == "20.01" and b["amount_due"] is None and b["currency"] == "EUR"
    assert dec(b["total"]) == Decimal("-2.5")
    (credit,) = b["credits_detail"]
    assert credit["amount"] == "20.01"
    assert api.seen[0].headers["authorization"] == "Bearer secret-token"


def test_zilliz_count_larger_than_delivered_stops_on_empty_page(
    api: ScriptedAPI, export: Run
) -> None:
    def listing(seen: Seen) -> Answer:
        page = int(seen.arg("currentPage") or 1)
        size = int(seen.arg("pageSize") or 10)
        invoices = [zinv(f"inv-{page}-{n}") for n in range(size)] if page <= 2 else []
        data = {"count": 100_000, "currentPage": page, "pageSize": size, "invoices": invoices}
        return Answer(200, {"code": 0, "data": data})

    api.route(ZILLIZ_LIST, listing)
    result = export([zilliz_account(api)])
    assert result.code == 0, result.err
    assert len(result.invoices) == 200
    # it stops soon after the first empty page instead of asking for all 1000 pages
    assert len(api.seen) < 20


@pytest.mark.parametrize("http_status", [200, 401])
def test_zilliz_error_code_in_body(api: ScriptedAPI, export: Run, http_status: int) -> None:
    api.json(ZILLIZ_LIST, {"code": 80001, "message": "Invalid token: not valid."}, http_status)
    result = export([zilliz_account(api)])
    assert result.code == 1
    (line,) = result.err_lines
    assert "'zz'" in line and "80001" in line and "Invalid token" in line


def test_zilliz_nonzero_code_permission(api: ScriptedAPI, export: Run) -> None:
    api.json(ZILLIZ_LIST, {"code": 96013, "message": "You don't have permission"})
    result = export([zilliz_account(api)])
    assert result.code == 1 and "'zz'" in result.err_lines[0]


def test_zilliz_server_caps_page_size_silently(api: ScriptedAPI, export: Run) -> None:
    def listing(seen: Seen) -> Answer:
        page = int(seen.arg("currentPage") or 1)
        rows = [zinv(f"inv-{n:02d}") for n in range(25)][(page - 1) * 10 : page * 10]
        return Answer(200, {"code": 0, "data": {"count": 25, "invoices": rows}})

    api.route(ZILLIZ_LIST, listing)
    result = export([zilliz_account(api)])
    assert [i["id"] for i in result.invoices] == [f"inv-{n:02d}" for n in range(25)]


@pytest.mark.parametrize("suffix", ["/", "/v2", "/v2/"])
def test_zilliz_base_url_forms(api: ScriptedAPI, export: Run, suffix: str) -> None:
    zilliz_serve(api, [zinv("inv-1")])
    result = export([zilliz_account(api, base_url=api.base_url + suffix)])
    assert (result.code, api.paths()) == (0, [ZILLIZ_LIST])
