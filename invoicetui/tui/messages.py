"""Messages that workers post to the main screen; the only way data reaches the widgets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from invoicetui.core.errors import ProviderError
from invoicetui.core.model import AccountSnapshot, Invoice

if TYPE_CHECKING:
    from invoicetui.tui.marks import Marks


class CacheLoaded(Message):
    """What the cache held for an account when loading started (None: nothing)."""

    def __init__(self, account: str, snapshot: AccountSnapshot | None, generation: int) -> None:
        super().__init__()
        self.account = account
        self.snapshot = snapshot
        self.generation = generation


class AccountProgress(Message):
    """Pages fetched so far; total is None where the API does not say."""

    def __init__(self, account: str, done: int, total: int | None, generation: int) -> None:
        super().__init__()
        self.account = account
        self.done = done
        self.total = total
        self.generation = generation


class InvoicesArrived(Message):
    """A page of fresh invoices, before the account has finished loading."""

    def __init__(self, account: str, invoices: tuple[Invoice, ...], generation: int) -> None:
        super().__init__()
        self.account = account
        self.invoices = invoices
        self.generation = generation


class InvoicesLoaded(Message):
    """An account finished loading (fresh, or stale from the cache with an error)."""

    def __init__(self, account: str, snapshot: AccountSnapshot, generation: int) -> None:
        super().__init__()
        self.account = account
        self.snapshot = snapshot
        self.generation = generation


class AccountFailed(Message):
    """An account could not be loaded and nothing usable is cached."""

    def __init__(self, account: str, error: ProviderError, generation: int) -> None:
        super().__init__()
        self.account = account
        self.error = error
        self.generation = generation


class DetailsLoaded(Message):
    """An invoice's full details (line items, credits, payments) arrived."""

    def __init__(self, invoice: Invoice) -> None:
        super().__init__()
        self.invoice = invoice


class DetailsFailed(Message):
    """Fetching an invoice's details failed; the summary stays on screen."""

    def __init__(self, invoice: Invoice, error: ProviderError) -> None:
        super().__init__()
        self.invoice = invoice
        self.error = error


class ExportReady(Message):
    """CSV text for the visible rows, built off the event loop, and where it goes."""

    def __init__(self, text: str, rows: int, path: Path) -> None:
        super().__init__()
        self.text = text
        self.rows = rows
        self.path = path


class ExportFailed(Message):
    """Building the CSV failed (reported in the status bar; the app keeps running)."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class DetailsBatchDone(Message):
    """Details of many invoices were asked for (the breakdown's line items): all are in."""

    def __init__(self, loaded: list[Invoice], failed: list[str]) -> None:
        super().__init__()
        self.loaded = loaded
        self.failed = failed  # one message per failure, "DoiT account 'doit': ..."


class MarksReady(Message):
    """Flags and changes of every invoice, for the table's marks."""

    def __init__(self, marks: Marks) -> None:
        super().__init__()
        self.marks = marks
