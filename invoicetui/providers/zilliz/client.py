"""Zilliz Cloud control plane v2: paged invoice list (pages fetched concurrently) and describe.

Errors come as HTTP 4xx with {code, message} or as HTTP 200 with a nonzero `code`;
check_body() turns the latter into the same typed errors.
"""

from __future__ import annotations

import json
import math
from typing import Any
from urllib.parse import quote

import httpx

from invoicetui.config.accounts import AccountConfig
from invoicetui.core.errors import ProviderError, ResponseFormatError
from invoicetui.core.model import Invoice
from invoicetui.core.parse import text_field as text
from invoicetui.providers.base import JsonResponse, ProviderClient
from invoicetui.providers.paging import PageGuard, invoice_id
from invoicetui.providers.zilliz.normalize import (
    billing_refused,
    body_code,
    error_for_code,
    is_error_code,
    list_data,
    normalize_detail,
    normalize_page,
)

_MAX_PAGES = 10_000  # beyond this a count is corrupt


class ZillizClient(ProviderClient):
    """One Zilliz Cloud organization, authenticated with a Bearer API key."""

    provider = "zilliz"
    default_base_url = "https://api.cloud.zilliz.com"
    default_max_rps = 10.0  # documented: 20 req/s per user per endpoint
    page_size: int = 100  # documented maximum
    page_concurrency: int = 4

    def __init__(
        self,
        account: AccountConfig,
        token: str,
        *,
        page_size: int | None = None,
        page_concurrency: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(account, token, **kwargs)
        if self.base_url.endswith("/v2"):  # Zilliz's own clients configure ".../v2"
            self.base_url = self.base_url[: -len("/v2")]
        if page_size is not None:
            self.page_size = max(1, min(100, page_size))
        if page_concurrency is not None:
            self.page_concurrency = max(1, page_concurrency)

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}

    def error_message(self, data: Any, text_body: str) -> str | None:
        message = text(data, "message")
        code = body_code(data)
        if message and code is not None:
            return f"{message} (code {code})"
        return message or (f"code {code}" if code is not None else None)

    def check_body(self, response: JsonResponse) -> None:
        """A 2xx body whose `code` is neither 0 nor 200 is an error (as the Go client reads it)."""
        code = body_code(response.data)
        if code is not None and is_error_code(code):
            raise error_for_code(
                code,
                text(response.data, "message"),
                account=self.account.name,
                status_code=response.status_code,
                request_id=self.request_id(response.headers),
                auth_hint=self.auth_hint(),
            )

    def map_error(self, response: httpx.Response) -> ProviderError:
        """HTTP 4xx/5xx; a known `code` in the body decides the type (e.g. 80001 → AuthError)."""
        error = super().map_error(response)
        if response.status_code == 403:
            detail = error.message.partition(": ")[2] or "HTTP 403"
            return billing_refused(
                detail,
                provider=error.provider,
                account=error.account,
                status_code=403,
                request_id=error.request_id,
            )
        if response.status_code == 401 or response.status_code >= 500:
            return error
        try:
            data = json.loads(response.content) if response.content else None
        except (ValueError, UnicodeDecodeError):
            return error
        code = body_code(data)
        if code is None or not is_error_code(code) or response.status_code == 429:
            return error
        return error_for_code(
            code,
            text(data, "message"),
            account=self.account.name,
            status_code=response.status_code,
            request_id=error.request_id,
            auth_hint=self.auth_hint(),
        )

    # ------------------------------------------------------------------ calls

    async def check(self) -> None:
        await self.get_json("/v2/invoices", params={"pageSize": 1, "currentPage": 1})

    async def _page(self, number: int) -> tuple[list[Invoice], int | None, int | None, int]:
        """(invoices, count, pageSize echoed, records received: skipped ones count too)."""
        response = await self.get_json(
            "/v2/invoices", params={"pageSize": self.page_size, "currentPage": number}
        )
        invoices, count, echoed = normalize_page(response.data, self.account.name, self.warn)
        raw = list_data(response.data, self.account.name).get("invoices")
        return invoices, count, echoed, len(raw) if isinstance(raw, list) else 0

    async def list_invoices(self) -> list[Invoice]:
        guard = PageGuard(self.provider, self.account.name, style="number", max_pages=_MAX_PAGES)
        first, count, echoed, raw_first = await self._page(1)
        size = echoed or self.page_size
        if count is not None and raw_first and raw_first < min(size, count):
            # A short first page of a longer list: the server caps pageSize without saying.
            size = raw_first
        first = guard.fresh(first, invoice_id)
        pages: list[list[Invoice]] = [first]
        self.page_arrived(first)
        if count is not None:
            total = max(1, math.ceil(count / size))
            if total > _MAX_PAGES:
                raise ResponseFormatError(
                    f"the invoice list claims {count} invoices",
                    provider=self.provider,
                    account=self.account.name,
                )
            self.progress(1, total)
            if first and total > 1:
                pages.extend(await self._rest_concurrently(total, guard))
        else:
            # No count: walk pages until one comes back empty or short.
            self.progress(1, None)
            number, last = 1, raw_first
            while last >= size:
                number += 1
                page, _, _, last = await self._page(number)
                pages.append(guard.fresh(page, invoice_id))
                self.progress(number, None)
                self.page_arrived(pages[-1])
        out: list[Invoice] = []
        for page in pages:
            if not page:
                break  # an empty page ends the list, whatever count said
            out.extend(page)
        return out

    async def _rest_concurrently(self, total: int, guard: PageGuard) -> list[list[Invoice]]:
        """Pages 2..total, a window of page_concurrency at a time.

        A count may be larger than what the server delivers: the first empty page ends the
        list, so no window is started after one (a lying count costs one window, not
        thousands of requests); a page of only repeats ends it with an error.
        """
        done = 1

        async def fetch(number: int) -> list[Invoice]:
            nonlocal done
            page, _, _, _ = await self._page(number)
            page = guard.fresh(page, invoice_id)
            done += 1
            self.progress(done, total)
            self.page_arrived(page)
            return page

        pages: list[list[Invoice]] = []
        window = max(1, self.page_concurrency)
        for start in range(2, total + 1, window):
            numbers = range(start, min(total, start + window - 1) + 1)
            got = await self.gather_limited(numbers, fetch, window)
            pages.extend(got)
            if any(not page for page in got):
                break
        return pages

    async def describe(self, invoice_id: str) -> Invoice:
        """GET /v2/invoices/{id}: one invoice."""
        response = await self.get_json(f"/v2/invoices/{quote(invoice_id, safe='')}")
        return normalize_detail(response.data, self.account.name)

    async def fetch_invoice(self, summary: Invoice) -> Invoice:
        # The list already carries every field the API has.
        return summary
