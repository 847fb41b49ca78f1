"""Typed errors, each carrying a message a user can act on."""

from __future__ import annotations


class InvoiceTuiError(Exception):
    """Base of every error this project raises on purpose."""


class ConfigError(InvoiceTuiError):
    """The config file or the command line is wrong (exit code 2)."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        also: tuple[ConfigError, ...] = (),
    ) -> None:
        where = ""
        if path:
            where = f"{path}:{line}: " if line else f"{path}: "
        more = "".join(f"\n{error}" for error in also)  # the file's other errors, one a line
        super().__init__(f"{where}{message}{more}")
        self.path = path
        self.line = line
        self.also = also


class ProviderError(InvoiceTuiError):
    """A provider call failed; `short` is what fits on a sidebar row."""

    short = "error"

    def __init__(
        self,
        message: str,
        *,
        provider: str = "",
        account: str = "",
        status_code: int | None = None,
        request_id: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.account = account
        self.status_code = status_code
        self.request_id = request_id
        self.hint = hint

    def with_account(self, provider: str, account: str) -> ProviderError:
        """Attach the account this error belongs to (clients raise before they know it)."""
        self.provider = provider or self.provider
        self.account = account or self.account
        return self

    def __str__(self) -> str:
        from invoicetui.core.model import PROVIDER_LABELS

        label = PROVIDER_LABELS.get(self.provider, self.provider)
        prefix = f"{label} account '{self.account}': " if self.account else ""
        code = f" ({self.status_code})" if self.status_code else ""
        rid = f" [request id {self.request_id}]" if self.request_id else ""
        hint = f"; {self.hint}" if self.hint else ""
        return f"{prefix}{self.message}{code}{hint}{rid}"


class AuthError(ProviderError):
    """401: the credential was rejected."""

    short = "auth failed"


class PermissionDenied(ProviderError):
    """403: the credential is valid but lacks the right role or scope."""

    short = "forbidden"


class NotFound(ProviderError):
    """404: a path or object does not exist."""

    short = "not found"


class RateLimited(ProviderError):
    """429 that persisted through every retry."""

    short = "rate limited"


class ServerError(ProviderError):
    """5xx that persisted through every retry."""

    short = "server error"


class NetworkError(ProviderError):
    """Could not connect, TLS failed, or the request timed out."""

    short = "unreachable"


class BadRequest(ProviderError):
    """400 or another 4xx the client did not expect."""

    short = "bad request"


class ResponseFormatError(ProviderError):
    """The provider answered with something we cannot read (bad JSON, wrong shape)."""

    short = "bad response"


class BodyTooLarge(ResponseFormatError):
    """The answer is larger than its cap (64 MiB decoded, for JSON); not retried."""

    short = "too large"


class OfflineNoData(ProviderError):
    """--offline was asked for and the cache holds nothing for this account."""

    short = "no cache"


class CacheError(InvoiceTuiError):
    """The on-disk cache could not be used."""
