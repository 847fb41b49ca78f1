"""Provider-role statements built page by page, in a worker thread, as the fetch goes."""

from __future__ import annotations

from typing import Any

import pytest

from invoicetui.core.model import invoice_to_json
from invoicetui.demo.data import DEMO_NOW
from invoicetui.providers.waldur import normalize as wm
from invoicetui.providers.waldur.statements import StatementBuilder


def item(n: int, month: int, price: str = "10.00", **extra: Any) -> dict[str, Any]:
    return {
        "uuid": f"{n:032x}",
        "name": f"Cloud VM / cpu {n % 3}",
        "price": float(price),
        "tax": "2.00",
        "total": str(float(price) + 2),
        "unit_price": price,
        "quantity": "1",
        "unit": "quantity",
        "start": f"2026-{month:02d}-01T00:00:00Z",
        "end": f"2026-{month:02d}-28T23:59:59.999999Z",
        "project_name": f"project {n % 4}",
        "project_uuid": f"{n % 4:032x}",
        "details": {"offering_name": f"Offering {n % 2}"},
        "billing_type": "usage",
        "credit": False,
        **extra,
    }


RECORDS = [item(n, 9 + n % 3) for n in range(600)] + [
    item(900, 10, "-5.00", credit=True, billing_type=None)
]


def as_json(invoices: list[Any]) -> list[dict[str, Any]]:
    return [invoice_to_json(i) for i in invoices]


@pytest.mark.parametrize("background", [False, True])
def test_pages_in_any_order_give_the_statements_of_the_whole_list(background: bool) -> None:
    expected = as_json(wm.statements(RECORDS, "p", "EUR", DEMO_NOW))
    builder = StatementBuilder("p", "EUR", background=background)
    pages = [(start, RECORDS[start : start + 100]) for start in range(0, len(RECORDS), 100)]
    for start, page in reversed(pages):  # concurrent pages arrive out of order
        builder.add(page, start)
    assert as_json(builder.finish(DEMO_NOW)) == expected


def test_equal_values_of_many_items_are_one_object() -> None:
    (statement, *_) = wm.statements(RECORDS, "p", "EUR", DEMO_NOW)
    assert len({id(li.project) for li in statement.line_items}) <= 4
    assert len({id(li.unit_price) for li in statement.line_items}) <= 2
