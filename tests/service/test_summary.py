"""Summary math per currency (never mixed), next due day, monthly spend, and the strip."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from textual.app import App, ComposeResult

from invoicetui.core.model import Invoice, Status
from invoicetui.service.summary import CurrencyOwed, last_months, monthly_spend, owed_by_currency
from invoicetui.tui.widgets.summary import SummaryStrip, sparkline

TODAY = date(2026, 11, 15)


def inv(
    n: int,
    status: Status,
    currency: str | None,
    total: str | None,
    *,
    due: date | None = None,
    amount_due: str | None = None,
    account: str = "acme",
    issued: date | None = None,
) -> Invoice:
    return Invoice(
        account=account,
        provider="doit",
        id=f"i{n}",
        status=status,
        currency=currency,
        total=None if total is None else Decimal(total),
        amount_due=None if amount_due is None else Decimal(amount_due),
        due=due,
        issued=issued,
    )


def test_owed_per_currency_never_mixes_and_finds_next_due() -> None:
    invoices = [
        inv(1, Status.OPEN, "EUR", "100.10", due=date(2026, 12, 1)),
        inv(2, Status.OPEN, "EUR", "50", due=date(2026, 11, 20), amount_due="20.05"),
        inv(3, Status.OVERDUE, "EUR", "7.5", due=date(2026, 10, 1)),
        inv(4, Status.OPEN, "EUR", "1", due=date(2026, 11, 1)),  # open but past due
        inv(5, Status.PAID, "EUR", "999", due=date(2026, 11, 16)),
        inv(6, Status.FAILED, "USD", "3.333", due=datetime(2026, 11, 18, 23, 0, tzinfo=UTC)),
        inv(7, Status.PROCESSING, None, "2"),
        inv(8, Status.VOID, "USD", "40"),
        inv(9, Status.DRAFT, "USD", "40"),
        inv(10, Status.OPEN, "USD", None),
    ]
    got = owed_by_currency(invoices, TODAY)
    assert got == [
        CurrencyOwed("EUR", Decimal("128.65"), Decimal("8.5"), date(2026, 11, 20), 4),
        CurrencyOwed("USD", Decimal("3.333"), Decimal(0), date(2026, 11, 18), 2),
        CurrencyOwed("?", Decimal("2"), Decimal(0), None, 1),
    ]


def test_owed_is_empty_when_everything_is_settled() -> None:
    assert owed_by_currency([inv(1, Status.PAID, "EUR", "5")], TODAY) == []
    assert owed_by_currency([], TODAY) == []


def test_monthly_spend_per_account_and_currency() -> None:
    invoices = [
        inv(1, Status.PAID, "EUR", "10", issued=date(2026, 11, 3)),
        inv(2, Status.OPEN, "EUR", "5.5", issued=date(2026, 11, 20)),
        inv(3, Status.PAID, "USD", "7", issued=date(2026, 9, 1)),
        inv(4, Status.VOID, "EUR", "1000", issued=date(2026, 10, 1)),
        inv(5, Status.PAID, "EUR", "3", issued=date(2025, 11, 30)),  # 13 months back: out
        inv(6, Status.PAID, "EUR", "4", issued=date(2025, 12, 1), account="other"),
        inv(7, Status.PAID, "EUR", None, issued=date(2026, 8, 1)),
    ]
    spend = monthly_spend(invoices)
    assert list(spend) == [("acme", "EUR"), ("acme", "USD"), ("other", "EUR")]
    eur = spend[("acme", "EUR")]
    assert len(eur) == 12 and eur[0][0] == "2025-12" and eur[-1] == ("2026-11", Decimal("15.5"))
    assert dict(eur)["2026-10"] == 0  # void is not spend
    assert dict(spend[("acme", "USD")])["2026-09"] == Decimal(7)
    assert spend[("other", "EUR")][0] == ("2025-12", Decimal(4))
    assert monthly_spend([]) == {}
    assert last_months("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]


def test_sparkline_scales_to_the_largest_month() -> None:
    assert sparkline([Decimal(0), Decimal(1), Decimal(4), Decimal(8)]) == "·▁▄█"
    assert sparkline([Decimal(0)] * 3) == "···"


class StripApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SummaryStrip()


async def test_strip_fits_80_columns_and_shows_each_currency() -> None:
    invoices = [
        inv(1, Status.OPEN, "EUR", "12345.67", due=date(2026, 12, 1), issued=date(2026, 11, 1)),
        inv(2, Status.OVERDUE, "EUR", "1200", issued=date(2026, 10, 1)),
        inv(3, Status.OPEN, "USD", "9", account="[b]doit[/b]", issued=date(2026, 11, 1)),
    ]
    async with StripApp().run_test(size=(80, 24)) as pilot:
        strip = pilot.app.query_one(SummaryStrip)
        strip.update_data(invoices, ["[b]doit[/b]", "acme"], today=TODAY)
        await pilot.pause()
        lines = [line.plain for line in strip.lines(78)]
        assert lines[0].startswith("EUR 13,545.67 owed · 1,200.00 overdue · 2 open  │  USD 9.00")
        # The months the sparklines span, then each with its last month's value.
        assert lines[1].startswith("Dec'25–Nov'26:")
        assert "[b]doit[/b] " in lines[1] and "acme " in lines[1]  # side by side
        assert all(len(line) <= 78 for line in lines)
        assert all(len(line) <= 30 for line in strip.lines(30))
        assert strip.size.height == 2
        # Never summed across currencies: each has its own figure.
        assert "13,554.67" not in lines[0]
        # A height budget: what does not fit is counted, not silently cut.
        narrow = [line.plain for line in strip.lines(30, 2)]
        assert len(narrow) == 2 and narrow[0].endswith("+1 more")


async def test_strip_with_no_invoices_says_nothing_is_owed() -> None:
    async with StripApp().run_test(size=(80, 24)) as pilot:
        strip = pilot.app.query_one(SummaryStrip)
        strip.update_data([], ["acme"], today=TODAY)
        await pilot.pause()
        assert [line.plain for line in strip.lines(78)] == ["Nothing owed."]
        assert strip.size.height == 1
