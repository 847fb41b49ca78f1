"""Overview: owed per currency by age and due date, per account next due and oldest overdue;
provider rules (Zilliz grace, DoiT credits) through core.lateness."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from insight_factory import TODAY, make

from invoicetui.core.model import Invoice, Status
from invoicetui.service.insight.overview import overview


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def test_golden_ages_due_dates_and_provider_rules() -> None:
    invoices = [
        make("late10", account="pal", provider="palette", total="10", due=ago(10)),
        make("late45", account="wal", provider="waldur", total="45", due=ago(45)),
        make("late90", account="doit", status=Status.OVERDUE, total="200", amount_due="90",
             due=ago(90)),
        make("soon", account="wal", provider="waldur", total="7", due=ago(-3)),
        make("month", account="wal", provider="waldur", total="20", due=ago(-20)),
        make("far", account="wal", provider="waldur", total="99", due=ago(-90)),
        make("grace", account="zil", provider="zilliz", total="5", due=ago(3)),
        make("zlate", account="zil", provider="zilliz", status=Status.OVERDUE, total="6",
             due=ago(20)),
        make("credit", account="doit", total="0", amount_due="-12.5", due=ago(40)),
        make("paid", account="doit", status=Status.PAID, total="1000", amount_due="0",
             due=ago(100)),
        make("eur", account="wal", provider="waldur", currency="EUR", total="3", due=ago(5)),
    ]  # fmt: skip
    result = overview(invoices, TODAY)
    eur, usd = result.currencies
    assert (eur.currency, eur.outstanding.amount, eur.overdue_1_30.keys) == (
        "EUR", Decimal(3), {("wal", "eur")}
    )  # fmt: skip
    assert usd.outstanding.amount == Decimal(10 + 45 + 90 + 7 + 20 + 99 + 5 + 6)
    assert usd.overdue_1_30.keys == {("pal", "late10"), ("zil", "zlate")}
    assert usd.overdue_31_60.keys == {("wal", "late45")}
    assert (usd.overdue_over_60.amount, usd.overdue_over_60.count) == (Decimal(90), 1)
    assert usd.overdue.amount == Decimal(10 + 45 + 90 + 6)
    assert usd.due_7.keys == {("wal", "soon"), ("zil", "grace")}  # grace: still due, not late
    assert usd.due_30.keys == {("wal", "soon"), ("wal", "month"), ("zil", "grace")}
    assert (usd.credit.amount, usd.credit.keys) == (Decimal("12.5"), {("doit", "credit")})
    accounts = {a.account: a for a in result.accounts}
    assert accounts["doit"].oldest_overdue == ago(90)
    assert accounts["doit"].oldest_overdue_key == ("doit", "late90")
    assert accounts["doit"].oldest_overdue_days == 90
    assert accounts["wal"].next_due == ago(-3) and accounts["wal"].next_due_key == ("wal", "soon")
    assert accounts["zil"].oldest_overdue_key == ("zil", "zlate")
    assert [a.account for a in result.accounts] == ["doit", "wal", "zil", "pal"]


def test_nothing_owed() -> None:
    result = overview([make("p", status=Status.PAID, amount_due="0")], TODAY)
    assert result.currencies == [] and result.accounts[0].next_due is None


@st.composite
def owed(draw: st.DrawFn) -> list[Invoice]:
    return [
        make(
            f"i{n}",
            account=draw(st.sampled_from(["a", "b"])),
            provider=draw(st.sampled_from(["doit", "waldur", "zilliz", "palette"])),
            status=draw(st.sampled_from([Status.OPEN, Status.OVERDUE, Status.PAID, Status.DRAFT])),
            currency=draw(st.sampled_from(["EUR", "USD", None])),
            total=str(draw(st.decimals(0, 1000, places=2))),
            amount_due=draw(st.one_of(st.none(), st.decimals(-50, 1000, places=2).map(str))),
            due=draw(st.one_of(st.none(), st.integers(-100, 100).map(ago))),
        )
        for n in range(draw(st.integers(0, 20)))
    ]


@given(owed())
def test_figures_never_mix_currencies(invoices: list[Invoice]) -> None:
    by_key = {(i.account, i.id): i for i in invoices}
    for block in overview(invoices, TODAY).currencies:
        ages = (block.overdue_1_30, block.overdue_31_60, block.overdue_over_60)
        assert sum((f.amount for f in ages), Decimal(0)) == block.overdue.amount
        assert block.overdue.keys <= block.outstanding.keys
        assert block.due_7.keys <= block.due_30.keys
        assert not block.overdue.keys & block.due_30.keys
        for figure in (block.outstanding, block.overdue, block.due_30, block.credit, *ages):
            assert figure.count == len(figure.keys)
            assert {by_key[k].currency or "?" for k in figure.keys} <= {block.currency}
            assert figure.amount >= 0
