"""Trends: monthly totals, the delta of the last full month, anomalies, never the running
month compared as a full one, never currencies mixed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from insight_factory import TODAY, make

from invoicetui.core.model import Invoice, Status
from invoicetui.service.insight.trends import ANOMALY_RULE, trends


def monthly(account: str, currency: str, values: dict[tuple[int, int], str]) -> list[Invoice]:
    return [
        make(f"{account}-{y}-{m}", account=account, currency=currency, total=v,
             start=date(y, m, 1))
        for (y, m), v in values.items()
    ]  # fmt: skip


def test_golden_delta_and_to_date() -> None:
    data = monthly("a", "EUR", {(2026, 9): "100", (2026, 10): "150", (2026, 11): "10"})
    data += monthly("b", "USD", {(2026, 10): "40"})
    data.append(make("void", account="a", currency="EUR", total="999", start=date(2026, 10, 1),
                     status=Status.VOID))  # fmt: skip
    result = trends(data, TODAY, months=3)
    assert [m.label for m in result.months] == ["2026-09", "2026-10", "2026-11"]
    assert [m.to_date for m in result.months] == [False, False, True]
    assert result.compared == (0, 1)
    a, b = result.rows
    assert (a.account, a.currency, a.totals) == (
        "a",
        "EUR",
        [Decimal(100), Decimal(150), Decimal(10)],
    )
    assert (a.delta, a.delta_pct) == (Decimal(50), Decimal("50.0"))
    assert a.keys[1] == {("a", "a-2026-10")}
    assert (b.totals, b.delta) == ([None, Decimal(40), None], None)
    assert [(c.currency, c.totals[1]) for c in result.currencies] == [
        ("EUR", Decimal(150)), ("USD", Decimal(40))
    ]  # fmt: skip


def test_anomaly_rule() -> None:
    values = {(2026, m): "100" for m in range(1, 11)}
    values[(2026, 8)] = "400"  # far from the median of Feb-Jul
    values[(2026, 3)] = "140"  # 40 %: not far enough
    result = trends(monthly("a", "EUR", values), TODAY, months=12)
    labels = [result.months[i].label for i in result.rows[0].anomalies]
    assert labels == ["2026-08"]
    assert "median of the 6 full months" in ANOMALY_RULE


def test_tiny_swings_are_not_anomalies() -> None:
    values = {(2026, m): "10000" for m in range(1, 4)}
    values.update({(2026, m): "1" for m in range(4, 10)})
    values[(2026, 10)] = "5"  # 400 % of the median, but 4 of a 30011 year: not an anomaly
    result = trends(monthly("a", "EUR", values), TODAY)
    labels = [result.months[i].label for i in result.rows[0].anomalies]
    assert "2026-04" in labels  # the drop from 10000 to 1 is one
    assert "2026-10" not in labels and "2026-09" not in labels


def test_a_range_in_the_past_has_no_running_month() -> None:
    data = monthly("a", "EUR", {(2026, 1): "1", (2026, 2): "2", (2026, 11): "3"})
    result = trends(data, TODAY, months=2, end=date(2026, 2, 1))
    assert not any(m.to_date for m in result.months)
    assert result.rows[0].delta == Decimal(1)


months = st.sampled_from([(2025, 12), (2026, 1), (2026, 9), (2026, 10), (2026, 11)])


@st.composite
def invoice_sets(draw: st.DrawFn) -> list[Invoice]:
    out = []
    for n in range(draw(st.integers(0, 25))):
        y, m = draw(months)
        out.append(
            make(
                f"i{n}",
                account=draw(st.sampled_from(["a", "b"])),
                currency=draw(st.sampled_from(["EUR", "USD", None])),
                total=str(draw(st.decimals(0, 500, places=2))),
                start=date(y, m, 1),
            )
        )
    return out


@given(invoice_sets())
def test_sums_per_currency_and_running_month_never_compared(invoices: list[Invoice]) -> None:
    result = trends(invoices, TODAY, months=12)
    running = [i for i, m in enumerate(result.months) if m.to_date]
    assert running == [len(result.months) - 1]
    for row in [*result.rows, *result.currencies]:
        assert not set(row.anomalies) & set(running)
        for index, total in enumerate(row.totals):
            behind = [i for i in invoices if (i.account, i.id) in row.keys[index]]
            assert {i.currency or "?" for i in behind} <= {row.currency}
            expected = sum((i.total for i in behind if i.total is not None), Decimal(0))
            assert (total or Decimal(0)) == expected
        if row.delta is not None:
            full = [t for t, m in zip(row.totals, result.months, strict=True) if not m.to_date]
            assert full[-1] is not None and full[-2] is not None
            assert row.delta == full[-1] - full[-2]
    # Changing only the running month changes no delta and no anomaly.
    more = [*invoices, make("x", account="a", currency="EUR", total="1e6", start=TODAY)]
    again = trends(more, TODAY, months=12)
    before = {(r.account, r.currency): (r.delta, r.anomalies) for r in result.rows}
    after = {(r.account, r.currency): (r.delta, r.anomalies) for r in again.rows}
    assert {k: v for k, v in after.items() if k in before} == before
