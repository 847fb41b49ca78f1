"""Monthly bars, drawn with block characters (Textual's own rendering, no plotting library).

Each series has its own fill character as well as its own colour, so stacked bars read with
NO_COLOR and on 16 colours; the running month is hatched, anomalies carry a "!" above them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rich.console import RenderableType
from rich.text import Text
from textual.widget import Widget

from invoicetui.tui.rows import money_str, without_colour
from invoicetui.tui.widgets.figures import muted

FILLS = ("█", "▓", "▒", "▚", "▞", "▤", "▥", "▦")
STYLES = ("cyan", "magenta", "yellow", "green", "bright_blue", "red", "bright_cyan", "white")
PARTIAL = " ▁▂▃▄▅▆▇█"  # eighths, for the top of a single series
TO_DATE_FILL = "░"
AXIS_WIDTH = 10
MAX_LEGEND = 6


@dataclass(frozen=True)
class Series:
    label: str  # shown in the legend (already cleaned of control characters)
    values: tuple[Decimal | None, ...]  # aligned to the chart's months


@dataclass(frozen=True)
class ChartData:
    title: str
    months: tuple[str, ...]  # "Nov", "Dec"...
    series: tuple[Series, ...]
    to_date: int | None = None  # index of the running month
    anomalies: frozenset[int] = frozenset()  # month indexes marked "!"
    highlight: int | None = None  # the month the cursor is on


def short_amount(value: Decimal) -> str:
    """An axis label: 12.3k, 1.2M; small values as they are."""
    number = abs(value)
    sign = "-" if value < 0 else ""
    for limit, suffix in ((Decimal(1_000_000_000), "G"), (Decimal(1_000_000), "M"),
                          (Decimal(1_000), "k")):  # fmt: skip
        if number >= limit:
            return f"{sign}{(number / limit).quantize(Decimal('0.1'))}{suffix}"
    return sign + money_str(number.quantize(Decimal(1)))


class BarChart(Widget):
    """Stacked monthly bars for one currency; sized to the widget."""

    DEFAULT_CSS = """
    BarChart { height: 12; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.data: ChartData | None = None

    def show(self, data: ChartData | None) -> None:
        self.data = data
        self.refresh()

    def render(self) -> RenderableType:
        data = self.data
        if data is None or not data.months:
            return Text("No months to chart", style="italic")
        text = Text("\n").join(self.lines(data, self.content_size.width, self.content_size.height))
        if self.app.no_color:  # the fill characters tell the series apart
            text = without_colour(text)
        text.no_wrap = True
        text.overflow = "ellipsis"
        return text

    def lines(self, data: ChartData, width: int, height: int) -> list[Text]:
        """Title, bars (height - 4 rows), month labels, legend."""
        months = len(data.months)
        bar_rows = max(2, height - 4)
        column = max(2, (width - AXIS_WIDTH) // months)
        bar = max(1, column - 1)
        totals = [sum((s.values[m] or Decimal(0) for s in data.series), Decimal(0))
                  for m in range(months)]  # fmt: skip
        top = max((t for t in totals if t > 0), default=Decimal(0))
        out = [Text(data.title, style="bold")]
        # Height of each series' segment per month, in eighths of a row.
        scale = Decimal(bar_rows * 8) / top if top else Decimal(0)
        segments = [[int(max(Decimal(0), (s.values[m] or Decimal(0))) * scale)
                     for s in data.series] for m in range(months)]  # fmt: skip
        stacked = len(data.series) > 1
        for row in range(bar_rows, -1, -1):  # row bar_rows is the marker row above the bars
            label = short_amount(top) if row == bar_rows - 1 else "0" if row == 0 else ""
            line = muted(f"{label:>{AXIS_WIDTH - 2}} " + ("┤ " if label else "│ "))
            for m in range(months):
                line.append_text(self._cell(data, segments[m], row, bar_rows, m, bar, stacked))
                line.append(" " * (column - bar))
            out.append(line)
        out.append(self._axis(data, column, bar))
        out.append(self._legend(data))
        return out[: max(1, height)]

    def _cell(self, data: ChartData, heights: list[int], row: int, rows: int, month: int,
              bar: int, stacked: bool) -> Text:  # fmt: skip
        total = sum(heights)
        if row == rows:  # the marker row
            mark = "!" if month in data.anomalies else ""
            return Text(mark.center(bar), style="bold red" if mark else "")
        low, high = row * 8, row * 8 + 8
        if total <= low:
            return Text(" " * bar)
        to_date = month == data.to_date
        # Which series the middle of this cell falls in (stacked: whole cells per series).
        middle, edge, index = low + 4, 0, len(heights) - 1
        for i, h in enumerate(heights):
            edge += h
            if middle < edge:
                index = i
                break
        style = STYLES[index % len(STYLES)]
        if to_date:
            char = TO_DATE_FILL
        elif stacked:
            if total < middle:
                return Text(" " * bar)
            char = FILLS[index % len(FILLS)]
        else:
            char = PARTIAL[min(8, total - low)] if total < high else "█"
        text = Text(char * bar, style=style)
        if month == data.highlight:
            text.stylize("bold")
        return text

    def _axis(self, data: ChartData, column: int, bar: int) -> Text:
        line = Text(" " * (AXIS_WIDTH + 1))
        for m, name in enumerate(data.months):
            label = name[:bar].center(bar) if bar >= 3 else name[:bar]
            style = "reverse bold" if m == data.highlight else "bold" if m in data.anomalies else ""
            if m == data.to_date and bar >= 3:
                label = (name[: bar - 1] + "*").center(bar)
            line.append(label, style=style)
            line.append(" " * (column - bar))
        return line

    def _legend(self, data: ChartData) -> Text:
        line = Text(" " * (AXIS_WIDTH + 1))
        for i, series in enumerate(data.series[:MAX_LEGEND]):
            fill = FILLS[i % len(FILLS)] if len(data.series) > 1 else "█"
            line.append(f"{fill} ", style=STYLES[i % len(STYLES)])
            line.append(f"{series.label}  ")
        if len(data.series) > MAX_LEGEND:
            line.append_text(muted(f"+{len(data.series) - MAX_LEGEND} more  "))
        if data.to_date is not None:
            line.append_text(muted(f"{TO_DATE_FILL} * to date  "))
        if data.anomalies:
            line.append("! anomaly", style="bold")
        return line
