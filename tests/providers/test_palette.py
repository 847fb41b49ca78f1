"""Palette client against the demo fake over loopback HTTP, plus golden and property tests."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import jsonschema  # type: ignore[import-untyped]
import pytest
from demo_recording import Recording
from hypothesis import given, settings
from hypothesis import strategies as st
from spec_check import load_spec, response_schema

from invoicetui.config.accounts import AccountConfig
from invoicetui.core.errors import (
    AuthError,
    NotFound,
    PermissionDenied,
    ProviderError,
    ResponseFormatError,
)
from invoicetui.core.model import Invoice, Status, invoice_to_json
from invoicetui.demo.palette import ACME_KEY, PaletteDemo
from invoicetui.demo.server import DemoServer
from invoicetui.providers.limits import FakeClock
from invoicetui.providers.palette.client import PaletteClient
from invoicetui.providers.palette.normalize import normalize_invoice, normalize_list

DEMO = PaletteDemo()


@pytest.fixture(scope="module")
def _recording_server() -> Iterator[tuple[DemoServer, Recording]]:
    # One server per module (stopping one costs 0.5 s); state is reset for each test below.
    # Server-side rate limits off: with a FakeClock the client does not pace in real time.
    recording = Recording(DEMO)
    providers: dict[str, Any] = {"palette": recording}
    with DemoServer(providers=providers, rate_limits=False) as srv:
        yield srv, recording


@pytest.fixture
def rec(_recording_server: tuple[DemoServer, Recording]) -> Recording:
    recording = _recording_server[1]
    with recording.lock:
        recording.seen.clear()
    return recording


@pytest.fixture
def server(_recording_server: tuple[DemoServer, Recording], rec: Recording) -> DemoServer:
    srv = _recording_server[0]
    srv.clear_faults()
    return srv


def account(server: DemoServer, name: str) -> AccountConfig:
    found = [a for a in DEMO.accounts(server.base_url("palette")) if a.name == name]
    return found[0]


def client(acc: AccountConfig, **kwargs: Any) -> PaletteClient:
    assert acc.token is not None
    return PaletteClient(acc, acc.token, clock=FakeClock(), **kwargs)


# ---------------------------------------------------------------- listing


async def test_acme_pages_with_continue_tokens_and_discovers_tenant(
    server: DemoServer, rec: Recording
) -> None:
    progress: list[tuple[int, int | None]] = []
    pages: list[int] = []
    async with client(
        account(server, "acme-palette"),
        page_limit=5,
        on_progress=lambda d, t: progress.append((d, t)),
        on_page=lambda p: pages.append(len(p)),
    ) as c:
        invoices = await c.list_invoices()
    assert len(invoices) == 18
    assert len({i.id for i in invoices}) == 18
    assert all(not i.detailed for i in invoices)
    assert [i.number for i in invoices][:2] == ["invoice-2026-10", "invoice-2026-09"]
    assert pages == [5, 5, 5, 3]
    assert progress == [(1, 4), (2, 4), (3, 4), (4, 4)]
    requests = [req for req, _ in rec.seen]
    assert requests[0].path == "/v1/users/info"
    tenant = DEMO.acme.uid
    lists = requests[1:]
    assert [r.path for r in lists] == [f"/v1/tenants/{tenant}/invoices"] * 4
    assert all(r.arg("limit") == "5" for r in lists)
    assert lists[0].arg("continue") is None
    tokens = [r.arg("continue") for r in lists[1:]]
    assert all(tokens) and len(set(tokens)) == 3


async def test_default_page_limit_is_50_and_tenant_uid_skips_discovery(
    server: DemoServer, rec: Recording
) -> None:
    acc = dataclasses.replace(account(server, "acme-palette"), tenant_uid=DEMO.acme.uid)
    async with client(acc) as c:
        invoices = await c.list_invoices()
    assert len(invoices) == 18
    assert rec.paths() == [f"/v1/tenants/{DEMO.acme.uid}/invoices"]
    assert rec.seen[0][0].arg("limit") == "50"


async def test_auth_header_is_bare_apikey(server: DemoServer, rec: Recording) -> None:
    async with client(account(server, "acme-palette")) as c:
        await c.check()
        invoices = await c.list_invoices()
        await c.fetch_invoice(invoices[0])
    assert len(rec.seen) == 4
    for req, _ in rec.seen:
        assert req.header("apikey") == ACME_KEY
        assert req.header("authorization") is None
        assert req.header("projectuid") is None


async def test_fetch_invoice_turns_summary_into_detail(server: DemoServer) -> None:
    async with client(account(server, "acme-palette")) as c:
        invoices = await c.list_invoices()
        full = await c.fetch_invoice(invoices[0])
        again = await c.fetch_invoice(full)
    assert again is full
    assert full.detailed and full.id == invoices[0].id
    assert 2 <= len(full.line_items) <= 4
    assert all(li.unit == "CPU core hours" and li.kind == "usage" for li in full.line_items)
    assert sum(li.amount or 0 for li in full.line_items) == full.total
    assert full.credits_detail and full.currency == "USD"
    assert full.customer and "Springfield" in full.customer


async def test_edge_falls_back_to_invoice_uids(server: DemoServer, rec: Recording) -> None:
    acc = account(server, "edge-palette")
    progress: list[tuple[int, int | None]] = []
    async with client(acc, on_progress=lambda d, t: progress.append((d, t))) as c:
        invoices = await c.list_invoices()
        assert c.used_fallback
    assert [i.id for i in invoices] == list(acc.invoice_uids)
    assert len(invoices) == 12 and all(i.detailed for i in invoices)
    tenant = DEMO.edge.uid
    assert rec.paths()[0] == f"/v1/tenants/{tenant}/invoices"
    assert rec.seen[0][1].status == 404
    assert sorted(rec.paths()[1:]) == sorted(
        f"/v1/tenants/{tenant}/invoices/{u}" for u in acc.invoice_uids
    )
    assert "/v1/users/info" not in rec.paths()
    assert progress[0] == (0, 12) and progress[-1] == (12, 12)


async def test_fallback_without_invoice_uids_says_what_to_add(server: DemoServer) -> None:
    acc = dataclasses.replace(account(server, "edge-palette"), invoice_uids=())
    async with client(acc) as c:
        with pytest.raises(NotFound) as info:
            await c.list_invoices()
    message = str(info.value)
    assert "edge-palette" in message and "invoice_uids" in message


async def test_405_also_falls_back() -> None:
    seen: list[str] = []
    detail = DEMO.edge.invoices[0]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path.endswith("/invoices"):
            return httpx.Response(405, json={"code": "MethodNotAllowed", "message": "no"})
        return httpx.Response(200, json=detail)

    acc = AccountConfig(
        name="p",
        provider="palette",
        base_url="https://palette.test",
        tenant_uid="t1",
        invoice_uids=(detail["metadata"]["uid"],),
    )
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    async with PaletteClient(acc, "k", http=http, clock=FakeClock()) as c:
        invoices = await c.list_invoices()
    await http.aclose()
    assert [i.id for i in invoices] == [detail["metadata"]["uid"]]
    assert seen == [
        "/v1/tenants/t1/invoices",
        f"/v1/tenants/t1/invoices/{detail['metadata']['uid']}",
    ]


async def test_other_list_errors_do_not_fall_back(server: DemoServer) -> None:
    # The acme key pointed at the edge tenant: 403, which is not "no list endpoint".
    acc = dataclasses.replace(account(server, "edge-palette"), token=ACME_KEY)
    async with client(acc) as c:
        with pytest.raises(PermissionDenied) as info:
            await c.list_invoices()
    assert "Forbidden" in str(info.value)


# ---------------------------------------------------------------- errors


async def test_v1error_message_and_code_in_not_found(server: DemoServer) -> None:
    acc = account(server, "edge-palette")
    async with client(acc) as c:
        summary = Invoice(account=acc.name, provider="palette", id="nope", detailed=False)
        with pytest.raises(NotFound) as info:
            await c.fetch_invoice(summary)
    assert "Invoice 'nope' not found (ResourceNotFound)" in str(info.value)
    assert info.value.status_code == 404


@pytest.mark.parametrize("token", ["wrong-key", ""])
async def test_bad_key_is_auth_error_naming_account_not_token(
    server: DemoServer, token: str
) -> None:
    acc = dataclasses.replace(account(server, "acme-palette"), token=token)
    async with PaletteClient(acc, token, clock=FakeClock()) as c:
        with pytest.raises(AuthError) as info:
            await c.check()
    message = str(info.value)
    assert "acme-palette" in message and "(401)" in message
    assert "Invalid or missing API key (Unauthorized)" in message
    if token:
        assert token not in message
    assert ACME_KEY not in message


# ---------------------------------------------------------------- normalization of the demo


async def _all_details(server: DemoServer) -> list[Invoice]:
    out: list[Invoice] = []
    for name in ("acme-palette", "edge-palette"):
        async with client(account(server, name)) as c:
            for inv in await c.list_invoices():
                out.append(await c.fetch_invoice(inv))
    return out


async def test_status_is_latest_state_by_time_never_array_order(server: DemoServer) -> None:
    invoices = await _all_details(server)
    assert len(invoices) == 30
    out_of_order = 0
    for inv in invoices:
        times = [p.at for p in inv.payments]
        assert times == sorted(times)  # type: ignore[type-var]
        states = inv.raw["status"]["states"]
        if len(states) > 1 and states[-1]["state"] != inv.status_raw:
            out_of_order += 1
        if inv.payments:
            assert (inv.status, inv.status_raw) == (
                inv.payments[-1].state,
                inv.payments[-1].state_raw,
            )
        else:
            assert (inv.status, inv.status_raw) == (Status.UNKNOWN, None)
    assert out_of_order > 10
    latest = {inv.status_raw for inv in invoices}
    assert {"Paid", "PaymentPending", "PaymentInProgress", "PaymentFailed"} <= latest
    assert None in latest and "PaymentRefunded" in latest
    unknown = [i for i in invoices if i.status_raw == "PaymentRefunded"]
    assert all(i.status is Status.UNKNOWN for i in unknown)
    for inv in invoices:
        expected_due = 0 if inv.status is Status.PAID else inv.total
        assert inv.amount_due == expected_due


async def test_demo_text_survives_and_credits_are_marked(server: DemoServer) -> None:
    invoices = await _all_details(server)
    projects = {li.project for inv in invoices for li in inv.line_items}
    assert {"Zürich analytics", "東京-edge", "Plan [Pro]", "[bold]x[/]", "staging [/"} <= projects
    kinds = {c.kind for inv in invoices for c in inv.credits_detail}
    assert kinds == {"Pure", "Alloy"}
    sla = [c for inv in invoices for c in inv.credits_detail if c.name.startswith("SLA credit")]
    assert sla and all(c.unit == "cpu core hours" for c in sla)
    products = {k for inv in invoices for k, _ in inv.extra}
    assert {"Pure tier", "Alloy tier", "Plan", "Environment", "Stripe invoice"} <= products


# ---------------------------------------------------------------- demo responses vs the spec


def _spec_errors(body: Any, *, path: str | None = None, ref: str | None = None) -> list[Any]:
    """The instances that break the spec (all errors, not just the first)."""
    if path is not None:
        schema = response_schema("palette", "get", path)
    else:
        schema = {"$ref": ref, "definitions": load_spec("palette")["definitions"]}
    return [e.instance for e in jsonschema.Draft4Validator(schema).iter_errors(body)]


async def test_demo_responses_validate_against_spec(server: DemoServer, rec: Recording) -> None:
    await _all_details(server)
    async with client(account(server, "acme-palette"), page_limit=7) as c:
        await c.list_invoices()
    async with PaletteClient(account(server, "acme-palette"), "bad", clock=FakeClock()) as c:
        with pytest.raises(AuthError):
            await c.check()
    kinds: set[str] = set()
    off_spec: dict[str, int] = {"list": 0, "detail": 0}
    detail_path = "/v1/tenants/{tenantUid}/invoices/{invoiceUid}"
    for req, resp in rec.seen:
        if resp.status >= 400:
            kind = f"error {resp.status}"
            errors = _spec_errors(resp.body, ref="#/definitions/v1Error")
        elif req.path == "/v1/users/info":
            kind, errors = "info", _spec_errors(resp.body, path="/v1/users/info")
        elif req.path.endswith("/invoices"):
            kind, errors = "list", _spec_errors(resp.body, ref="#/definitions/v1Invoices")
        else:
            kind, errors = "detail", _spec_errors(resp.body, path=detail_path)
        kinds.add(kind)
        # The one deliberate deviation: a state word outside the spec's enum.
        assert set(errors) <= {"PaymentRefunded"}, (req.path, errors)
        if errors:
            off_spec[kind] += 1
    assert kinds == {"info", "list", "detail", "error 401", "error 404"}
    assert off_spec["detail"] == 2  # one invoice per tenant
    assert off_spec["list"] >= 1


@pytest.mark.skipif(
    not all(importlib.util.find_spec(f"invoicetui.demo.{m}") for m in ("doit", "waldur")),
    reason="the other demo fakes are not there yet",
)
async def test_full_demo_server_serves_palette_accounts(demo_server: DemoServer) -> None:
    from invoicetui.demo.server import demo_accounts

    demo_server.set_limit("palette", None)
    accounts = [a for a in demo_accounts(demo_server) if a.provider == "palette"]
    assert [a.name for a in accounts] == ["acme-palette", "edge-palette"]
    counts = []
    for acc in accounts:
        async with client(acc) as c:
            counts.append(len(await c.list_invoices()))
    assert counts == [18, 12]


# ---------------------------------------------------------------- golden (PROVIDERS.md §1.8, §1.9)

EXAMPLE_DETAIL = json.loads("""
{
  "metadata": {
    "uid": "6650b1f3c2a4e71d0a9f3b21", "name": "invoice-2024-05", "annotations": {}, "labels": {},
    "creationTimestamp": "2024-06-01T00:05:12.000Z",
    "lastModifiedTimestamp": "2024-06-03T09:41:07.000Z", "deletionTimestamp": null
  },
  "spec": {
    "address": {"addressLine1": "221 Harbour Road", "addressLine2": "Suite 4",
                "city": "Springfield", "country": "US", "pincode": "94016", "state": "CA"},
    "billingPeriod": {"start": "2024-05-01T00:00:00.000Z", "end": "2024-05-31T23:59:59.000Z"},
    "credits": {"alloyFreeCredits": 0, "pureFreeCredits": 250},
    "envType": "MonthlyOnDemand",
    "month": "2024-05-01T00:00:00.000Z",
    "paymentUnit": "usd",
    "plan": {
      "plantype": "MonthlyOnDemand",
      "freeCredits": [{"planCredit": {"creditUid": "6621aa07c2a4e71d0a9f0001",
          "name": "Welcome credit", "type": "Pure", "cpuCoreHours": 250,
          "start": "2024-04-01T00:00:00.000Z", "expiry": "2025-04-01T00:00:00.000Z"},
        "totalCpuCoreHours": 250}],
      "slaCredits": []
    }
  },
  "status": {
    "billableAmount": 1843.2,
    "productInvoice": {
      "pure": {"allocatedCredits": 10000, "amount": 1843.2, "billableCredits": 7680.0,
        "breachedCredits": 0, "discount": 0, "freeCredits": 250, "overageLimitPercentage": 10,
        "tierName": "Tier 1", "tierPrice": 0.24, "totalUsedCredits": 7930.0, "usedCredits": 7930.0},
      "alloy": {"allocatedCredits": 0, "amount": 0, "billableCredits": 0, "breachedCredits": 0,
        "discount": 0, "freeCredits": 0, "overageLimitPercentage": 0, "tierName": "",
        "tierPrice": 0, "totalUsedCredits": 0, "usedCredits": 0}
    },
    "projects": [
      {"projectUid": "65f0c0dec2a4e71d0a9e1122", "projectName": "payments-prod", "amount": 1400.16,
       "usage": {"pure": {"amount": 1400.16, "tierPrice": 0.24, "usedCredits": 5834.0},
                 "alloy": {"amount": 0, "tierPrice": 0, "usedCredits": 0}}},
      {"projectUid": "65f0c0dec2a4e71d0a9e1199", "projectName": "staging", "amount": 443.04,
       "usage": {"pure": {"amount": 443.04, "tierPrice": 0.24, "usedCredits": 2096.0}}}
    ],
    "states": [
      {"state": "PaymentPending", "paymentMsg": "", "timestamp": "2024-06-01T00:05:12.000Z"},
      {"state": "PaymentInProgress", "paymentMsg": "Charging card",
       "timestamp": "2024-06-03T09:40:55.000Z"},
      {"state": "Paid", "paymentMsg": "Payment succeeded", "timestamp": "2024-06-03T09:41:07.000Z"}
    ],
    "stripeInvoiceId": "in_1PMxYzAbCdEfGh"
  }
}
""")

EXAMPLE_LIST = json.loads("""
{
  "invoices": [ { "metadata": {"uid": "6650b1f3c2a4e71d0a9f3b21", "name": "invoice-2024-05"},
                  "spec": {"month": "2024-05-01T00:00:00.000Z", "paymentUnit": "usd"},
                  "status": {"billableAmount": 1843.2,
                             "states": [{"state": "Paid",
                                         "timestamp": "2024-06-03T09:41:07.000Z"}]} } ],
  "listmeta": {"continue": "", "count": 1, "limit": 50, "offset": 0}
}
""")

PERIOD = {"start": "2024-05-01", "end": "2024-05-31"}


def _item(name: str, quantity: str, amount: str) -> dict[str, Any]:
    return {
        "description": name,
        "kind": "usage",
        "project": name,
        "quantity": quantity,
        "unit": "CPU core hours",
        "unit_price": "0.24",
        "amount": amount,
        "tax": None,
        **PERIOD,
    }


def test_golden_detail_example() -> None:
    inv = normalize_invoice(EXAMPLE_DETAIL, "acme")
    assert invoice_to_json(inv) == {
        "account": "acme",
        "provider": "palette",
        "id": "6650b1f3c2a4e71d0a9f3b21",
        "number": "invoice-2024-05",
        "status": "paid",
        "status_raw": "Paid",
        "issued": "2024-06-01T00:05:12Z",
        "due": None,
        "period_start": "2024-05-01",
        "period_end": "2024-05-31",
        "currency": "USD",
        "subtotal": None,
        "tax": None,
        "credits": None,
        "total": "1843.2",
        "amount_due": "0",
        "url": None,
        "line_items": [
            _item("payments-prod", "5834", "1400.16"),
            _item("staging", "2096", "443.04"),
        ],
        "credits_detail": [
            {
                "name": "Welcome credit",
                "kind": "Pure",
                "amount": "250",
                "unit": "cpu core hours",
                "start": "2024-04-01",
                "end": "2025-04-01",
            },
        ],
        "payments": [
            {
                "state": "open",
                "state_raw": "PaymentPending",
                "at": "2024-06-01T00:05:12Z",
                "message": None,
            },
            {
                "state": "processing",
                "state_raw": "PaymentInProgress",
                "at": "2024-06-03T09:40:55Z",
                "message": "Charging card",
            },
            {
                "state": "paid",
                "state_raw": "Paid",
                "at": "2024-06-03T09:41:07Z",
                "message": "Payment succeeded",
            },
        ],
        "problems": [],
    }
    assert inv.detailed
    assert inv.customer == "221 Harbour Road, Suite 4, Springfield, CA, 94016, US"
    extra = dict(inv.extra)
    assert extra["Plan"] == "MonthlyOnDemand" and extra["Environment"] == "MonthlyOnDemand"
    assert extra["Pure tier"] == "Tier 1" and extra["Pure used credits"] == "7930"
    assert extra["Pure billable credits"] == "7680" and extra["Pure free credits"] == "250"
    assert extra["Pure amount"] == "1843.2" and extra["Stripe invoice"] == "in_1PMxYzAbCdEfGh"
    assert inv.raw == EXAMPLE_DETAIL


def test_golden_detail_reversed_states_same_result() -> None:
    shuffled = json.loads(json.dumps(EXAMPLE_DETAIL))
    shuffled["status"]["states"].reverse()
    assert invoice_to_json(normalize_invoice(shuffled, "acme")) == invoice_to_json(
        normalize_invoice(EXAMPLE_DETAIL, "acme")
    )


def test_golden_list_example() -> None:
    invoices, token, count = normalize_list(EXAMPLE_LIST, "acme")
    assert (token, count) == ("", 1)
    assert [invoice_to_json(i) for i in invoices] == [
        {
            "account": "acme",
            "provider": "palette",
            "id": "6650b1f3c2a4e71d0a9f3b21",
            "number": "invoice-2024-05",
            "status": "paid",
            "status_raw": "Paid",
            "issued": None,
            "due": None,
            "period_start": "2024-05-01",
            "period_end": None,
            "currency": "USD",
            "subtotal": None,
            "tax": None,
            "credits": None,
            "total": "1843.2",
            "amount_due": "0",
            "url": None,
            "line_items": [],
            "credits_detail": [],
            "payments": [
                {
                    "state": "paid",
                    "state_raw": "Paid",
                    "at": "2024-06-03T09:41:07Z",
                    "message": None,
                },
            ],
            "problems": [],
        }
    ]
    assert not invoices[0].detailed


def test_no_states_means_unknown_and_open_amount_due() -> None:
    payload = {"metadata": {"uid": "u1"}, "status": {"billableAmount": 12, "states": []}}
    inv = normalize_invoice(payload, "a")
    assert (inv.status, inv.status_raw, inv.amount_due, inv.currency) == (
        Status.UNKNOWN,
        None,
        Decimal(12),
        "USD",  # paymentUnit is an enum of one value, "usd"
    )


def test_sla_credit_is_marked() -> None:
    payload = {
        "metadata": {"uid": "u1"},
        "spec": {
            "plan": {
                "slaCredits": [
                    {"planCredit": {"name": "Outage", "type": "Alloy", "cpuCoreHours": 40}}
                ]
            }
        },
    }
    (credit,) = normalize_invoice(payload, "a").credits_detail
    assert (credit.name, credit.kind, credit.amount) == ("SLA credit: Outage", "Alloy", Decimal(40))


def test_malformed_fields_keep_the_rest() -> None:
    payload = {
        "metadata": {"uid": "u1", "name": 7, "creationTimestamp": "yesterday"},
        "spec": {"paymentUnit": ["usd"], "billingPeriod": "May", "plan": {"freeCredits": "x"}},
        "status": {
            "billableAmount": "NaN",
            "projects": [1, {"amount": True}],
            "states": [{"state": 3, "timestamp": 5}, "Paid"],
        },
    }
    inv = normalize_invoice(payload, "a")
    assert inv.id == "u1" and inv.number is None and inv.issued is None
    assert inv.total is None and inv.currency == "USD" and inv.period_start is None
    assert [li.description for li in inv.line_items] == ["project"]
    assert inv.line_items[0].amount is None
    assert [(p.state, p.state_raw) for p in inv.payments] == [(Status.UNKNOWN, "3")]


def test_invoice_without_uid_is_kept_and_marked() -> None:
    for payload in ({"metadata": {}}, {"metadata": {"uid": "\u200b"}}):
        inv = normalize_invoice(payload, "a")
        assert inv.id.startswith("noid-") and inv.problems[0].startswith("no metadata.uid")
        assert inv.id == normalize_invoice(payload, "a").id  # stable across runs
    assert normalize_invoice({"metadata": {"uid": 5}}, "a").id == "5"


@pytest.mark.parametrize("payload", [None, [], "x"])
def test_unreadable_invoice_is_response_format_error(payload: Any) -> None:
    with pytest.raises(ResponseFormatError):
        normalize_invoice(payload, "a")


def test_list_entry_that_is_not_an_object_is_left_out() -> None:
    invoices, _, _ = normalize_list({"invoices": [None, {"metadata": {"uid": "u1"}}]}, "a")
    assert [i.id for i in invoices] == ["u1"]


@pytest.mark.parametrize("payload", [None, [], {"invoices": {}}])
def test_unreadable_list_is_response_format_error(payload: Any) -> None:
    with pytest.raises(ResponseFormatError):
        normalize_list(payload, "a")


def test_control_characters_are_stripped() -> None:
    payload = {
        "metadata": {"uid": "u\x1b[31m1", "name": "inv\x07-1"},
        "status": {
            "projects": [{"projectName": "evil\x1b]0;title\x07name\r\n", "amount": 1}],
            "states": [
                {"state": "Paid\x00", "paymentMsg": "ok\x9b2J", "timestamp": "2024-01-01T00:00:00Z"}
            ],
        },
    }
    inv = normalize_invoice(payload, "a")
    assert (inv.id, inv.number) == ("u1", "inv-1")
    assert inv.line_items[0].description == "evilname "
    assert (inv.status, inv.payments[0].message) == (Status.PAID, "ok")
    assert "\x1b" not in json.dumps(inv.raw)


# ---------------------------------------------------------------- properties

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return strategy | JSON


STATE = st.fixed_dictionaries(
    {},
    optional={
        "state": _maybe(st.sampled_from(["Paid", "PaymentPending", "PaymentFailed", "Other"])),
        "timestamp": _maybe(st.sampled_from(["2024-06-01T00:00:00Z", "2024-06-02T00:00:00.5Z"])),
        "paymentMsg": JSON,
    },
)
INVOICE_LIKE = st.fixed_dictionaries(
    {
        "metadata": _maybe(
            st.fixed_dictionaries(
                {"uid": _maybe(st.text(min_size=1))},
                optional={"name": JSON, "creationTimestamp": JSON},
            )
        )
    },
    optional={
        "spec": _maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "paymentUnit": JSON,
                    "billingPeriod": JSON,
                    "month": JSON,
                    "address": JSON,
                    "plan": _maybe(
                        st.fixed_dictionaries(
                            {},
                            optional={
                                "freeCredits": st.lists(JSON, max_size=3),
                                "slaCredits": JSON,
                                "plantype": JSON,
                            },
                        )
                    ),
                },
            )
        ),
        "status": _maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "billableAmount": JSON,
                    "projects": st.lists(JSON, max_size=3),
                    "states": _maybe(st.lists(STATE, max_size=4)),
                    "productInvoice": JSON,
                },
            )
        ),
    },
)


@settings(max_examples=300, deadline=None)
@given(_maybe(INVOICE_LIKE))
def test_any_json_normalizes_or_raises_provider_error(payload: Any) -> None:
    try:
        inv = normalize_invoice(payload, "a")
    except ProviderError:
        return
    json.dumps(invoice_to_json(inv))  # always exportable
    assert inv.status is Status.UNKNOWN or inv.payments


@settings(max_examples=150, deadline=None)
@given(
    _maybe(
        st.fixed_dictionaries(
            {"invoices": st.lists(_maybe(INVOICE_LIKE), max_size=3)}, optional={"listmeta": JSON}
        )
    )
)
def test_any_list_normalizes_or_raises_provider_error(payload: Any) -> None:
    try:
        invoices, token, _ = normalize_list(payload, "a")
    except ProviderError:
        return
    assert all(isinstance(i, Invoice) for i in invoices) and isinstance(token, str)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


CONTROL = {chr(c) for c in [*range(0, 9), *range(11, 32), *range(0x7F, 0xA0)]}


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text(), st.text(), st.text())
def test_sanitized_strings_have_no_control_chars(
    uid: str, name: str, project: str, msg: str
) -> None:
    payload = {
        "metadata": {"uid": uid or "u", "name": name},
        "spec": {
            "address": {"city": name},
            "paymentUnit": msg,
            "plan": {"freeCredits": [{"planCredit": {"name": project, "type": msg}}]},
        },
        "status": {
            "projects": [{"projectName": project}],
            "states": [{"state": msg, "paymentMsg": msg, "timestamp": "2024-01-01T00:00:00Z"}],
            "stripeInvoiceId": name,
        },
    }
    try:
        inv = normalize_invoice(payload, "a")
    except ProviderError:
        return
    strings = [
        *_strings(invoice_to_json(inv)),
        *_strings(inv.extra),
        inv.customer or "",
        *_strings(inv.raw),
    ]
    for s in strings:
        assert not set(s) & CONTROL
    one_line = [*_strings(invoice_to_json(inv)), *_strings(inv.extra), inv.customer or ""]
    for s in one_line:
        assert not set(s) & (CONTROL | {"\n", "\t"})
