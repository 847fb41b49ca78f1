"""The summary strip: what is owed per currency, and a monthly-spend sparkline per account."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from invoicetui.core.model import Invoice
from invoicetui.core.parse import EXACT
from invoicetui.core.sanitize import clean_text
from invoicetui.service.summary import CurrencyOwed, monthly_spend, owed_by_currency
from invoicetui.tui.rows import money_str, without_colour

BLOCKS = "▁▂▃▄▅▆▇█"
EMPTY_MONTH = "·"
NAME_WIDTH = 14
ENTRY_GAP = 2
OWED_GAP = "  │  "
ROOMY_LINES = 4  # tall terminals (160x45): room for the month ticks under the sparklines
TALL_LINES = 3  # owed figures (wrapped) + sparklines, at most 3 rows (120x36)
SHORT_LINES = 2  # one line of each on short terminals (80x24)


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much the figures stand on: accounts with data, of all, and how old the oldest is."""

    known: int
    total: int
    stale: bool = False  # some of the data is cached data that a refresh could not replace
    as_of: str | None = None  # "14:02": when the oldest data shown was fetched

    @property
    def complete(self) -> bool:
        return self.known >= self.total and not self.stale

    def note(self) -> str:
        """'3 of 9 accounts, as of 14:02' (empty when every account is fresh)."""
        if self.complete:
            return ""
        text = f"{self.known} of {self.total} accounts" if self.known < self.total else "stale"
        return f"{text}, as of {self.as_of}" if self.as_of else text


def unknown_text(coverage: Coverage) -> str:
    """What to say when nothing is owed: never "Nothing owed." unless every account is known."""
    if coverage.total and coverage.known == 0:
        return f"No data for {coverage.total} account{'s' if coverage.total != 1 else ''}"
    if coverage.complete:
        return "Nothing owed."
    return f"Nothing owed in {coverage.note()}"


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


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def month_label(key: str) -> str:
    """'2026-10' as "Oct'26" (sparkline ends)."""
    return f"{MONTHS[int(key[5:7]) - 1]}'{key[2:4]}"


def month_ticks(keys: Sequence[str]) -> str:
    """One letter per month under its bar: 'DJFMAMJJASON' for Dec..Nov."""
    return "".join(MONTHS[int(key[5:7]) - 1][0] for key in keys)


def whole(amount: Decimal) -> str:
    """The last month's spend beside its sparkline, to the unit: '2,781'."""
    return format(amount.quantize(Decimal(1), context=EXACT), ",f")


def owed_entry(item: CurrencyOwed) -> Text:
    """'EUR 12,345.67 owed · 1,200.00 overdue · 7 open' (one currency, never summed across).

    A net credit (a negative outstanding, DoiT's balances) is owed to the user, so it reads
    'BHD 2.010 in credit', as `invoicetui summary` says, never '-2.010 owed'.
    """
    code = clean_text(item.currency, one_line=True)
    text = Text()
    text.append(f"{code} ", style="bold")
    if item.outstanding < 0:
        text.append(money_str(-item.outstanding, code), style="bold green")
        text.append(" in credit")
    else:
        text.append(money_str(item.outstanding, code), style="bold")
        text.append(" owed")
    if item.overdue:
        text.append(" · ")
        text.append(f"{money_str(item.overdue, code)} overdue", style="bold red")
    text.append(f" · {item.count} open", style="dim")
    return text


def pack(entries: Sequence[Text], width: int, gap: Text, limit: int | None) -> list[Text]:
    """Entries side by side, wrapped between entries; past `limit` lines, '+N more' ends it."""
    return [gap.join(line) for line in pack_lines(entries, width, gap, limit)]


def pack_lines(
    entries: Sequence[Text], width: int, gap: Text, limit: int | None
) -> list[list[Text]]:
    """pack(), line by line and entry by entry (what sits under what, for the month ticks)."""
    lines: list[list[Text]] = []
    for entry in entries:
        line = lines[-1] if lines else None
        used = sum(e.cell_len for e in line) + gap.cell_len * len(line) if line else 0
        if line is None or used + entry.cell_len > width:
            lines.append([entry])
        else:
            line.append(entry)
    if limit is not None and len(lines) > limit:
        kept = lines[:limit]
        shown = sum(len(line) for line in kept)
        while True:
            more = Text(f"+{len(entries) - shown} more", style="dim italic")
            last = kept[-1]
            used = sum(e.cell_len for e in last) + gap.cell_len * len(last)
            if used + more.cell_len <= width:
                last.append(more)
                break
            if len(last) == 1:  # one wide entry: shorten it so that the count still shows
                entry = last[0].copy()
                entry.truncate(max(1, width - gap.cell_len - more.cell_len), overflow="ellipsis")
                kept[-1] = [entry, more]
                break
            last.pop()
            shown -= 1
        lines = kept
    return lines


class SummaryStrip(Widget):
    """Owed per currency, then per-account spend sparklines, each packed across the width.

    `max_lines` (set by the screen for its height) bounds the strip; what does not fit is
    counted as "+N more" rather than silently cut.
    """

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
        self.max_lines: int | None = None
        self.loading = False  # "Loading…" instead of "Nothing owed." until an account reports
        self.coverage = Coverage(0, 0)
        # Layout asks for the lines (their count), render for the same lines: built once.
        self._data_version = 0
        self._lines: tuple[object, list[Text]] | None = None

    def set_loading(self, loading: bool) -> None:
        if loading != self.loading:
            self.loading = loading
            self.refresh(layout=True)

    def set_coverage(self, coverage: Coverage) -> None:
        if coverage != self.coverage:
            self.coverage = coverage
            self.refresh(layout=True)

    def set_max_lines(self, lines: int | None) -> None:
        if lines != self.max_lines:
            self.max_lines = lines
            self.refresh(layout=True)

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
        self._data_version += 1
        self.refresh(layout=True)

    def lines(self, width: int, max_lines: int | None = None) -> list[Text]:
        """The strip's lines for a content width (each fits it), at most max_lines of them."""
        key = (width, max_lines, self.loading, self.coverage, self._data_version)
        if self._lines is None or self._lines[0] != key:
            self._lines = (key, self._build_lines(width, max_lines))
        return list(self._lines[1])

    def _build_lines(self, width: int, max_lines: int | None) -> list[Text]:
        note = self.coverage.note()
        if not self._owed:
            words = "Loading…" if self.loading else unknown_text(self.coverage)
            owed = [Text(words, style="dim" if self.coverage.complete else "bold yellow")]
        else:
            room = None if max_lines is None else max(1, max_lines - bool(self._spend))
            gap = Text(OWED_GAP, style="dim")
            entries = [owed_entry(item) for item in self._owed]
            if note:  # the figures are partial or old: say so first
                entries.insert(0, Text(f"{note}:", style="bold yellow"))
            owed = pack(entries, width, gap, room)
        out = owed
        entries, ticks = self._spend_entries()
        gap = Text(" " * ENTRY_GAP)
        if entries:
            bare, bare_ticks = self._spend_entries(month=False)
            if len(pack_lines(entries, width, gap, None)) > len(pack_lines(bare, width, gap, None)):
                entries, ticks = bare, bare_ticks  # the last bar's month only where it costs no row
        room = None if max_lines is None else max_lines - len(owed)
        if entries and (room is None or room > 0):
            # Two rows or more: the sparklines' first row gets the month letters under it.
            rows = room - 1 if room is not None and room >= 2 else room
            sparks = pack_lines(entries, width, gap, rows)
            if rows != room:
                under = [ticks.get(id(entry), Text(" " * entry.cell_len)) for entry in sparks[0]]
                sparks.insert(1, under)
            out += [gap.join(line) for line in sparks]
        for line in out:
            line.truncate(width, overflow="ellipsis")
        return out

    def _spend_entries(self, *, month: bool = True) -> tuple[list[Text], dict[int, Text]]:
        """'acme-palette ▅▆▄▆▅▇▄█▅▆▆· Nov 2,781' per account (its currency too when it bills
        in several): the last bar's month (unless month=False) and value; and, by id of its
        entry, the line of month letters that goes under each sparkline where there is a row."""
        several = {a for a, _, _ in self._spend if sum(1 for b, _, _ in self._spend if b == a) > 1}
        names = []
        for account, currency, _ in self._spend:
            name = clean_text(account, one_line=True)
            if len(name) > NAME_WIDTH:
                name = name[: NAME_WIDTH - 1] + "…"
            if account in several:
                name += f" {clean_text(currency, one_line=True)}"
            names.append(name)
        pad = max((len(n) for n in names), default=0)
        entries = []
        if self._spend:  # the months the sparklines span, once
            months = self._spend[0][2]
            entries.append(Text(f"{month_label(months[0][0])}–{month_label(months[-1][0])}:",
                                style="dim"))  # fmt: skip
        ticks: dict[int, Text] = {}
        if entries:
            ticks[id(entries[0])] = Text(" " * entries[0].cell_len)
        for name, (_, _, series) in zip(names, self._spend, strict=True):
            text = Text(f"{name:<{pad}} ")
            text.append(sparkline([v for _, v in series]), style="cyan")
            last_month, last_value = series[-1]
            when = f" {MONTHS[int(last_month[5:7]) - 1]}" if month else ""
            text.append(f"{when} {whole(last_value)}", style="dim")
            entries.append(text)
            under = Text(" " * (pad + 1))
            under.append(month_ticks([key for key, _ in series]), style="dim")
            under.append(" " * (text.cell_len - under.cell_len))
            ticks[id(text)] = under
        return entries, ticks

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The lines at the width being laid out; rendering to measure would ask for this
        widget's region mid-layout, and so lay the whole screen out twice (~10 ms at start)."""
        return len(self.lines(max(1, width), self.max_lines)) if width else 0

    def render(self) -> Text:
        lines = self.lines(max(1, self.content_region.width or 80), self.max_lines)
        if self.app.no_color:  # Textual would turn red into an unreadable grey
            lines = [without_colour(line) for line in lines]
        return Text("\n").join(lines)
