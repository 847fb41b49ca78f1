"""Waldur provider role: every provider invoice item, asked for month by month.

The endpoint orders only by -invoice__created, which all items of a month share, so OFFSET
pages can repeat or skip items at their boundaries (PROVIDERS.md, corrections #8). So each
month is asked for on its own (invoice_year + invoice_month) at the server's largest page
size, items are deduplicated by uuid, and what arrived is compared with X-Result-Count: a
mismatch is a warning on the account, not silence.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from invoicetui.core import parse
from invoicetui.providers.waldur import normalize as wm

if TYPE_CHECKING:
    from invoicetui.providers.base import JsonResponse
    from invoicetui.providers.waldur.client import Params, WaldurClient
    from invoicetui.providers.waldur.statements import StatementBuilder

PATH = "/api/provider-invoice-items/"
Month = tuple[int, int]
# More months than this between the newest and the oldest item is a corrupt date, not a
# history to ask for one month at a time.
MAX_MONTHS = 240


async def provider_items(
    client: WaldurClient, filters: Params, builder: StatementBuilder
) -> None:
    """Every item of the account, each once, into `builder` page by page (newest month first):
    raw records are dropped as soon as their page is added."""
    size = str(client.page_size)
    first = await client.get_json(PATH, [*filters, ("page_size", size)])
    records = wm.page_records(first.data, PATH)
    total = _count(first)
    if total is None or total <= len(records):
        fresh = _dedupe(records)
        builder.add(fresh)
        if total is not None and len(fresh) != total:
            client.warn(_mismatch("provider items", total, len(fresh), len(records)))
        return
    newest = _newest(records)
    oldest = await _oldest_month(client, first, filters, total)
    del first, records
    if newest is None or oldest is None or not 0 <= _span(newest, oldest) < MAX_MONTHS:
        # No readable months to ask for one by one: the whole list, deduplicated.
        received, distinct = await _collect_into(client, PATH, filters, builder, set(), 0)
        if distinct != total:
            client.warn(_mismatch("provider items", total, distinct, received))
        return
    await _by_month(client, filters, newest, oldest, total, builder)


async def _collect_into(
    client: WaldurClient,
    path: str,
    query: Params,
    builder: StatementBuilder,
    seen: set[str],
    base: int,
) -> tuple[int, int]:
    """One paged list into the builder (deduplicated by uuid against `seen`); each record's
    position is `base` + its offset in this list. (received, distinct) counts."""
    received = distinct = 0

    def add(offset: int, page: list[Any]) -> list[Any]:
        nonlocal received, distinct
        fresh = _dedupe(page, seen)
        received += len(page)
        distinct += len(fresh)
        builder.add(fresh, base + offset)
        return []  # nothing kept: the builder holds the model objects

    await client.collect(path, query, add)
    received += client.last_repeated  # repeats within the list, dropped by its page guard
    return received, distinct


async def _by_month(
    client: WaldurClient,
    filters: Params,
    newest: Month,
    oldest: Month,
    total: int,
    builder: StatementBuilder,
) -> None:
    months = list(_months(newest, oldest))
    pages_done = 0
    estimate = max(1, math.ceil(total / client.page_size)) + len(months) - 1
    outer = client.on_progress

    def progress(done: int, _pages: int | None) -> None:
        if outer is not None:
            outer(pages_done + done, max(estimate, pages_done + done))

    seen: set[str] = set()
    counted = 0
    base = 0
    client.on_progress = progress
    try:
        for year, month in months:
            query = [*filters, ("invoice_year", str(year)), ("invoice_month", str(month))]
            got, fresh = await _collect_into(client, PATH, query, builder, seen, base)
            base += got
            pages_done += max(1, math.ceil(got / client.page_size))
            count = client.last_count
            if count is not None:
                counted += count
                if count != fresh:
                    where = f"provider items of {year:04d}-{month:02d}"
                    client.warn(_mismatch(where, count, fresh, got))
    finally:
        client.on_progress = outer
    if counted != total:
        client.warn(
            f"the provider items of each month add up to {counted}, but the whole list "
            f"counts {total} (X-Result-Count)"
        )


def _mismatch(where: str, count: int, distinct: int, received: int) -> str:
    repeated = received - distinct
    also = f", {repeated} more repeated" if repeated > 0 else ""
    return (
        f"{where}: the server counted {count} (X-Result-Count) and sent {distinct} distinct"
        f"{also}; its paging has ties (ordered only by invoice date), so the list may be"
        " incomplete: refresh to fetch it again"
    )


def _dedupe(records: list[Any], seen: set[str] | None = None) -> list[Any]:
    """Records in order, each uuid once (records without one are all kept)."""
    seen = set() if seen is None else seen
    out: list[Any] = []
    for record in records:
        uuid = parse.ident(record.get("uuid")) if isinstance(record, dict) else None
        if uuid is not None:
            if uuid in seen:
                continue
            seen.add(uuid)
        out.append(record)
    return out


def _item_month(record: object) -> Month | None:
    if not isinstance(record, dict):
        return None
    stamp = parse.timestamp(record.get("start")) or parse.timestamp(record.get("end"))
    return (stamp.year, stamp.month) if stamp else None


def _newest(records: list[Any]) -> Month | None:
    months = [m for m in map(_item_month, records) if m is not None]
    return max(months) if months else None


async def _oldest_month(
    client: WaldurClient, first: JsonResponse, filters: Params, total: int
) -> Month | None:
    """The oldest month on the list's last page (rel="last", else page ceil(count/size))."""
    params = _link_params(first, "last")
    if params is None:
        pages = math.ceil(total / client.page_size)
        params = [*filters, ("page_size", str(client.page_size)), ("page", str(pages))]
    last = await client.get_json(PATH, params)
    months = [m for m in map(_item_month, wm.page_records(last.data, PATH)) if m is not None]
    return min(months) if months else None


def _span(newest: Month, oldest: Month) -> int:
    return (newest[0] - oldest[0]) * 12 + newest[1] - oldest[1]


def _months(newest: Month, oldest: Month) -> list[Month]:
    out: list[Month] = []
    year, month = newest
    while (year, month) >= oldest:
        out.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


def _count(response: JsonResponse) -> int | None:
    value = response.headers.get("X-Result-Count")
    try:
        count = int(value.strip()) if value is not None else None
    except ValueError:
        return None
    return count if count is not None and count >= 0 else None


def _link_params(response: JsonResponse, rel: str) -> Params | None:
    from invoicetui.providers.waldur.client import LINK

    for url, name in LINK.findall(response.headers.get("Link") or ""):
        if name.strip().lower() == rel:
            return parse_qsl(urlsplit(url.strip()).query, keep_blank_values=True)
    return None
