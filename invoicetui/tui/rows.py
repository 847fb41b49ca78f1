"""Column definitions and cell formatting for invoices and line items (money, status, days).

Cells are rich Text built from plain strings (never markup) with control characters removed,
so provider text such as "[bold]x[/]" or "Plan [Pro]" shows exactly as typed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import UTC, date, datetime
from decimal import Decimal

from rich.style import Style
from rich.text import Text

from invoicetui.core.currency import minor_places, rounded
from invoicetui.core.lateness import Lateness, lateness, urgency, utc_day
from invoicetui.core.model import Invoice, LineItem, Status
from invoicetui.core.sanitize import clean_text
from invoicetui.tui.widgets.columns import Column
from invoicetui.tui.widgets.rowindex import exact_key

MISSING = "—"
MISSING_STYLE = "dim"

# Colours from the 16-colour palette so they read on any terminal; the word carries the meaning.
STATUS_STYLES: dict[Status, str] = {
    Status.PAID: "green",
    Status.OPEN: "bright_yellow",  # plain yellow is orange-red on many 16-colour palettes
    Status.OVERDUE: "bold red",
    Status.FAILED: "bold red",
    Status.PROCESSING: "cyan",
    Status.DRAFT: "dim",
    Status.ISSUED: "bright_blue",  # plain blue is ~2:1 on a dark 16-colour terminal
    Status.VOID: "dim",
    Status.DISPUTED: "magenta",
    Status.UNKNOWN: "dim italic",
}


def plain(value: object) -> Text:
    """Untrusted text as one literal line: no markup, no control characters."""
    if value is None or value == "":
        return Text(MISSING, style=MISSING_STYLE)
    return Text(clean_text(str(value), one_line=True))


def without_colour(text: Text) -> Text:
    """The same text with colours dropped and bold/italic/dim kept (for NO_COLOR)."""

    def strip(style: str | Style) -> Style:
        return (Style.parse(style) if isinstance(style, str) else style).without_color

    out = Text(text.plain, style=strip(text.style), end=text.end)
    for span in text.spans:
        out.stylize(strip(span.style), span.start, span.end)
    return out


def status_word(status: Status) -> str:
    return status.value.upper()


def status_text(status: Status) -> Text:
    """PAID, OVERDUE, ... as a word plus colour, never colour alone."""
    return Text(status_word(status), style=STATUS_STYLES.get(status, "dim"))


def money_str(amount: Decimal | None, currency: str | None = None, *, exact: bool = False) -> str:
    """'1,600.22': grouped, at least the currency's minor unit; rounded to it for display.

    Waldur sends invoice money with 10 places and an unrounded tax (4,234.052): the table
    shows 4,234.05 and the detail adds the exact value. The minor unit is the currency's
    (core.currency: JPY 1,234,567, BHD -1.005; unknown or none: 2 places). Amounts below one
    minor unit keep their places (a metered unit price of 0.000123 is not 0.00), and
    exact=True keeps them all.
    """
    if amount is None:
        return MISSING
    if not amount.is_finite():
        return str(amount)
    unit = minor_places(currency)
    exponent = amount.as_tuple().exponent
    places = max(unit, -exponent) if isinstance(exponent, int) else unit
    if places > unit and not exact and abs(amount) >= Decimal(1).scaleb(-unit):
        amount, places = rounded(amount, currency), unit
    if amount == 0:
        amount = abs(amount)
    return format(amount, f",.{places}f")


def money_text(amount: Decimal | None, currency: str | None, *, exact: bool = False) -> Text:
    """'1,600.22 EUR' (right-aligned by its column); a missing amount shows as a dim dash."""
    if amount is None:
        return Text(MISSING, style=MISSING_STYLE)
    code = clean_text(currency, one_line=True) if currency else "?"
    text = Text(money_str(amount, currency, exact=exact), style="green" if amount < 0 else "")
    text.append(f" {code:<3}", style="dim")
    return text


def day_text(value: date | None) -> Text:
    day = utc_day(value)
    return Text(day.isoformat()) if day else Text(MISSING, style=MISSING_STYLE)


def day_key(value: date | None) -> int | None:
    """Sort key for dates and datetimes alike: UTC seconds (a date sorts as its midnight).

    An int, because 100k aware-datetime comparisons are three times slower.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.toordinal() * 86400 + value.hour * 3600 + value.minute * 60 + value.second
    return value.toordinal() * 86400


def text_key(value: str | None) -> str | None:
    return value.casefold() if value else None


def _status_cell(inv: Invoice) -> Text:
    """The status word, and "!" when the provider's record had problems (see the detail)."""
    text = status_text(inv.status)
    if inv.problems:
        text.append(" !", style="bold yellow")
    return text


def _due_text(inv: Invoice) -> Text:
    return day_text(inv.due)


LATE_STYLE = "bold red"
GRACE_STYLE = "yellow"
SOON_DAYS = 7  # due within this many days: bold


def lateness_text(late: Lateness) -> Text:
    """'62d late' (bold red), 'grace 3d', 'today', 'in 5d'; empty when nothing is owed."""
    if late.overdue:
        return Text(late.label, style=LATE_STYLE)
    if late.in_grace:
        return Text(late.label, style=GRACE_STYLE)
    if late.days is not None and -late.days <= SOON_DAYS:
        return Text(late.label, style="bold")
    return Text(late.label)


SORT_TEXT = (
    "Sort (s, S reverses): money columns sort by currency first, then amount; Status by "
    "urgency (failed, overdue or late, open, processing, disputed, draft, unknown, issued, "
    "paid/void); Due in/Late from most late to due latest."
)


def money_key(amount: Decimal | None, currency: str | None) -> tuple[str, int | Decimal] | None:
    """Money sorts within its currency: currency code first, then the exact amount."""
    value = exact_key(amount)
    return None if value is None else (currency or "~", value)


def _today() -> date:
    return datetime.now(UTC).date()


def invoice_columns(today: Callable[[], date] = _today) -> list[Column[Invoice]]:
    """account, number, period, issued, due, due in/late, status, total, amount due.

    What a payer needs survives every width: status, lateness (core.lateness, the one rule),
    amount due with its currency, and the invoice's identity (account and number, cut in
    the middle and at the start so that ids that differ at their end stay distinct). Tight
    tables drop, in this order: Issued, Due, Period, Total; then account and number shrink
    to their minimum; only below that (under ~57 cells) does Account go too.
    Dates are ISO (2026-11-01) at every width; money always shows its currency.
    """

    def late(inv: Invoice) -> Text:
        return lateness_text(lateness(inv, today()))

    def late_key(inv: Invoice) -> int | None:
        days = lateness(inv, today()).days
        return None if days is None else -days  # ascending: most late first, then soonest

    def status_key(inv: Invoice) -> tuple[int, int]:
        days = lateness(inv, today()).days
        return (int(urgency(inv, today())), -(days or 0))

    return [
        Column("account", "Account", 14, lambda i: plain(i.account),
               lambda i: text_key(i.account), flex=True, min_width=8, cut="middle",
               priority=2),
        Column("number", "Number", 15, lambda i: plain(i.label),
               lambda i: text_key(i.label), flex=True, min_width=9, cut="start"),
        Column("period", "Period", 7, lambda i: plain(i.month),
               lambda i: day_key(i.period_start or i.issued), priority=5),
        Column("issued", "Issued", 10, lambda i: day_text(i.issued),
               lambda i: day_key(i.issued), priority=7),
        Column("due", "Due", 10, _due_text, lambda i: day_key(i.due), priority=6),
        Column("late", "Due in/Late", 11, late, late_key, compact=late, compact_width=9,
               compact_label="Due/Late"),
        Column("status", "Status", 10, _status_cell, status_key),
        Column("total", "Total", 14, lambda i: money_text(i.total, i.currency),
               lambda i: money_key(i.total, i.currency), align="right", priority=4),
        Column("amount_due", "Amount due", 14, lambda i: money_text(i.amount_due, i.currency),
               lambda i: money_key(i.amount_due, i.currency), align="right"),
    ]  # fmt: skip


def line_item_columns(currency: str | None = None) -> list[Column[LineItem]]:
    """description, project, kind, start, end, quantity, unit, unit price, amount, tax.

    Start and End sit together before the numbers, so that no right-aligned money header
    runs into a date header ("Tax Start"), and they give way together, after the others.
    """

    def cur(item: LineItem) -> str | None:
        return item.currency or currency

    return [
        Column("description", "Description", 24, lambda i: plain(i.description),
               lambda i: text_key(i.description), flex=True, min_width=10),
        Column("project", "Project", 14, lambda i: plain(i.project),
               lambda i: text_key(i.project), flex=True, priority=2, min_width=8),
        Column("kind", "Kind", 8, lambda i: plain(i.kind), lambda i: text_key(i.kind), priority=7),
        Column("start", "Start", 10, lambda i: day_text(i.start), lambda i: day_key(i.start),
               priority=3),
        Column("end", "End", 10, lambda i: day_text(i.end), lambda i: day_key(i.end), priority=3),
        Column("quantity", "Qty", 7, lambda i: quantity_text(i.quantity), lambda i: i.quantity,
               align="right", priority=5),
        Column("unit", "Unit", 7, lambda i: plain(i.unit), lambda i: text_key(i.unit), priority=6),
        Column("unit_price", "Unit price", 11,
               lambda i: money_text(i.unit_price, cur(i), exact=True),
               lambda i: i.unit_price, align="right", priority=5),
        Column("amount", "Amount", 14, lambda i: money_text(i.amount, cur(i)),
               lambda i: i.amount, align="right"),
        Column("tax", "Tax", 12, lambda i: money_text(i.tax, cur(i)), lambda i: i.tax,
               align="right", priority=4),
    ]  # fmt: skip


def quantity_str(value: Decimal | None) -> str:
    """'1,234.5': grouped, every given digit kept (a quantity is not rounded to the cent)."""
    if value is None:
        return MISSING
    if not value.is_finite():
        return str(value)
    exponent = value.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return format(value, f",.{places}f")


def quantity_text(value: Decimal | None) -> Text:
    return Text(quantity_str(value)) if value is not None else Text(MISSING, MISSING_STYLE)


def invoice_search_text(inv: Invoice) -> str:
    """What the filter matches for an invoice: ids, account, provider, status word, month."""
    anchor = inv.period_start or inv.issued  # Invoice.month, inlined: this runs 100k times
    month = f"{anchor.year:04d}-{anchor.month:02d}" if anchor else ""
    return (
        f"{inv.id}\x00{inv.number or ''}\x00{inv.account}\x00{inv.provider}\x00{inv.status}\x00"
        f"{inv.status_raw or ''}\x00{inv.currency or ''}\x00{month}\x00{inv.customer or ''}"
    )


def line_item_search_text(item: LineItem) -> str:
    return f"{item.description}\x00{item.project or ''}\x00{item.kind or ''}\x00{item.unit or ''}"


def invoice_key(inv: Invoice) -> Hashable:
    """Identity of an invoice across refreshes (VirtualTable row_key)."""
    return (inv.account, inv.id)
