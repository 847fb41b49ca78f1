"""Full-screen invoice detail: used on narrow terminals and when drilling in from the table.

It steps through whatever list it is given (n / N) without any network code: invoices that
are only summaries make the pane post DetailPane.DetailsWanted, which bubbles to the app
(or goes to the `details_wanted` callable when one is given).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer

from invoicetui.core.model import Invoice
from invoicetui.tui import invoice_actions
from invoicetui.tui.commands import TAB_COMMANDS
from invoicetui.tui.keymap import bind
from invoicetui.tui.paperwork import DocumentsDone
from invoicetui.tui.widgets.detail import DetailPane

InvoiceSource = Sequence[Invoice] | Callable[[], Sequence[Invoice]]


def invoice_key(invoice: Invoice) -> tuple[str, str]:
    """What identifies an invoice across reloads (the object itself is replaced)."""
    return (invoice.account, invoice.id)


class DetailScreen(Screen[Invoice | None]):
    """One invoice, full screen; dismisses with the invoice last shown (to sync the table)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("next-invoice", "step(1)", "Next", show=True),
        bind("previous-invoice", "step(-1)", "Previous", show=True),
        bind("back", "back", "Back", show=True),
        bind("select", "select", "Line items", show=True),
        bind("copy-id", "copy_id", "Copy id"),
        bind("copy-url", "copy_url", "Copy URL"),
        bind("open-url", "open_url", "Open URL"),
        bind("save-documents", "save_documents", "Save documents"),
        bind("retry-detail", "retry_detail", "Retry details"),
        *(bind(binding_id) for binding_id in TAB_COMMANDS),
    ]

    DEFAULT_CSS = """
    DetailScreen DetailPane { height: 1fr; }
    """

    class Stepped(Message):
        """The screen moved to another invoice (so the list behind can follow)."""

        def __init__(self, invoice: Invoice, index: int) -> None:
            super().__init__()
            self.invoice = invoice
            self.index = index

    def __init__(
        self,
        invoices: InvoiceSource,
        index: int = 0,
        *,
        details_wanted: Callable[[Invoice], object] | None = None,
        retry_details: Callable[[Invoice], object] | None = None,
        notes: Callable[[Invoice], list[str]] | None = None,
        save_documents: Callable[[Invoice, DetailScreen], object] | None = None,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id)
        self._source = invoices
        self._overrides: dict[tuple[str, str], Invoice] = {}
        self._details_wanted = details_wanted
        self._retry_details = retry_details
        self._notes = notes
        self._save_documents = save_documents
        listed = self.invoices
        self._index = max(0, min(index, len(listed) - 1)) if listed else 0
        self._key = invoice_key(listed[self._index]) if listed else None

    # ------------------------------------------------------------------ state

    @property
    def invoices(self) -> Sequence[Invoice]:
        """The current list (as the source has it; see resolve() for loaded details)."""
        return self._source() if callable(self._source) else self._source

    def resolve(self, invoice: Invoice) -> Invoice:
        """The invoice with the details loaded while this screen was up, if any."""
        return self._overrides.get(invoice_key(invoice), invoice)

    @property
    def invoice(self) -> Invoice | None:
        """The invoice shown now."""
        return self.pane.invoice

    @property
    def pane(self) -> DetailPane:
        return self.query_one(DetailPane)

    def _locate(self, listed: Sequence[Invoice]) -> int:
        """Where the shown invoice is now (the list may have been reloaded or refiltered)."""
        if self._key is not None:
            if 0 <= self._index < len(listed) and invoice_key(listed[self._index]) == self._key:
                return self._index  # the usual case, without a scan of 100k rows
            for index, invoice in enumerate(listed):
                if invoice_key(invoice) == self._key:
                    return index
        return max(0, min(self._index, len(listed) - 1))

    # ------------------------------------------------------------------ compose & show

    def compose(self) -> ComposeResult:
        pane = DetailPane(id="detail-pane")
        pane.notes = self._notes
        yield pane
        yield Footer()

    def on_mount(self) -> None:
        self._show(self._index, self.invoices)

    def _show(self, index: int, listed: Sequence[Invoice]) -> None:
        if not listed:
            self._key = None
            self.pane.show_invoice(None)
            return
        self._index = index
        invoice = self.resolve(listed[index])
        self._key = invoice_key(invoice)
        self.pane.show_invoice(invoice, (index + 1, len(listed)))

    def update_invoice(self, invoice: Invoice) -> None:
        """Details arrived for an invoice: keep them, and re-show it if it is the one shown."""
        key = invoice_key(invoice)
        self._overrides[key] = invoice
        if key == self._key and self.is_mounted:
            listed = self.invoices
            self._show(self._locate(listed), listed)

    def show_error(self, invoice: Invoice, text: str) -> None:
        """A detail load failed; shown only if that invoice is still the one on screen."""
        if invoice_key(invoice) == self._key:
            self.pane.show_error(text)

    # ------------------------------------------------------------------ actions

    def action_step(self, delta: int) -> None:
        """n / N: the next or previous invoice in the list; a bell at either end."""
        listed = self.invoices
        if not listed:
            self.app.bell()
            return
        target = self._locate(listed) + delta
        if not 0 <= target < len(listed):
            self.app.bell()
            return
        self._show(target, listed)
        self.post_message(self.Stepped(self.resolve(listed[target]), target))

    def action_detail_tab(self, number: int) -> None:
        """1-5: one of the detail's tabs."""
        self.pane.show_tab(number)

    def action_detail_tab_step(self, delta: int) -> None:
        """←/→: the previous or next tab."""
        self.pane.show_tab(0, delta)

    def action_select(self) -> None:
        """Enter / l: drill into the line items."""
        self.pane.focus_line_items()

    def action_back(self) -> None:
        """Esc / h: out of the line items first, then back to the list; never quits."""
        focused = self.focused
        if focused is not None and focused is self.pane.line_items_table:
            self.pane.query_one("#detail-tabs").query_one("Tabs").focus()
            return
        self.dismiss(self.invoice)

    def _say(self, text: str, tone: invoice_actions.Tone) -> None:
        self.notify(text, markup=False)

    def action_copy_id(self) -> None:
        if self.invoice is not None:
            invoice_actions.copy_id(self.app, self.invoice, self._say)

    def action_copy_url(self) -> None:
        if self.invoice is not None:
            invoice_actions.copy_url(self.app, self.invoice, self._say)

    def action_open_url(self) -> None:
        if self.invoice is not None:
            invoice_actions.open_url(self.app, self.invoice, self._say)

    def action_save_documents(self) -> None:
        """d, as on the main screen; the outcome comes back here as a notification."""
        if self.invoice is not None and self._save_documents is not None:
            self._save_documents(self.invoice, self)

    def action_retry_detail(self) -> None:
        """L: this invoice's details again (the key a failed detail's message names)."""
        if self.invoice is not None and self._retry_details is not None:
            self._retry_details(self.invoice)

    @on(DocumentsDone)
    def _documents_done(self, event: DocumentsDone) -> None:
        self.notify(
            event.text, markup=False, severity="error" if event.tone == "error" else "information"
        )

    @on(DetailPane.LineItemChosen)
    def _show_line_item(self, event: DetailPane.LineItemChosen) -> None:
        from invoicetui.tui.screens.line_item import show_line_item  # on first use only

        show_line_item(self.app, event)

    @on(DetailPane.DetailsWanted)
    def _details_wanted_here(self, event: DetailPane.DetailsWanted) -> None:
        if self._details_wanted is not None:
            event.stop()
            self._details_wanted(event.invoice)
