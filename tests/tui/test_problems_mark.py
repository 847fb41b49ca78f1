"""A record kept with problems is marked in the table and explained in the detail."""

from __future__ import annotations

from decimal import Decimal

from invoicetui.core.model import Invoice, Status
from invoicetui.tui.rows import invoice_columns, money_str
from invoicetui.tui.widgets.detail_parts import facts_pairs, money_pairs


def test_status_cell_marks_problems_and_detail_lists_them() -> None:
    (status,) = [c for c in invoice_columns() if c.key == "status"]
    clean = Invoice("a", "waldur", "x", status=Status.PAID)
    marked = Invoice(
        "a", "waldur", "y", status=Status.PAID, problems=("total: not a finite decimal (NaN)",)
    )
    assert status.render(clean).plain == "PAID"
    assert status.render(marked).plain == "PAID !"
    label, text = facts_pairs(marked)[0]
    assert label == "Problems" and text.plain == "total: not a finite decimal (NaN)"
    assert all(label != "Problems" for label, _ in facts_pairs(clean))


def test_money_to_the_cent_with_the_exact_value_in_the_detail() -> None:
    tax = Decimal("4234.052")  # as the normalizer hands it over (two_places)
    assert money_str(tax) == "4,234.05" and money_str(tax, exact=True) == "4,234.052"
    assert money_str(Decimal("0.000123")) == "0.000123"  # below a cent: not hidden as 0.00
    inv = Invoice("a", "waldur", "x", currency="EUR", tax=tax, total=Decimal("12.50"))
    pairs = [(label, text.plain) for label, text in money_pairs(inv)]
    assert ("Tax", "4,234.05 EUR") in pairs and ("  exactly", "4,234.052") in pairs
    assert ("Total", "12.50 EUR") in pairs
    assert [label for label, _ in pairs].count("  exactly") == 1  # only where it differs
