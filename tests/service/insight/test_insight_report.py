"""The summary report: --fail-on rules, change lines, text and json of one golden set."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from insight_factory import TODAY, make

from invoicetui.core.changeset import SavedChanges
from invoicetui.core.model import Status
from invoicetui.service.insight.budgets import Rates
from invoicetui.service.insight.changes import diff
from invoicetui.service.insight.report import AccountChanges, FailOn, build_report, matches
from invoicetui.service.insight.report_render import change_lines, render_json, render_text

T0 = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)


def test_fail_on_parse() -> None:
    assert FailOn.parse("overdue") == FailOn("overdue")
    assert FailOn.parse(" DUE:07 ") == FailOn("due:7", 7)
    for bad in ("due:", "due:-1", "due:x", "late", "due:99999"):
        with pytest.raises(ValueError, match="due:DAYS"):
            FailOn.parse(bad)


def test_matches() -> None:
    invoices = [
        make("late", due=TODAY - timedelta(days=1)),
        make("in3", due=TODAY + timedelta(days=3)),
        make("in9", due=TODAY + timedelta(days=9)),
        make("credit", amount_due="-5", due=TODAY - timedelta(days=9)),
        make("paid", status=Status.PAID, amount_due="0", due=TODAY - timedelta(days=9)),
    ]
    ids = lambda rule: [i for _a, i in matches(invoices, FailOn.parse(rule), TODAY)]  # noqa: E731
    assert ids("overdue") == ["late"]
    assert ids("due:0") == ["late"]
    assert ids("due:3") == ["late", "in3"]
    assert ids("due:30") == ["late", "in3", "in9"]


def test_change_lines_one_per_invoice() -> None:
    changes = diff(
        [make("a", number="A-1", status=Status.OPEN, amount_due="100"), make("g", number="G")],
        [make("a", number="A-1", status=Status.PAID, amount_due="0"), make("n", number="N")],
    )
    assert list(change_lines(changes)) == [
        "new      N  open  100.00 USD",
        "changed  A-1  open → paid; due 100.00 → 0.00 USD",
        "gone     G  (was open, 100.00 USD)",
    ]


def test_golden_report() -> None:
    invoices = [
        make("late", account="acme", number="L-1", due=date(2026, 9, 1), start=date(2026, 8, 1)),
        make("eur", account="hpc", currency="EUR", total="50", due=date(2026, 11, 20),
             start=date(2026, 10, 1)),
        make("draft", account="hpc", currency="EUR", status=Status.DRAFT, total="90",
             start=date(2026, 11, 1)),
        make("sep", account="hpc", currency="EUR", status=Status.PAID, total="40",
             start=date(2026, 9, 1)),
    ]  # fmt: skip
    saved = SavedChanges(diff([], []), T0, T0 - timedelta(hours=2))
    report = build_report(
        invoices,
        TODAY,
        changes=[AccountChanges("acme", saved), AccountChanges("hpc", None)],
        budgets={"hpc": Decimal(100)},
        rates=Rates("EUR", {}),
        fail_on=FailOn.parse("overdue"),
    )
    text = render_text(report)
    assert text.splitlines()[:6] == [
        "invoicetui summary for 2026-11-15 (UTC)",
        "",
        "Owed (amount and invoice count)",
        "  CUR  OUTSTANDING     OVERDUE  DUE IN 7D  DUE IN 30D",
        "  EUR    50.00 (1)           -  50.00 (1)   50.00 (1)",
        "  USD   100.00 (1)  100.00 (1)          -           -",
    ]
    assert "  75d late  acme  L-1  USD  100.00  due 2026-09-01" in text
    assert "  hpc      EUR            90.00    50.00  +10.00  +25.0%" in text
    assert "  hpc  EUR  90.00  of 100.00  90%  WARN past 80%" in text
    assert "≈ 50.00 EUR outstanding in total; USD left out (no rate)" in text
    assert "  no changes: acme" in text and "  no refresh recorded yet: hpc" in text
    assert text.endswith("--fail-on overdue: 1 invoice overdue\n")
    data = json.loads(render_json(report))
    assert data["overdue"][0] == {
        "account": "acme", "provider": "doit", "id": "late", "label": "L-1", "currency": "USD",
        "amount": "100", "due": "2026-09-01", "days_late": 75,
    }  # fmt: skip
    assert data["fail_on"] == {
        "rule": "overdue",
        "matched": True,
        "invoices": [{"account": "acme", "id": "late"}],
    }
    assert data["changes"][1] == {"account": "hpc", "at": None, "since": None, "recorded": False}
