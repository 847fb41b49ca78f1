"""Breakdown: where the money goes. Line items by project, kind or [groups] label, for a month
or the last 12, per currency with shares; Enter lists a group's line items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Static

from invoicetui.core.model import Invoice
from invoicetui.core.sanitize import clean_text
from invoicetui.service.insight.breakdown import Breakdown, Group, breakdown
from invoicetui.tui import messages as msg
from invoicetui.tui.keymap import bind
from invoicetui.tui.rows import money_str
from invoicetui.tui.screens.insight import InsightScreen
from invoicetui.tui.session import Session
from invoicetui.tui.widgets.figures import Cell, FigureGrid, GridRow, muted

By = Literal["project", "kind", "group"]
ORDER: tuple[By, ...] = ("project", "kind", "group")
BY_WORDS = {"project": "project", "kind": "kind or service", "group": "[groups] label"}
SHARE_BAR = 10  # cells of the share bar
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def add_months(day: date, count: int) -> date:
    index = day.year * 12 + day.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_words(day: date) -> str:
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def share_text(share: Decimal) -> Text:
    """ "██████▌    42.0 %": the bar for the eye, the figure for the reader."""
    eighths = int(share * SHARE_BAR * 8)
    bar = "█" * (eighths // 8) + (" ▏▎▍▌▋▊▉"[eighths % 8] if eighths % 8 else "")
    text = Text()
    text.append(bar, style="cyan")
    text.append(" " * (SHARE_BAR - len(bar)))
    text.append(f" {(share * 100).quantize(Decimal('0.1')):>5} %")
    return text


@dataclass(frozen=True)
class Period:
    """A month, or the 12 months up to it."""

    last: date  # first day of the last month
    months: int = 1

    @property
    def first(self) -> date:
        return add_months(self.last, 1 - self.months)

    def words(self) -> str:
        if self.months == 1:
            return month_words(self.last)
        return f"{month_words(self.first)} – {month_words(self.last)}"


def grid_rows(data: Breakdown) -> tuple[list[Text], list[GridRow], list[Group | None]]:
    headers = [Text("Amount", style="bold"), Text("Share", style="bold"),
               Text("Items", style="bold")]  # fmt: skip
    rows: list[GridRow] = []
    behind: list[Group | None] = []
    without = set(data.without_items)
    for cur in data.currencies:
        code = clean_text(cur.currency, one_line=True)
        title = Text(f"{code} · total {money_str(cur.total, code)}", style="bold underline")
        rows.append(GridRow(title, ()))
        behind.append(None)
        for group in cur.groups:
            name = clean_text(group.label, one_line=True)
            label = Text(f"  {name}")
            if name in without:
                label.append_text(muted(" (no line items)"))
            cell_title = f"{name} · {code}"
            keys = group.keys
            rows.append(GridRow(label, (
                Cell(Text(f"{money_str(group.amount, code)} {code}"), keys, cell_title),
                Cell(share_text(group.share), keys, cell_title),
                Cell(Text(str(len(group.items))), keys, cell_title),
            )))  # fmt: skip
            behind.append(group)
    return headers, rows, behind


class BreakdownScreen(InsightScreen[Breakdown]):
    """Line items grouped, per currency, for a month or a range."""

    VIEW = "breakdown"
    HELP_NOTES = (
        "Enter on a group lists its line items, across every invoice they came from.",
        "b groups by project, kind or service, or your [groups] labels; [ and ] step the "
        "month; m switches between one month and the 12 months up to it.",
        "Invoices without line items (Zilliz has none; others until their details are "
        "loaded, L loads them) count as one group per account, marked (no line items).",
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("breakdown-by", "cycle_by", "Group by", show=True),
        bind("period-previous", "period(-1)", "Previous month", show=True),
        bind("period-next", "period(1)", "Next month", show=True),
        bind("period-range", "toggle_range", "Month or 12 months"),
        bind("load-details", "load_details", "Load line items"),
    ]
    DEFAULT_CSS = """
    BreakdownScreen #groups { height: 1fr; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.by: By = "project"
        self.period: Period | None = None
        self.behind: list[Group | None] = []

    @property
    def grid(self) -> FigureGrid:
        return self.query_one("#groups", FigureGrid)

    def compose_body(self) -> ComposeResult:
        yield Static("", classes="view-title", id="breakdown-title", markup=False)
        yield FigureGrid(windowed=True, id="groups")
        yield Static("", classes="view-note", id="breakdown-note", markup=False)

    def on_mount(self) -> None:
        today = self.today()
        self.period = Period(add_months(date(today.year, today.month, 1), -1))  # last full
        super().on_mount()
        self.grid.focus()

    def compute(self, invoices: Sequence[Invoice], today: date) -> Breakdown:
        period = self.period or Period(date(today.year, today.month, 1))
        last = add_months(period.last, 1).replace(day=1)
        end = date.fromordinal(last.toordinal() - 1)
        return breakdown(invoices, self.by, self.session.setup.groups, period.first, end)

    def show(self, result: Breakdown) -> None:
        headers, rows, self.behind = grid_rows(result)
        grid = self.grid
        grid.empty_text = "No line items or invoices in this period"
        grid.set_data(headers, rows)
        if self.behind and self.behind[grid.row] is None and len(self.behind) > 1:
            grid.move_to(grid.row + 1, grid.column)  # off a currency's title line
        words = self.period.words() if self.period else ""
        self.query_one("#breakdown-title", Static).update(
            f"By {BY_WORDS[self.by]} · {words} · per currency, shares of its total"
        )
        note = ""
        if result.without_items:
            names = ", ".join(clean_text(a, one_line=True) for a in result.without_items)
            note = (f"No line items for {names}: each is one group with its invoice totals "
                    "(Zilliz has none; L loads the others' details).")  # fmt: skip
        if self.by == "group" and not self.session.setup.groups:
            note = "No [groups] configured: everything is (no group). " + note
        self.query_one("#breakdown-note", Static).update(note)

    @on(FigureGrid.Chosen, "#groups")
    def _chosen(self, event: FigureGrid.Chosen) -> None:
        from invoicetui.tui.screens.group_items import GroupItemsScreen

        grid = self.grid
        group = self.behind[grid.row] if grid.row < len(self.behind) else None
        if group is None:
            return
        self.app.push_screen(GroupItemsScreen(event.cell.title, group.items))

    # ------------------------------------------------------------------ actions

    def action_cycle_by(self) -> None:
        self.by = ORDER[(ORDER.index(self.by) + 1) % len(ORDER)]
        self.grid.move_to(0, 0)
        self.recompute()

    def action_period(self, step: int) -> None:
        if self.period is None:
            return
        self.period = Period(add_months(self.period.last, step), self.period.months)
        self.recompute()

    def action_toggle_range(self) -> None:
        if self.period is None:
            return
        self.period = Period(self.period.last, 12 if self.period.months == 1 else 1)
        self.recompute()

    def action_load_details(self) -> None:
        from invoicetui.tui.screens.insight import current_invoices

        if self.period is None:
            return
        first, last = self.period.first, add_months(self.period.last, 1)
        wanted = [
            inv for inv in current_invoices(self.main)
            if not inv.detailed and (a := inv.period_start or inv.issued) is not None
            and first <= date(a.year, a.month, 1) < last
        ]  # fmt: skip
        if not wanted:
            self.notify("Every invoice of this period has its details loaded", markup=False)
            return
        self.status_line(f"Loading the details of {len(wanted)} invoices…")
        self.main.loader.load_details(wanted, self)

    @on(msg.DetailsBatchDone)
    def _details_done(self, event: msg.DetailsBatchDone) -> None:
        details = self.main.store.details
        for invoice in event.loaded:  # before the main screen's own copies may have arrived
            details[(invoice.account, invoice.id)] = invoice
        text = f"Loaded the details of {len(event.loaded)} invoices"
        if event.failed:
            text += f"; {len(event.failed)} failed: {event.failed[0]}"
        self.notify(text, severity="warning" if event.failed else "information", markup=False)
        self.recompute()
