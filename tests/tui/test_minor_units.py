"""Money on screen is rounded to each currency's minor unit (JPY 0, BHD 3), never to the cent
for all; a net credit in the strip reads as credit, as `invoicetui summary` says."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from invoicetui.core.model import Invoice, Status
from invoicetui.service.summary import CurrencyOwed
from invoicetui.tui.rows import money_str, money_text
from invoicetui.tui.widgets.detail_parts import money_pairs
from invoicetui.tui.widgets.summary import owed_entry


def test_the_table_rounds_to_the_currencys_minor_unit() -> None:
    assert money_text(Decimal("1234567.00"), "JPY").plain == "1,234,567 JPY"
    assert money_text(Decimal("-1.005"), "BHD").plain == "-1.005 BHD"
    assert money_text(Decimal("12.3456"), "BHD").plain == "12.346 BHD"  # half to even
    assert money_text(Decimal("1600.2"), "EUR").plain == "1,600.20 EUR"
    assert money_str(Decimal("12.5"), "XYZ") == "12.50"  # an unknown code: 2 places
    assert money_str(Decimal("0.4"), "JPY") == "0.4"  # below one yen: not hidden as 0
    assert money_str(Decimal("1234.5678"), "JPY", exact=True) == "1,234.5678"


def test_the_detail_shows_the_exact_value_only_where_the_minor_unit_hides_digits() -> None:
    inv = Invoice(
        "a", "doit", "x", currency="BHD", status=Status.OPEN,
        tax=Decimal("1.005"), total=Decimal("12.3456"),
    )  # fmt: skip
    pairs = [(label, text.plain) for label, text in money_pairs(inv)]
    assert ("Tax", "1.005 BHD") in pairs
    assert ("Total", "12.346 BHD") in pairs and ("  exactly", "12.3456") in pairs
    assert [label for label, _ in pairs].count("  exactly") == 1


def test_a_net_credit_in_the_strip_is_credit_not_negative_owed() -> None:
    credit = CurrencyOwed("BHD", Decimal("-2.01"), Decimal(0), None, 2)
    assert owed_entry(credit).plain == "BHD 2.010 in credit · 2 open"
    owing = CurrencyOwed("JPY", Decimal("150000"), Decimal("50000"), date(2026, 12, 1), 3)
    assert owed_entry(owing).plain == "JPY 150,000 owed · 50,000 overdue · 3 open"
