"""Conformance, Spectro Cloud Palette: payloads unlike our demo data, through `invoicetui export`.

The scripted loopback API answers with hand-written bodies that follow PROVIDERS.md and the
specs; the real CLI runs with a temp config pointing at it, and its JSON/CSV output, exit
code and stderr are checked against CONTRACT.md.
"""

from __future__ import annotations

import json

import pytest
from conformance_fixtures import NOW, Run, api_fixture, export_fixture, fixed_now_fixture  # noqa: F401
from conformance_payloads import (
    PALETTE_LIST,
    TENANT,
    palette_account,
    palette_list,
    pinv,
    st,
)
from conformance_server import Answer, ScriptedAPI, Seen


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("PaymentPending", "open"),
        ("PaymentInProgress", "processing"),
        ("PaymentFailed", "failed"),
        ("Paid", "paid"),
        ("Refunded", "unknown"),
        ("paid", "unknown"),
    ],
)
def test_palette_status_vocabulary(api: ScriptedAPI, export: Run, word: str, expected: str) -> None:
    palette_list(api, [pinv("u1", [st(word, "2024-06-03T09:41:07Z")])])
    result = export([palette_account(api)])
    assert result.code == 0, result.err
    inv = result.invoices[0]
    assert (inv["status"], inv["status_raw"]) == (expected, word)
    assert inv["payments"] == [
        {"state": expected, "state_raw": word, "at": "2024-06-03T09:41:07Z", "message": None}
    ]
    settled = expected == "paid"
    assert inv["amount_due"] == ("0" if settled else inv["total"])


def test_palette_invoice_fields(api: ScriptedAPI, export: Run) -> None:
    palette_list(api, [pinv("6650b1f3", [st("Paid", "2024-06-03T09:41:07.000Z", "ok")])])
    inv = export([palette_account(api)]).invoices[0]
    assert inv["account"] == "pal" and inv["provider"] == "palette" and inv["id"] == "6650b1f3"
    assert inv["currency"] == "USD"
    assert inv["total"] == "1843.2" and inv["amount_due"] == "0"
    assert inv["credits"] is None and inv["subtotal"] is None and inv["tax"] is None
    assert inv["issued"] == "2024-06-01T00:05:12Z"
    # Day boundaries are written as days, as CONTRACT.md's example does.
    assert inv["period_start"] == "2024-05-01"
    assert inv["period_end"] == "2024-05-31"
    assert [(li["description"], li["amount"]) for li in inv["line_items"]] == [
        ("payments-prod", "1400.16"),
        ("staging", "443"),
    ]
    assert [li["project"] for li in inv["line_items"]] == ["payments-prod", "staging"]
    welcome, sla = inv["credits_detail"]
    assert welcome == {
        "name": "Welcome credit",
        "kind": "Pure",
        "amount": "250",
        "unit": "cpu core hours",
        "start": "2024-04-01",
        "end": "2025-04-01",
    }
    assert sla["kind"] == "Alloy" and sla["amount"] == "10" and "Outage" in sla["name"]


def test_palette_states_out_of_order_equal_and_missing_times(api: ScriptedAPI, export: Run) -> None:
    palette_list(
        api,
        [
            # newest first in the array: order must come from the timestamps
            pinv(
                "rev",
                [
                    st("Paid", "2024-06-03T09:41:07Z"),
                    st("PaymentPending", "2024-06-01T00:05:12Z"),
                    st("PaymentInProgress", "2024-06-03T09:40:55+00:00"),
                ],
            ),
            # an offset is a real instant: 10:00+02:00 is before 09:00Z
            pinv(
                "tz",
                [
                    st("PaymentFailed", "2024-06-03T09:00:00Z"),
                    st("PaymentPending", "2024-06-03T10:00:00+02:00"),
                ],
            ),
            # equal timestamps: the later lifecycle step wins, whatever the array order
            pinv(
                "eq",
                [st("Paid", "2024-06-03T09:41:07Z"), st("PaymentPending", "2024-06-03T09:41:07Z")],
            ),
            # a state without a time cannot be placed after a dated one
            pinv("nots", [st("PaymentFailed"), st("PaymentPending", "2024-06-01T00:00:00Z")]),
        ],
    )
    got = export([palette_account(api)]).by_id()
    assert [p["state_raw"] for p in got["rev"]["payments"]] == [
        "PaymentPending",
        "PaymentInProgress",
        "Paid",
    ]
    assert got["rev"]["status"] == "paid"
    assert [p["state_raw"] for p in got["tz"]["payments"]] == ["PaymentPending", "PaymentFailed"]
    assert got["tz"]["payments"][0]["at"] == "2024-06-03T08:00:00Z"
    assert got["tz"]["status"] == "failed"
    assert got["eq"]["status"] == "paid"
    assert [p["state_raw"] for p in got["eq"]["payments"]] == ["PaymentPending", "Paid"]
    assert got["nots"]["payments"][0] == {
        "state": "failed",
        "state_raw": "PaymentFailed",
        "at": None,
        "message": None,
    }
    assert got["nots"]["status"] == "open"


def test_palette_no_states_is_unknown(api: ScriptedAPI, export: Run) -> None:
    palette_list(api, [pinv("a"), pinv("b", [])])
    for inv in export([palette_account(api)]).invoices:
        assert (inv["status"], inv["status_raw"], inv["payments"]) == ("unknown", None, [])
        assert inv["amount_due"] == inv["total"] == "1843.2"


@pytest.mark.parametrize(("unit", "currency"), [("usd", "USD"), ("USD", "USD"), (None, "USD")])
def test_palette_payment_unit(
    api: ScriptedAPI, export: Run, unit: str | None, currency: str
) -> None:
    palette_list(api, [pinv("a", spec__paymentUnit=unit)])
    assert export([palette_account(api)]).invoices[0]["currency"] == currency


def test_palette_numbers_exact(api: ScriptedAPI, export: Run) -> None:
    body = {
        "invoices": [
            pinv("int", status__billableAmount=100),
            pinv("zero", [st("PaymentPending", "2024-06-01T00:00:00Z")], status__billableAmount=0),
            pinv("huge", status__billableAmount="@HUGE@"),
            pinv("neg", status__billableAmount=-42.5),
            pinv("float", status__billableAmount=0.1),
            pinv("none", status__billableAmount=None),
        ],
        "listmeta": {"continue": ""},
    }
    raw = json.dumps(body).replace('"@HUGE@"', "123456789012345678901.123456789")
    api.route(PALETTE_LIST, Answer(200, raw))
    got = export([palette_account(api)]).by_id()
    assert got["int"]["total"] == "100"
    assert got["zero"]["total"] == "0" and got["zero"]["amount_due"] == "0"
    assert got["huge"]["total"] == "123456789012345678901.123456789"
    assert got["neg"]["total"] == "-42.5"
    assert got["float"]["total"] == "0.1"
    assert got["none"]["total"] is None and got["none"]["amount_due"] is None


@pytest.mark.parametrize("status", [404, 405])
def test_palette_list_missing_falls_back_to_invoice_uids(
    api: ScriptedAPI, export: Run, status: int
) -> None:
    api.json(PALETTE_LIST, {"code": "ResourceNotFound", "message": "no route"}, status)
    api.json(f"{PALETTE_LIST}/u1", pinv("u1", [st("Paid", "2024-06-03T09:41:07Z")]))
    api.json(f"{PALETTE_LIST}/u2", pinv("u2", [st("PaymentPending", "2024-06-03T09:41:07Z")]))
    result = export([palette_account(api, invoice_uids=["u1", "u2"])])
    assert result.code == 0, result.err
    assert [(i["id"], i["status"]) for i in result.invoices] == [("u1", "paid"), ("u2", "open")]


def test_palette_list_403_is_an_auth_problem_not_a_fallback(api: ScriptedAPI, export: Run) -> None:
    api.json(PALETTE_LIST, {"code": "Forbidden", "message": "no billing role"}, 403)
    api.json(f"{PALETTE_LIST}/u1", pinv("u1"))
    result = export([palette_account(api, invoice_uids=["u1"])])
    assert result.code == 1
    assert result.invoices == []
    assert len(result.err_lines) == 1
    assert "'pal'" in result.err_lines[0] and "403" in result.err_lines[0]
    assert f"{PALETTE_LIST}/u1" not in api.paths()


def test_palette_list_404_without_uids_fails_with_advice(api: ScriptedAPI, export: Run) -> None:
    result = export([palette_account(api)])
    assert result.code == 1
    assert len(result.err_lines) == 1 and "'pal'" in result.err_lines[0]
    assert "invoice_uids" in result.err_lines[0]


def test_palette_tenant_discovery_and_api_key_header(api: ScriptedAPI, export: Run) -> None:
    api.json("/v1/users/info", {"orgName": "acme", "tenantUid": TENANT, "userUid": "u"})
    palette_list(api, [pinv("a")])
    account = palette_account(api)
    del account["tenant_uid"]
    result = export([account])
    assert result.code == 0, result.err
    assert api.paths() == ["/v1/users/info", PALETTE_LIST]
    assert all(seen.headers.get("apikey") == "secret-token" for seen in api.seen)
    assert all("authorization" not in seen.headers for seen in api.seen)


def test_palette_summaries_get_details_and_paging_follows_continue(
    api: ScriptedAPI, export: Run
) -> None:
    summary = {
        "metadata": {"uid": "s1"},
        "spec": {"month": "2024-05-01T00:00:00Z", "paymentUnit": "usd"},
        "status": {
            "billableAmount": 5,
            "states": [{"state": "Paid", "timestamp": "2024-06-01T00:00:00Z"}],
        },
    }

    def listing(seen: Seen) -> Answer:
        if seen.arg("continue") == "next-1":
            return Answer(200, {"invoices": [summary], "listmeta": {"continue": ""}})
        return Answer(
            200, {"invoices": [pinv("a")], "listmeta": {"continue": "next-1", "count": 2}}
        )

    api.route(PALETTE_LIST, listing)
    api.json(f"{PALETTE_LIST}/s1", pinv("s1", [st("Paid", "2024-06-01T00:00:00Z")]))
    result = export([palette_account(api)])
    assert [i["id"] for i in result.invoices] == ["a", "s1"]
    assert result.invoices[1]["line_items"]  # the detail was fetched


def test_palette_period_month_selection(api: ScriptedAPI, export: Run) -> None:
    palette_list(
        api,
        [
            pinv("may"),
            pinv(
                "jun",
                spec__billingPeriod={"start": "2024-06-01T00:00:00+02:00", "end": None},
            ),
            pinv("jul", spec__billingPeriod=None, spec__month="2024-07-01T00:00:00Z"),
        ],
    )
    result = export([palette_account(api)], "--since", "2024-05", "--until", "2024-06")
    # 2024-06-01T00:00+02:00 is May 31st in UTC: periods are placed by their UTC month
    assert [i["id"] for i in result.invoices] == ["may", "jun"]
    assert result.by_id()["jun"]["period_start"] == "2024-05-31T22:00:00Z"
    result = export([palette_account(api)], "--since", "2024-07")
    assert [i["id"] for i in result.invoices] == ["jul"]


def test_palette_empty_list_as_go_null(api: ScriptedAPI, export: Run) -> None:
    api.json(PALETTE_LIST, {"invoices": None, "listmeta": {"continue": "", "count": 0}})
    result = export([palette_account(api)])
    assert (result.code, result.invoices, result.err_lines) == (0, [], [])


def test_palette_one_stale_invoice_uid_keeps_the_others(api: ScriptedAPI, export: Run) -> None:
    api.json(f"{PALETTE_LIST}/u1", pinv("u1", [st("Paid", "2024-06-03T09:41:07Z")]))
    api.json(f"{PALETTE_LIST}/gone", {"code": "ResourceNotFound", "message": "no such"}, 404)
    result = export([palette_account(api, invoice_uids=["gone", "u1"])])
    assert result.code == 1
    assert [i["id"] for i in result.invoices if i["total"] is not None] == ["u1"]
    (line,) = result.err_lines
    assert "'pal'" in line and "not found" in line


@pytest.mark.parametrize("suffix", ["/", "/v1", "/v1/"])
def test_palette_base_url_forms(api: ScriptedAPI, export: Run, suffix: str) -> None:
    palette_list(api, [pinv("a")])
    result = export([palette_account(api, base_url=api.base_url + suffix)])
    assert (result.code, api.paths()) == (0, [PALETTE_LIST])
