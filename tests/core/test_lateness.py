"""The one overdue rule (core.lateness): golden cases per provider, and its properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicetui.core.lateness import (
    NOT_OWED,
    RULE_TEXT,
    Lateness,
    Urgency,
    lateness,
    outstanding,
    urgency,
)
from invoicetui.core.model import PROVIDERS, Invoice, Status

TODAY = date(2026, 12, 3)


def inv(
    provider: str = "palette",
    status: Status = Status.OPEN,
    due: date | None = None,
    total: str | None = "100.00",
    amount_due: str | None = None,
) -> Invoice:
    return Invoice(
        account="a",
        provider=provider,
        id="i",
        status=status,
        due=due,
        currency="EUR",
        total=None if total is None else Decimal(total),
        amount_due=None if amount_due is None else Decimal(amount_due),
    )


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


# ------------------------------------------------------------------ outstanding


@pytest.mark.parametrize(
    ("status", "total", "amount_due", "expected"),
    [
        (Status.OPEN, "100.00", None, Decimal("100.00")),
        (Status.OPEN, "100.00", "40.00", Decimal("40.00")),
        (Status.OVERDUE, "100.00", "0", Decimal("0")),
        (Status.PROCESSING, "5", None, Decimal("5")),
        (Status.FAILED, "5", None, Decimal("5")),
        (Status.DISPUTED, "5", None, Decimal("5")),
        (Status.OPEN, "-30.00", None, Decimal("-30.00")),  # a DoiT credit note
        (Status.PAID, "100.00", "100.00", None),
        (Status.VOID, "100.00", None, None),
        (Status.DRAFT, "100.00", "100.00", None),
        (Status.ISSUED, "100.00", None, None),  # Waldur provider role: no payment state
        (Status.UNKNOWN, "100.00", None, None),
        (Status.UNKNOWN, "100.00", "12.50", Decimal("12.50")),
        (Status.OPEN, None, None, None),
    ],
)
def test_outstanding(
    status: Status, total: str | None, amount_due: str | None, expected: Decimal | None
) -> None:
    assert outstanding(inv(status=status, total=total, amount_due=amount_due)) == expected


# ------------------------------------------------------------------ lateness golden cases


@pytest.mark.parametrize(
    ("invoice", "expected"),
    [
        # Palette / Waldur / DoiT OPEN: the due date decides.
        (inv("palette", due=days_ago(62)), Lateness(True, 62, False, "62d late")),
        (inv("waldur", due=days_ago(1)), Lateness(True, 1, False, "1d late")),
        (inv("doit", due=days_ago(3)), Lateness(True, 3, False, "3d late")),
        (inv("palette", due=TODAY), Lateness(False, 0, False, "today")),
        (inv("palette", due=TODAY + timedelta(days=5)), Lateness(False, -5, False, "in 5d")),
        (inv("palette", Status.PROCESSING, days_ago(2)), Lateness(True, 2, False, "2d late")),
        (inv("palette", Status.FAILED, days_ago(2)), Lateness(True, 2, False, "2d late")),
        (inv("palette", due=None), Lateness(False, None, False, "")),
        # DoiT PAST DUE: the status says so, with or without a due date.
        (inv("doit", Status.OVERDUE, days_ago(9)), Lateness(True, 9, False, "9d late")),
        (inv("doit", Status.OVERDUE, None), Lateness(True, None, False, "late")),
        (inv("doit", Status.OVERDUE, TODAY + timedelta(days=2)), Lateness(True, -2, False, "late")),
        # Zilliz: its status wins; unpaid past due is in the grace period.
        (inv("zilliz", due=days_ago(3)), Lateness(False, 3, True, "grace 3d")),
        (inv("zilliz", due=TODAY + timedelta(days=4)), Lateness(False, -4, False, "in 4d")),
        (inv("zilliz", Status.OVERDUE, days_ago(20)), Lateness(True, 20, False, "20d late")),
        # Nothing owed: never late.
        (inv("doit", due=days_ago(40), total="-30.00"), NOT_OWED),
        (inv("doit", Status.OVERDUE, days_ago(40), total="-30.00"), NOT_OWED),
        (inv("palette", due=days_ago(40), amount_due="0"), NOT_OWED),
        (inv("palette", Status.PAID, days_ago(40)), NOT_OWED),
        (inv("waldur", Status.VOID, days_ago(40)), NOT_OWED),
        (inv("waldur", Status.DRAFT, days_ago(40)), NOT_OWED),
        (inv("waldur", Status.ISSUED, days_ago(40)), NOT_OWED),
    ],
)
def test_lateness_golden(invoice: Invoice, expected: Lateness) -> None:
    assert lateness(invoice, TODAY) == expected


def test_due_as_datetime_counts_its_utc_day() -> None:
    due = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)
    assert lateness(inv(due=due), TODAY).label == "1d late"
    assert lateness(inv(due=datetime(2026, 12, 3, 0, 0, tzinfo=UTC)), TODAY).label == "today"


@pytest.mark.parametrize(
    ("invoice", "expected"),
    [
        (inv(status=Status.FAILED, due=TODAY + timedelta(days=9)), Urgency.FAILED),
        (inv(status=Status.OPEN, due=days_ago(1)), Urgency.OVERDUE),
        (inv(status=Status.PROCESSING, due=days_ago(1)), Urgency.OVERDUE),
        (inv("doit", Status.OVERDUE), Urgency.OVERDUE),
        (inv("zilliz", Status.OPEN, days_ago(3)), Urgency.OPEN),
        (inv(status=Status.OPEN, due=TODAY), Urgency.OPEN),
        (inv(status=Status.PROCESSING), Urgency.PROCESSING),
        (inv("zilliz", Status.DISPUTED, days_ago(30)), Urgency.DISPUTED),
        (inv("waldur", Status.DRAFT), Urgency.DRAFT),
        (inv(status=Status.UNKNOWN), Urgency.UNKNOWN),
        (inv("waldur", Status.ISSUED), Urgency.ISSUED),
        (inv(status=Status.PAID, due=days_ago(100)), Urgency.SETTLED),
        (inv(status=Status.VOID), Urgency.SETTLED),
        (inv("doit", due=days_ago(10), total="-5"), Urgency.OPEN),
    ],
)
def test_urgency_golden(invoice: Invoice, expected: Urgency) -> None:
    assert urgency(invoice, TODAY) is expected


def test_rule_text_names_the_grace_period() -> None:
    assert "Zilliz" in RULE_TEXT
    assert "14-day grace" in RULE_TEXT
    assert "UTC" in RULE_TEXT


# ------------------------------------------------------------------ properties

money = st.one_of(
    st.none(),
    st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, places=2),
)
invoices = st.builds(
    lambda provider, status, offset, total, due_amount: Invoice(
        account="a",
        provider=provider,
        id="i",
        status=status,
        due=None if offset is None else TODAY + timedelta(days=offset),
        total=total,
        amount_due=due_amount,
    ),
    st.sampled_from(PROVIDERS),
    st.sampled_from(list(Status)),
    st.one_of(st.none(), st.integers(-400, 400)),
    money,
    money,
)


@given(invoices)
def test_overdue_needs_something_positive_owed(invoice: Invoice) -> None:
    late = lateness(invoice, TODAY)
    if late.overdue:
        owed = outstanding(invoice)
        assert owed is not None and owed > 0
        assert invoice.status not in {Status.PAID, Status.VOID, Status.DRAFT}


@given(invoices)
def test_zilliz_is_overdue_only_when_its_status_says_so(invoice: Invoice) -> None:
    late = lateness(invoice, TODAY)
    if invoice.provider == "zilliz" and late.overdue:
        assert invoice.status is Status.OVERDUE
    if late.in_grace:
        assert invoice.provider == "zilliz" and not late.overdue
        assert late.days is not None and late.days > 0


@given(invoices)
def test_date_rule_for_providers_without_a_lateness_status(invoice: Invoice) -> None:
    owed = outstanding(invoice)
    late = lateness(invoice, TODAY)
    if invoice.provider != "zilliz" and owed is not None and owed > 0 and invoice.due:
        assert late.overdue == (invoice.status is Status.OVERDUE or invoice.due < TODAY)


@given(invoices)
def test_label_agrees_with_days(invoice: Invoice) -> None:
    late = lateness(invoice, TODAY)
    if late.days is None:
        assert late.label in {"", "late"}
    elif late.label.endswith("d late"):
        assert late.label == f"{late.days}d late"
    elif late.label.startswith("in "):
        assert late.label == f"in {-late.days}d"
    if late.label == "":
        assert not late.overdue


@given(invoices)
def test_urgency_overdue_exactly_when_late_or_said(invoice: Invoice) -> None:
    u = urgency(invoice, TODAY)
    if invoice.status is not Status.FAILED and lateness(invoice, TODAY).overdue:
        assert u is Urgency.OVERDUE
    if u is Urgency.OVERDUE:
        assert invoice.status is Status.OVERDUE or lateness(invoice, TODAY).overdue


@given(invoices, st.integers(1, 30))
def test_lateness_only_grows_with_time(invoice: Invoice, step: int) -> None:
    before = lateness(invoice, TODAY)
    after = lateness(invoice, TODAY + timedelta(days=step))
    if before.overdue:
        assert after.overdue
    if before.days is not None:
        assert after.days == before.days + step
