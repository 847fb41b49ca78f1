"""Trends: month by account (and by currency) totals for 12 months, the change of the last full
month against the one before, anomalies marked, and monthly bars of the row under the cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType

from invoicetui.core.model import PROVIDER_LABELS, Invoice
from invoicetui.core.sanitize import clean_text
from invoicetui.service.insight.trends import ANOMALY_RULE, Month, TrendRow, Trends, trends
from invoicetui.tui.keymap import bind
from invoicetui.tui.rows import money_str
from invoicetui.tui.screens.insight import InsightScreen
from invoicetui.tui.screens.invoice_list import open_figure
from invoicetui.tui.session import Session
from invoicetui.tui.widgets.barchart import BarChart, ChartData, Series
from invoicetui.tui.widgets.figures import Cell, FigureGrid, GridRow, muted

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DELTA_COLUMNS = 2  # Δ amount, Δ %: pinned at the right


def month_name(month: Month) -> str:
    return f"{MONTH_NAMES[month.first.month - 1]} {month.first.year % 100:02d}"


def row_name(row: TrendRow) -> str:
    if not row.account:
        return f"All {clean_text(row.currency, one_line=True)}"
    return clean_text(row.account, one_line=True)


def signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + money_str(value)


def delta_cells(row: TrendRow, keys: frozenset[tuple[str, str]], title: str) -> tuple[Cell, Cell]:
    if row.delta is None:
        dash = muted("—")
        return Cell(dash, keys, title), Cell(dash.copy(), keys, title)
    style = "bold" if row.delta > 0 else ""
    amount = Text(signed(row.delta), style=style)
    if row.delta_pct is None:
        percent = muted("new")
    else:
        sign = "+" if row.delta_pct > 0 else ""
        percent = Text(f"{sign}{row.delta_pct.quantize(Decimal('0.1'))} %", style=style)
    return Cell(amount, keys, title), Cell(percent, keys, title)


def grid_rows(data: Trends) -> tuple[list[Text], list[GridRow], list[TrendRow]]:
    """Headers, grid rows and the TrendRow behind each (accounts, then each currency's sum)."""
    headers = []
    for month in data.months:
        name = month_name(month)
        headers.append(Text(f"{name[:3]} to date" if month.to_date else name, style="bold"))
    headers += [Text("Δ amount", style="bold"), Text("Δ %", style="bold")]
    compared = data.compared
    series = [*data.rows, *data.currencies]
    rows: list[GridRow] = []
    for trend in series:
        name = row_name(trend)
        code = clean_text(trend.currency, one_line=True)
        cells: list[Cell] = []
        for m, (total, month) in enumerate(zip(trend.totals, data.months, strict=True)):
            if total is None:
                cells.append(Cell(muted("—")))
                continue
            amount = money_str(total, code)
            text = muted(amount, "italic dim") if month.to_date else Text(amount)
            if m in trend.anomalies:
                text = Text(f"{money_str(total, code)}!", style="bold red")
            label = f"{name} · {code} · {month_name(month)}{' to date' if month.to_date else ''}"
            cells.append(Cell(text, trend.keys[m], label))
        both: frozenset[tuple[str, str]] = frozenset()
        if compared is not None:
            both = trend.keys[compared[0]] | trend.keys[compared[1]]
        cells.extend(delta_cells(trend, both, f"{name} · {code} · the two months compared"))
        row_label = Text(name, style="bold" if not trend.account else "")
        row_label.append_text(muted(f" {code}"))
        rows.append(GridRow(row_label, tuple(cells)))
    return headers, rows, series


class TrendsScreen(InsightScreen[Trends]):
    """Monthly totals per account and currency, with their change and anomalies."""

    VIEW = "trends"
    HELP_NOTES = (
        "Enter on a month lists the invoices behind its total; on Δ, those of both months.",
        "Δ compares the last full month with the one before; the running month is marked "
        "\"to date\" and never compared.",
        f"Anomalies (marked !): {ANOMALY_RULE}",
        "The chart shows the row under the cursor; c switches to all accounts of its currency.",
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("next-anomaly", "anomaly(1)", "Next anomaly", show=True),
        bind("previous-anomaly", "anomaly(-1)", "Previous anomaly"),
        bind("chart-mode", "chart_mode", "Chart: row or currency", show=True),
    ]
    DEFAULT_CSS = """
    TrendsScreen #trend-grid { height: 1fr; min-height: 4; }
    TrendsScreen #trend-chart { height: 12; border-top: solid $panel-lighten-2; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.series: list[TrendRow] = []
        self.by_currency = False

    @property
    def grid(self) -> FigureGrid:
        return self.query_one("#trend-grid", FigureGrid)

    def compose_body(self) -> ComposeResult:
        yield FigureGrid(pinned=DELTA_COLUMNS, windowed=True, id="trend-grid")
        yield BarChart(id="trend-chart")

    def on_mount(self) -> None:
        super().on_mount()
        self.grid.focus()

    def compute(self, invoices: Sequence[Invoice], today: date) -> Trends:
        return trends(invoices, today)

    def show(self, result: Trends) -> None:
        headers, rows, self.series = grid_rows(result)
        grid = self.grid
        grid.empty_text = "No invoices in the last 12 months"
        first = grid.rows == ()
        grid.set_data(headers, rows)
        compared = result.compared
        if first and compared is not None:
            grid.move_to(0, compared[1])  # the last full month, so the newest months show
        if compared is not None:
            old, new = (month_name(result.months[i]) for i in compared)
            running = next((month_name(m) for m in result.months if m.to_date), None)
            note = f"Δ: {new} vs {old}"
            if running:
                note += f" · {running} to date, not compared"
            self.status_line(note + " · ! anomaly (see ?)")
        self._chart()

    # ------------------------------------------------------------------ chart

    def _chart(self) -> None:
        data = self.result
        chart = self.query_one("#trend-chart", BarChart)
        if data is None or not self.series:
            chart.show(None)
            return
        grid = self.grid
        current = self.series[min(grid.row, len(self.series) - 1)]
        if self.by_currency or not current.account:
            rows = [r for r in data.rows if r.currency == current.currency]
            title = f"All accounts in {clean_text(current.currency, one_line=True)}, by account"
        else:
            rows = [current]
            provider = PROVIDER_LABELS.get(current.provider, current.provider)
            code = clean_text(current.currency, one_line=True)
            title = f"{row_name(current)} ({provider}), {code}"
        anomalies = frozenset(i for r in rows for i in r.anomalies)
        to_date = next((i for i, m in enumerate(data.months) if m.to_date), None)
        highlight = grid.column if grid.column < len(data.months) else None
        chart.show(ChartData(
            title=title,
            months=tuple(MONTH_NAMES[m.first.month - 1] for m in data.months),
            series=tuple(Series(row_name(r), tuple(r.totals)) for r in rows),
            to_date=to_date, anomalies=anomalies, highlight=highlight,
        ))  # fmt: skip

    @on(FigureGrid.Moved, "#trend-grid")
    def _moved(self, event: FigureGrid.Moved) -> None:
        self._chart()

    @on(FigureGrid.Chosen, "#trend-grid")
    def _chosen(self, event: FigureGrid.Chosen) -> None:
        open_figure(self, event.cell)

    # ------------------------------------------------------------------ actions

    def action_chart_mode(self) -> None:
        self.by_currency = not self.by_currency
        self._chart()

    def anomaly_cells(self) -> list[tuple[int, int]]:
        return [(y, m) for y, row in enumerate(self.series) for m in sorted(row.anomalies)]

    def action_anomaly(self, step: int) -> None:
        """a / A: the cursor to the next (previous) anomaly, wrapping around."""
        cells = self.anomaly_cells()
        grid = self.grid
        if not cells:
            self.notify("No anomalies in these 12 months", markup=False)
            return
        here = (grid.row, grid.column)
        if step > 0:
            target = next((c for c in cells if c > here), cells[0])
        else:
            target = next((c for c in reversed(cells) if c < here), cells[-1])
        grid.move_to(*target)
        index = cells.index(target) + 1
        row = self.series[target[0]]
        month = self.result.months[target[1]] if self.result else None
        total = row.totals[target[1]]
        when = month_name(month) if month else "?"
        self.status_line(
            f"Anomaly {index} of {len(cells)}: {row_name(row)} {when}: "
            f"{money_str(total, row.currency)} {clean_text(row.currency, one_line=True)}"
            " (rule in ?)"
        )
