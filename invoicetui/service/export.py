"""`invoicetui export`: load accounts concurrently, select by month, render JSON or CSV."""

from __future__ import annotations

import asyncio
import csv
import inspect
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from invoicetui.config.accounts import AccountConfig
from invoicetui.config.options import FetchMode
from invoicetui.core.errors import InvoiceTuiError
from invoicetui.core.model import (
    PROVIDER_LABELS,
    AccountSnapshot,
    Invoice,
    format_day,
    invoice_to_json,
    line_item_to_json,
)
from invoicetui.core.parse import EXACT
from invoicetui.service.stream import ITEMS_PER_PART, json_parts

# One row per invoice: every scalar field of the export object, in its order.
INVOICE_COLUMNS = (
    "account",
    "provider",
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
    "problems",
)
# One row per line item (--items): which invoice it belongs to, then the item's own fields.
ITEM_INVOICE_COLUMNS = ("account", "provider", "id", "number", "currency")
ITEM_FIELDS = (
    "description",
    "kind",
    "project",
    "quantity",
    "unit",
    "unit_price",
    "amount",
    "tax",
    "start",
    "end",
)
ITEM_COLUMNS = ITEM_INVOICE_COLUMNS + ITEM_FIELDS

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(text: str) -> str:
    """Validate a YYYY-MM month (raises ValueError with a usable message)."""
    if not _MONTH.match(text.strip()):
        raise ValueError(f"{text!r} is not a month; use YYYY-MM, e.g. 2026-03")
    return text.strip()


def select_months(
    invoices: Iterable[Invoice], since: str | None = None, until: str | None = None
) -> list[Invoice]:
    """Invoices whose month (period_start, else issued) lies in [since, until]."""
    if since is None and until is None:
        return list(invoices)
    out: list[Invoice] = []
    for inv in invoices:
        month = inv.month
        if month is None:
            continue  # undated: cannot be placed in a month range
        if since is not None and month < since:
            continue
        if until is not None and month > until:
            continue
        out.append(inv)
    return out


# ---------------------------------------------------------------------- rendering


def render_json(invoices: Sequence[Invoice]) -> str:
    """One JSON array of export objects (CONTRACT.md), line items included."""
    return "".join(json_parts(invoices, invoice_to_json))


# Money and quantities: always plain numbers, negative ones included, never neutralised.
NUMERIC_COLUMNS = frozenset(
    {"subtotal", "tax", "credits", "total", "amount_due", "quantity", "unit_price", "amount"}
)
# What makes a spreadsheet read a cell as a formula (CONTRACT.md, "Untrusted input").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# CSV money: at least 2 decimals, never fewer, and every significant digit kept (51.10;
# Waldur's 12.0120000000 is 12.012; 0.000123 stays). Quantities are written as given.
MONEY_COLUMNS = NUMERIC_COLUMNS - {"quantity"}


def money_cell(value: str | None) -> str:
    """A money value for CSV: '51.1' -> '51.10', '12.0120000000' -> '12.012', exact."""
    if value is None:
        return ""
    amount = Decimal(value)
    if not amount.is_finite():
        return value
    exponent = amount.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    text = format(amount.quantize(Decimal(1).scaleb(-places), context=EXACT), "f")
    return text[1:] if text.startswith("-") and Decimal(text).is_zero() else text


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def text_cell(value: object) -> str:
    """A text cell, with a leading ' where a spreadsheet would take it for a formula."""
    text = _cell(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _row(data: dict[str, Any], columns: Sequence[str]) -> list[str]:
    return [
        money_cell(data[c])
        if c in MONEY_COLUMNS
        else _cell(data[c])
        if c in NUMERIC_COLUMNS
        else text_cell(data[c])
        for c in columns
    ]


def csv_parts(invoices: Sequence[Invoice], *, items: bool = False) -> Iterator[str]:
    """A header row, then one row per invoice (or per line item with items=True), in pieces
    of at most ITEMS_PER_PART rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    if not items:
        writer.writerow(INVOICE_COLUMNS)
        for index, inv in enumerate(invoices, 1):
            data = invoice_to_json(replace(inv, line_items=()))
            data["problems"] = "; ".join(inv.problems)
            writer.writerow(_row(data, INVOICE_COLUMNS))
            if index % ITEMS_PER_PART == 0:
                yield flush()
        yield flush()
        return
    writer.writerow(ITEM_COLUMNS)
    rows = 0
    for inv in invoices:
        head = _row(invoice_to_json(replace(inv, line_items=())), ITEM_INVOICE_COLUMNS)
        for item in inv.line_items:
            writer.writerow(head + _row(line_item_to_json(item), ITEM_FIELDS))
            rows += 1
            if rows % ITEMS_PER_PART == 0:
                yield flush()
    yield flush()


def render_csv(invoices: Sequence[Invoice], *, items: bool = False) -> str:
    """A header row, then one row per invoice (or per line item with items=True)."""
    return "".join(csv_parts(invoices, items=items))


def render_parts(invoices: Sequence[Invoice], fmt: str, *, items: bool = False) -> Iterator[str]:
    """The export text in pieces (write them as they come: nothing is built whole)."""
    if fmt == "csv":
        return csv_parts(invoices, items=items)
    if fmt in ("ledger", "beancount"):
        from invoicetui.service.journal import render_journal

        return iter([render_journal(invoices, "ledger" if fmt == "ledger" else "beancount")])
    return json_parts(invoices, invoice_to_json)


def render(invoices: Sequence[Invoice], fmt: str, *, items: bool = False) -> str:
    return "".join(render_parts(invoices, fmt, items=items))


def write_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Write via a temp file in the same directory and rename: readers never see half a file.

    `text` may come in pieces (render_parts): each is written as it is made."""
    parts = [text] if isinstance(text, str) else text
    path = path.expanduser()
    if path.exists() and not path.is_file():
        # /dev/null, a FIFO, a terminal: write into it; a rename would replace the device
        # itself with a plain file (as root, `-o /dev/null` broke /dev/null for the machine).
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.writelines(parts)
        return
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.writelines(parts)
            handle.flush()
            os.fsync(handle.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------- loading


@dataclass
class Outcome:
    """What loading one account produced: data, a failure line, or both (stale cache)."""

    account: AccountConfig
    snapshot: AccountSnapshot | None = None
    error: str | None = None  # one line for stderr, naming the account

    @property
    def invoices(self) -> tuple[Invoice, ...]:
        return self.snapshot.invoices if self.snapshot is not None else ()

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def warnings(self) -> tuple[str, ...]:
        """Lines for stderr that are not failures (a skipped record, a count mismatch)."""
        return self.snapshot.warnings if self.snapshot is not None else ()


def account_prefix(account: AccountConfig) -> str:
    label = PROVIDER_LABELS.get(account.provider, account.provider)
    return f"{label} account '{account.name}'"


def describe_age(when: datetime | None, now: datetime | None = None) -> str:
    """'3h ago', '2d ago', 'just now'; 'never' for None."""
    if when is None:
        return "never"
    now = now or datetime.now(UTC)
    seconds = max(0.0, (now - when).total_seconds())
    if seconds < 60:
        return "just now"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit} ago"
    return "just now"


def _stale_warning(account: AccountConfig, snapshot: AccountSnapshot) -> str:
    error = " ".join((snapshot.error or "refresh failed").split())
    if f"'{account.name}'" not in error:
        error = f"{account_prefix(account)}: {error}"
    stamp = format_day(snapshot.fetched_at) if snapshot.fetched_at else "an unknown time"
    return f"{error}; showing cached data from {stamp} ({describe_age(snapshot.fetched_at)})"


async def _call(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Await an async service function, or run a sync one in a worker thread."""
    if inspect.iscoroutinefunction(func):
        return await func(*args, **kwargs)
    result = await asyncio.to_thread(func, *args, **kwargs)
    if inspect.isawaitable(result):
        return await result
    return result


async def load_one(
    account: AccountConfig, cache: Any, mode: FetchMode, *, with_details: bool = True
) -> Outcome:
    from invoicetui.service import loading as service

    try:
        snapshot: AccountSnapshot = await _call(
            service.load_account, account, cache, mode, with_details=with_details
        )
    except InvoiceTuiError as exc:
        message = " ".join(str(exc).split())  # always one line
        if f"'{account.name}'" not in message:
            message = f"{account_prefix(account)}: {message}"
        return Outcome(account, None, message)
    except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError) as exc:
        # A payload that trips a bug in a client must not cost the other accounts' output:
        # this account fails, named, with the cause on its line.
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        return Outcome(account, None, f"{account_prefix(account)}: internal error ({detail})")
    if snapshot.error is None:
        return Outcome(account, snapshot, None)
    if snapshot.stale:  # the refresh failed; what is printed comes from the cache
        return Outcome(account, snapshot, _stale_warning(account, snapshot))
    # Fetched, but partly (e.g. some invoices' details failed): print it, still a failure.
    message = " ".join(snapshot.error.split())
    if f"'{account.name}'" not in message:
        message = f"{account_prefix(account)}: {message}"
    return Outcome(account, snapshot, message)


async def load_all(
    accounts: Sequence[AccountConfig], cache: Any, mode: FetchMode, *, with_details: bool = True
) -> list[Outcome]:
    """Every account at once; the result keeps the configured order."""
    return list(
        await asyncio.gather(
            *(load_one(a, cache, mode, with_details=with_details) for a in accounts)
        )
    )


def collect(outcomes: Sequence[Outcome], since: str | None, until: str | None) -> list[Invoice]:
    """Account order as configured, then the provider's order; filtered by month."""
    out: list[Invoice] = []
    for outcome in outcomes:
        out.extend(select_months(outcome.invoices, since, until))
    return out


__all__ = [
    "INVOICE_COLUMNS",
    "ITEM_COLUMNS",
    "Outcome",
    "collect",
    "describe_age",
    "load_all",
    "parse_month",
    "render",
    "render_csv",
    "render_json",
    "render_parts",
    "select_months",
    "write_atomic",
]
