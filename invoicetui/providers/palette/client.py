"""Spectro Cloud Palette: tenant discovery, the undocumented list probe, invoice_uids fallback.

The public spec has only the detail endpoint; the list path is probed and, where it answers
404/405, the invoices the user named in `invoice_uids` are fetched one by one instead.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar
from urllib.parse import quote

from invoicetui.config.accounts import AccountConfig
from invoicetui.core.errors import NotFound, ProviderError, ResponseFormatError
from invoicetui.core.model import Invoice
from invoicetui.core.parse import text_field as text
from invoicetui.providers.base import ProviderClient
from invoicetui.providers.paging import PageGuard, invoice_id
from invoicetui.providers.palette.normalize import normalize_invoice, normalize_list
from invoicetui.providers.streaming import ByteSink, StreamedResponse

# The three PDF reports per invoice (PROVIDERS §1.4): document kind -> path below the invoice.
REPORTS = {
    "invoice": "report/invoice/pdf",  # the invoice itself
    "report": "report/pdf",  # the monthly invoice report
    "usage": "report/usage/pdf",  # the tenant usage report
}
_MAX_PAGES = 10_000  # a server that never ends its continue chain must not loop forever


class PaletteClient(ProviderClient):
    """One Palette tenant, authenticated with an API key (header `ApiKey`, no prefix)."""

    provider = "palette"
    default_base_url = "https://api.spectrocloud.com"
    default_max_rps = 8.0  # documented: 10 req/s per source IP, burst 5
    page_limit: int = 50  # documented default and maximum of `limit`
    list_fallback_statuses: ClassVar[frozenset[int]] = frozenset({404, 405})
    document_kinds: ClassVar[tuple[str, ...]] = tuple(REPORTS)

    def __init__(
        self, account: AccountConfig, token: str, *, page_limit: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(account, token, **kwargs)
        if self.base_url.endswith("/v1"):  # the paths below carry /v1 themselves
            self.base_url = self.base_url[: -len("/v1")]
        if page_limit is not None:
            self.page_limit = max(1, min(50, page_limit))
        self._tenant: str | None = account.tenant_uid or None
        # True once the list probe failed and the configured invoice_uids were used instead.
        self.used_fallback = False

    def auth_headers(self) -> dict[str, str]:
        return {"ApiKey": self._token}

    def error_message(self, data: Any, text_body: str) -> str | None:
        """v1Error: {code, message, details, ref}; show the message with its code."""
        if isinstance(data, dict):
            message = data.get("message")
            code = data.get("code")
            message = message.strip() if isinstance(message, str) else ""
            code = code.strip() if isinstance(code, str) else ""
            if message and code:
                return f"{message} ({code})"
            return message or code or None
        return None

    def auth_hint(self) -> str:
        return f"{super().auth_hint()} (an API key from Palette: Profile > My API Keys)"

    # ------------------------------------------------------------------ calls

    async def tenant(self) -> str:
        """The tenant uid: from the account, else GET /v1/users/info (once)."""
        if self._tenant:
            return self._tenant
        info = await self.get_json("/v1/users/info")
        uid = text(info.data, "tenantUid")
        if uid is None:
            raise ResponseFormatError(
                "/v1/users/info did not return a tenantUid",
                provider=self.provider,
                account=self.account.name,
                hint="set tenant_uid for this account in the config",
            )
        self._tenant = uid
        return uid

    async def check(self) -> None:
        await self.get_json("/v1/users/info")

    def _invoices_path(self, tenant: str, uid: str | None = None) -> str:
        base = f"/v1/tenants/{quote(tenant, safe='')}/invoices"
        return f"{base}/{quote(uid, safe='')}" if uid is not None else base

    async def list_invoices(self) -> list[Invoice]:
        tenant = await self.tenant()
        try:
            return await self._list_paged(tenant)
        except ProviderError as exc:
            if exc.status_code not in self.list_fallback_statuses:
                raise
            return await self._list_configured(tenant, exc)

    async def _list_paged(self, tenant: str) -> list[Invoice]:
        path = self._invoices_path(tenant)
        out: list[Invoice] = []
        guard = PageGuard(self.provider, self.account.name, style="token", max_pages=_MAX_PAGES)
        token = ""
        while True:
            params: dict[str, Any] = {"limit": self.page_limit}
            if token:
                params["continue"] = token
            response = await self.get_json(path, params=params)
            invoices, token, count = normalize_list(response.data, self.account.name)
            if token and invoices:
                guard.advance(token)  # a token already followed: the list loops
            fresh = guard.fresh(invoices, invoice_id)
            out.extend(fresh)
            page = guard.pages
            total = math.ceil(count / self.page_limit) if count is not None else None
            self.progress(page, max(total, page) if total is not None else None)
            self.page_arrived(fresh)
            if not token or not invoices:
                return out

    async def _list_configured(self, tenant: str, cause: ProviderError) -> list[Invoice]:
        uids = list(dict.fromkeys(u for u in self.account.invoice_uids if u))
        if not uids:
            raise NotFound(
                f"this Palette has no invoice list endpoint ({cause.status_code})",
                provider=self.provider,
                account=self.account.name,
                hint="add invoice_uids = [...] to this account in the config"
                " (the uids are on the Billing page of the Palette console)",
            ) from cause
        self.used_fallback = True
        done = 0
        self.progress(0, len(uids))

        async def one(uid: str) -> Invoice:
            nonlocal done
            try:
                invoice = await self._detail(tenant, uid)
            except NotFound:
                # One stale uid must not hide the others: keep it as a bare summary, whose
                # detail fetch then fails again and is reported as this account's error.
                invoice = Invoice(self.account.name, self.provider, uid, detailed=False)
            done += 1
            self.progress(done, len(uids))
            self.page_arrived([invoice])
            return invoice

        return await self.gather_limited(uids, one)

    async def _detail(self, tenant: str, uid: str) -> Invoice:
        response = await self.get_json(self._invoices_path(tenant, uid))
        return normalize_invoice(response.data, self.account.name, detailed=True, asked=uid)

    async def download_document(
        self, invoice: Invoice, kind: str, sink: ByteSink, *, max_bytes: int, **kwargs: Any
    ) -> StreamedResponse:
        """One of the invoice's PDF reports, streamed (octet-stream + Content-Disposition)."""
        if kind not in REPORTS:
            raise ValueError(f"unknown Palette document kind {kind!r}")
        path = f"{self._invoices_path(await self.tenant(), invoice.id)}/{REPORTS[kind]}"
        return await self.get_stream(path, sink, max_bytes=max_bytes, **kwargs)

    async def fetch_invoice(self, summary: Invoice) -> Invoice:
        if summary.detailed:
            return summary
        return await self._detail(await self.tenant(), summary.id)
