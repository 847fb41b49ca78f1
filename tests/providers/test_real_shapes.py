"""Golden tests of the providers' real shapes (PROVIDERS.md, "Corrections"), served by the demo.

Each test reads what the demo server sends on the wire (so the demo is shown to serve the
shape) and what the real client makes of it, over loopback HTTP; the spec checks of each
provider's own test module keep the same responses validating against ../shared/specs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from conformance_server import Answer, Seen, scripted_api
from demo_recording import Recording
from spec_check import validate

from invoicetui.config.accounts import AccountConfig
from invoicetui.core.errors import PermissionDenied, RateLimited
from invoicetui.core.model import Invoice, Status, invoice_to_json
from invoicetui.demo import doit as doit_demo
from invoicetui.demo import zilliz as zilliz_demo
from invoicetui.demo.data import DEMO_NOW
from invoicetui.demo.server import DemoServer, Fault, build_providers
from invoicetui.providers.doit.client import DoitClient
from invoicetui.providers.limits import FakeClock
from invoicetui.providers.palette.client import PaletteClient
from invoicetui.providers.waldur.client import WaldurClient
from invoicetui.providers.zilliz.client import ZillizClient

PROVIDERS = build_providers()
RECORDINGS = {name: Recording(demo) for name, demo in PROVIDERS.items()}


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer(providers=dict(RECORDINGS), rate_limits=False) as srv:  # type: ignore[arg-type]
        yield srv


@pytest.fixture(autouse=True)
def _reset(server: DemoServer) -> None:
    server.clear_faults()
    for recording in RECORDINGS.values():
        with recording.lock:
            recording.seen.clear()


def account(server: DemoServer, provider: str, name: str) -> AccountConfig:
    found = [a for a in PROVIDERS[provider].accounts(server.base_url(provider)) if a.name == name]
    return found[0]


def wire(provider: str, path: str) -> list[Any]:
    """The JSON bodies the demo sent for one path."""
    return [resp.body for req, resp in RECORDINGS[provider].seen if req.path == path]


async def waldur(
    server: DemoServer, name: str, page_size: int | None = None
) -> tuple[WaldurClient, list[Invoice]]:
    acc = account(server, "waldur", name)
    assert acc.token
    client = WaldurClient(acc, acc.token, clock=FakeClock(), wallclock=lambda: DEMO_NOW)
    if page_size is not None:
        client.page_size = page_size  # type: ignore[misc]
    async with client:
        return client, await client.list_invoices()


# ---------------------------------------------------------------- Waldur invoices


async def test_waldur_ten_decimal_money_and_unrounded_tax_exported_exactly(
    server: DemoServer,
) -> None:
    _, invoices = await waldur(server, "hpc-centre")
    (page,) = wire("waldur", "/api/invoices/")
    by_uuid = {r["uuid"]: r for r in page}
    sub_cent = 0
    for inv in invoices:
        record = by_uuid[inv.id]
        assert all(len(record[k].split(".")[1]) == 10 for k in ("price", "tax", "total"))
        assert inv.tax == Decimal(record["tax"]) and inv.total == Decimal(record["total"])
        exported = invoice_to_json(inv)
        assert Decimal(exported["tax"]) == Decimal(record["tax"])  # every digit kept
        sub_cent += Decimal(record["tax"]) != Decimal(record["tax"]).quantize(Decimal("0.01"))
        # Item prices are JSON floats; item taxes are rounded, so they need not add up.
        assert all(isinstance(item["price"], float) for item in record["items"])
    assert sub_cent > 0
    assert any(
        sum(Decimal(i["tax"]) for i in by_uuid[inv.id]["items"]) != inv.tax for inv in invoices
    )


async def test_waldur_pending_invoices_have_no_dates(server: DemoServer) -> None:
    _, invoices = await waldur(server, "hpc-centre")
    (page,) = wire("waldur", "/api/invoices/")
    pending = [r for r in page if r["state"] in ("pending", "pending_finalization")]
    assert pending and all(r["invoice_date"] is None and r["due_date"] is None for r in pending)
    for inv in invoices:
        if inv.status_raw in ("pending", "pending_finalization"):
            assert inv.status is Status.DRAFT and inv.issued is None and inv.due is None
            assert inv.problems == ()  # null is absent, not malformed
    paid = next(inv for inv in invoices if inv.status_raw == "paid")
    assert paid.issued is not None and paid.due == paid.issued + (
        date(2000, 1, 31) - date(2000, 1, 1)
    )


async def test_waldur_credit_items_versus_other_negative_items(server: DemoServer) -> None:
    _, invoices = await waldur(server, "hpc-centre")
    (page,) = wire("waldur", "/api/invoices/")
    by_uuid = {r["uuid"]: r for r in page}
    credits_seen = downtime_seen = 0
    for inv in invoices:
        record = by_uuid[inv.id]
        credit_items = [i for i in record["items"] if i["credit"] is True]
        others = [i for i in record["items"] if i["credit"] is False and i["price"] < 0]
        expected = -sum((Decimal(repr(i["price"])) for i in credit_items), Decimal(0))
        assert inv.credits == expected
        assert [c.name for c in inv.credits_detail] == [i["name"] for i in credit_items]
        assert len(inv.line_items) == len(record["items"])  # credits are line items too
        for item in credit_items:
            assert item["billing_type"] is None and item["name"].startswith("Credit compensation")
        credits_seen += bool(credit_items)
        downtime_seen += bool(others)
        extra = dict(inv.extra)
        assert Decimal(extra["incurred costs"]) == Decimal(repr(record["incurred_costs"])).quantize(
            Decimal("0.01")
        ) or Decimal(extra["incurred costs"]) == Decimal(repr(record["incurred_costs"]))
        if credit_items:
            assert "compensations" in extra
    assert credits_seen and downtime_seen


async def test_waldur_deleted_resources_and_projects(server: DemoServer) -> None:
    _, invoices = await waldur(server, "hpc-centre")
    (page,) = wire("waldur", "/api/invoices/")
    gone = [i for r in page for i in r["items"] if i["project_name"] == "N/A"]
    assert gone and all(
        i["resource_uuid"] is None and i["resource_name"] is None and i["project_uuid"] is None
        for i in gone
    )
    without_project = [li for inv in invoices for li in inv.line_items if li.project is None]
    assert len(without_project) == len(gone)  # "N/A" of a deleted project is no project name
    assert all(inv.problems == () for inv in invoices)


async def test_waldur_microseconds_issuer_details_and_one_page_link(server: DemoServer) -> None:
    client, invoices = await waldur(server, "nordic-hpc")
    (page,) = wire("waldur", "/api/invoices/")
    ((_, response),) = RECORDINGS["waldur"].seen
    link = response.headers["Link"]
    assert 'rel="first"' in link and 'rel="last"' in link and 'rel="next"' not in link
    assert client.requests_made == 1  # first/last on one page lead nowhere
    item = page[0]["items"][0]
    assert item["end"].endswith("T23:59:59.999999Z")
    li = invoices[0].line_items[0]
    assert isinstance(li.end, date) and li.end.day >= 28  # the month's last day, as a day
    issuer = page[0]["issuer_details"]
    assert issuer["company"] == "HPC Centre" and isinstance(issuer["phone"], dict)
    assert dict(invoices[0].extra)["issuer"] == "HPC Centre"
    validate("waldur", "get", "/api/invoices/", page)  # with the upstream defects noted


# ---------------------------------------------------------------- Waldur provider items


async def test_waldur_provider_items_month_by_month(server: DemoServer) -> None:
    _, whole = await waldur(server, "hpc-provider")
    ((one, _),) = RECORDINGS["waldur"].seen  # all on one page of 300: no boundaries, one call
    assert one.arg("page_size") == "300"
    RECORDINGS["waldur"].seen.clear()
    client, statements = await waldur(server, "hpc-provider", page_size=50)
    assert [invoice_to_json(s) for s in statements] == [invoice_to_json(s) for s in whole]
    requests = [req for req, _ in RECORDINGS["waldur"].seen]
    assert all(req.arg("page_size") == "50" for req in requests)
    months = [(req.arg("invoice_year"), req.arg("invoice_month")) for req in requests]
    asked = [m for m in months if m[0]]
    assert len(asked) == 14 and len(set(asked)) == 14  # one query per month, each once
    assert client.warnings == []
    items = {
        record["uuid"]: record
        for req, resp in RECORDINGS["waldur"].seen
        if req.arg("invoice_year")
        for record in resp.body
    }
    assert sum(len(s.line_items) for s in statements) == len(items)
    zero = [r for r in items.values() if r["price"] == 0]
    credit = [r for r in items.values() if r["credit"]]
    assert zero and credit
    for statement in statements:
        assert statement.subtotal == sum(
            (li.amount for li in statement.line_items if li.amount is not None), Decimal(0)
        )  # net: credit lines included as negatives
        assert statement.credits == -sum(
            (li.amount for li in statement.line_items if li.kind == "credit" and li.amount),
            Decimal(0),
        )


def _tied_pages(records: list[dict[str, Any]], count: int) -> Any:
    """Offset pages that repeat an item across a boundary, and a count that disagrees."""

    def answer(seen: Seen) -> Answer:
        page = int(seen.arg("page") or 1)
        size = int(seen.arg("page_size") or 10)
        chunk = records[(page - 1) * size : page * size]
        if page > 1:
            chunk = [records[(page - 1) * size - 1], *chunk[:-1]]  # one repeated, one missed
        return Answer(200, chunk, {"X-Result-Count": str(count)})

    return answer


async def test_waldur_provider_items_dedupe_and_count_warning() -> None:
    from conformance_payloads import witem

    records = [
        witem(uuid=f"i{n:04d}", start="2024-05-01T00:00:00Z", price=1.0, tax="0", total="1")
        for n in range(650)
    ]
    with scripted_api() as api:
        api.route("/api/provider-invoice-items/", _tied_pages(records, 650))
        acc = AccountConfig(name="prov", provider="waldur", base_url=api.base_url, role="provider")
        client = WaldurClient(acc, "t", clock=FakeClock(), wallclock=lambda: DEMO_NOW)
        async with client:
            (statement,) = await client.list_invoices()
        asked = {(s.arg("invoice_year"), s.arg("invoice_month")) for s in api.seen}
    assert ("2024", "5") in asked
    # Pages of 300: page 2 repeats item 299, page 3 repeats 599; the last item is never sent.
    assert len(statement.line_items) == 649  # each item once
    (warning,) = [w for w in client.warnings if "2024-05" in w]
    assert warning.startswith("Waldur account 'prov': provider items of 2024-05: the server")
    assert "counted 650" in warning and "sent 649 distinct, 1 more repeated" in warning


# ---------------------------------------------------------------- DoiT


async def doit(server: DemoServer, name: str) -> list[Invoice]:
    acc = account(server, "doit", name)
    assert acc.token
    async with DoitClient(acc, acc.token, clock=FakeClock()) as client:
        return await client.list_invoices()


async def test_doit_invoice_dates_months_and_negative_balance(server: DemoServer) -> None:
    invoices = await doit(server, "doit")
    for inv in invoices:
        assert isinstance(inv.issued, date)
        assert (inv.issued + (date(2000, 1, 2) - date(2000, 1, 1))).day == 1  # a month's last day
        assert (inv.issued.year, inv.issued.month) != (DEMO_NOW.year, DEMO_NOW.month)
    months = [(inv.month, dict(inv.extra)["platform"]) for inv in invoices]
    assert len(months) > len(set(months))  # two invoices of one platform in one month
    (credit,) = [inv for inv in invoices if inv.amount_due is not None and inv.amount_due < 0]
    assert credit.amount_due == Decimal("-42.17") and credit.status is Status.PAID
    assert invoice_to_json(credit)["amount_due"] == "-42.17"
    ordered = sorted(invoices, key=lambda i: i.amount_due or Decimal(0))
    assert ordered[0] is credit  # sorts below zero, sign kept
    bodies = wire("doit", doit_demo.INVOICES)
    assert bodies[-1]["pageToken"] == ""  # the last page ends with an empty token


async def test_doit_empty_page_token_ends_paging() -> None:
    from conformance_payloads import dinv

    with scripted_api() as api:
        api.json("/billing/v1/invoices", {"invoices": [dinv("A-1")], "pageToken": ""})
        acc = AccountConfig(name="d", provider="doit", base_url=api.base_url)
        async with DoitClient(acc, "t", clock=FakeClock()) as client:
            invoices = await client.list_invoices()
        assert [i.id for i in invoices] == ["A-1"] and len(api.seen) == 1


# ---------------------------------------------------------------- Zilliz


async def test_zilliz_amounts_not_whole_cents_and_unbilled(server: DemoServer) -> None:
    acc = account(server, "zilliz", "vector-db")
    assert acc.token
    async with ZillizClient(acc, acc.token, clock=FakeClock()) as client:
        invoices = await client.list_invoices()
    raw_taxes = [Decimal(repr(r["tax"])) for body in wire("zilliz", "/v2/invoices")
                 for r in body["data"]["invoices"]]  # fmt: skip
    assert any(t != t.to_integral_value() for t in raw_taxes)
    by_tax = {inv.tax for inv in invoices}
    assert all(t / 100 in by_tax for t in raw_taxes)  # exact: cents / 100, no rounding
    (draft,) = [inv for inv in invoices if inv.status_raw == "unbilled"]
    assert draft.status is Status.DRAFT and draft.period_start is not None
    assert (draft.period_start.year, draft.period_start.month) == (DEMO_NOW.year, DEMO_NOW.month)


async def test_zilliz_key_refused_billing_has_its_own_message(server: DemoServer) -> None:
    acc = AccountConfig(name="zk", provider="zilliz", base_url=server.base_url("zilliz"), token="x")
    async with ZillizClient(acc, zilliz_demo.NO_BILLING_KEY, clock=FakeClock()) as client:
        with pytest.raises(PermissionDenied) as caught:
            await client.list_invoices()
    message = str(caught.value)
    assert message.startswith("Zilliz account 'zk': this API key may not read invoices:")
    assert "not allowed to access billing" in message and "(403)" in message
    assert "Billing Admin" in message and "console" in message
    assert "no invoices" not in message.lower()


# ---------------------------------------------------------------- Palette


def palette_client(server: DemoServer) -> PaletteClient:
    acc = account(server, "palette", "acme-palette")
    assert acc.token
    return PaletteClient(acc, acc.token, clock=FakeClock())


async def test_palette_429_with_a_non_json_body_is_retried(server: DemoServer) -> None:
    server.add_fault(Fault("429", provider="palette", times=1))
    for kind in ("502", "503", "504"):  # four failures in a row, then the answer (5 attempts)
        server.add_fault(Fault(kind, provider="palette", times=1))
    async with palette_client(server) as client:
        invoices = await client.list_invoices()
    assert invoices
    assert server.stats.statuses[429] >= 1
    assert all(server.stats.statuses[code] >= 1 for code in (502, 503, 504))


async def test_palette_429_that_persists_fails_with_a_clean_message(server: DemoServer) -> None:
    server.add_fault(Fault("429", provider="palette"))
    async with palette_client(server) as client:
        with pytest.raises(RateLimited) as caught:
            await client.list_invoices()
    message = str(caught.value)
    assert "rate limited" in message and "(429)" in message and "lower max_rps" in message
    assert "Too Many Requests" not in message  # the plain-text body is not a v1Error


def test_palette_demo_429_body_is_plain_text(server: DemoServer) -> None:
    server.add_fault(Fault("429", provider="palette", times=1))
    response = httpx.get(server.base_url("palette") + "/v1/users/info")
    assert response.status_code == 429
    assert response.headers["content-type"].startswith("text/plain")
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
