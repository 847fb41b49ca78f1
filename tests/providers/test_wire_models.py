"""The providers' pydantic wire models stay tolerant: any JSON object validates, one bad field
marks its record (a problem line) and never drops it or its neighbours on the page."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invoicetui.core.model import Invoice
from invoicetui.demo.data import DEMO_NOW
from invoicetui.providers.doit import normalize as doit
from invoicetui.providers.doit import wire as doit_wire
from invoicetui.providers.palette import normalize as palette
from invoicetui.providers.palette import wire as palette_wire
from invoicetui.providers.waldur import normalize as waldur
from invoicetui.providers.waldur import wire as waldur_wire
from invoicetui.providers.zilliz import normalize as zilliz
from invoicetui.providers.zilliz import wire as zilliz_wire

LEAF = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.decimals(allow_nan=True)
    | st.text(max_size=12)
)
JSON = st.recursive(
    LEAF,
    lambda kids: (
        st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids, max_size=3)
    ),
    max_leaves=12,
)
KEYS = {
    "doit": ["id", "status", "currency", "invoiceDate", "totalAmount", "lineItems", "url"],
    "zilliz": ["id", "status", "currency", "periodStart", "periodEnd", "total", "amountDue"],
    "palette": ["metadata", "spec", "status"],
    "waldur": ["uuid", "number", "state", "year", "month", "total", "customer_details"],
    "waldur item": ["name", "price", "quantity", "start", "end", "details", "credit"],
}
READERS: dict[str, Callable[[list[dict[str, Any]]], list[Any]]] = {
    "doit": doit_wire.read_invoices,
    "zilliz": zilliz_wire.read_invoices,
    "palette": palette_wire.read_invoices,
    "waldur": waldur_wire.read_invoices,
    "waldur item": waldur_wire.read_items,
}


def records(provider: str) -> st.SearchStrategy[dict[str, Any]]:
    known = st.fixed_dictionaries({}, optional=dict.fromkeys(KEYS[provider], JSON))
    return st.one_of(known, st.dictionaries(st.text(max_size=8), JSON, max_size=4))


@pytest.mark.parametrize("provider", list(READERS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_json_objects_validate_one_model_each(provider: str, data: st.DataObject) -> None:
    page = data.draw(st.lists(records(provider), max_size=3))
    assert len(READERS[provider](page)) == len(page)


BAD = "NaN"  # there, but not a finite decimal
PAGES: dict[str, tuple[Callable[[list[dict[str, Any]]], list[Invoice]], str, str]] = {
    "doit": (
        lambda page: doit.invoice_page({"invoices": page}, "a")[0],
        "totalAmount",
        "id",
    ),
    "zilliz": (
        lambda page: zilliz.normalize_page({"data": {"invoices": page}}, "a")[0],
        "total",
        "id",
    ),
    "waldur": (lambda page: waldur.invoice_list(page, "a", "EUR"), "total", "uuid"),
}


@pytest.mark.parametrize("provider", list(PAGES))
def test_one_bad_field_marks_its_record_and_keeps_the_page(provider: str) -> None:
    read, money, ident = PAGES[provider]
    page = [{ident: "one", money: BAD}, {ident: "two", money: 12}]
    first, second = read(page)
    assert first.id == "one" and first.total is None
    assert any(money in p and "not a finite decimal" in p for p in first.problems)
    assert second.id == "two" and second.total is not None and not second.problems


def test_palette_bad_amount_marks_the_record() -> None:
    body = {
        "invoices": [
            {"metadata": {"uid": "p1"}, "status": {"billableAmount": BAD, "projects": 7}},
            {"metadata": {"uid": "p2"}, "status": {"billableAmount": 1.5}},
        ]
    }
    first, second = palette.normalize_list(body, "a")[0]
    assert first.total is None and first.line_items == ()
    assert first.problems == ("billableAmount: not a finite decimal ('NaN')",)
    assert second.total == Decimal("1.5") and not second.problems


def test_waldur_bad_item_field_marks_the_statement_not_the_month() -> None:
    items = [
        {"uuid": "i1", "price": BAD, "start": "2026-10-01T00:00:00Z", "name": "cpu"},
        {"uuid": "i2", "price": 3, "start": "2026-10-02T00:00:00Z", "name": "gpu"},
    ]
    (statement,) = waldur.statements(items, "a", "EUR", DEMO_NOW)
    assert len(statement.line_items) == 2 and statement.subtotal == Decimal("3.00")
    assert statement.problems == ("item 'cpu': price: not a finite decimal ('NaN')",)
