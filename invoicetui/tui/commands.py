"""One CommandSpec per binding id: keys, action, label, purpose, palette entry and help line.

Bindings, the command palette and the "?" screen all read this one table (as textual-enhanced's
Command class does), so a command is written once and the [keys] table rebinds it everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from invoicetui.config.keys import DEFAULT_KEYS

# The "?" screen's sections, in the order it shows them.
GROUPS = (
    "Move", "Invoices", "Find and sort", "Accounts and data", "Detail tabs", "View", "Insight",
    "App",
)


@dataclass(frozen=True)
class CommandSpec:
    """One command: the Binding it yields, its palette entry (if any) and its help line."""

    id: str  # the binding id, as the [keys] table names it
    action: str  # the action on the main screen (other screens may bind the id to their own)
    label: str  # footer and "?" text
    group: str  # purpose: the "?" screen's section
    title: str | None = None  # palette title; None: not offered in the palette
    help: str = ""  # the palette's second line
    show: bool = False  # in the footer
    priority: bool = False

    @property
    def default_keys(self) -> str:
        return DEFAULT_KEYS[self.id]

    def binding(
        self,
        action: str | None = None,
        label: str | None = None,
        *,
        show: bool | None = None,
        priority: bool | None = None,
        keys: str | None = None,
        key_display: str | None = None,
    ) -> Binding:
        """The Binding; a screen that gives the key its own meaning passes action and label."""
        return Binding(
            keys or self.default_keys,
            action or self.action,
            label or self.label,
            show=self.show if show is None else show,
            priority=self.priority if priority is None else priority,
            key_display=key_display,
            id=self.id,
        )


_C = CommandSpec
# fmt: off
# Palette titles are the names the README's key table uses.
_ALL = (
    _C("cursor-down", "cursor_down", "Down", "Move"),
    _C("cursor-up", "cursor_up", "Up", "Move"),
    _C("top", "top", "First row", "Move"),
    _C("bottom", "bottom", "Last row", "Move"),
    _C("page-up", "page_up", "Page up", "Move"),
    _C("page-down", "page_down", "Page down", "Move"),
    _C("focus-next", "app.focus_next", "Next pane", "Move"),
    _C("focus-previous", "app.focus_previous", "Previous pane", "Move"),
    _C("select", "drill_in", "Drill in", "Move"),
    _C("back", "back", "Back out", "Move"),
    _C("next-invoice", "step(1)", "Next invoice", "Move",
       "Next invoice", "Step to the next invoice"),
    _C("previous-invoice", "step(-1)", "Previous invoice", "Move",
       "Previous invoice", "Step to the previous invoice"),
    _C("copy-id", "copy_id", "Copy id", "Invoices",
       "Copy invoice id", "Copy the highlighted invoice's id (OSC 52)"),
    _C("copy-url", "copy_url", "Copy URL", "Invoices",
       "Copy invoice URL", "Copy the highlighted invoice's URL (OSC 52)"),
    _C("open-url", "open_url", "Open URL", "Invoices",
       "Open invoice URL", "Open the invoice's URL and show it"),
    _C("export", "export", "Export CSV", "Invoices",
       "Export visible rows as CSV", "Save the rows on screen as a CSV file"),
    _C("save-documents", "save_documents", "Save documents", "Invoices",
       "Save invoice documents",
       "The invoice's PDFs to the downloads folder, or where its documents live"),
    # Priority: the app runs it before it routes the next key, so keys typed right after "/"
    # reach the box it opens (else they went to the table, queued before the focus moved).
    _C("filter", "filter", "Filter", "Find and sort",
       "Filter invoices", "Filter on id, account, description and status", show=True,
       priority=True),
    _C("sort", "sort", "Sort", "Find and sort",
       "Sort by next column", "Choose the sort column", show=True),
    _C("sort-reverse", "sort_reverse", "Reverse sort", "Find and sort",
       "Reverse sort", "Flip the sort direction"),
    _C("refresh", "refresh", "Refresh", "Accounts and data",
       "Refresh account", "Fetch the selected account again", show=True),
    _C("refresh-all", "refresh_all", "Refresh all", "Accounts and data",
       "Refresh all accounts", "Fetch every account again"),
    _C("retry-failed", "retry_failed", "Retry failed", "Accounts and data",
       "Retry failed accounts", "Fetch again every account whose last load failed"),
    _C("retry-detail", "retry_detail", "Retry details", "Accounts and data",
       "Retry invoice details",
       "Fetch the highlighted invoice's line items, credits and payments again"),
    _C("tab-next", "detail_tab_step(1)", "Next tab", "Detail tabs"),
    _C("tab-previous", "detail_tab_step(-1)", "Previous tab", "Detail tabs"),
    _C("tab-1", "detail_tab(1)", "Line items", "Detail tabs",
       "Show line items", "The detail's Line items tab"),
    _C("tab-2", "detail_tab(2)", "Credits", "Detail tabs",
       "Show credits", "The detail's Credits tab"),
    _C("tab-3", "detail_tab(3)", "Payments", "Detail tabs",
       "Show payments", "The detail's Payments tab"),
    _C("tab-4", "detail_tab(4)", "Info", "Detail tabs",
       "Show info", "The detail's Info tab (provider fields)"),
    _C("tab-5", "detail_tab(5)", "Raw", "Detail tabs",
       "Show raw JSON", "The detail's Raw tab (the provider's JSON)"),
    _C("toggle-detail", "toggle_detail", "Detail pane", "View",
       "Toggle detail pane", "Hide or show the invoice detail"),
    # The insight views (issue 11): from anywhere, and their own keys.
    _C("view-overview", "app.open_view('overview')", "Overview", "Insight",
       "Overview: what is owed",
       "Outstanding, overdue by age and due soon, per currency and account"),
    _C("view-trends", "app.open_view('trends')", "Trends", "Insight",
       "Trends: month by month",
       "Monthly totals per account for 12 months, changes and anomalies, a chart"),
    _C("view-breakdown", "app.open_view('breakdown')", "Breakdown", "Insight",
       "Breakdown: where the money goes",
       "Line items by project, kind or [groups] label, with shares"),
    _C("view-changes", "app.open_view('changes')", "Changes", "Insight",
       "Changes since you last looked",
       "New invoices, status and amount changes found by the last refreshes"),
    _C("cursor-left", "move(0, -1)", "Left", "Move"),
    _C("cursor-right", "move(0, 1)", "Right", "Move"),
    _C("next-anomaly", "anomaly(1)", "Next anomaly", "Insight",
       "Next anomaly", "Trends: the cursor to the next anomaly"),
    _C("previous-anomaly", "anomaly(-1)", "Previous anomaly", "Insight",
       "Previous anomaly", "Trends: the cursor to the previous anomaly"),
    _C("chart-mode", "chart_mode", "Chart: row or currency", "Insight",
       "Chart the row or its currency", "Trends: bars of the row, or of every account"),
    _C("breakdown-by", "cycle_by", "Group by", "Insight",
       "Group by project, kind or label", "Breakdown: what the line items are grouped by"),
    _C("period-previous", "period(-1)", "Previous month", "Insight",
       "Previous month", "Breakdown: the month before"),
    _C("period-next", "period(1)", "Next month", "Insight",
       "Next month", "Breakdown: the month after"),
    _C("period-range", "toggle_range", "Month or 12 months", "Insight",
       "One month or twelve", "Breakdown: one month, or the 12 up to it"),
    _C("load-details", "load_details", "Load line items", "Insight",
       "Load line items", "Breakdown: fetch the details of invoices known as summaries"),
    _C("help", "app.help", "Keys", "App", "Show keys", "Keys for the focused pane", show=True),
    _C("command-palette", "app.command_palette", "Commands", "App", priority=True),
    _C("quit", "app.quit", "Quit", "App", "Quit", "Leave invoicetui", show=True),
)
# fmt: on
COMMANDS: dict[str, CommandSpec] = {spec.id: spec for spec in _ALL}
# The detail's tab keys, bound wherever a detail pane shows.
TAB_COMMANDS = ("tab-next", "tab-previous", "tab-1", "tab-2", "tab-3", "tab-4", "tab-5")
# The palette's order: what a user does most first.
PALETTE_ORDER = (
    "refresh", "refresh-all", "retry-failed", "retry-detail", "copy-id", "copy-url", "open-url",
    "export", "save-documents", "filter", "sort", "sort-reverse", "toggle-detail",
    "tab-1", "tab-2", "tab-3", "tab-4", "tab-5", "next-invoice", "previous-invoice",
    "view-overview", "view-trends", "view-breakdown", "view-changes", "next-anomaly",
    "previous-anomaly", "chart-mode", "breakdown-by", "period-previous", "period-next",
    "period-range", "load-details", "help", "quit",
)  # fmt: skip

assert set(COMMANDS) == set(DEFAULT_KEYS), "every binding id has one CommandSpec"


def command(binding_id: str) -> CommandSpec:
    """The spec of a binding id (KeyError names an unknown one)."""
    try:
        return COMMANDS[binding_id]
    except KeyError:
        raise KeyError(f"unknown binding id {binding_id!r}") from None


def palette_commands() -> list[CommandSpec]:
    """The commands the palette offers, in PALETTE_ORDER."""
    return [COMMANDS[binding_id] for binding_id in PALETTE_ORDER if COMMANDS[binding_id].title]
