"""Export text produced piece by piece, so a million line items are never one string.

`json_parts` yields exactly the text of `json.dumps(objects, indent=2)` plus a newline, one
invoice at a time, and a large invoice's line items a chunk at a time (the 1M-item Waldur
export built 1M dicts and one 400 MB string before writing a byte: 5.5 GB peak).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from invoicetui.core.model import Invoice, LineItem, line_item_to_json

ITEMS_PER_PART = 2048
# Stands in for the line items while an invoice is dumped, then is cut out of the text.
_HOLE = "\x00line-items\x00"
_HOLE_JSON = json.dumps(_HOLE)


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return pad + text.replace("\n", "\n" + pad)


def _dump(value: Any, spaces: int) -> str:
    return _indent(json.dumps(value, indent=2, ensure_ascii=False), spaces)


def _items_parts(items: Sequence[LineItem]) -> Iterator[str]:
    """The text of the line-item array as json.dumps(indent=2) nests it in an invoice."""
    if not items:
        yield "[]"
        return
    yield "[\n"
    for start in range(0, len(items), ITEMS_PER_PART):
        chunk = items[start : start + ITEMS_PER_PART]
        text = ",\n".join(_dump(line_item_to_json(item), 6) for item in chunk)
        yield (",\n" if start else "") + text
    yield "\n    ]"


def json_parts(
    invoices: Sequence[Invoice], to_json: Callable[[Invoice], dict[str, Any]]
) -> Iterator[str]:
    """`json.dumps([to_json(inv) ...], indent=2) + "\\n"`, in pieces (to_json: the export
    object of an invoice; its "line_items" are rendered here, from the invoice's own)."""
    if not invoices:
        yield "[]\n"
        return
    yield "[\n"
    for index, inv in enumerate(invoices):
        data = to_json(replace(inv, line_items=()))
        data["line_items"] = _HOLE
        head, hole, tail = _dump(data, 2).partition(_HOLE_JSON)
        assert hole, "the line-item placeholder is in the text"
        yield (",\n" if index else "") + head
        yield from _items_parts(inv.line_items)
        yield tail
    yield "\n]\n"
