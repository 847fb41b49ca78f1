"""What the detail pane shows, as renderables: literal provider text, exact money, UTC times.

Provider text only ever goes into Content/Text objects (never parsed as markup) and is
sanitized again here, because a hand-built or cached Invoice may not have passed the data layer.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.content import Content

from invoicetui.core.lateness import ZILLIZ_GRACE_DAYS, lateness
from invoicetui.core.model import PROVIDER_LABELS, Invoice, Payment, Status
from invoicetui.core.sanitize import clean_text
from invoicetui.tui.rows import (
    STATUS_STYLES,
    lateness_text,
    money_str,
    quantity_str,
    status_word,
)

MUTED = "$text-muted"
_ANSI = {"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"}
_ANSI |= {f"bright_{name}" for name in _ANSI}


def ansi_style(rich_style: str) -> str:
    """rows.py's rich colour names as Textual's ansi_* colours (the theme's palette).

    Parsed by Textual, "blue" would be the CSS colour #0000ff (about 2:1 on a dark
    background) and "green" a dark #008000, unlike the same words in the table.
    """
    return " ".join(f"ansi_{word}" if word in _ANSI else word for word in rich_style.split())


DASH = "—"
# The raw view is a TextArea; beyond this many characters it shows a head and says so.
RAW_LIMIT = 100_000

MONEY_COLUMNS = ("unit_price", "amount", "tax")


def literal(value: object, *, one_line: bool = True) -> str:
    """Provider text made safe to show: controls and escape sequences removed."""
    return clean_text(str(value), one_line=one_line)


def when(value: date | None, *, exact: bool = False) -> str:
    """A day as YYYY-MM-DD; a time as YYYY-MM-DD HH:MM UTC (a UTC midnight as its day).

    exact: always the full time to the second (the payment timeline lines up on it).
    """
    if value is None:
        return DASH
    if isinstance(value, datetime):
        stamp = value.astimezone(UTC)
        if exact:
            return f"{stamp:%Y-%m-%d %H:%M:%S} UTC"
        if (stamp.hour, stamp.minute, stamp.second, stamp.microsecond) == (0, 0, 0, 0):
            return stamp.date().isoformat()
        seconds = f":{stamp:%S}" if stamp.second else ""
        return f"{stamp:%Y-%m-%d %H:%M}{seconds} UTC"
    return value.isoformat()


def money(amount: Decimal | None, currency: str | None) -> str:
    """Amount with separators and its currency, to its minor unit; a dash where not given."""
    if amount is None:
        return DASH
    text = money_str(amount, currency)
    return f"{text} {literal(currency)}" if currency else text


def exact_money(amount: Decimal | None, currency: str | None = None) -> str | None:
    """Every digit of an amount that money() rounds (Waldur's unrounded tax), else None."""
    if amount is None:
        return None
    exact = money_str(amount, currency, exact=True)
    return exact if exact != money_str(amount, currency) else None


def status_content(status: Status, raw: str | None = None, *, color: bool = True) -> Content:
    """The status word (legible without colour), with the provider's own word when it differs.

    color=False (NO_COLOR): a bold word; greyed-out red on black would be unreadable.
    """
    if color:
        word = Content.styled(status_word(status), ansi_style(STATUS_STYLES.get(status, "dim")))
    else:
        word = Content.styled(status_word(status), "bold")
    if raw and raw.lower() != status.value:
        return Content.assemble(word, (f" ({literal(raw)})", MUTED))
    return word


def title_content(invoice: Invoice, *, color: bool = True) -> Content:
    """First line: what the invoice is called and its status."""
    return Content.assemble(
        ("Invoice " if invoice.number else "", MUTED),
        (literal(invoice.label), "bold"),
        "  ",
        status_content(invoice.status, invoice.status_raw, color=color),
    )


def position_content(position: tuple[int, int] | None) -> Content:
    """'(i of n)': where the invoice sits in the list it was opened from."""
    if position is None:
        return Content("")
    return Content.styled(f"({position[0]:,} of {position[1]:,})", MUTED)


Pairs = list[tuple[str, Text]]


def due_text(invoice: Invoice, today: date | None) -> Text:
    """'2026-11-01 · 62d late': the due day and its lateness by the one rule (core.lateness)."""
    text = Text(when(invoice.due))
    if today is None:
        return text
    late = lateness(invoice, today)
    if late.label:
        text.append(" · ", style="dim")
        text.append_text(lateness_text(late))
        if late.in_grace:
            text.append(f" (Zilliz's {ZILLIZ_GRACE_DAYS}-day grace period)", style="dim")
    return text


def facts_pairs(invoice: Invoice, today: date | None = None) -> Pairs:
    """Who and when: account, id, period, dates, customer or address, url; problems first."""
    provider = PROVIDER_LABELS.get(invoice.provider, literal(invoice.provider))
    pairs: Pairs = [("Account", Text(f"{literal(invoice.account)} ({provider})"))]
    if invoice.number and invoice.number != invoice.id:  # else the title already says it
        pairs.append(("ID", Text(literal(invoice.id))))
    if invoice.period_start or invoice.period_end:
        period = f"{when(invoice.period_start)} – {when(invoice.period_end)}"
        pairs.append(("Period", Text(period)))
    pairs.append(("Issued", Text(when(invoice.issued))))
    pairs.append(("Due", due_text(invoice, today)))
    if invoice.customer:
        pairs.append(("Customer", Text(literal(invoice.customer))))
    if invoice.url:
        pairs.append(("URL", Text(literal(invoice.url))))
    if invoice.problems:
        text = Text("; ".join(literal(p) for p in invoice.problems), style="bold yellow")
        pairs.insert(0, ("Problems", text))
    return pairs


def money_pairs(invoice: Invoice) -> Pairs:
    """How much: subtotal, tax, credits, total and amount due, each with its currency."""
    cur = invoice.currency
    pairs: Pairs = []
    for label, amount, style in (
        ("Subtotal", invoice.subtotal, ""),
        ("Tax", invoice.tax, ""),
        ("Credits", invoice.credits, ""),
        ("Total", invoice.total, "bold"),
        ("Amount due", invoice.amount_due, "bold"),
    ):
        pairs.append((label, Text(money(amount, cur), style=style)))
        exact = exact_money(amount, cur)
        if exact is not None:  # shown to the minor unit above; the provider's exact value here
            pairs.append(("  exactly", Text(exact, style="dim")))
    return pairs


def label_width(*groups: Pairs) -> int:
    """One label column for every group, so stacked groups line up too."""
    return max((len(label) for pairs in groups for label, _ in pairs), default=0)


def pairs_table(pairs: Pairs, width: int, *, right: bool = False) -> Table:
    """Muted labels in one column, values beside them (wrapping under themselves)."""
    table = Table.grid(padding=(0, 2, 0, 0))
    table.add_column(min_width=width, no_wrap=True, style="dim")
    table.add_column(justify="right" if right else "left", overflow="fold")
    for label, value in pairs:
        table.add_row(label, value)
    return table


def info_renderable(invoice: Invoice) -> Table | Text:
    """The provider's further fields (plan, tiers, issuer, platform...), literally."""
    if not invoice.extra:
        provider = PROVIDER_LABELS.get(invoice.provider, literal(invoice.provider))
        return Text(f"No further fields from {provider} for this invoice.", style="dim")
    table = Table.grid(padding=(0, 2, 0, 0))
    table.add_column(style="dim", overflow="fold", max_width=40)
    table.add_column(overflow="fold")
    for key, value in invoice.extra:
        shown = info_value(key, value, invoice.currency)
        table.add_row(Text(literal(key) or "?"), Text(shown, justify="left"))
    return table


_NUMBER = re.compile(r"-?\d+(\.\d+)?")
MONEY_WORDS = ("amount", "price", "billed", "payment", "usage", "cost", "total")


def info_value(key: str, value: str, currency: str | None) -> str:
    """A provider field as the rest of the app shows it: money with separators and its
    currency (by the field's name), other numbers grouped with every digit, text as is."""
    text = literal(value, one_line=False)
    if not _NUMBER.fullmatch(text.strip()):
        return text
    number = Decimal(text.strip())
    if any(word in key.lower() for word in MONEY_WORDS):
        return money(number, currency)
    return quantity_str(number)


def credits_renderable(invoice: Invoice) -> Table | Text:
    """Credits detail as a table of literal Text cells, then the money credits took off."""
    applied = Text()
    if invoice.credits is not None:  # Palette's credits are hours, listed, not money taken off
        applied = Text.assemble(
            ("Credits applied: ", "dim"), (money(invoice.credits, invoice.currency), "bold")
        )
    if not invoice.credits_detail:
        return Text.assemble(applied, ("\n" if applied else "", ""), ("No credits.", "dim"))
    table = Table(box=None, expand=True, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("Name", ratio=3, overflow="fold")
    table.add_column("Kind", no_wrap=True)
    table.add_column("Amount", justify="right", no_wrap=True)
    table.add_column("Valid", no_wrap=True)
    for credit in invoice.credits_detail:
        if credit.amount is None:
            amount = DASH
        elif credit.unit:  # not money: Palette credits are CPU core hours
            amount = f"{credit.amount:,f} {literal(credit.unit)}"
        else:
            amount = money(credit.amount, invoice.currency)
        dated = credit.start or credit.end
        valid = f"{when(credit.start)} – {when(credit.end)}" if dated else ""
        table.add_row(
            Text(literal(credit.name) or DASH),
            Text(literal(credit.kind) if credit.kind else DASH),
            Text(amount),
            Text(valid, style="dim"),
        )
    if applied:
        table.caption = applied
        table.caption_justify = "left"
    return table


def _payment_key(payment: Payment) -> tuple[int, datetime]:
    at = payment.at
    return (0, at) if at is not None else (1, datetime.min.replace(tzinfo=UTC))


def payments_content(invoice: Invoice, *, color: bool = True) -> Content:
    """Payment states as a timeline, oldest first (by time, never by array order)."""
    if not invoice.payments:
        provider = PROVIDER_LABELS.get(invoice.provider, literal(invoice.provider))
        return Content.styled(f"No payment events from {provider} for this invoice.", MUTED)
    ordered = sorted(invoice.payments, key=_payment_key)
    lines: list[Content] = []
    for index, payment in enumerate(ordered):
        last = index == len(ordered) - 1
        lines.append(
            Content.assemble(
                ("● ", "bold"),
                (when(payment.at, exact=True) + "  ", ""),
                status_content(payment.state, payment.state_raw, color=color),
            )
        )
        rail = "  " if last else "│ "
        if payment.message:
            for text in literal(payment.message, one_line=False).splitlines() or [""]:
                lines.append(Content.assemble((rail, MUTED), text))
        if not last:
            lines.append(Content.styled("│", MUTED))
    return Content("\n").join(lines)


def raw_text(raw: Any, limit: int = RAW_LIMIT) -> str:
    """invoice.raw as indented JSON, made literal-safe; a note where there is none.

    Encoding stops after `limit` characters: a provider statement with 30k items would
    otherwise cost seconds to encode and lay out, for text nobody scrolls through.
    """
    if raw is None:
        return "(the provider response was not kept for this invoice)"
    encoder = json.JSONEncoder(indent=2, ensure_ascii=False, default=str)
    parts: list[str] = []
    size = 0
    for chunk in encoder.iterencode(raw):
        parts.append(chunk)
        size += len(chunk)
        if size > limit:
            text = "".join(parts)[:limit]
            cut = text.rfind("\n")
            text = text[: cut if cut > 0 else limit]
            note = "… (cut here; `invoicetui export` gives the whole invoice)"
            return clean_text(f"{text}\n{note}")
    return clean_text("".join(parts))
