"""The TUI's paperwork: `d` saves an invoice's documents, the palette exports a journal.

Downloads run in a worker and post DocumentsDone; the screen shows it in the status bar.
Over SSH the files land on the server, and the message says so. For providers without a
PDF API, `d` says where the document lives and copies the invoice's URL (OSC 52).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.message import Message
from textual.message_pump import MessagePump

from invoicetui.config.options import FetchMode
from invoicetui.core.errors import ProviderError
from invoicetui.core.model import Invoice
from invoicetui.tui.terminal import SSH_VARIABLES

if TYPE_CHECKING:
    from invoicetui.config.accounts import AccountConfig
    from invoicetui.service.docsave import DocumentResult
    from invoicetui.tui.loader import Loader

Tone = Literal["info", "success", "error"]
Say = Callable[[str, Tone], None]
JOURNAL_SUFFIX = {"ledger": "journal", "beancount": "beancount"}


class DocumentsDone(Message):
    """What saving an invoice's documents came to, for the status bar."""

    def __init__(self, text: str, tone: Tone) -> None:
        super().__init__()
        self.text = text
        self.tone = tone


def over_ssh() -> bool:
    return any(os.environ.get(name) for name in SSH_VARIABLES)


def save_documents(
    loader: Loader, invoice: Invoice, say: Say, target: MessagePump | None = None
) -> None:
    """`d`: the invoice's PDFs into the downloads folder (a worker), or where they live.

    The outcome goes to `target` as DocumentsDone (default: the loader's screen).
    """
    from invoicetui.service.docsave import document_home, document_kinds

    session = loader.session
    account = session.accounts.get(invoice.account)
    if account is None:
        say(f"Account {invoice.account} is not configured any more", "error")
        return
    if not document_kinds(invoice.provider):
        home = document_home(invoice.provider)
        if invoice.url:
            loader.app.copy_to_clipboard(invoice.url)
            say(f"{home}; copied its URL {invoice.url}", "success")
        else:
            say(f"{home} (invoice {invoice.label} has no URL)", "info")
        return
    if session.setup.mode is FetchMode.OFFLINE:
        say("Offline: documents are not downloaded (start without --offline)", "info")
        return
    directory = session.export_directory()
    say(f"Saving the documents of invoice {invoice.label}…", "info")
    screen = target or loader.screen

    async def work() -> None:
        screen.post_message(await _save(loader, account, invoice, directory))

    loader.run_worker(
        work,  # type: ignore[arg-type]  # a callable, not a coroutine; mypy infers Never
        name="documents",
        group="documents",
        exit_on_error=False,
    )


async def _save(
    loader: Loader, account: AccountConfig, invoice: Invoice, directory: Path
) -> DocumentsDone:
    from invoicetui.service.docsave import save_invoice_documents

    try:
        results = await save_invoice_documents(account, invoice, directory, loader.detail_clients())
    except ProviderError as exc:
        exc.with_account(account.provider, account.name)
        return DocumentsDone(f"Documents not saved: {exc}", "error")
    except OSError as exc:
        return DocumentsDone(f"Documents not saved: cannot write {directory}: {exc}", "error")
    first = directory / results[0].file if results else directory
    return DocumentsDone(*describe(invoice, results, first))


def describe(invoice: Invoice, results: Sequence[DocumentResult], first: Path) -> tuple[str, Tone]:
    """One status line for the outcome (what was saved where, what was kept, what failed)."""
    from invoicetui.service.docsave import DIFFERS, DOWNLOADED, FAILED, REPLACED, SKIPPED, UNCHANGED

    folder = first.parent
    where = f"{folder} on the server (SSH session)" if over_ssh() else str(folder)
    saved = sum(r.status in (DOWNLOADED, REPLACED) for r in results)
    already = sum(r.status == UNCHANGED for r in results)
    failed = [r for r in results if r.status in (FAILED, SKIPPED)]
    differs = sum(r.status == DIFFERS for r in results)
    if failed:
        return f"{len(failed)} of {len(results)} documents not saved: {failed[0].error}", "error"
    parts = []
    if saved:
        parts.append(f"saved {saved} PDF{'s' if saved != 1 else ''}")
    if already:
        parts.append(f"{already} already there")
    if differs:
        parts.append(
            f"{differs} differ from the server's and were kept"
            " (`invoicetui documents --force` replaces them)"
        )
    text = f"Invoice {invoice.label}: {', '.join(parts)} in {where}"
    return text, "info" if differs else "success"


def export_journal(loader: Loader, rows: Sequence[Invoice], style: str) -> None:
    """The visible rows as a journal, built off the event loop, delivered as CSV exports are."""
    from invoicetui.service.journal import render_journal
    from invoicetui.tui.messages import ExportFailed, ExportReady

    kind: Literal["ledger", "beancount"] = "beancount" if style == "beancount" else "ledger"
    stamp = loader.session.now().strftime("%Y%m%d-%H%M%S")
    filename = f"invoices-{stamp}.{JOURNAL_SUFFIX[kind]}"
    chosen = tuple(rows)
    directory = loader.session.export_directory()
    screen = loader.screen

    def build() -> None:
        try:
            text = render_journal(chosen, kind)
        except (ArithmeticError, ValueError) as exc:
            screen.post_message(ExportFailed(f"{type(exc).__name__}: {exc}"))
            return
        screen.post_message(ExportReady(text, len(chosen), directory / filename))

    loader.run_worker(build, name="export", group="export", thread=True, exit_on_error=False)


class JournalCommands(Provider):
    """Palette entries without a key: the visible rows as a ledger or beancount journal."""

    ENTRIES = (
        ("ledger", "Export visible rows as a ledger journal",
         "For hledger / ledger: one transaction per invoice, saved like the CSV export"),
        ("beancount", "Export visible rows as a beancount journal",
         "bean-check loads it: one transaction per invoice, saved like the CSV export"),
    )  # fmt: skip

    def _entries(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        if not hasattr(screen, "action_export_journal"):
            return []
        return [
            (title, help_text, partial(self.app.run_action, f"export_journal({style!r})", screen))
            for style, title, help_text in self.ENTRIES
        ]

    async def discover(self) -> Hits:
        for title, help_text, callback in self._entries():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
