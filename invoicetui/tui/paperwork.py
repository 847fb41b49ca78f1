"""The TUI's paperwork: `d` saves an invoice's documents, the palette exports a journal.

Downloads run in a worker and post DocumentsDone; the screen shows it in the status bar.
Over SSH the files land on the server, and the message says so. For providers without a
PDF API, `d` says where the document lives and copies the invoice's URL (OSC 52).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual.message import Message
from textual.message_pump import MessagePump

from invoicetui.config.options import FetchMode
from invoicetui.core.errors import ProviderError
from invoicetui.core.model import Invoice
from invoicetui.tui.terminal import SSH_VARIABLES

if TYPE_CHECKING:
    from invoicetui.config.accounts import AccountConfig
    from invoicetui.service.docsave import DocumentResult
    from invoicetui.tui.app import InvoiceApp

Tone = Literal["info", "success", "error"]
Say = Callable[[str, Tone], None]
JOURNAL_SUFFIX = {"ledger": "journal", "beancount": "beancount"}


class DocumentsDone(Message):
    """What saving an invoice's documents came to, for the status bar."""

    def __init__(self, text: str, tone: Tone) -> None:
        super().__init__()
        self.text = text
        self.tone = tone


def downloads_dir(app: InvoiceApp) -> Path:
    """[ui] downloads, else the folder exports go to (the platform's downloads folder)."""
    from invoicetui.tui.app import _downloads_dir

    return app.setup.downloads or app.export_dir or _downloads_dir()


def over_ssh() -> bool:
    return any(os.environ.get(name) for name in SSH_VARIABLES)


def save_documents(app: InvoiceApp, invoice: Invoice, say: Say, target: MessagePump) -> None:
    """`d`: the invoice's PDFs into the downloads folder (a worker), or where they live."""
    from invoicetui.service.docsave import document_home, document_kinds

    account = app.accounts.get(invoice.account)
    if account is None:
        say(f"Account {invoice.account} is not configured any more", "error")
        return
    if not document_kinds(invoice.provider):
        home = document_home(invoice.provider)
        if invoice.url:
            app.copy_to_clipboard(invoice.url)
            say(f"{home}; copied its URL {invoice.url}", "success")
        else:
            say(f"{home} (invoice {invoice.label} has no URL)", "info")
        return
    if app.setup.mode is FetchMode.OFFLINE:
        say("Offline: documents are not downloaded (start without --offline)", "info")
        return
    directory = downloads_dir(app)
    say(f"Saving the documents of invoice {invoice.label}…", "info")

    async def work() -> None:
        target.post_message(await _save(app, account, invoice, directory))

    app.run_worker(
        work,  # type: ignore[arg-type]  # a callable (as in load_detail); mypy infers Never
        name="documents",
        group="documents",
        exit_on_error=False,
    )


async def _save(
    app: InvoiceApp, account: AccountConfig, invoice: Invoice, directory: Path
) -> DocumentsDone:
    from invoicetui.service.docsave import save_invoice_documents

    try:
        results = await save_invoice_documents(account, invoice, directory, app.detail_clients())
    except ProviderError as exc:
        return DocumentsDone(
            f"Documents not saved: {exc.with_account(account.provider, account.name)}", "error"
        )
    except OSError as exc:
        return DocumentsDone(f"Documents not saved: cannot write {directory}: {exc}", "error")
    return DocumentsDone(
        *describe(invoice, results, directory / results[0].file if results else directory)
    )


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


def export_journal(
    app: InvoiceApp,
    rows: Sequence[Invoice],
    style: Literal["ledger", "beancount"],
    target: MessagePump,
) -> None:
    """The visible rows as a journal, built off the event loop, delivered as exports are."""
    from invoicetui.service.journal import render_journal
    from invoicetui.tui.messages import ExportReady

    stamp = app.now().strftime("%Y%m%d-%H%M%S")
    filename = f"invoices-{stamp}.{JOURNAL_SUFFIX[style]}"
    chosen = tuple(rows)

    def build() -> None:
        target.post_message(ExportReady(render_journal(chosen, style), len(chosen), filename))

    app.run_worker(build, name="export", group="export", thread=True, exit_on_error=False)
