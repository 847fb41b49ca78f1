"""How invoices become cache rows and back: summary columns, fingerprints, detail blobs.

Summaries are stored as plain columns (amounts as exact decimal TEXT, dates as ISO TEXT) so
the list view is built from one narrow table scan; details are compressed JSON in a separate
table, decoded only when an invoice is opened or exported.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from invoicetui.model import (
    Invoice,
    Status,
    format_day,
    format_decimal,
    invoice_from_json,
    invoice_to_cache_json,
    parse_day,
)
from invoicetui.sanitize import clean_json, clean_text

# Column order of the invoices table after `pos` (the saved order); SELECTs use this list.
SUMMARY_COLUMNS = (
    "id",
    "number",
    "status",
    "status_raw",
    "issued",
    "due",
    "period_start",
    "period_end",
    "currency",
    "subtotal",
    "tax",
    "credits",
    "total",
    "amount_due",
    "url",
    "customer",
)
TEXT_COLUMNS = ("id", "number", "status_raw", "currency", "url", "customer")


# Rows whose text holds anything but printable ASCII are re-sanitized on load (defence in
# depth: a hand-edited cache must not inject terminal escapes). Computed by SQLite in C so
# the common all-clean row costs nothing in Python.
def suspect_sql(prefix: str = "") -> str:
    """SQL true when a row's text columns hold anything but printable ASCII."""
    joined = " || ".join(f"coalesce({prefix}{c}, '')" for c in TEXT_COLUMNS)
    return f"({joined}) GLOB '*[^ -~]*'"


_STATUS = {s.value: s for s in Status}
# JSON written with ensure_ascii escapes every control character; any of these in a detail
# blob means the text needs cleaning (or was not written by us).
_SUSPECT_JSON = re.compile(r"[^\x20-\x7e]|\\u00[01]|\\u007[fF]|\\u00[89]|\\[brf]")

SummaryRow = tuple[Any, ...]


class CacheFormatError(ValueError):
    """A row or blob is not what this version writes: the file is treated as corrupt."""


def summary_values(inv: Invoice) -> tuple[str | None, ...]:
    """The SUMMARY_COLUMNS values of an invoice, as stored."""
    return (
        inv.id,
        inv.number,
        inv.status.value,
        inv.status_raw,
        format_day(inv.issued),
        format_day(inv.due),
        format_day(inv.period_start),
        format_day(inv.period_end),
        inv.currency,
        format_decimal(inv.subtotal),
        format_decimal(inv.tax),
        format_decimal(inv.credits),
        format_decimal(inv.total),
        format_decimal(inv.amount_due),
        inv.url,
        inv.customer,
    )


def fingerprint_values(values: Sequence[str | None]) -> str:
    """A short digest of summary values: when it changes, cached details are out of date."""
    text = "\x1f".join("\x00" if v is None else v for v in values)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


def fingerprint(inv: Invoice) -> str:
    """The fingerprint of an invoice's summary fields (what a list call reports)."""
    return fingerprint_values(summary_values(inv))


def summaries_from_rows(
    rows: Iterable[Sequence[Any]], account: str, provider: str
) -> list[Invoice]:
    """Build summary invoices (detailed=False) from SUMMARY_COLUMNS rows plus a suspect flag.

    The hot path of the list view: 100k rows must turn into Invoice objects well under half a
    second, so dates are memoized (they repeat heavily) and everything is inlined.
    """
    days: dict[str, date] = {}
    status_of = _STATUS
    dec = Decimal
    out: list[Invoice] = []
    append = out.append

    def day(text: str) -> date:
        value = days.get(text)
        if value is None:
            parsed = parse_day(text)
            assert parsed is not None
            value = days[text] = parsed
        return value

    try:
        for row in rows:
            (ident, number, status, status_raw, issued, due, p_start, p_end, currency,
             subtotal, tax, credits, total, amount_due, url, customer, suspect) = row  # fmt: skip
            if suspect:
                ident, number, status_raw, currency, url, customer = _clean_texts(
                    ident, number, status_raw, currency, url, customer
                )
            append(
                Invoice(
                    account,
                    provider,
                    ident,
                    number,
                    status_of[status],
                    status_raw,
                    None if issued is None else day(issued),
                    None if due is None else day(due),
                    None if p_start is None else day(p_start),
                    None if p_end is None else day(p_end),
                    currency,
                    None if subtotal is None else dec(subtotal),
                    None if tax is None else dec(tax),
                    None if credits is None else dec(credits),
                    None if total is None else dec(total),
                    None if amount_due is None else dec(amount_due),
                    url,
                    customer=customer,
                    detailed=False,
                )
            )
    except (KeyError, ValueError, TypeError, ArithmeticError, AssertionError) as exc:
        raise CacheFormatError(f"unreadable invoice row ({type(exc).__name__})") from exc
    return out


def _clean_texts(*values: Any) -> list[Any]:
    cleaned: list[Any] = []
    for value in values:
        if value is not None and not isinstance(value, str):
            raise TypeError("text column holds a non-text value")
        cleaned.append(None if value is None else clean_text(value, one_line=True))
    return cleaned


def encode_detail(inv: Invoice) -> bytes:
    """Compressed JSON of the whole invoice (invoice_to_cache_json); ASCII-only by design."""
    data = invoice_to_cache_json(inv)
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=True, default=str)
    return zlib.compress(text.encode("ascii"), 6)


def decode_detail(blob: bytes) -> Invoice:
    """Inverse of encode_detail; raises CacheFormatError for anything we did not write."""
    try:
        text = zlib.decompress(blob).decode("utf-8")
        data = json.loads(text)
        if not isinstance(data, dict):
            raise TypeError("detail is not an object")
        if _SUSPECT_JSON.search(text):
            cleaned = clean_json(data)
            assert isinstance(cleaned, dict)
            data = cleaned
        return invoice_from_json(data)
    except (zlib.error, ValueError, TypeError, KeyError, AttributeError, ArithmeticError,
            AssertionError) as exc:  # fmt: skip
        raise CacheFormatError(f"unreadable invoice details ({type(exc).__name__})") from exc


def check_text(value: Any, what: str) -> str:
    """A meta value that must be text."""
    if not isinstance(value, str):
        raise CacheFormatError(f"{what} is missing")
    return clean_text(value, one_line=True)
