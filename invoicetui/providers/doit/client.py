"""DoiT Console API client: pageToken listing, per-invoice details, both error formats.

DoiT sends 429 without Retry-After; like DoiT's own Terraform client we back off from 2 s,
doubling, capped at 60 s. A tenant (customer_context) goes both in the X-Tenant-Id header and
the legacy customerContext query parameter.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from invoicetui.core.errors import BadRequest, ProviderError
from invoicetui.core.model import Invoice
from invoicetui.providers.base import ProviderClient
from invoicetui.providers.doit import normalize as dm
from invoicetui.providers.limits import RetryPolicy
from invoicetui.providers.paging import PageGuard, invoice_id

INVOICES = "/billing/v1/invoices"
_LEGACY_EXPIRED = re.compile(r"(page|pagination)[ _-]?token.*expired", re.IGNORECASE)
_TENANT_HINTS = {
    "tenant_id_required": "this key reaches several customers: set customer_context in the config",
    "tenant_id_mismatch": "customer_context is not a customer this key may access",
}


class PageTokenExpired(BadRequest):
    """400 pagination_token_expired: the listing must start again from page 1."""


class DoitClient(ProviderClient):
    """One DoiT account (API key, optional customer context)."""

    # problem+json `detail`, then legacy `error`, then `message`, then the raw text.
    error_keys = ("detail", "error", "message", "title")
    raw_error_text = True

    provider = "doit"
    default_base_url: ClassVar[str | None] = "https://api.doit.com"
    default_max_rps = 20.0
    page_size: ClassVar[int] = 50
    max_restarts: ClassVar[int] = 2
    max_pages: ClassVar[int] = 10_000

    def __init__(self, *args: Any, retry: RetryPolicy | None = None, **kwargs: Any) -> None:
        super().__init__(
            *args, retry=retry or RetryPolicy(base_delay=2.0, max_delay=60.0), **kwargs
        )

    # ------------------------------------------------------------------ hooks

    def auth_headers(self) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        if self.account.customer_context:
            headers["X-Tenant-Id"] = self.account.customer_context
        return headers

    def _params(self, *pairs: tuple[str, str]) -> list[tuple[str, str]]:
        params = list(pairs)
        if self.account.customer_context:
            params.append(("customerContext", self.account.customer_context))
        return params

    def map_error(self, response: httpx.Response) -> ProviderError:
        error = super().map_error(response)
        if response.status_code != 400:
            return error
        try:
            data = response.json()
        except ValueError:
            data = None
        code = dm.problem_code(data)
        sent_token = "pageToken" in response.request.url.params
        legacy = isinstance(data, dict) and isinstance(data.get("error"), str)
        expired = code == "pagination_token_expired" or (
            sent_token and legacy and bool(_LEGACY_EXPIRED.search(str(data.get("error"))))
        )
        if expired:
            return PageTokenExpired(
                error.message,
                provider=error.provider,
                account=error.account,
                status_code=error.status_code,
                request_id=error.request_id,
            )
        if code in _TENANT_HINTS:
            error.hint = _TENANT_HINTS[code]
        return error

    # ------------------------------------------------------------------ API

    async def check(self) -> None:
        response = await self.get_json(INVOICES, self._params(("maxResults", "1")))
        dm.invoice_page(response.data, self.account.name)

    async def list_invoices(self) -> list[Invoice]:
        """Every invoice summary; restarts from page 1 when a pageToken expires (bounded)."""
        emitted: set[str] = set()
        restarts = 0
        while True:
            try:
                return await self._list_once(emitted)
            except PageTokenExpired:
                if restarts >= self.max_restarts:
                    raise
                restarts += 1

    async def _list_once(self, emitted: set[str]) -> list[Invoice]:
        invoices: list[Invoice] = []
        token: str | None = None
        guard = PageGuard(
            self.provider, self.account.name, style="token", max_pages=self.max_pages
        )
        while True:
            pairs = [("maxResults", str(self.page_size))]
            if token:
                pairs.append(("pageToken", token))
            response = await self.get_json(INVOICES, self._params(*pairs))
            page, token = dm.invoice_page(
                response.data, self.account.name, len(invoices), self.warn
            )
            if token is not None:
                guard.advance(token)  # a token already followed: the list loops
            page = guard.fresh(page, invoice_id)
            invoices.extend(page)
            self.progress(guard.pages, None)
            # After a restart the first pages come again: only what was not shown yet streams.
            fresh = [inv for inv in page if inv.id not in emitted]
            emitted.update(inv.id for inv in fresh)
            self.page_arrived(fresh)
            if token is None:
                return invoices

    async def fetch_invoice(self, summary: Invoice) -> Invoice:
        if summary.detailed:
            return summary
        path = f"{INVOICES}/{quote(summary.id, safe='')}"
        response = await self.get_json(path, self._params())
        return dm.invoice(response.data, self.account.name)
