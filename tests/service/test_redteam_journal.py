"""Journals of provider data the demo never sends (red-team findings): a currency code that
is not three letters, line items in another currency than their invoice, amounts beyond the
28 digits of Python's default decimal context. Each must still load in hledger and bean-check
and never book money under the wrong currency."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from invoicetui.core.model import Invoice, LineItem, Status
from invoicetui.service.journal import entries, render_journal


def hledger_check(path: Path) -> None:
    if shutil.which("hledger") is None:
        pytest.skip("hledger is not installed (Debian package hledger; .ci/run installs it)")
    done = subprocess.run(["hledger", "-f", str(path), "check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def bean_check(path: Path) -> None:
    pytest.importorskip("beancount", reason="beancount is in the test extra")
    tool = shutil.which("bean-check") or str(Path(sys.executable).parent / "bean-check")
    done = subprocess.run([tool, str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout + done.stderr == "", done.stdout + done.stderr


def doit(ident: str, currency: str, *items: LineItem, total: str) -> Invoice:
    return Invoice(
        "prod",
        "doit",
        ident,
        status=Status.OPEN,
        issued=date(2026, 10, 31),
        currency=currency,
        total=Decimal(total),
        line_items=items,
    )


def test_a_currency_code_with_a_digit_loads_in_hledger(tmp_path: Path) -> None:
    # A provider's currency is a free string; "USD1" is a valid beancount commodity, but
    # hledger reads a bare 1 after USD as part of the amount ("unexpected '1'").
    inv = doit("D-1", "USD1", LineItem("usage", kind="usage", amount=Decimal("2.00")), total="2")
    ledger = tmp_path / "j.ledger"
    ledger.write_text(render_journal([inv], "ledger"), encoding="utf-8")
    hledger_check(ledger)
    assert '-2 "USD1"' in ledger.read_text()
    bean = tmp_path / "j.beancount"
    bean.write_text(render_journal([inv], "beancount"), encoding="utf-8")
    bean_check(bean)
    assert "-2 USD1" in bean.read_text()


def test_an_item_in_another_currency_is_not_booked_as_the_invoice_currency(
    tmp_path: Path,
) -> None:
    inv = doit(
        "D-2",
        "EUR",
        LineItem("AWS usage", kind="usage", amount=Decimal("2.00"), currency="USD"),
        LineItem("support", kind="service", amount=Decimal("0.30"), currency="eur"),
        total="2.30",
    )
    (entry,), _ = entries([inv])
    accounts = [p.account for p in entry.postings]
    assert "Expenses:Cloud:DoiT:Usage" not in accounts  # USD 2.00 is not written as EUR 2.00
    assert sum(p.amount for p in entry.postings) == 0
    for style in ("ledger", "beancount"):
        text = render_journal([inv], style)  # type: ignore[arg-type]
        assert "not booked in EUR" in text and "2.00 USD" in text
        path = tmp_path / f"j.{style}"
        path.write_text(text, encoding="utf-8")
        (hledger_check if style == "ledger" else bean_check)(path)


def test_amounts_beyond_28_digits_balance_exactly_without_a_made_up_adjustment() -> None:
    big = Decimal("1234567890123456789012345678.91")
    inv = doit(
        "D-3",
        "USD",
        LineItem("a", kind="usage", amount=big),
        LineItem("b", kind="service", amount=Decimal("0.01")),
        total="1234567890123456789012345678.92",
    )
    (entry,), _ = entries([inv])
    accounts = [p.account for p in entry.postings]
    assert not any(a.endswith(("Adjustments", "Credits")) for a in accounts), accounts
    assert str(entry.postings[-1].amount) == "-1234567890123456789012345678.92"
