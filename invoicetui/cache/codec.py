"""How one invoice becomes cache text and back: summary fields, fingerprints, detail blobs.

A summary is the 16 fields the list view and export filters need, each as text (amounts as
exact decimal text, dates ISO, NONE (\\x00) for None); columns.py stores a whole list of
them column by column. Details are compressed JSON, one record per invoice, decoded only
when an invoice is opened or exported.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import re
import struct
import zlib
from collections.abc import Iterator
from typing import Any

from invoicetui.cache.chunks import CHUNK_ITEMS, MAGIC, decode_chunked, encode_chunked
from invoicetui.core.model import (
    Invoice,
    format_day,
    format_decimal,
    invoice_from_json,
    invoice_to_cache_json,
)
from invoicetui.core.sanitize import clean_json, clean_text

SUMMARY_FIELDS = (
    "id", "number", "status", "status_raw", "issued", "due", "period_start", "period_end",
    "currency", "subtotal", "tax", "credits", "total", "amount_due", "url", "customer",
)  # fmt: skip
SEP = "\x1f"
NONE = "\x00"
_SURROGATE = re.compile("[\ud800-\udfff]")
# JSON written with ensure_ascii escapes every control character; any of these in a detail
# blob means the text needs cleaning (or was not written by us).
_SUSPECT_JSON = re.compile(
    r"[^\x20-\x7e]|\\u00[01]|\\u007[fF]|\\u00[89]|\\[brf]"
    # bidi controls, line separators, surrogates (a cache from before they were cleaned)
    r"|\\u061[cC]|\\u200[eEfF]|\\u202[89a-eA-E]|\\u206[6-9]|\\u[dD][89a-fA-F]"
)


class CacheFormatError(ValueError):
    """A row or blob is not what this version writes: the file is treated as corrupt."""


def clean_key(value: str) -> str:
    """Text as the cache stores it: control characters removed (they would break the packing
    and the terminal) and lone surrogates (JSON allows them, UTF-8 does not) replaced."""
    if value.isprintable():  # the common case; surrogates and controls are not printable
        return value
    return _SURROGATE.sub("\ufffd", clean_text(value, one_line=True))


def _text(value: str | None) -> str:
    return NONE if value is None else clean_key(value)


def _plain(value: str | None) -> str:
    return NONE if value is None else value


def summary_fields(inv: Invoice) -> tuple[str, ...]:
    """The SUMMARY_FIELDS of an invoice as stored text (NONE for None)."""
    return (
        _text(inv.id),
        _text(inv.number),
        inv.status.value,
        _text(inv.status_raw),
        _plain(format_day(inv.issued)),
        _plain(format_day(inv.due)),
        _plain(format_day(inv.period_start)),
        _plain(format_day(inv.period_end)),
        _text(inv.currency),
        _plain(format_decimal(inv.subtotal)),
        _plain(format_decimal(inv.tax)),
        _plain(format_decimal(inv.credits)),
        _plain(format_decimal(inv.total)),
        _plain(format_decimal(inv.amount_due)),
        _text(inv.url),
        _text(inv.customer),
    )


def pack_summary(inv: Invoice) -> str:
    """An invoice's summary as one text, for its fingerprint."""
    return SEP.join(summary_fields(inv))


def fingerprint_packed(packed: str) -> str:
    """A short digest of a packed summary: when it changes, cached details are out of date."""
    return hashlib.blake2b(packed.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


def fingerprint(inv: Invoice) -> str:
    """The fingerprint of an invoice's summary fields (what a list call reports)."""
    return fingerprint_packed(pack_summary(inv))


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while 100k+ objects are made: it would rescan them repeatedly.

    Nothing made meanwhile is cyclic garbage; the GC runs normally once re-enabled.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def encode_detail(inv: Invoice) -> bytes:
    """Compressed JSON of the whole invoice (invoice_to_cache_json); ASCII-only by design.

    Invoices with more than CHUNK_ITEMS line items are stored in chunks (chunks.py)."""
    if len(inv.line_items) > CHUNK_ITEMS:
        return encode_chunked(inv, invoice_to_cache_json)
    data = invoice_to_cache_json(inv)
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=True, default=str)
    return zlib.compress(text.encode("ascii"), 6)


def _suspect_json(raw: bytes) -> bool:
    """True if a detail's JSON text may hold control characters (then it is cleaned)."""
    if raw.isascii() and b"\\" not in raw:
        return False  # no escapes at all: the common case, two fast C scans
    return _SUSPECT_JSON.search(raw.decode("utf-8", "replace")) is not None


# Line-item text fields that repeat across items: one string object per distinct value.
_SHARED_ITEM_FIELDS = ("description", "kind", "project", "unit", "currency")


def _share_item_text(data: dict[str, Any], seen: dict[str, str]) -> None:
    """Make equal texts of line items one object: a 333k-item Waldur statement decoded to
    600 MB with a separate copy of every repeated description, project and unit."""
    items = data.get("line_items")
    if not isinstance(items, list):
        return
    for item in items:
        if isinstance(item, dict):
            for key in _SHARED_ITEM_FIELDS:
                value = item.get(key)
                if isinstance(value, str):
                    item[key] = seen.setdefault(value, value)


def decode_detail(blob: bytes) -> Invoice:
    """Inverse of encode_detail; raises CacheFormatError for anything we did not write."""
    seen: dict[str, str] = {}  # shared across the chunks of one invoice

    def build(data: dict[str, Any], raw: bytes) -> Invoice:
        if _suspect_json(raw):
            cleaned = clean_json(data)
            assert isinstance(cleaned, dict)
            data = cleaned
        _share_item_text(data, seen)
        return invoice_from_json(data)

    try:
        if blob.startswith(MAGIC):
            return decode_chunked(blob, build)
        raw = zlib.decompress(blob)
        data = json.loads(raw)  # from bytes: no second, decoded copy of the text
        if not isinstance(data, dict):
            raise TypeError("detail is not an object")
        return build(data, raw)
    except (zlib.error, ValueError, TypeError, KeyError, AttributeError, ArithmeticError,
            AssertionError, struct.error, StopIteration) as exc:  # fmt: skip
        raise CacheFormatError(f"unreadable invoice details ({type(exc).__name__})") from exc


def check_text(value: Any, what: str) -> str:
    """A meta value that must be text."""
    if not isinstance(value, str):
        raise CacheFormatError(f"{what} is missing")
    return clean_text(value, one_line=True)
