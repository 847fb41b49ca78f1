"""Detail blobs of very large invoices in chunks, so that decoding one never holds it twice.

A 333k-item Waldur statement was one 80 MB JSON text: decoding it built ~400 MB of dicts
before the first LineItem existed (the TUI peaked at 750 MB). Above CHUNK_ITEMS items the
blob is MAGIC, then length-prefixed zlib segments: the invoice without its items, then the
items CHUNK_ITEMS at a time. Each segment is decoded, turned into model objects and dropped
before the next. Smaller invoices keep the plain format, which is still read as before.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from invoicetui.core.model import Invoice, LineItem

MAGIC = b"ITCHUNK1"  # never the start of a zlib stream (those begin with 0x78)
CHUNK_ITEMS = 4096
_LENGTH = struct.Struct(">I")


def _segment(data: Any) -> bytes:
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=True, default=str)
    packed = zlib.compress(text.encode("ascii"), 6)
    return _LENGTH.pack(len(packed)) + packed


def encode_chunked(inv: Invoice, to_json: Callable[[Invoice], dict[str, Any]]) -> bytes:
    """The blob of an invoice with more than CHUNK_ITEMS line items; `to_json` is the cache
    JSON of an invoice. Items are turned into JSON one chunk at a time, never all at once."""
    items = inv.line_items
    chunks = -(-len(items) // CHUNK_ITEMS)
    head = dict(to_json(replace(inv, line_items=())), line_item_chunks=chunks)
    parts = [MAGIC, _segment(head)]
    for start in range(0, len(items), CHUNK_ITEMS):
        piece = Invoice(
            inv.account, inv.provider, inv.id, line_items=items[start : start + CHUNK_ITEMS]
        )
        parts.append(_segment(to_json(piece)["line_items"]))
    return b"".join(parts)


def _segments(blob: bytes) -> Iterator[bytes]:
    at = len(MAGIC)
    while at < len(blob):
        (size,) = _LENGTH.unpack_from(blob, at)
        at += _LENGTH.size
        if at + size > len(blob):
            raise ValueError("truncated chunk")
        yield zlib.decompress(blob[at : at + size])
        at += size


Build = Callable[[dict[str, Any], bytes], Invoice]


def decode_chunked(blob: bytes, build: Build) -> Invoice:
    """Inverse of encode_chunked. `build(data, raw)` turns one cache-JSON object, read from
    the JSON bytes `raw`, into an Invoice (the caller cleans and shares text there).
    Raises ValueError, TypeError or KeyError for a blob we did not write."""
    segments = _segments(blob)
    raw = next(segments)
    head = json.loads(raw)
    if not isinstance(head, dict):
        raise TypeError("detail is not an object")
    chunks = head.pop("line_item_chunks")
    invoice = build(head, raw)
    ident = {key: head[key] for key in ("account", "provider", "id")}
    items: list[LineItem] = []
    count = 0
    for count, raw in enumerate(segments, 1):
        chunk = json.loads(raw)
        if not isinstance(chunk, list) or count > chunks:
            raise ValueError("line-item chunks do not match their count")
        items += build(dict(ident, line_items=chunk), raw).line_items
    if count != chunks:
        raise ValueError("fewer line-item chunks than announced")
    return replace(invoice, line_items=tuple(items))
