"""Breakdown: line items by project, kind or [groups] label, per currency, with shares."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from insight_factory import make

from invoicetui.core.model import Invoice, Status
from invoicetui.service.insight.breakdown import NO_GROUP, WHOLE_INVOICE, breakdown

OCT = date(2026, 10, 1)


def sample() -> list[Invoice]:
    return [
        make("p1", account="pal", provider="palette", start=OCT,
             items=(("60", "payments-prod", "compute"), ("20", "web", "storage"))),
        make("w1", account="hpc", provider="waldur", currency="EUR", start=OCT,
             items=(("30", "sim", "compute"),)),
        make("z1", account="vec", provider="zilliz", start=OCT, total="20"),
        make("old", account="pal", provider="palette", start=date(2026, 1, 1),
             items=(("999", "web", "compute"),)),
        make("void", account="pal", provider="palette", start=OCT, status=Status.VOID,
             items=(("999", "web", "compute"),)),
    ]  # fmt: skip


def test_by_project_golden() -> None:
    result = breakdown(sample(), "project", {}, OCT, date(2026, 10, 31))
    eur, usd = result.currencies
    assert (eur.currency, eur.total, [g.label for g in eur.groups]) == ("EUR", Decimal(30), ["sim"])
    assert usd.total == Decimal(100)
    assert [(g.label, g.amount, g.share) for g in usd.groups] == [
        ("payments-prod", Decimal(60), Decimal("0.6")),
        ("vec", Decimal(20), Decimal("0.2")),
        ("web", Decimal(20), Decimal("0.2")),
    ]
    assert result.without_items == ["vec"]
    vec = usd.groups[1]
    assert vec.keys == {("vec", "z1")} and vec.items[0][1].description == WHOLE_INVOICE


def test_by_kind_and_by_group() -> None:
    by_kind = breakdown(sample(), "kind", {}, OCT, OCT)
    assert [g.label for g in by_kind.currencies[1].groups] == ["compute", "storage", "vec"]
    groups = {"payments-prod": "team-payments", "vec": "team-search"}
    by_group = breakdown(sample(), "group", groups, OCT, OCT)
    assert [(g.label, g.amount) for g in by_group.currencies[1].groups] == [
        ("team-payments", Decimal(60)), ("team-search", Decimal(20)), (NO_GROUP, Decimal(20))
    ]  # fmt: skip
    assert [g.label for g in by_group.currencies[0].groups] == [NO_GROUP]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["EUR", "USD", "CHF"]),
            st.sampled_from(["p", "q", None]),
            st.decimals(-50, 500, places=2),
        ),
        max_size=20,
    )
)
def test_groups_never_mix_currencies(rows: list[tuple[str, str | None, Decimal]]) -> None:
    invoices = [
        make(f"i{n}", currency=cur, start=OCT, items=((str(amount), project, None),))
        for n, (cur, project, amount) in enumerate(rows)
    ]
    result = breakdown(invoices, "project", {}, OCT, OCT)
    for block in result.currencies:
        assert sum((g.amount for g in block.groups), Decimal(0)) == block.total
        assert block.total == sum((a for c, _p, a in rows if c == block.currency), Decimal(0))
        for group in block.groups:
            assert {inv.currency for inv, _item in group.items} == {block.currency}
            assert Decimal(0) <= group.share <= Decimal(1)
