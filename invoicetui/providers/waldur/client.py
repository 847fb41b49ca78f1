"""Waldur (waldur-mastermind) client: customer invoices or provider-role monthly statements.

Waldur pages with DRF's LinkHeaderPagination: a bare JSON array per page, `Link` rel="next"
and `X-Result-Count`. Once page 1 tells the total, the remaining pages are fetched
concurrently (the rate limiter keeps the pace), and reassembled in page order.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Callable
from datetime import UTC
from typing import Any, ClassVar, TypeVar
from urllib.parse import parse_qsl, quote, urlsplit

import httpx

from invoicetui.core.errors import AuthError, NotFound, ProviderError
from invoicetui.core.model import Invoice
from invoicetui.core.sanitize import clean_text
from invoicetui.providers.base import JsonResponse, ProviderClient
from invoicetui.providers.paging import PageGuard, record_key
from invoicetui.providers.waldur import normalize as wm
from invoicetui.providers.waldur.items import provider_items
from invoicetui.providers.waldur.statements import StatementBuilder

T = TypeVar("T")

INVOICES = "/api/invoices/"
PROVIDER_ITEMS = "/api/provider-invoice-items/"
LINK = re.compile(r'<([^>]*)>\s*;\s*rel="?([^",;]+)"?')
Params = list[tuple[str, str]]


class WaldurClient(ProviderClient):
    """One Waldur account, in the customer role (invoices) or the provider role (items)."""

    provider = "waldur"
    default_base_url: ClassVar[str | None] = None  # always self-hosted
    default_max_rps = 10.0
    page_size: ClassVar[int] = 300  # the server's max_page_size (core/pagination.py)
    page_concurrency: ClassVar[int] = 6
    # Beyond this many pages the total is not trusted for a concurrent fan-out.
    max_fanout_pages: ClassVar[int] = 5000
    max_pages: ClassVar[int] = 100_000

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.base_url.endswith("/api"):
            self.base_url = self.base_url[: -len("/api")]
        currency = clean_text(self.account.currency or "", one_line=True).strip().upper()
        self.currency: str | None = currency or None
        self.last_count: int | None = None  # X-Result-Count of the last collect()
        self.last_repeated = 0  # records the last collect() dropped as already sent

    # ------------------------------------------------------------------ hooks

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self._token}", "Accept": "application/json"}

    def error_message(self, data: Any, text: str) -> str | None:
        """DRF bodies: {"detail": ...}, {"field": ["msg"]}, {"non_field_errors": [...]}, [...]."""
        if isinstance(data, dict):
            detail = data.get("detail")
            if isinstance(detail, str) and detail.strip():
                return detail
            parts: list[str] = []
            for key, value in data.items():
                messages = "; ".join(_messages(value))
                if not messages:
                    continue
                if key in ("non_field_errors", "__all__", "detail"):
                    parts.append(messages)
                else:
                    parts.append(f"{key}: {messages}")
            return " / ".join(parts) or None
        if isinstance(data, list):
            return "; ".join(_messages(data)) or None
        return None

    def map_error(self, response: httpx.Response) -> ProviderError:
        error = super().map_error(response)
        if isinstance(error, AuthError) and "expired" in error.message.lower():
            error.hint = (
                "the Waldur token has expired; copy a new one from HomePort "
                f"(user menu → Manage → Current API token) into {self.account.token_source}"
            )
        elif isinstance(error, NotFound) and response.request.url.path.endswith(
            (INVOICES, PROVIDER_ITEMS)
        ):
            error.hint = "check base_url (the client adds /api/... itself)"
        return error

    # ------------------------------------------------------------------ API

    @property
    def role(self) -> str:
        return "provider" if self.account.role == "provider" else "customer"

    def _filters(self) -> Params:
        if self.account.customer_uuid:
            return [("customer_uuid", self.account.customer_uuid)]
        return []

    async def check(self) -> None:
        path = PROVIDER_ITEMS if self.role == "provider" else INVOICES
        response = await self.get_json(path, [*self._filters(), ("page_size", "1")])
        wm.page_records(response.data, path)

    async def list_invoices(self) -> list[Invoice]:
        if self.role == "provider":
            return await self.list_statements()
        name = self.account.name

        def convert(offset: int, records: list[Any]) -> list[Invoice]:
            invoices = wm.invoice_list(records, name, self.currency, offset, self.warn)
            self.page_arrived(invoices)
            return invoices

        return await self.collect(INVOICES, self._filters(), convert)

    async def list_statements(self) -> list[Invoice]:
        """Provider role: every provider invoice item, grouped by UTC month of its start."""
        builder = StatementBuilder(
            self.account.name, self.currency, self.warn, background=True
        )
        try:
            await provider_items(self, self._filters(), builder)
        except BaseException:
            builder.abandon()
            raise
        now = self.wallclock()
        now = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
        # Ordering a million items is CPU work: a thread keeps the event loop answering.
        return await asyncio.to_thread(builder.finish, now)

    async def fetch_invoice(self, summary: Invoice) -> Invoice:
        if summary.detailed:
            return summary
        response = await self.get_json(f"{INVOICES}{quote(summary.id, safe='')}/")
        return wm.invoice(response.data, self.account.name, self.currency, warn=self.warn)

    # ------------------------------------------------------------------ paging

    async def collect(
        self,
        path: str,
        params: Params,
        convert: Callable[[int, list[Any]], list[T]],
    ) -> list[T]:
        """Every page of a LinkHeaderPagination list, converted page by page, in order.

        Each record (by uuid) is converted once; links that loop or pages of repeats stop
        the list with an error (paging.PageGuard).
        """
        guard = PageGuard(
            self.provider, self.account.name, style="number", max_pages=self.max_pages
        )
        fresh = record_key("uuid")
        base = [*params, ("page_size", str(self.page_size))]
        records, next_params, count = await self._page(path, base, first=True)
        self.last_count = count
        guard.advance(_page_key(base))
        results: list[list[T]] = [convert(0, guard.fresh(records, fresh))]
        received = len(records)  # raw records so far: the offset of a followed page
        size = self.page_size
        if next_params is None and count is not None and 0 < len(records) < min(size, count):
            size = len(records)  # no Link to follow and a capped page size: page by count
        pages = math.ceil(count / size) if count is not None else None
        done = 1
        self.progress(done, pages)
        # The count alone is enough to page: a proxy may strip the Link header.
        if pages is not None and 1 < pages <= self.max_fanout_pages:

            async def fetch(page: int) -> list[T]:
                nonlocal done, next_params, received
                asked = [*base, ("page", str(page))]
                guard.advance(_page_key(asked))
                got, nxt, _ = await self._page(path, asked)
                received += len(got)
                done += 1
                self.progress(done, pages)
                if page == pages:
                    next_params = nxt  # more items than counted: keep following
                return convert((page - 1) * size, guard.fresh(got, fresh))

            pages_list = list(range(2, pages + 1))
            results.extend(await self.gather_limited(pages_list, fetch, self.page_concurrency))
        guard.style = "link"
        while next_params is not None:
            guard.advance(_page_key(next_params))
            offset = received
            records, next_params, _ = await self._page(path, next_params)
            received += len(records)
            done += 1
            self.progress(done, pages if pages and done <= pages else None)
            if not records:
                break
            results.append(convert(offset, guard.fresh(records, fresh)))
        self.last_repeated = guard.repeated
        return [item for page in results for item in page]

    async def _page(
        self, path: str, params: Params, *, first: bool = False
    ) -> tuple[list[Any], Params | None, int | None]:
        """One page: its records, the params of rel="next" (or None), and X-Result-Count."""
        try:
            response = await self.get_json(path, params)
        except NotFound as exc:
            if first:
                raise
            # DRF answers 404 {"detail": "Invalid page."} past the end (the list shrank).
            if exc.message and "invalid page" not in exc.message.lower():
                raise
            return [], None, None
        return wm.page_records(response.data, path), _next_params(response), _count(response)


def _messages(value: Any) -> list[str]:
    """The strings inside a DRF error value (a string, a list, or nested field maps)."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [m for v in value for m in _messages(v)]
    if isinstance(value, dict):
        return [f"{k}: {m}" for k, v in value.items() for m in _messages(v)]
    return []


def _page_key(params: Params) -> object:
    """Which page a query asks for: its `cursor`, else its `page` (none is page 1)."""
    values = dict(params)
    if "cursor" in values:
        return ("cursor", values["cursor"])
    return ("page", values.get("page", "1").strip() or "1")


def _count(response: JsonResponse) -> int | None:
    value = response.headers.get("X-Result-Count")
    if value is None:
        return None
    try:
        count = int(value.strip())
    except ValueError:
        return None
    return count if count >= 0 else None


def _next_params(response: JsonResponse) -> Params | None:
    """The query of the rel="next" link; requested on our own host, never on the link's."""
    header = response.headers.get("Link")
    if not header:
        return None
    for url, rel in LINK.findall(header):
        if rel.strip().lower() == "next":
            return parse_qsl(urlsplit(url.strip()).query, keep_blank_values=True)
    return None
