"""The loop guards every pager shares: paging that does not advance stops, naming the fault.

Three paging styles meet here: a page token (Palette `continue`, DoiT `pageToken`), a
`Link` rel="next" (Waldur) and a page number against a count (Zilliz, Waldur's fan-out).
Whatever the style, a token or link sent twice, a page that brings back only records
already seen, or more pages than any real account has, ends the list with an error naming
the provider; and each record id goes out once, so no invoice is ever shown twice
(service.loading keeps that promise once more over the whole list).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from invoicetui.core.errors import ResponseFormatError
from invoicetui.core.model import PROVIDER_LABELS, Invoice

T = TypeVar("T")

# What moves a style of paging forward, for the messages.
_STEP = {"token": "page tokens", "link": "page links", "number": "pages"}


class PageGuard:
    """One listing's guard: call `advance` with each next token/link, `fresh` with each page."""

    def __init__(
        self, provider: str, account: str, *, style: str, max_pages: int, what: str = "invoices"
    ) -> None:
        self.provider = provider
        self.account = account
        self.label = PROVIDER_LABELS.get(provider, provider)
        self.style = style
        self.max_pages = max_pages
        self.what = what
        self.pages = 0
        self.repeated = 0  # records dropped as already sent
        self._steps: set[Hashable] = set()
        self._seen: set[Hashable] = set()

    def fail(self, message: str) -> ResponseFormatError:
        return ResponseFormatError(
            f"{self.label} {message}; stopped after {self.pages} page"
            + ("" if self.pages == 1 else "s"),
            provider=self.provider,
            account=self.account,
            hint="the provider's paging is broken; report it to them",
        )

    def advance(self, step: Hashable) -> None:
        """The next token or link: one already followed means the list loops."""
        if step in self._steps:
            if self.style == "link":
                raise self.fail("returned page links that loop")
            raise self.fail("returned a page token it had already sent")
        self._steps.add(step)

    def fresh(self, records: Sequence[T], key: Callable[[T], Hashable | None]) -> list[T]:
        """The records not seen before (each id once); a page of only repeats is the fault.

        Records without an id (key None or "") are all kept: they cannot be told apart.
        """
        self.pages += 1
        if self.pages > self.max_pages:
            raise self.fail(f"sent more than {self.max_pages} pages of {self.what}")
        out: list[T] = []
        for record in records:
            ident = key(record)
            if ident is None or ident == "":
                out.append(record)
            elif ident not in self._seen:
                self._seen.add(ident)
                out.append(record)
        self.repeated += len(records) - len(out)
        if records and not out:
            if self.style == "number":
                raise self.fail(f"returned pages that bring back only {self.what} already sent")
            step = _STEP[self.style]
            raise self.fail(
                f"returned fresh {step} that bring back only {self.what} it had already sent"
            )
        return out


def invoice_id(invoice: Invoice) -> str:
    return invoice.id


def record_key(name: str) -> Callable[[object], Hashable | None]:
    """The id of a raw JSON record under `name` (e.g. Waldur's uuid), None when absent."""

    def key(record: object) -> Hashable | None:
        if isinstance(record, dict):
            value = record.get(name)
            if isinstance(value, str | int) and not isinstance(value, bool):
                return str(value).strip() or None
        return None

    return key
