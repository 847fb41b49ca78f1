"""Very large invoices are cached in chunks: same invoice back, old blobs still read."""

from __future__ import annotations

import json
import zlib
from dataclasses import replace

import pytest
from cache_writer import make_invoice

from invoicetui.cache.chunks import CHUNK_ITEMS, MAGIC
from invoicetui.cache.codec import CacheFormatError, decode_detail, encode_detail
from invoicetui.core.model import LineItem, invoice_to_cache_json


def test_a_statement_of_many_items_round_trips_through_chunks() -> None:
    inv = make_invoice("big", "t", 7, items=CHUNK_ITEMS * 2 + 5)
    blob = encode_detail(inv)
    assert blob.startswith(MAGIC)
    assert decode_detail(blob) == inv


def test_equal_item_texts_come_back_as_one_object() -> None:
    inv = make_invoice("big", "t", 7, items=CHUNK_ITEMS + 10)
    items = tuple(replace(li, project="Plasma simulations") for li in inv.line_items)
    back = decode_detail(encode_detail(replace(inv, line_items=items)))
    assert len({id(li.project) for li in back.line_items}) == 1
    assert len({id(li.unit_price) for li in back.line_items}) == 1


def test_control_characters_in_a_later_chunk_are_cleaned() -> None:
    inv = make_invoice("big", "t", 7, items=CHUNK_ITEMS + 3)
    hostile = LineItem(description="evil\x1b]52;c;AAAA\x07 row", amount=None)
    inv = replace(inv, line_items=(*inv.line_items, hostile))
    back = decode_detail(encode_detail(inv))
    assert "\x1b" not in back.line_items[-1].description
    assert "evil" in back.line_items[-1].description


def test_small_invoices_keep_the_plain_format() -> None:
    inv = make_invoice("small", "t", 1, items=3)
    blob = encode_detail(inv)
    assert not blob.startswith(MAGIC)
    data = invoice_to_cache_json(inv)
    old = zlib.compress(json.dumps(data, ensure_ascii=True, default=str).encode("ascii"))
    assert decode_detail(old) == inv


@pytest.mark.parametrize("cut", [len(MAGIC) + 2, -7])
def test_a_truncated_chunked_blob_is_a_cache_format_error(cut: int) -> None:
    blob = encode_detail(make_invoice("big", "t", 7, items=CHUNK_ITEMS + 1))
    with pytest.raises(CacheFormatError):
        decode_detail(blob[:cut])
