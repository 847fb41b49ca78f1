"""The summary report as text for people (plain columns, no colour: cron mail, chat, a
status bar) and as JSON for machines (exact decimal strings, ISO dates, stable keys)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from invoicetui.core.changeset import Brief, ChangeSet, SavedChanges
from invoicetui.core.currency import rounded
from invoicetui.core.model import format_day, format_decimal
from invoicetui.service.insight.overview import Figure
from invoicetui.service.insight.report import Report

MAX_OVERDUE_LINES = 15
MAX_CHANGE_LINES = 30
WIDTH = 80


def money(value: Decimal | None, currency: str | None) -> str:
    """1,234.50 (rounded to the currency's minor unit for reading: BHD 12.345, JPY 1,500; the
    JSON keeps every digit)."""
    return "-" if value is None else f"{rounded(value, currency):,}"


def signed(value: Decimal | None, currency: str | None) -> str:
    return "-" if value is None else ("+" if value > 0 else "") + money(value, currency)


def stamp(value: datetime | None) -> str:
    return "?" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def columns(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  "
        + "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ).rstrip()
        for r in rows
    ]


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(
        text, WIDTH, initial_indent="  ", subsequent_indent="    ", break_on_hyphens=False
    )


def _figure(f: Figure, currency: str | None) -> str:
    return f"{money(f.amount, currency)} ({f.count})" if f.count else "-"


def render_text(report: Report) -> str:
    return "\n".join(_text(report)) + "\n"


def _text(report: Report) -> Iterator[str]:
    note = f", {report.note}" if report.note else ""
    yield f"invoicetui summary for {report.today.isoformat()} (UTC{note})"
    yield ""
    yield "Owed (amount and invoice count)"
    if report.currencies:
        rows = [["CUR", "OUTSTANDING", "OVERDUE", "DUE IN 7D", "DUE IN 30D"]]
        ages = [["", "OVERDUE 1-30D", "31-60D", "OVER 60D"]]
        for c in report.currencies:
            figures = (c.outstanding, c.overdue, c.due_7, c.due_30)
            rows.append([c.currency, *(_figure(f, c.currency) for f in figures)])
            if c.overdue.count:
                ages.append(
                    [
                        c.currency,
                        *(
                            _figure(f, c.currency)
                            for f in (c.overdue_1_30, c.overdue_31_60, c.overdue_over_60)
                        ),
                    ]
                )
        yield from columns(rows, {1, 2, 3, 4})
        if len(ages) > 1:
            yield ""
            yield from columns(ages, {1, 2, 3})
        credits = [
            f"{money(c.credit.amount, c.currency)} {c.currency}"
            for c in report.currencies
            if c.credit.count
        ]
        if credits:
            yield f"  credit balances (owed to you, not counted): {', '.join(credits)}"
    else:
        yield "  nothing outstanding"
    if report.approx is not None:
        yield ""
        yield from _wrapped(report.approx.sentence("outstanding"))
    yield ""
    yield "Overdue, oldest first"
    if report.overdue:
        rows = [
            [
                f"{o.days}d late" if o.days is not None else "late",
                o.account,
                o.label,
                o.currency,
                money(o.amount, o.currency),
                f"due {o.due.isoformat()}" if o.due else "no due date",
            ]
            for o in report.overdue[:MAX_OVERDUE_LINES]
        ]
        yield from columns(rows, {0, 4})
        if len(report.overdue) > MAX_OVERDUE_LINES:
            more = len(report.overdue) - MAX_OVERDUE_LINES
            yield f"  ... and {more} more (--format json lists all)"
    else:
        yield "  nothing overdue"
    yield ""
    before, last, this = report.months
    yield (
        f"Spend per account: {this.label} (to date) and {last.label}; "
        f"change of {last.label} against {before.label}"
    )
    if report.spend:
        rows = [["ACCOUNT", "CUR", f"{this.label} TO DATE", last.label, "CHANGE", "%"]]
        for s in report.spend:
            pct = "-" if s.delta_pct is None else f"{'+' if s.delta_pct > 0 else ''}{s.delta_pct}%"
            rows.append(
                [
                    s.account,
                    s.currency,
                    money(s.this_month, s.currency),
                    money(s.last_month, s.currency),
                    signed(s.delta, s.currency),
                    pct,
                ]
            )
        yield from columns(rows, {2, 3, 4, 5})
    else:
        yield "  no invoices in these months"
    if report.budgets:
        yield ""
        yield f"Budgets: {this.label}'s accrual (draft, unbilled, pending invoices)"
        rows = []
        for b in report.budgets:
            pct = "-" if b.percent is None else f"{b.percent}%"
            level = {"ok": "ok", "warn": "WARN past 80%", "over": "OVER budget"}[b.level]
            rows.append(
                [
                    b.account,
                    b.currency or "?",
                    money(b.accrued, b.currency),
                    f"of {money(b.budget, b.currency)}",
                    pct,
                    level,
                ]
            )
        yield from columns(rows, {2, 4})
    yield ""
    yield from _changes_text(report)
    if report.errors:
        yield ""
        yield "Problems (these accounts' figures are missing or from an older cache)"
        for error in report.errors:
            yield from _wrapped(error)
    if report.fail_on is not None:
        yield ""
        n = len(report.matched)
        what = (
            "overdue"
            if report.fail_on.days is None
            else f"overdue or due within {report.fail_on.days}d"
        )
        yield f"--fail-on {report.fail_on.rule}: {n} invoice{'s' if n != 1 else ''} {what}"


def _changes_text(report: Report) -> Iterator[str]:
    yield "Changes at the last refresh"
    quiet: list[str] = []
    first: list[str] = []
    unknown: list[str] = []
    lines = 0
    for entry in report.changes:
        saved = entry.saved
        if saved is None:
            unknown.append(entry.account)
            continue
        if not saved.changes:
            (quiet if saved.since else first).append(entry.account)
            continue
        yield f"  {entry.account}: since {stamp(saved.since)}, refreshed {stamp(saved.at)}"
        for line in change_lines(saved.changes):
            lines += 1
            if lines <= MAX_CHANGE_LINES:
                yield f"    {line}"
    if lines > MAX_CHANGE_LINES:
        yield f"  ... and {lines - MAX_CHANGE_LINES} more (--format json lists all)"
    if quiet:
        yield from _wrapped(f"no changes: {', '.join(quiet)}")
    if first:
        yield from _wrapped(f"first refresh, nothing to compare with yet: {', '.join(first)}")
    if unknown:
        yield from _wrapped(f"no refresh recorded yet: {', '.join(unknown)}")
    if not report.changes:
        yield "  no accounts"


def change_lines(changes: ChangeSet) -> Iterator[str]:
    """One line per invoice: new, changed (status and amounts together), gone."""
    for b in changes.new:
        yield f"new      {b.label}  {b.status.value}  {_amount(b)}"
    status = {n.key: (o, n) for o, n in changes.status_changed}
    amount = {n.key: (o, n) for o, n in changes.amount_changed}
    for key in sorted(status.keys() | amount.keys()):
        old, new = status.get(key) or amount[key]
        cur = new.currency
        parts = []
        if key in status:
            parts.append(f"{old.status.value} → {new.status.value}")
        if key in amount:
            if old.total != new.total:
                parts.append(f"total {money(old.total, cur)} → {money(new.total, cur)}")
            if old.amount_due != new.amount_due:
                parts.append(f"due {money(old.amount_due, cur)} → {money(new.amount_due, cur)}")
        yield f"changed  {new.label}  {'; '.join(parts)} {new.currency or ''}".rstrip()
    for b in changes.gone:
        yield f"gone     {b.label}  (was {b.status.value}, {_amount(b)})"


def _amount(b: Brief) -> str:
    return f"{money(b.total, b.currency)} {b.currency or ''}".rstrip()


# ---------------------------------------------------------------------- JSON


def _fig(f: Figure) -> dict[str, Any]:
    return {"amount": format_decimal(f.amount), "count": f.count}


def _brief(b: Brief) -> dict[str, Any]:
    return {
        "id": b.id,
        "label": b.label,
        "status": b.status.value,
        "currency": b.currency,
        "total": format_decimal(b.total),
        "amount_due": format_decimal(b.amount_due),
    }


def _saved(account: str, saved: SavedChanges | None) -> dict[str, Any]:
    if saved is None:
        return {"account": account, "at": None, "since": None, "recorded": False}
    c = saved.changes
    return {
        "account": account,
        "recorded": True,
        "at": format_day(saved.at),
        "since": format_day(saved.since),
        "new": [_brief(b) for b in c.new],
        "status_changed": [{"from": _brief(o), "to": _brief(n)} for o, n in c.status_changed],
        "amount_changed": [{"from": _brief(o), "to": _brief(n)} for o, n in c.amount_changed],
        "gone": [_brief(b) for b in c.gone],
    }


def report_json(report: Report) -> dict[str, Any]:
    before, last, this = report.months
    approx = report.approx
    return {
        "today": report.today.isoformat(),
        "currencies": [
            {
                "currency": c.currency,
                "outstanding": _fig(c.outstanding),
                "overdue": _fig(c.overdue),
                "overdue_1_30": _fig(c.overdue_1_30),
                "overdue_31_60": _fig(c.overdue_31_60),
                "overdue_over_60": _fig(c.overdue_over_60),
                "due_7": _fig(c.due_7),
                "due_30": _fig(c.due_30),
                "credit": _fig(c.credit),
            }
            for c in report.currencies
        ],
        "approx_outstanding": None
        if approx is None
        else {
            "base": approx.base,
            "total": format_decimal(approx.total),
            "rates": {k: format_decimal(v) for k, v in approx.used.items()},
            "left_out": approx.left_out,
        },
        "overdue": [
            {
                "account": o.account,
                "provider": o.provider,
                "id": o.id,
                "label": o.label,
                "currency": o.currency,
                "amount": format_decimal(o.amount),
                "due": format_day(o.due),
                "days_late": o.days,
            }
            for o in report.overdue
        ],
        "accounts": [
            {
                "account": a.account,
                "provider": a.provider,
                "next_due": format_day(a.next_due),
                "oldest_overdue": format_day(a.oldest_overdue),
                "oldest_overdue_days": a.oldest_overdue_days,
            }
            for a in report.accounts
        ],
        "spend": {
            "this_month": this.label,
            "last_month": last.label,
            "compared": [before.label, last.label],
            "accounts": [
                {
                    "account": s.account,
                    "provider": s.provider,
                    "currency": s.currency,
                    "this_month_to_date": format_decimal(s.this_month),
                    "last_month": format_decimal(s.last_month),
                    "change": format_decimal(s.delta),
                    "change_percent": format_decimal(s.delta_pct),
                }
                for s in report.spend
            ],
        },
        "budgets": [
            {
                "account": b.account,
                "currency": b.currency,
                "accrued": format_decimal(b.accrued),
                "budget": format_decimal(b.budget),
                "percent": b.percent,
                "level": b.level,
            }
            for b in report.budgets
        ],
        "changes": [_saved(e.account, e.saved) for e in report.changes],
        "fail_on": None
        if report.fail_on is None
        else {
            "rule": report.fail_on.rule,
            "matched": bool(report.matched),
            "invoices": [{"account": a, "id": i} for a, i in report.matched],
        },
        "errors": report.errors,
    }


def render_json(report: Report) -> str:
    return json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n"
