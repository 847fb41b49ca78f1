"""The summary strip: what is owed per currency, and a monthly-spend sparkline per account."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from rich.text import Text
from textual.widget import Widget

from invoicetui.model import Invoice
from invoicetui.sanitize import clean_text
from invoicetui.summary import CurrencyOwed, monthly_spend, owed_by_currency
from invoicetui.tui.rows import money_str, without_colour

BLOCKS = "▁▂▃▄▅▆▇█"
EMPTY_MONTH = "·"
NAME_WIDTH = 14
ENTRY_GAP = 3


def sparkline(values: Sequence[Decimal]) -> str:
    """One block character per value, scaled to the series' largest; '·' for nothing spent."""
    top = max((v for v in values if v > 0), default=Decimal(0))
    if top <= 0:
        return EMPTY_MONTH * len(values)
    chars = []
    for value in values:
        if value <= 0:
            chars.append(EMPTY_MONTH)
        else:
            level = min(len(BLOCKS), max(1, math.ceil(value * len(BLOCKS) / top)))
            chars.append(BLOCKS[level - 1])
    return "".join(chars)


def owed_line(item: CurrencyOwed) -> Text:
    """'EUR owed 12,345.67 · overdue 1,200.00 · next due 2026-12-01 · 7 open'."""
    text = Text()
    text.append(f"{clean_text(item.currency, one_line=True)} ", style="bold")
    text.append("owed ")
    text.append(money_str(item.outstanding), style="bold")
    if item.overdue:
        text.append(" · ")
        text.append(f"overdue {money_str(item.overdue)}", style="bold red")
    if item.next_due is not None:
        text.append(f" · next due {item.next_due.isoformat()}")
    text.append(f" · {item.count} open", style="dim")
    return text


class SummaryStrip(Widget):
    """Owed per currency (one line each), then per-account spend sparklines packed to the width."""

    DEFAULT_CSS = """
    SummaryStrip {
        height: auto;
        max-height: 8;
        padding: 0 1;
        background: $panel;
        color: $foreground;
    }
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._owed: list[CurrencyOwed] = []
        self._spend: list[tuple[str, str, list[tuple[str, Decimal]]]] = []

    @property
    def owed(self) -> list[CurrencyOwed]:
        return list(self._owed)

    def update_data(
        self,
        invoices: Iterable[Invoice],
        accounts: Sequence[str] = (),
        *,
        today: date | None = None,
    ) -> None:
        """Recompute from all invoices; `accounts` orders the sparklines (config order)."""
        invoices = list(invoices)
        self._owed = owed_by_currency(invoices, today or datetime.now(UTC).date())
        order = {name: n for n, name in enumerate(accounts)}
        series = monthly_spend(invoices)
        keys = sorted(series, key=lambda k: (order.get(k[0], len(order)), k[0], k[1]))
        self._spend = [
            (account, currency, series[(account, currency)]) for account, currency in keys
        ]
        self.refresh(layout=True)

    def lines(self, width: int) -> list[Text]:
        """The strip's lines for a content width (each truncated to fit)."""
        out = [owed_line(item) for item in self._owed] or [Text("Nothing owed.", style="dim")]
        entries = [self._spend_entry(a, c, s) for a, c, s in self._spend]
        if entries:
            entry_width = max(e.cell_len for e in entries)
            per_line = max(1, (width + ENTRY_GAP) // (entry_width + ENTRY_GAP))
            for start in range(0, len(entries), per_line):
                line = Text()
                for n, entry in enumerate(entries[start : start + per_line]):
                    if n:
                        line.append(" " * ENTRY_GAP)
                    entry.pad_right(entry_width - entry.cell_len)
                    line.append_text(entry)
                out.append(line)
        for line in out:
            line.truncate(width, overflow="ellipsis")
        return out

    def _spend_entry(self, account: str, currency: str, series: list[tuple[str, Decimal]]) -> Text:
        name = clean_text(account, one_line=True)
        if len(name) > NAME_WIDTH:
            name = name[: NAME_WIDTH - 1] + "…"
        values = [v for _, v in series]
        text = Text(f"{name:<{NAME_WIDTH}} ")
        text.append(sparkline(values), style="cyan")
        text.append(f" {money_str(values[-1])} {clean_text(currency, one_line=True)}", style="dim")
        return text

    def render(self) -> Text:
        lines = self.lines(max(1, self.content_region.width or 80))
        if self.app.no_color:  # Textual would turn red into an unreadable grey
            lines = [without_colour(line) for line in lines]
        return Text("\n").join(lines)
