"""The main screen: the keys of the invoice browser (screens/browser.py has its data flow).

Each key is a CommandSpec (tui/commands.py): the same table gives the footer, the palette
and the "?" screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import BindingType
from textual.widget import Widget

from invoicetui.config.options import FetchMode
from invoicetui.core.model import Invoice
from invoicetui.tui import invoice_actions, paperwork
from invoicetui.tui import messages as msg
from invoicetui.tui.commands import COMMANDS, TAB_COMMANDS
from invoicetui.tui.screens.browser import Browser
from invoicetui.tui.screens.store import in_scope
from invoicetui.tui.widgets.detail import DetailPane
from invoicetui.tui.widgets.invoices import InvoiceTable
from invoicetui.tui.widgets.sidebar import ALL
from invoicetui.tui.widgets.table import VirtualTable

if TYPE_CHECKING:
    from invoicetui.tui.screens.detail import DetailScreen

__all__ = ["InvoiceTable", "MainScreen"]

# Footer order: the keys a newcomer needs first, so 80 columns still show "? Keys".
MAIN_COMMANDS = (
    "help", "filter", "sort", "refresh", "quit", "focus-next", "focus-previous", "sort-reverse",
    "refresh-all", "retry-failed", "retry-detail", "copy-id", "copy-url", "open-url",
    "toggle-detail", "export", "save-documents", "back", "select", "next-invoice",
    "previous-invoice", *TAB_COMMANDS,
)  # fmt: skip
DETAIL_ACTIONS = frozenset({"detail_tab", "detail_tab_step"})  # only while the detail shows


class MainScreen(Browser):
    """The invoice browser and what its keys do."""

    BINDINGS: ClassVar[list[BindingType]] = [COMMANDS[i].binding() for i in MAIN_COMMANDS]

    # ------------------------------------------------------------------ details

    def want_details(self, invoice: Invoice) -> None:
        """Someone shows a summary: load its details (or hand over those already loaded)."""
        known = self.store.details.get((invoice.account, invoice.id))
        if known is not None:
            self.post_message(msg.DetailsLoaded(known))
        else:
            self.loader.load_detail(invoice)

    def _detail_screens(self) -> list[DetailScreen]:
        from invoicetui.tui.screens.detail import DetailScreen  # not needed for the first frame

        return [s for s in self.app.screen_stack if isinstance(s, DetailScreen)]

    @on(msg.DetailsLoaded)
    def _details_loaded(self, event: msg.DetailsLoaded) -> None:
        invoice = event.invoice
        self.store.details[(invoice.account, invoice.id)] = invoice
        for screen in self._detail_screens():
            screen.update_invoice(invoice)
        current = self.current
        if current and (current.account, current.id) == (invoice.account, invoice.id):
            self._show_detail()

    @on(msg.DetailsFailed)
    def _details_failed(self, event: msg.DetailsFailed) -> None:
        """Said where it happened, with the key that fetches this invoice's details again
        (r and F fetch accounts, not one invoice's line items)."""
        self.say(f"details not loaded: {event.error}", "error")
        text = f"{event.error} ({self.key_hint('retry-detail')} retries the details)"
        for screen in self._detail_screens():
            screen.show_error(event.invoice, text)
        current = self.current
        if current and (current.account, current.id) == (event.invoice.account, event.invoice.id):
            self.detail.show_error(text)

    def retry_details(self, invoice: Invoice) -> None:
        """L: fetch one invoice's details again (after a failure, or to be sure)."""
        key = (invoice.account, invoice.id)
        self.store.details.pop(key, None)
        self.say(f"Loading the details of invoice {invoice.label}…")
        for screen in self._detail_screens():
            if screen.invoice is not None and (screen.invoice.account, screen.invoice.id) == key:
                screen.pane.show_loading()
        if self.current is not None and (self.current.account, self.current.id) == key:
            self.detail.show_loading()
        self.loader.load_detail(invoice)

    def action_retry_detail(self) -> None:
        if (invoice := self._need_invoice()) is not None:
            self.retry_details(invoice)

    @on(DetailPane.LineItemChosen)
    def _show_line_item(self, event: DetailPane.LineItemChosen) -> None:
        from invoicetui.tui.screens.line_item import show_line_item  # on first use only

        show_line_item(self.app, event)

    @on(DetailPane.DetailsWanted)
    def _details_wanted(self, event: DetailPane.DetailsWanted) -> None:
        event.stop()
        self.want_details(event.invoice)

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
            retry_details=self.retry_details,
            notes=self.invoice_notes,
            save_documents=save,
        )
        self.app.push_screen(screen, back)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that would act on a hidden pane do not answer (nor show in ? or the footer)."""
        if action in DETAIL_ACTIONS:
            return self.is_mounted and self.detail.display
        if action == "filter":  # a priority key: "/" typed in the box is a character
            return self.focused is None or self.focused.id != "filter"
        return True

    def action_detail_tab(self, number: int) -> None:
        """1-5: a tab of the detail beside the table."""
        self.detail.show_tab(number)

    def action_detail_tab_step(self, delta: int) -> None:
        """←/→: the previous or next tab of the detail."""
        self.detail.show_tab(0, delta)

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

    async def action_filter(self) -> None:
        bar = await self.filter_bar()
        bar.show(True)
        row = self.table.cursor_row
        if not self.table.filter_text:
            self.row_before_filter = (row.account, row.id) if row is not None else None
        box = bar.input
        box.value = self.table.filter_text
        self.set_focus(box)  # at once, not deferred: keys typed right after "/" go to the box

    def clear_filter(self) -> None:
        """Esc in the table: the filter goes; the cursor stays on the row it is on."""
        if bar := self.existing_filter_bar():  # else "/" was never pressed: no box to empty
            box = bar.input
            with box.prevent(box.Changed):
                box.value = ""
        row = self.table.cursor_row
        self.table.set_filter("")
        if row is None:
            self.restore_row()
        self.row_before_filter = None
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

    def _refresh(self, names: list[str]) -> None:
        """Load `names` again as one round: "Refreshing…" until the last is done, then how."""
        for name in names:
            self.start_load(name, self._refresh_mode())
            self.round.add(name, self.generations[name])

    def action_refresh(self) -> None:
        names = [name for name in self._scope_accounts() if name in self.states]
        self._refresh(names)
        if names:
            self.say(f"Refreshing {', '.join(names)}…")

    def action_refresh_all(self) -> None:
        self._refresh(list(self.states))
        self.say(f"Refreshing all {len(self.states)} accounts…")

    def action_retry_failed(self) -> None:
        """F: every account whose last load failed, wherever the cursor is."""
        names = self.store.failed_accounts()
        if not names:
            self.say("No failed accounts to retry")
            return
        self._refresh(names)
        self.say(f"Retrying {', '.join(names)}…")

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
        """e: ask where (the downloads folder by default), then write the visible rows there."""
        from invoicetui.tui.screens.export import ExportScreen

        rows = list(self.visible_rows())
        if not rows:
            self.say("Nothing to export: no visible rows")
            return
        stamp = self.session.now().strftime("%Y%m%d-%H%M%S")
        default = self.session.export_directory() / f"invoices-{stamp}.csv"

        def chosen(path: Path | None) -> None:
            if path is None:
                self.say("Export cancelled")
                return
            self.say(f"Exporting {len(rows)} rows to {path}…")
            self.loader.export_csv(rows, path)

        self.app.push_screen(ExportScreen(len(rows), default), chosen)

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
            save_directory=event.path.parent,
            save_filename=event.path.name,
            mime_type="text/csv" if event.path.suffix == ".csv" else "text/plain",
            name=f"export:{event.rows}",
        )

    @on(msg.ExportFailed)
    def _export_failed(self, event: msg.ExportFailed) -> None:
        self.say(f"Export failed: {event.reason}", "error")
