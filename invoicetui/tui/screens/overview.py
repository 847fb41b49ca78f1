"""Overview (the k9s "pulse"): what is owed per currency, overdue by age, due soon; each
account's next due and oldest overdue invoice; budgets and the "≈" total. Enter on a figure
opens exactly the invoices behind it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from invoicetui.core.model import PROVIDER_LABELS, Invoice
from invoicetui.core.sanitize import clean_text
from invoicetui.service.insight.budgets import Approx, BudgetLine, approx_total, budget_status
from invoicetui.service.insight.overview import Figure, Overview, overview
from invoicetui.tui.rows import money_str
from invoicetui.tui.screens.insight import InsightScreen
from invoicetui.tui.screens.invoice_list import open_figure
from invoicetui.tui.widgets.figures import Cell, FigureGrid, GridRow, muted

MISSING = muted("—")
FIGURES: tuple[tuple[str, str, str], ...] = (
    # (attribute of CurrencyOverview, row label, what the invoice list is called)
    ("outstanding", "Outstanding", "outstanding"),
    ("overdue_1_30", "Overdue 1–30 d", "overdue 1–30 days"),
    ("overdue_31_60", "Overdue 31–60 d", "overdue 31–60 days"),
    ("overdue_over_60", "Overdue > 60 d", "overdue over 60 days"),
    ("due_7", "Due within 7 d", "due within 7 days"),
    ("due_30", "Due within 30 d", "due within 30 days"),
    ("credit", "Credit to you", "credit (negative balances, owed to you)"),
)
LEVEL_WORDS = {"ok": ("ok", ""), "warn": ("WARN > 80 %", "bold yellow"),
               "over": ("OVER BUDGET", "bold red")}  # fmt: skip


@dataclass(frozen=True)
class OverviewData:
    overview: Overview
    budgets: list[BudgetLine]
    approx: Approx | None


def figure_text(figure: Figure, currency: str | None = None, *, overdue: bool = False) -> Text:
    """ "4,200.00 (3)"; nothing behind it: a dim dash."""
    if not figure.count:
        return MISSING.copy()
    text = Text(money_str(figure.amount, currency), style="bold red" if overdue else "")
    text.append_text(muted(f" ({figure.count})"))
    return text


def day_cell(day: date | None, key: tuple[str, str] | None, note: str, title: str) -> Cell:
    if day is None:
        return Cell(MISSING.copy())
    text = Text(day.isoformat())
    if note:
        text.append_text(muted(f" {note}"))
    return Cell(text, frozenset({key}) if key else frozenset(), title)


def owed_rows(data: Overview) -> tuple[list[Text], list[GridRow]]:
    headers = [Text(clean_text(c.currency, one_line=True), style="bold") for c in data.currencies]
    rows: list[GridRow] = []
    for attr, label, noun in FIGURES:
        if attr == "credit" and not any(c.credit.count for c in data.currencies):
            continue  # credits are rare (DoiT): a row of dashes would only be noise
        overdue = attr.startswith("overdue")
        cells = []
        for cur in data.currencies:
            figure: Figure = getattr(cur, attr)
            code = clean_text(cur.currency, one_line=True)
            text = figure_text(figure, code, overdue=overdue)
            cells.append(Cell(text, figure.keys, f"{code} · {noun}"))
        rows.append(GridRow(Text(label, style="bold" if overdue else ""), tuple(cells)))
    return headers, rows


def account_rows(data: Overview) -> tuple[list[Text], list[GridRow]]:
    headers = [Text("Next due", style="bold"), Text("Oldest overdue", style="bold")]
    rows: list[GridRow] = []
    for acc in data.accounts:
        name = clean_text(acc.account, one_line=True)
        label = Text(name)
        label.append_text(muted(f" {PROVIDER_LABELS.get(acc.provider, acc.provider)}"))
        days = acc.oldest_overdue_days
        late = f"{days}d late" if days else ""
        rows.append(GridRow(label, (
            day_cell(acc.next_due, acc.next_due_key, "", f"{name} · next due"),
            day_cell(acc.oldest_overdue, acc.oldest_overdue_key, late, f"{name} · oldest overdue"),
        )))  # fmt: skip
    return headers, rows


def approx_text(approx: Approx | None) -> Text:
    """ "≈ 45,120.00 EUR in total outstanding (rates: USD 0.92, GBP 1.17); left out: NOK"."""
    if approx is None:
        return Text("No [rates] configured: amounts of different currencies are never added.",
                    style="dim")  # fmt: skip
    base = clean_text(approx.base, one_line=True)
    text = Text(f"≈ {money_str(approx.total, base)} {base} in total outstanding", style="bold")
    used = ", ".join(
        f"{clean_text(c, one_line=True)} {r}" for c, r in approx.used.items() if c != approx.base
    )
    if used:
        text.append(f" (rates to {base}: {used})", style="")
    if approx.left_out:
        left = ", ".join(clean_text(c, one_line=True) for c in approx.left_out)
        text.append(f"; left out, no rate: {left}", style="bold")
    return text


def budget_rows(lines: Sequence[BudgetLine]) -> tuple[list[Text], list[GridRow]]:
    headers = [Text(h, style="bold") for h in ("Accrued", "Budget", "Used", "", "Month end ≈")]
    rows: list[GridRow] = []
    for line in lines:
        name = clean_text(line.account, one_line=True)
        word, style = LEVEL_WORDS.get(line.level, (line.level, ""))
        code = clean_text(line.currency or "", one_line=True)
        percent = line.percent
        title = f"{name} · accruing this month"
        keys = line.keys
        rows.append(GridRow(Text(name), (
            Cell(Text(f"{money_str(line.accrued, code)} {code}".strip()), keys, title),
            Cell(Text(f"{money_str(line.budget, code)} {code}".strip()), keys, title),
            Cell(Text(f"{percent} %" if percent is not None else "—", style=style), keys, title),
            Cell(Text(word, style=style), keys, title),
            Cell(muted(f"{money_str(line.projected, code)} {code}".strip()), keys, title),
        )))  # fmt: skip
    return headers, rows


class OverviewScreen(InsightScreen[OverviewData]):
    """Per currency and per account: what is owed, late, and due soon."""

    VIEW = "overview"
    HELP_NOTES = (
        "Enter on a figure lists exactly the invoices behind it; Esc comes back.",
        "Overdue: something positive is outstanding and the provider says so, or (where its "
        "status does not tell lateness) the due date has passed. Zilliz's status is trusted "
        "through its 14-day grace period; a negative DoiT balance is a credit, never a debt.",
        "Budgets: this month's accrual (draft, unbilled, pending invoices) against [budgets]; "
        "WARN past 80 %, OVER past 100 %.",
    )
    DEFAULT_CSS = """
    OverviewScreen #overview-body { height: 1fr; }
    OverviewScreen .section { height: 1; padding: 0 1; text-style: bold; color: $accent; }
    OverviewScreen #approx { height: auto; padding: 0 1; }
    """

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="overview-body"):
            yield Static("Owed, per currency (amount, invoices)", classes="section")
            yield FigureGrid(id="owed")
            yield Static("", id="approx")
            yield Static("Accounts", classes="section")
            yield FigureGrid(id="accounts")
            yield Static("Budgets, this month", classes="section")
            yield FigureGrid(id="budgets")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#owed", FigureGrid).focus()

    def compute(self, invoices: Sequence[Invoice], today: date) -> OverviewData:
        setup = self.session.setup
        data = overview(invoices, today)
        lines = budget_status(invoices, setup.budgets, today) if setup.budgets else []
        approx = None
        if setup.rates is not None:
            figures = {c.currency: c.outstanding.amount for c in data.currencies}
            approx = approx_total(figures, setup.rates)
        return OverviewData(data, lines, approx)

    def show(self, result: OverviewData) -> None:
        owed = self.query_one("#owed", FigureGrid)
        owed.empty_text = "Nothing owed."
        owed.set_data(*owed_rows(result.overview))
        accounts = self.query_one("#accounts", FigureGrid)
        accounts.empty_text = "No accounts"
        accounts.set_data(*account_rows(result.overview))
        self.query_one("#approx", Static).update(approx_text(result.approx))
        budgets = self.query_one("#budgets", FigureGrid)
        budgets.empty_text = "No [budgets] configured."
        budgets.set_data(*budget_rows(result.budgets))

    @on(FigureGrid.Chosen)
    def _chosen(self, event: FigureGrid.Chosen) -> None:
        open_figure(self, event.cell)
