"""`export --format ledger|beancount`: one balanced journal transaction per invoice.

Date = issued; payee = provider and account; one posting per line item to
Expenses:Cloud:<Provider>:<project or kind>, tax and any remainder (credits, rounding) to
their own expense accounts, and the invoice total to
Liabilities:AccountsPayable:<Provider>:<account> (CONTRACT.md). Money stays exact, in its
currency. Names and text are reduced to what both hledger and bean-check accept. Each
invoice's block depends on that invoice alone (no run time, no running totals), so an
unchanged invoice gives the same bytes in every run, and --since picks whole blocks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from invoicetui.core.model import PROVIDER_LABELS, Invoice, Status, format_decimal
from invoicetui.core.parse import EXACT, exact_sum

Style = Literal["ledger", "beancount"]
# Not booked: a draft's amounts still change, a void invoice was never owed.
NOT_BOOKED = {Status.DRAFT: "draft", Status.VOID: "void"}
_COMPONENT_BAD = re.compile(r"[^A-Za-z0-9-]+")
_COMMODITY = re.compile(r"^[A-Z][A-Z0-9'._-]{0,22}[A-Z0-9]$")
_LETTERS = re.compile(r"^[A-Z]+$")  # hledger reads other commodities only when quoted
_TEXT_BAD = re.compile(r"[\"\\;|#\x00-\x1f\x7f-\x9f]+")
NO_CURRENCY = "XXX"  # ISO 4217's "no currency": a journal amount needs a commodity


def account_component(text: str | None, fallback: str = "Other") -> str:
    """One account name part both tools accept: ASCII letters, digits, '-'; starts capital."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    cleaned = _COMPONENT_BAD.sub("-", ascii_text).strip("-")
    cleaned = re.sub(r"-{2,}", "-", cleaned)[:60].strip("-")
    if not cleaned:
        return fallback
    return cleaned[0].upper() + cleaned[1:]


def commodity(currency: str | None) -> str:
    code = (currency or "").strip().upper()
    return code if _COMMODITY.match(code) else NO_CURRENCY


def clean_text(text: str | None) -> str:
    """Payee and narration: no quotes, backslashes, comment or payee separators, controls."""
    visible = "".join(ch for ch in text or "" if unicodedata.category(ch) not in ("Cf", "Cs"))
    return " ".join(_TEXT_BAD.sub(" ", visible).split())[:200]


@dataclass(frozen=True)
class Posting:
    account: str
    amount: Decimal


@dataclass(frozen=True)
class Entry:
    """One invoice as a balanced transaction (the postings sum to zero exactly)."""

    day: date
    settled: bool
    payee: str
    narration: str
    invoice: Invoice
    currency: str
    postings: tuple[Posting, ...]
    notes: tuple[str, ...] = ()  # comment lines: what the transaction could not book


def _day(invoice: Invoice) -> date | None:
    value = invoice.issued or invoice.period_end or invoice.period_start
    if isinstance(value, datetime):
        return value.date()  # always UTC in the model
    return value


def entry_for(invoice: Invoice) -> Entry | None:
    """The transaction for an invoice, or None when it has no date or nothing to book."""
    day = _day(invoice)
    if day is None:
        return None
    provider = PROVIDER_LABELS.get(invoice.provider, invoice.provider)
    expenses = f"Expenses:Cloud:{account_component(provider)}"
    postings: list[Posting] = []
    notes: list[str] = []
    currency = commodity(invoice.currency)
    for item in invoice.line_items:
        if item.amount is not None and item.amount.is_finite():
            item_currency = commodity(item.currency) if item.currency else currency
            if item_currency != currency:
                # Never write USD 2.00 as EUR 2.00: the item stays out (said in a comment),
                # the invoice total still balances through the remainder below.
                notes.append(
                    f"line item {clean_text(item.description)[:60]} not booked in {currency}:"
                    f" {_amount(item.amount, item_currency)}"
                )
                continue
            part = account_component(item.project or item.kind or item.description)
            postings.append(Posting(f"{expenses}:{part}", item.amount))
    if not postings and invoice.subtotal is not None and invoice.subtotal.is_finite():
        postings.append(Posting(f"{expenses}:Usage", invoice.subtotal))
    if invoice.tax and invoice.tax.is_finite():
        postings.append(Posting(f"{expenses}:Tax", invoice.tax))
    booked = exact_sum(p.amount for p in postings)  # 28 digits would round: exact, always
    given = invoice.total
    total = given if given is not None and given.is_finite() else booked
    rest = EXACT.subtract(total, booked)
    if rest:
        # What the items do not explain: credits taken off (Zilliz), or the provider's rounding.
        label = "Credits" if invoice.credits and rest < 0 else "Adjustments"
        postings.append(Posting(f"{expenses}:{label}", rest))
    if not postings:
        return None
    liability = f"Liabilities:AccountsPayable:{account_component(provider)}"
    owed = f"{liability}:{account_component(invoice.account)}"
    postings.append(Posting(owed, EXACT.minus(total)))
    period = ""
    if invoice.period_start and invoice.period_end:
        period = f" {_iso(invoice.period_start)} to {_iso(invoice.period_end)}"
    return Entry(
        day=day,
        settled=invoice.status in (Status.PAID,),
        payee=clean_text(f"{provider} {invoice.account}"),
        narration=clean_text(f"Invoice {invoice.label}{period}"),
        invoice=invoice,
        currency=currency,
        postings=tuple(postings),
        notes=tuple(notes),
    )


def _iso(value: date) -> str:
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def _amount(value: Decimal, currency: str) -> str:
    return f"{format_decimal(value)} {currency}"


def _meta_value(text: str) -> str:
    return clean_text(text).replace(",", " ").replace(":", " ")


def _ledger(entry: Entry) -> list[str]:
    inv = entry.invoice
    flag = "*" if entry.settled else "!"
    lines = [
        f"{entry.day.isoformat()} {flag} {entry.payee} | {entry.narration}",
        f"    ; invoice-id: {_meta_value(inv.id)}",
        f"    ; status: {inv.status.value}",
    ]
    lines += [f"    ; {note}" for note in entry.notes]
    # hledger takes a commodity of letters bare; USD1 or X.Y only in double quotes.
    code = entry.currency if _LETTERS.match(entry.currency) else f'"{entry.currency}"'
    width = max(len(p.account) for p in entry.postings) + 4
    for posting in entry.postings:
        lines.append(f"    {posting.account.ljust(width)}{_amount(posting.amount, code)}")
    return lines


def _quoted(text: str) -> str:
    return f'"{text}"'  # clean_text already removed quotes and backslashes


def _beancount(entry: Entry) -> list[str]:
    inv = entry.invoice
    flag = "*" if entry.settled else "!"
    lines = [
        f"{entry.day.isoformat()} {flag} {_quoted(entry.payee)} {_quoted(entry.narration)}",
        f"  invoice-id: {_quoted(clean_text(inv.id))}",
        f"  status: {_quoted(inv.status.value)}",
    ]
    lines += [f"  ; {note}" for note in entry.notes]
    width = max(len(p.account) for p in entry.postings) + 4
    for posting in entry.postings:
        lines.append(f"  {posting.account.ljust(width)}{_amount(posting.amount, entry.currency)}")
    return lines


BEANCOUNT_HEADER = (
    "; invoicetui journal (beancount). The plugin opens every account on its first use,\n"
    "; so exports for later months can be appended to this file as they are.\n"
    'plugin "beancount.plugins.auto_accounts"\n'
)
LEDGER_HEADER = "; invoicetui journal (ledger / hledger): one transaction per invoice.\n"


def _order(invoices: Sequence[Invoice]) -> list[Invoice]:
    """By date, then the export's order (configured accounts, provider order): stable."""
    position = {id(inv): index for index, inv in enumerate(invoices)}
    return sorted(invoices, key=lambda inv: (_day(inv) or date.min, position[id(inv)]))


def entries(invoices: Iterable[Invoice]) -> tuple[list[Entry], list[str]]:
    """The transactions, and a comment line for each invoice left out (and why)."""
    out: list[Entry] = []
    skipped: list[str] = []
    for inv in _order(list(invoices)):
        where = clean_text(f"{inv.label} ({inv.account})")
        if inv.status in NOT_BOOKED:
            skipped.append(f"{NOT_BOOKED[inv.status]} invoice {where} not booked")
            continue
        entry = entry_for(inv)
        if entry is None:
            skipped.append(f"invoice {where} not booked: no date or no amounts")
            continue
        out.append(entry)
    return out, skipped


def render_journal(invoices: Sequence[Invoice], style: Style) -> str:
    """The whole journal text; blank line between transactions, comments for skipped ones."""
    booked, skipped = entries(invoices)
    blocks = [BEANCOUNT_HEADER if style == "beancount" else LEDGER_HEADER]
    blocks += [f"; {line}\n" for line in skipped]
    write = _beancount if style == "beancount" else _ledger
    for entry in booked:
        blocks.append("\n" + "\n".join(write(entry)) + "\n")
    return "".join(blocks)
