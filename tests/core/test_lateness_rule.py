"""The one overdue rule of API.md, as insight relies on it (glance-money owns core/lateness)."""

from __future__ import annotations

from datetime import date, timedelta

from insight_factory import TODAY, make

from invoicetui.core.lateness import Urgency, lateness, outstanding, urgency
from invoicetui.core.model import Status


def test_the_rule() -> None:
    past, soon = TODAY - timedelta(days=62), TODAY + timedelta(days=5)
    late = lateness(make("a", provider="waldur", due=past), TODAY)
    assert (late.overdue, late.days, late.label) == (True, 62, "62d late")
    assert lateness(make("b", due=soon), TODAY).label == "in 5d"
    assert lateness(make("c", due=TODAY), TODAY).label == "today"
    grace = lateness(make("z", provider="zilliz", due=TODAY - timedelta(days=3)), TODAY)
    assert (grace.overdue, grace.in_grace, grace.label) == (False, True, "grace 3d")
    zilliz = make("zo", provider="zilliz", status=Status.OVERDUE, due=past)
    assert lateness(zilliz, TODAY).overdue
    credit = make("d", amount_due="-12", due=past)
    assert outstanding(credit) is not None and not lateness(credit, TODAY).overdue
    for status in (Status.PAID, Status.VOID, Status.DRAFT):
        assert not lateness(make("s", status=status, due=past), TODAY).overdue
    assert urgency(make("o", due=past), TODAY) is Urgency.OVERDUE
    assert urgency(make("p", status=Status.PAID), TODAY) is Urgency.SETTLED
    assert lateness(make("n", due=None), date(2026, 1, 1)).days is None
