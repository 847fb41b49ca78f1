"""Budgets (the running month's drafts against a budget) and the ≈ total from [rates]."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from insight_factory import TODAY, make

from invoicetui.core.model import Status
from invoicetui.service.insight.budgets import Rates, approx_total, budget_status

NOV = date(2026, 11, 1)


def test_budget_levels_golden() -> None:
    invoices = [
        make("d1", account="pal", status=Status.DRAFT, total="2000", start=NOV),
        make("d2", account="pal", status=Status.DRAFT, total="700", start=NOV),
        make("open", account="pal", status=Status.OPEN, total="5000", start=NOV),  # billed
        make("old", account="pal", status=Status.DRAFT, total="5000", start=date(2026, 10, 1)),
        make("w", account="hpc", currency="EUR", status=Status.DRAFT, total="10", start=NOV),
        make("z", account="vec", status=Status.DRAFT, total="1200", start=NOV),
    ]
    budgets = {"pal": Decimal(3000), "hpc": Decimal(100), "vec": Decimal(1000), "new": Decimal(5)}
    lines = {line.account: line for line in budget_status(invoices, budgets, TODAY)}
    pal = lines["pal"]
    assert (pal.currency, pal.accrued, pal.level, pal.percent) == ("USD", Decimal(2700), "warn", 90)
    assert pal.keys == {("pal", "d1"), ("pal", "d2")}
    assert pal.projected == Decimal(2700) * 30 / 15
    assert (lines["hpc"].currency, lines["hpc"].level) == ("EUR", "ok")
    assert lines["vec"].level == "over"
    assert (lines["new"].currency, lines["new"].accrued, lines["new"].level) == (None, 0, "ok")
    assert list(lines) == ["hpc", "new", "pal", "vec"]


def test_approx_total_says_what_it_left_out() -> None:
    figures = {"EUR": Decimal("100"), "USD": Decimal("50"), "GBP": Decimal("10")}
    approx = approx_total(figures, Rates("EUR", {"usd": Decimal("0.92")}))
    assert approx.total == Decimal("146.00")
    assert approx.left_out == ["GBP"]
    assert approx.sentence() == "≈ 146.00 EUR in total (1 USD = 0.92 EUR); GBP left out (no rate)"
    assert approx_total({}, Rates("EUR", {})).sentence() == "≈ 0.00 EUR in total"


@given(
    st.dictionaries(
        st.sampled_from(["EUR", "USD", "GBP", "CHF"]), st.decimals(0, 10**6, places=2), max_size=4
    ),
    st.dictionaries(st.sampled_from(["USD", "GBP"]), st.decimals("0.01", 5, places=4)),
)
def test_approx_counts_each_currency_once_or_names_it(
    figures: dict[str, Decimal], rates: dict[str, Decimal]
) -> None:
    approx = approx_total(figures, Rates("EUR", rates))
    assert set(approx.used) | set(approx.left_out) == set(figures)
    assert not set(approx.used) & set(approx.left_out)
    assert approx.total == sum((figures[c] * r for c, r in approx.used.items()), Decimal(0))
