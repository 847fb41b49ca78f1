"""Export text made in pieces is exactly the text made whole."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from cache_writer import make_invoice

from invoicetui.core.model import LineItem, invoice_to_json
from invoicetui.service import export
from invoicetui.service.stream import ITEMS_PER_PART, json_parts


def whole(invoices: list) -> str:  # type: ignore[type-arg]
    return json.dumps([invoice_to_json(i) for i in invoices], indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize(
    "counts", [[], [0], [3], [0, 2, 0], [ITEMS_PER_PART], [ITEMS_PER_PART * 2 + 1, 1]]
)
def test_json_in_pieces_is_json_dumps_of_the_whole(counts: list[int]) -> None:
    invoices = [make_invoice("acct", "t", n, items=c) for n, c in enumerate(counts)]
    text = "".join(json_parts(invoices, invoice_to_json))
    assert text == whole(invoices)
    assert len(json.loads(text)) == len(invoices)


def test_hostile_text_survives_the_splice() -> None:
    inv = make_invoice("acct", "t", 1, items=2)
    odd = LineItem(description='line-items "\\x00 ]}, ü', project="[bold]x[/]")
    inv = replace(inv, line_items=(*inv.line_items, odd), number='"line_items": []')
    assert "".join(json_parts([inv], invoice_to_json)) == whole([inv])


def test_csv_in_pieces_is_the_same_csv() -> None:
    invoices = [make_invoice("acct", "t", n, items=3) for n in range(ITEMS_PER_PART + 5)]
    rows = list(export.csv_parts(invoices))
    assert len(rows) > 1
    text = "".join(rows)
    assert text.count("\n") == len(invoices) + 1
    items = "".join(export.csv_parts(invoices, items=True))
    assert items.count("\n") == 3 * len(invoices) + 1
