"""The main screen's key actions (copy, open, export, refresh, sort, filter, navigation)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from textual.screen import Screen
from textual.widget import Widget

from invoicetui.config.options import FetchMode
from invoicetui.core.model import Invoice
from invoicetui.tui.screens.store import in_scope
from invoicetui.tui.widgets.sidebar import ALL, AccountState

if TYPE_CHECKING:
    from invoicetui.tui.app import InvoiceApp
    from invoicetui.tui.screens.main import FilterInput, InvoiceTable, MainScreen
    from invoicetui.tui.widgets.detail import DetailPane
    from invoicetui.tui.widgets.sidebar import Sidebar
    from invoicetui.tui.widgets.statusbar import StatusBar


class MainActions(Screen[None]):
    """Actions of the main screen; the state and widgets they use live in MainScreen."""

    current: Invoice | None
    scope: str
    detail_hidden: bool

    @property
    def states(self) -> dict[str, AccountState]:
        raise NotImplementedError

    # Provided by MainScreen.
    @property
    def table(self) -> InvoiceTable:
        raise NotImplementedError

    @property
    def sidebar(self) -> Sidebar:
        raise NotImplementedError

    @property
    def detail(self) -> DetailPane:
        raise NotImplementedError

    @property
    def status(self) -> StatusBar:
        raise NotImplementedError

    def start_load(self, account: str, mode: FetchMode) -> None:
        raise NotImplementedError

    def shown_invoice(self) -> Invoice | None:
        raise NotImplementedError

    def position(self) -> tuple[int, int] | None:
        raise NotImplementedError

    def visible_rows(self) -> Sequence[Invoice]:
        raise NotImplementedError

    def _after_rows_changed(self) -> None:
        raise NotImplementedError

    def _apply_detail_visibility(self) -> None:
        raise NotImplementedError

    def _update_title(self) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------ helpers

    @property
    def _app(self) -> InvoiceApp:
        return cast("InvoiceApp", self.app)

    def _within(self, widget: Widget) -> bool:
        focused = self.focused
        while focused is not None:
            if focused is widget:
                return True
            focused = cast("Widget | None", focused.parent)
        return False

    def _need_invoice(self) -> Invoice | None:
        invoice = self.shown_invoice()
        if invoice is None:
            self.status.say("No invoice highlighted")
        return invoice

    def _need_url(self) -> str | None:
        """The highlighted invoice's URL, or None after saying why there is none."""
        invoice = self._need_invoice()
        if invoice is None:
            return None
        if not invoice.url:
            self.status.say(f"Invoice {invoice.label} has no URL")
        return invoice.url

    # ------------------------------------------------------------------ navigation

    def action_drill_in(self) -> None:
        """Enter/l: table -> detail -> its line items; narrow: the detail full screen."""
        if self._within(self.detail):
            self.detail.focus_line_items()
            return
        if self.current is None:
            return
        if self.has_class("-narrow") and not self.detail.display:
            self._app.open_detail_screen(cast("MainScreen", self))
            return
        if not self.detail.display:
            self.detail_hidden = False
            self._apply_detail_visibility()
        for widget in self.detail.query(Widget):
            if widget.focusable:
                widget.focus()
                return

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
            return
        self.sidebar.focus()

    def action_step(self, delta: int) -> None:
        """n/N: the next or previous invoice in the table's order."""
        if self.table.visible_count == 0:
            return
        self.table.move_cursor(self.table.cursor_index + delta)

    def action_toggle_detail(self) -> None:
        if self.has_class("-narrow"):
            self.toggle_class("-show-detail")
        else:
            self.detail_hidden = not self.detail_hidden
        self._apply_detail_visibility()
        if not self.detail.display and self._within(self.detail):
            self.table.focus()
        self.status.say("Detail pane shown" if self.detail.display else "Detail pane hidden")

    # ------------------------------------------------------------------ filter and sort

    def action_filter(self) -> None:
        from invoicetui.tui.screens.main import FilterInput

        box = self.query_one("#filter", FilterInput)
        box.display = True
        box.value = self.table.filter_text
        self.set_focus(box)  # at once, not deferred: keys typed right after "/" go to the box

    def clear_filter(self) -> None:
        from invoicetui.tui.screens.main import FilterInput

        box: FilterInput = self.query_one("#filter", FilterInput)
        with box.prevent(box.Changed):
            box.value = ""
        self.table.set_filter("")
        self._after_rows_changed()
        self.status.say("Filter cleared")

    def action_sort(self) -> None:
        self.table.cycle_sort()
        self._after_sort()

    def action_sort_reverse(self) -> None:
        self.table.toggle_sort_direction()
        self._after_sort()

    def sort_label(self) -> str | None:
        """ "Due ↓" for the current sort, None when unsorted."""
        key = self.table.sort_column
        if key is None:
            return None
        label = next((c.label for c in self.table.columns if c.key == key), key)
        return f"{label} {'↓' if self.table.sort_reverse else '↑'}"

    def _after_sort(self) -> None:
        self._update_title()
        label = self.sort_label()
        if label is not None:
            direction = "descending" if self.table.sort_reverse else "ascending"
            self.status.say(f"Sorted by {label[:-2]}, {direction}")

    # ------------------------------------------------------------------ refresh

    def _scope_accounts(self) -> list[str]:
        """r: the sidebar's account or provider; on "All", the highlighted invoice's account."""
        if self.scope == ALL and self.current is not None:
            return [self.current.account]
        return [s.name for s in self.states.values() if in_scope(self.scope, s)]

    def _refresh_mode(self) -> FetchMode:
        if self._app.setup.mode is FetchMode.OFFLINE:
            return FetchMode.OFFLINE
        return FetchMode.REFRESH

    def action_refresh(self) -> None:
        names = [name for name in self._scope_accounts() if name in self.states]
        for name in names:
            self.start_load(name, self._refresh_mode())
        if names:
            self.status.say(f"Refreshing {', '.join(names)}…")

    def action_refresh_all(self) -> None:
        for name in self.states:
            self.start_load(name, self._refresh_mode())
        self.status.say(f"Refreshing all {len(self.states)} accounts…")

    # ------------------------------------------------------------------ copy, open, export

    def action_copy_id(self) -> None:
        invoice = self._need_invoice()
        if invoice is None:
            return
        self.app.copy_to_clipboard(invoice.id)
        self.status.say(f"Copied invoice id {invoice.id}", "success")

    def action_copy_url(self) -> None:
        url = self._need_url()
        if url:
            self.app.copy_to_clipboard(url)
            self.status.say(f"Copied URL {url}", "success")

    def action_open_url(self) -> None:
        url = self._need_url()
        if url:
            self.app.open_url(url)
            if not self._app.url_shown_instead:  # else it showed and copied the URL
                self.status.say(f"Opened {url}", "success")

    def action_export(self) -> None:
        rows = list(self.visible_rows())
        if not rows:
            self.status.say("Nothing to export: no visible rows")
            return
        self.status.say(f"Exporting {len(rows)} rows…")
        self._app.export_csv(rows, self)

    def action_save_documents(self) -> None:
        """d: the invoice's PDFs to the downloads folder, or where its documents live."""
        from invoicetui.tui.paperwork import save_documents

        invoice = self._need_invoice()
        if invoice is not None:
            save_documents(self._app, invoice, self.status.say, self)

    def action_export_journal(self, style: str) -> None:
        from invoicetui.tui.paperwork import export_journal

        rows = list(self.visible_rows())
        if not rows:
            self.status.say("Nothing to export: no visible rows")
            return
        self.status.say(f"Exporting {len(rows)} rows as a {style} journal…")
        export_journal(self._app, rows, "beancount" if style == "beancount" else "ledger", self)

    def scope_label(self) -> str:
        return "all accounts" if self.scope == ALL else self.scope.split(":", 1)[1]
