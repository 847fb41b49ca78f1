"""Flags: sums that do not add up, credits, status against dates, duplicate numbers."""

from __future__ import annotations

from datetime import date

from insight_factory import TODAY, make

from invoicetui.core.model import Status
from invoicetui.service.insight.flags import flag_all, flags, marks


def codes(inv_flags: list[object]) -> list[str]:
    return [f.code for f in inv_flags]  # type: ignore[attr-defined]


def test_sum_mismatch_beyond_rounding_only() -> None:
    ok = make("a", subtotal="30.00", total="36.30", items=(("10.004", None, None),) * 3)
    off = make("b", subtotal="30.00", total="36.30", items=(("10", None, None), ("25", None, None)))
    assert flags(ok, [ok], TODAY) == []
    [flag] = flags(off, [off], TODAY)
    assert flag.code == "sum-mismatch" and flag.mark == "Σ"
    assert flag.sentence == (
        "The 2 line items add up to 35 USD, but the subtotal is 30.00 USD (off by 5.00 USD)."
    )


def test_sum_against_total_or_with_credits() -> None:
    total_only = make("a", total="20", items=(("12", None, None), ("8", None, None)))
    credited = make("b", subtotal="70", total="70", credits="30", items=(("100", None, None),))
    summary = make("c", subtotal="1", items=(), detailed=False)
    for inv in (total_only, credited, summary):
        assert flags(inv, [inv], TODAY) == []


def test_negative_balance_is_a_credit() -> None:
    inv = make("a", total="0", amount_due="-12.50")
    [flag] = flags(inv, [inv], TODAY)
    assert flag.code == "negative-balance"
    assert "credit balance of 12.50 USD" in flag.sentence and "nothing is due" in flag.sentence


def test_status_disagrees_with_dates() -> None:
    early = make("a", status=Status.OVERDUE, due=date(2026, 11, 20))
    backwards = make("b", issued=date(2026, 10, 1), due=date(2026, 9, 1))
    stale = make("c", status=Status.DRAFT, end=date(2026, 8, 31))
    paid_owing = make("d", status=Status.PAID, amount_due="5")
    late_open = make("e", status=Status.OPEN, due=date(2026, 1, 1))  # overdue, not a flag
    assert "due only on 2026-11-20 (5d from now)" in flags(early, [], TODAY)[0].sentence
    assert codes(flags(backwards, [], TODAY)) == ["status-dates"]
    assert "76 days after its period ended" in flags(stale, [], TODAY)[0].sentence
    assert "still due" in flags(paid_owing, [], TODAY)[0].sentence
    assert flags(late_open, [], TODAY) == []


def test_duplicate_number_within_one_account_only() -> None:
    a = make("a", number="N1")
    b = make("b", number="N1")
    c = make("c", number="N1", account="other")
    found = flag_all([a, b, c], TODAY)
    assert set(found) == {("acme", "a"), ("acme", "b")}
    assert found[("acme", "a")][0].sentence == "Number N1 is used by 2 invoices of account acme."
    assert marks(found[("acme", "a")]) == "=" and marks([]) == ""
    assert codes(flags(a, [a, b, c], TODAY)) == ["duplicate-number"]
