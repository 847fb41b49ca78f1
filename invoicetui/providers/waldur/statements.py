"""Waldur provider role: items grouped into one statement per UTC month, page by page.

A million provider items held as raw dicts until the last page took 4 GB; here each page
becomes model objects (equal values shared) as it arrives, optionally in a worker thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from invoicetui.core import parse
from invoicetui.core.model import Credit, Invoice, LineItem, Status
from invoicetui.providers.waldur.normalize import PROVIDER, Warn, month_period
from invoicetui.providers.waldur.wire import ItemWire, Memo, read_items, shared
from invoicetui.providers.wire import Bad

T = TypeVar("T")


@dataclass
class _Month:
    """What one month's statement needs, gathered item by item."""

    # Items and their positions in parallel lists, not (order, item) pairs: a million pairs
    # were a million more objects for Python's garbage collector to walk while they stream in.
    line_items: list[LineItem] = field(default_factory=list)
    item_order: list[int] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)
    credit_order: list[int] = field(default_factory=list)
    credit_total: Decimal = Decimal(0)
    sums: dict[str, Decimal | None] = field(
        default_factory=lambda: dict.fromkeys(("price", "tax", "total"))
    )
    projects: set[str] = field(default_factory=set)
    offerings: dict[str, None] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def add(self, order: int, item: ItemWire, currency: str | None, memo: Memo) -> None:
        self.line_items.append(item.line_item(currency, self.problems, memo))
        self.item_order.append(order)
        sums = self.sums
        for name, value in (("price", item.price), ("tax", item.tax), ("total", item.total)):
            if value is not None and not isinstance(value, Bad):
                known = sums[name]
                sums[name] = value if known is None else parse.exact_sum((known, value))
        if item.is_credit:
            self.credits.append(item.credit_of())
            self.credit_order.append(order)
            self.credit_total = parse.exact_sum((self.credit_total, item.credit_amount()))
        project = item.project()
        if project is not None:
            self.projects.add(project)
        offering = item.details.offering_name
        if offering:
            self.offerings.setdefault(shared(memo, offering), None)


def _in_order(values: list[T], order: list[int]) -> tuple[T, ...]:
    """values by their positions in `order` (pages may have arrived in any order)."""
    ranks = sorted(range(len(values)), key=order.__getitem__)
    return tuple(values[i] for i in ranks)


class StatementBuilder:
    """Monthly statements built as pages of provider items arrive: each page's raw records
    become model objects at once and can be dropped (a million raw items held until the end
    took 4 GB; their line items, sharing equal values, take a few hundred MB)."""

    def __init__(
        self,
        account: str,
        currency: str | None,
        warn: Warn | None = None,
        *,
        background: bool = False,
    ) -> None:
        self.account = account
        self.currency = currency
        self.warn = warn
        self._months: dict[tuple[int, int] | None, _Month] = {}
        self._memo: Memo = {}
        # background: pages are turned into model objects by one worker thread, in order,
        # so the event loop (and the UI's keys) never waits on a page's CPU work.
        self._worker = ThreadPoolExecutor(1, "waldur-statements") if background else None
        self._pending: list[Future[None]] = []

    def add(self, records: Sequence[object], order: int = 0) -> None:
        """A run of raw items (a page), the first at position `order` of the whole list:
        pages may arrive in any order, the statements list items by position."""
        if self._worker is not None:
            self._pending.append(self._worker.submit(self._add, list(records), order))
        else:
            self._add(records, order)

    def abandon(self) -> None:
        """The fetch failed or was cancelled: drop the pages not yet turned into objects."""
        if self._worker is not None:
            self._worker.shutdown(wait=False, cancel_futures=True)

    def _add(self, records: Sequence[object], order: int) -> None:
        where = "/api/provider-invoice-items/"
        positions: list[int] = []
        kept: list[dict[str, Any]] = []
        for index, record in enumerate(records):
            if isinstance(record, dict):
                positions.append(order + index)
                kept.append(record)
            elif self.warn is not None:
                self.warn(
                    f"{where}: skipped invoice item {order + index}: not an object"
                    f" ({parse.shown(record)})"
                )
        for position, item in zip(positions, read_items(kept), strict=True):
            key = item.month()
            month = self._months.get(key)
            if month is None:
                month = self._months[key] = _Month()
            month.add(position, item, self.currency, self._memo)

    def finish(self, now: datetime) -> list[Invoice]:
        """The statements, newest month first, the undated one last (after every page)."""
        if self._worker is not None:
            self._worker.shutdown(wait=True)
            for done in self._pending:
                done.result()  # a page's error is raised here
            self._pending.clear()
        current = (now.year, now.month)
        dated = sorted((key for key in self._months if key is not None), reverse=True)
        keys = [*dated, *([None] if None in self._months else [])]
        return [self._statement(key, self._months[key], current) for key in keys]

    def _statement(
        self, key: tuple[int, int] | None, month: _Month, current: tuple[int, int]
    ) -> Invoice:
        if key is None:
            ident, status, period = "undated", Status.UNKNOWN, None
        else:
            ident = f"{key[0]:04d}-{key[1]:02d}"
            status = Status.DRAFT if key >= current else Status.ISSUED
            period = month_period(key[0], key[1])
        count = len(month.line_items)
        extra = [("items", str(count)), ("projects", str(len(month.projects)))]
        if month.offerings:
            extra.append(("offerings", ", ".join(month.offerings)))
        return Invoice(
            account=self.account,
            provider=PROVIDER,
            id=ident,
            number=None,
            status=status,
            status_raw=None,
            period_start=period[0] if period else None,
            period_end=period[1] if period else None,
            currency=self.currency,
            subtotal=parse.two_places(month.sums["price"]),
            tax=parse.two_places(month.sums["tax"]),
            credits=parse.two_places(month.credit_total),
            total=parse.two_places(month.sums["total"]),
            amount_due=None,
            line_items=_in_order(month.line_items, month.item_order),
            credits_detail=_in_order(month.credits, month.credit_order),
            extra=tuple(extra),
            raw={"source": "/api/provider-invoice-items/", "month": ident, "items": count},
            detailed=True,
            problems=parse.capped(month.problems),
        )
