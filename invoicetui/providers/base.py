"""The HTTP core every provider client shares: auth, pacing, retries, error mapping.

Subclasses say how to authenticate, how to read their error bodies, and how to page;
this class owns everything about getting one JSON answer reliably.
"""

from __future__ import annotations

import asyncio
import json
import random
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import httpx

from invoicetui import __version__
from invoicetui.config.accounts import AccountConfig
from invoicetui.core.errors import (
    AuthError,
    BadRequest,
    NotFound,
    PermissionDenied,
    ProviderError,
    RateLimited,
    ResponseFormatError,
    ServerError,
)
from invoicetui.core.model import PROVIDER_LABELS, Invoice, utcnow
from invoicetui.core.redact import redact
from invoicetui.core.sanitize import clean_text
from invoicetui.providers.limits import (
    Clock,
    RateLimiter,
    RealClock,
    RetryPolicy,
)
from invoicetui.providers.retrying import get_with_retries

if TYPE_CHECKING:
    from invoicetui.providers.streaming import ByteSink, StreamedResponse

QueryParams = httpx.QueryParams | dict[str, Any] | list[tuple[str, Any]] | None
T = TypeVar("T")
R = TypeVar("R")

# Called as pages arrive: (pages done, pages in all when the API says, else None).
ProgressCallback = Callable[[int, int | None], None]
# Called with each page of parsed invoices (summaries) as it arrives, so views can stream.
PageCallback = Callable[[Sequence[Invoice]], None]


@dataclass(frozen=True)
class JsonResponse:
    """A decoded JSON body with the response metadata callers page on."""

    data: Any
    headers: httpx.Headers
    status_code: int
    url: str


class ProviderClient(ABC):
    """One account's connection to one provider."""

    provider: ClassVar[str]
    default_base_url: ClassVar[str | None] = None
    default_max_rps: ClassVar[float] = 5.0
    detail_concurrency: ClassVar[int] = 4

    def __init__(
        self,
        account: AccountConfig,
        token: str,
        *,
        http: httpx.AsyncClient | None = None,
        clock: Clock | None = None,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
        on_progress: ProgressCallback | None = None,
        wallclock: Callable[[], datetime] | None = None,
        on_page: PageCallback | None = None,
    ) -> None:
        base = account.base_url or self.default_base_url
        if not base:
            raise ProviderError(
                "base_url is required for this provider",
                provider=self.provider,
                account=account.name,
            )
        self.account = account
        self.base_url = base.rstrip("/")
        self._token = token
        self.clock: Clock = clock or RealClock()
        self.retry = retry or RetryPolicy()
        self.rng = rng or random.Random()
        self.on_progress = on_progress
        self.on_page = on_page
        # "Now" in UTC, for rules such as Waldur's current month being a draft; tests fix it.
        self.wallclock: Callable[[], datetime] = wallclock or utcnow
        rps = account.max_rps if account.max_rps is not None else self.default_max_rps
        self.limiter = RateLimiter(rps, self.clock)
        self._own_http = http is None
        self.http = http or httpx.AsyncClient(
            timeout=httpx.Timeout(account.timeout),
            verify=account.verify_tls,
            follow_redirects=False,
            headers={"User-Agent": f"invoicetui/{__version__}"},
        )
        self.requests_made = 0
        # Seconds of failed attempts and retry waits so far (RetryPolicy.account_budget), and
        # the error that ended them once spent: later requests fail with it at once.
        self.retry_spent = 0.0
        self.gave_up: ProviderError | None = None
        # One line each, naming the account: what the user should know that is not a
        # failure (a record skipped, a count that did not match). Read after list_invoices.
        self.warnings: list[str] = []

    # ------------------------------------------------------------------ subclass API

    @abstractmethod
    def auth_headers(self) -> dict[str, str]:
        """Headers that carry the credential."""

    @abstractmethod
    async def list_invoices(self) -> list[Invoice]:
        """Every invoice of the account; summaries may have detailed=False."""

    async def fetch_invoice(self, summary: Invoice) -> Invoice:
        """The full invoice for a summary; providers whose list is complete return it."""
        return summary

    @abstractmethod
    async def check(self) -> None:
        """One cheap authenticated call, to prove auth and reach."""

    # The documents (PDFs) the API serves per invoice, e.g. ("invoice", "report", "usage");
    # empty where the provider has no document API (its console URL is all there is).
    document_kinds: ClassVar[tuple[str, ...]] = ()

    async def download_document(
        self, invoice: Invoice, kind: str, sink: ByteSink, *, max_bytes: int, **kwargs: Any
    ) -> StreamedResponse:
        """Stream one of document_kinds of an invoice into sink (providers that have any)."""
        raise NotImplementedError(f"{self.provider} serves no {kind!r} document")

    async def get_stream(
        self, path: str, sink: ByteSink, *, max_bytes: int, **kwargs: Any
    ) -> StreamedResponse:
        """GET a binary answer into sink, paced and retried like get_json (streaming.py)."""
        from invoicetui.providers.streaming import get_stream

        return await get_stream(self, path, sink, max_bytes=max_bytes, **kwargs)

    # Where a JSON error body keeps its human message, first match wins.
    error_keys: ClassVar[tuple[str, ...]] = ("detail", "message", "error", "title")
    # Whether a non-JSON error body is itself the message (cut to 200 characters).
    raw_error_text: ClassVar[bool] = False

    def error_message(self, data: Any, text: str) -> str | None:
        """The human message in an error body (providers with other shapes override this)."""
        if isinstance(data, dict):
            for key in self.error_keys:
                value = data.get(key)
                if isinstance(value, str) and value.strip():
                    return value
        if self.raw_error_text and data is None and text.strip():
            # Cleaned before it is cut: a cut never leaves half an escape sequence behind.
            return clean_text(text, one_line=True).strip()[:200]
        return None

    def check_body(self, response: JsonResponse) -> None:  # noqa: B027 - optional hook
        """Raise for errors reported inside a 2xx body (Zilliz does this)."""

    def request_id(self, headers: httpx.Headers) -> str | None:
        for key in ("Request-Id", "X-Request-Id", "requestid"):
            if key in headers:
                return clean_text(headers[key], one_line=True)[:80]
        return None

    def auth_hint(self) -> str:
        source = self.account.token_source
        return f"check {source}" if source != "token" else "check the token in the config"

    # ------------------------------------------------------------------ core

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}{path}"

    async def get_json(
        self,
        path: str,
        params: QueryParams = None,
        headers: dict[str, str] | None = None,
    ) -> JsonResponse:
        """GET with pacing and retries; returns decoded JSON or raises a ProviderError.

        Each attempt ends within the account's timeout (headers and the whole body); a body
        is at most 64 MiB decoded; retries are bounded per request and per account (limits).
        """
        try:
            response = await get_with_retries(self, self.url(path), params, headers)
            result = self._decode(response)
            self.check_body(result)
        except ProviderError as exc:
            raise self.scrub(exc.with_account(self.provider, self.account.name)) from None
        return result

    def scrub(self, error: ProviderError) -> ProviderError:
        """The error with the token masked wherever a provider echoed it."""
        error.message = redact(error.message, self._token)
        if error.hint:
            error.hint = redact(error.hint, self._token)
        if error.request_id:
            error.request_id = redact(error.request_id, self._token)
        return error

    def _redirected(self, response: httpx.Response) -> ProviderError:
        """Redirects are not followed (the key would go along): say where base_url should point."""
        location = clean_text(response.headers.get("Location", ""), one_line=True)[:200]
        where = f" to {location}" if location else ""
        return BadRequest(
            f"the API answered with a redirect{where}",
            provider=self.provider,
            account=self.account.name,
            status_code=response.status_code,
            hint="set base_url to the address the API is really served at",
        )

    def _decode(self, response: httpx.Response) -> JsonResponse:
        try:
            # Decimal, not float: money must stay exactly as the provider wrote it.
            data = json.loads(response.content, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ResponseFormatError(
                f"the answer from {response.request.url.path} is not valid JSON",
                provider=self.provider,
                account=self.account.name,
                status_code=response.status_code,
                request_id=self.request_id(response.headers),
            ) from exc
        return JsonResponse(data, response.headers, response.status_code, str(response.url))

    def map_error(self, response: httpx.Response) -> ProviderError:
        """Turn a 4xx/5xx into the typed error a user can act on."""
        code = response.status_code
        text = redact(response.text, self._token)[:2000] if response.content else ""
        try:
            data: Any = json.loads(text) if text else None
        except ValueError:
            data = None
        detail = self.error_message(data, text)
        detail = clean_text(detail, one_line=True)[:300] if detail else None
        kwargs: dict[str, Any] = {
            "provider": self.provider,
            "account": self.account.name,
            "status_code": code,
            "request_id": self.request_id(response.headers),
        }
        suffix = f": {detail}" if detail else ""
        if code == 401:
            return AuthError(f"API key rejected{suffix}", hint=self.auth_hint(), **kwargs)
        if code == 403:
            return PermissionDenied(
                f"access denied{suffix}", hint="the key lacks the billing role", **kwargs
            )
        if code == 404:
            return NotFound(f"not found{suffix}", **kwargs)
        if code == 429:
            return RateLimited(f"rate limited{suffix}", hint="lower max_rps", **kwargs)
        if code >= 500:
            return ServerError(f"server error{suffix}", hint="try again later", **kwargs)
        return BadRequest(f"request refused{suffix}", **kwargs)

    async def gather_limited(
        self, items: Iterable[T], func: Callable[[T], Awaitable[R]], limit: int | None = None
    ) -> list[R]:
        """Run func over items with bounded concurrency, keeping order."""
        semaphore = asyncio.Semaphore(limit or self.detail_concurrency)

        async def run(item: T) -> R:
            async with semaphore:
                return await func(item)

        tasks = [asyncio.ensure_future(run(item)) for item in items]
        try:
            return list(await asyncio.gather(*tasks))
        except BaseException:
            # One failure ends the others: none keeps talking to a provider that failed.
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise

    def warn(self, message: str) -> None:
        """Note a warning for this account (once; the account is named in front)."""
        label = PROVIDER_LABELS.get(self.provider, self.provider)
        text = clean_text(redact(message, self._token), one_line=True)
        line = f"{label} account '{self.account.name}': {text}"
        if line not in self.warnings:
            self.warnings.append(line)

    def progress(self, done: int, total: int | None) -> None:
        if self.on_progress is not None:
            self.on_progress(done, total)

    def page_arrived(self, invoices: Sequence[Invoice]) -> None:
        if self.on_page is not None and invoices:
            self.on_page(invoices)

    async def aclose(self) -> None:
        if self._own_http:
            await self.http.aclose()

    async def __aenter__(self: T) -> T:
        return self

    async def __aexit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, ProviderError):
            self.scrub(exc)  # also errors raised while reading payloads
        await self.aclose()
