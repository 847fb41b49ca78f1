"""The main screen: the keys of the invoice browser (screens/browser.py has its data flow).

Each key is a CommandSpec (tui/commands.py): the same table gives the footer, the palette
and the "?" screen.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.binding import BindingType
from textual.widget import Widget

from invoicetui.config.options import FetchMode
from invoicetui.core.model import Invoice
from invoicetui.tui import invoice_actions, paperwork
from invoicetui.tui import messages as msg
from invoicetui.tui.commands import COMMANDS
from invoicetui.tui.screens.browser import Browser
from invoicetui.tui.screens.store import in_scope
from invoicetui.tui.widgets.invoices import FilterInput, InvoiceTable
from invoicetui.tui.widgets.sidebar import ALL
from invoicetui.tui.widgets.table import VirtualTable

__all__ = ["InvoiceTable", "MainScreen"]

# Footer order: the keys a newcomer needs first, so 80 columns still show "? Keys".
MAIN_COMMANDS = (
    "help", "filter", "sort", "refresh", "quit", "focus-next", "focus-previous", "sort-reverse",
    "refresh-all", "copy-id", "copy-url", "open-url", "toggle-detail", "export", "save-documents",
    "back", "select", "next-invoice", "previous-invoice",
)  # fmt: skip


class MainScreen(Browser):
    """The invoice browser and what its keys do."""

    BINDINGS: ClassVar[list[BindingType]] = [COMMANDS[i].binding() for i in MAIN_COMMANDS]

    # ------------------------------------------------------------------ navigation

    @on(VirtualTable.Selected)
    def _selected(self, event: VirtualTable.Selected) -> None:
        if event.table is not self.table:
            return
        event.stop()
        if self.current is not event.row:
            self.current = event.row
        self.action_drill_in()

    def _within(self, widget: Widget) -> bool:
        focused = self.focused
        while focused is not None:
            if focused is widget:
                return True
            parent = focused.parent
            focused = parent if isinstance(parent, Widget) else None
        return False

    def action_drill_in(self) -> None:
        """Enter/l: table -> detail -> its line items; narrow: the detail full screen."""
        if self._within(self.detail):
            self.detail.focus_line_items()
        elif self.current is None:
            return
        elif self.has_class("-narrow") and not self.detail.display:
            self._open_detail_screen()
        else:
            self.detail_hidden = False
            self._apply_detail_visibility()
            focusable = [w for w in self.detail.query(Widget) if w.focusable]
            if focusable:
                focusable[0].focus()

    def _open_detail_screen(self) -> None:
        """Narrow terminals: the highlighted invoice full screen, n/N stepping the table's rows."""
        from invoicetui.tui.screens.detail import DetailScreen

        table = self.table

        def back(invoice: Invoice | None) -> None:
            if invoice is not None:
                table.select_row(lambda row: (row.account, row.id) == (invoice.account, invoice.id))

        def save(invoice: Invoice, where: DetailScreen) -> None:
            paperwork.save_documents(self.loader, invoice, where._say, where)

        screen = DetailScreen(
            lambda: table.rows_visible,
            max(0, table.cursor_index),
            details_wanted=self.want_details,
            notes=self.invoice_notes,
            save_documents=save,
        )
        self.app.push_screen(screen, back)

    def action_back(self) -> None:
        """Esc/h: line items -> detail tabs -> table -> sidebar; never quits."""
        if self.focused is self.detail.line_items_table:
            self.detail.query_one("#detail-tabs").query_one("Tabs").focus()
        elif self._within(self.detail):
            self.table.focus()
        elif self._within(self.table):
            self.action_back_from_table()

    def action_back_from_table(self) -> None:
        if self.table.filter_text:
            self.clear_filter()
        else:
            self.open_sidebar()

    def action_step(self, delta: int) -> None:
        """n/N: the next or previous invoice in the table's order."""
        if self.table.visible_count:
            self.table.move_cursor(self.table.cursor_index + delta)

    def action_toggle_detail(self) -> None:
        if self.has_class("-narrow"):
            self.toggle_class("-show-detail")
            self._apply_detail_visibility()
        else:
            self.detail_hidden = not self.detail_hidden
        if not self.detail.display and self._within(self.detail):
            self.table.focus()
        self.say("Detail pane shown" if self.detail.display else "Detail pane hidden")

    # ------------------------------------------------------------------ filter and sort

    def action_filter(self) -> None:
        box = self.query_one("#filter", FilterInput)
        box.display = True
        box.value = self.table.filter_text
        self.set_focus(box)  # at once, not deferred: keys typed right after "/" go to the box

    def clear_filter(self) -> None:
        box = self.query_one("#filter", FilterInput)
        with box.prevent(box.Changed):
            box.value = ""
        self.table.set_filter("")
        self._after_rows_changed()
        self.say("Filter cleared")

    def action_sort(self) -> None:
        self.table.cycle_sort()
        self._after_sort()

    def action_sort_reverse(self) -> None:
        self.table.toggle_sort_direction()
        self._after_sort()

    def _after_sort(self) -> None:
        self.table.update_title()
        label = self.table.sort_label()
        if label is not None:
            direction = "descending" if self.table.sort_reverse else "ascending"
            self.say(f"Sorted by {label[:-2]}, {direction}")

    # ------------------------------------------------------------------ refresh

    def _scope_accounts(self) -> list[str]:
        """r: the sidebar's account or provider; on "All", the highlighted invoice's account."""
        if self.scope == ALL and self.current is not None:
            return [self.current.account]
        return [s.name for s in self.states.values() if in_scope(self.scope, s)]

    def _refresh_mode(self) -> FetchMode:
        return FetchMode.OFFLINE if self.session.offline else FetchMode.REFRESH

    def action_refresh(self) -> None:
        names = [name for name in self._scope_accounts() if name in self.states]
        for name in names:
            self.start_load(name, self._refresh_mode())
        if names:
            self.say(f"Refreshing {', '.join(names)}…")

    def action_refresh_all(self) -> None:
        for name in self.states:
            self.start_load(name, self._refresh_mode())
        self.say(f"Refreshing all {len(self.states)} accounts…")

    # ------------------------------------------------------------------ copy, open, export

    def _need_invoice(self) -> Invoice | None:
        invoice = self.shown_invoice()
        if invoice is None:
            self.say("No invoice highlighted")
        return invoice

    def action_copy_id(self) -> None:
        if invoice := self._need_invoice():
            invoice_actions.copy_id(self.app, invoice, self.say)

    def action_copy_url(self) -> None:
        if invoice := self._need_invoice():
            invoice_actions.copy_url(self.app, invoice, self.say)

    def action_open_url(self) -> None:
        if invoice := self._need_invoice():
            invoice_actions.open_url(self.app, invoice, self.say)

    def action_export(self) -> None:
        rows = list(self.visible_rows())
        if not rows:
            self.say("Nothing to export: no visible rows")
            return
        self.say(f"Exporting {len(rows)} rows…")
        self.loader.export_csv(rows)

    def action_save_documents(self) -> None:
        """d: the invoice's PDFs to the downloads folder, or where its documents live."""
        if invoice := self._need_invoice():
            paperwork.save_documents(self.loader, invoice, self.say)

    def action_export_journal(self, style: str) -> None:
        rows = list(self.visible_rows())
        if not rows:
            self.say("Nothing to export: no visible rows")
            return
        self.say(f"Exporting {len(rows)} rows as a {style} journal…")
        paperwork.export_journal(self.loader, rows, style)

    @on(paperwork.DocumentsDone)
    def _documents_done(self, event: paperwork.DocumentsDone) -> None:
        self.say(event.text, event.tone)

    @on(msg.ExportReady)
    def _export_ready(self, event: msg.ExportReady) -> None:
        from io import StringIO

        self.app.deliver_text(  # Textual reports the outcome to the app (DeliveryComplete)
            StringIO(event.text),
            save_directory=self.session.export_directory(),
            save_filename=event.filename,
            mime_type="text/csv" if event.filename.endswith(".csv") else "text/plain",
            name=f"export:{event.rows}",
        )

    @on(msg.ExportFailed)
    def _export_failed(self, event: msg.ExportFailed) -> None:
        self.say(f"Export failed: {event.reason}", "error")
