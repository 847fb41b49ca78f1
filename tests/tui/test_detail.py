"""Pilot tests of the detail pane and the full-screen detail, with hand-built invoices."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static, TabbedContent, TextArea

from invoicetui.core.model import Credit, Invoice, LineItem, Payment, Status
from invoicetui.tui.screens.detail import DetailScreen
from invoicetui.tui.widgets.detail import DetailPane

HOSTILE = [
    "[bold]x[/]",
    "Plan [Pro]",
    "[/",
    "\x1b[31mred",
    "請求書 🧾 ✓",
    "[link=http://evil]y[/link]",
]


def make_invoice(**changes: Any) -> Invoice:
    base: dict[str, Any] = dict(
        account="hpc-centre",
        provider="waldur",
        id="3f1c9a7e2b8d4c6fa0e15b27d9c4e811",
        number="100412",
        status=Status.OPEN,
        status_raw="created",
        issued=date(2024, 6, 1),
        due=date(2024, 7, 1),
        period_start=date(2024, 5, 1),
        period_end=date(2024, 5, 31),
        currency="EUR",
        subtotal=Decimal("1290.50"),
        tax=Decimal("309.72"),
        credits=Decimal("0.00"),
        total=Decimal("1600.22"),
        amount_due=Decimal("1600.22"),
        line_items=(
            LineItem(description="Cloud VM cluster / cpu-k-hours", amount=Decimal("1290.50")),
        ),
        customer="Plasma Lab",
        raw={"uuid": "3f1c9a7e2b8d4c6fa0e15b27d9c4e811", "state": "created"},
    )
    base.update(changes)
    return Invoice(**base)


class PaneApp(App[None]):
    """Hosts one DetailPane and records the DetailsWanted it posts."""

    def __init__(self, invoice: Invoice | None, position: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.start = (invoice, position)
        self.wanted: list[Invoice] = []

    def compose(self) -> ComposeResult:
        yield DetailPane()

    def on_mount(self) -> None:
        self.query_one(DetailPane).show_invoice(*self.start)

    def on_detail_pane_details_wanted(self, message: DetailPane.DetailsWanted) -> None:
        self.wanted.append(message.invoice)


class ScreenApp(App[None]):
    """Pushes a DetailScreen over an empty base screen; records what it reports."""

    def __init__(self, invoices: Any, index: int = 0) -> None:
        super().__init__()
        self.invoices = invoices
        self.index = index
        self.dismissed: list[Invoice | None] = []
        self.stepped: list[int] = []
        self.bells = 0

    def on_mount(self) -> None:
        self.push_screen(DetailScreen(self.invoices, self.index), self.dismissed.append)

    def on_detail_screen_stepped(self, message: DetailScreen.Stepped) -> None:
        self.stepped.append(message.index)

    def bell(self) -> None:
        self.bells += 1


def screen_text(app: App[Any]) -> str:
    """Every cell the terminal would show, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def static_text(app: App[Any], selector: str) -> str:
    """What one widget shows on screen (ASCII-width text; enough for money and labels)."""
    region = app.query_one(selector, Static).region
    lines = [strip.text for strip in app.screen._compositor.render_strips()]
    return "\n".join(line[region.x : region.right] for line in lines[region.y : region.bottom])


async def test_header_shows_money_dates_period_and_position() -> None:
    app = PaneApp(make_invoice(), (3, 42))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Invoice 100412" in text
        assert "(3 of 42)" in text
        assert "OPEN (created)" in text
        assert "hpc-centre (Waldur)" in text
        assert "2024-05-01 – 2024-05-31" in text
        assert "2024-06-01" in text and "2024-07-01" in text
        for label, value in [
            ("Subtotal", "1,290.50 EUR"),
            ("Tax", "309.72 EUR"),
            ("Credits", "0.00 EUR"),
            ("Total", "1,600.22 EUR"),
            ("Amount due", "1,600.22 EUR"),
        ]:
            assert any(label in line and value in line for line in text.splitlines()), label
        assert "Plasma Lab" in text
        assert "Line items (1)" in text


async def test_hostile_provider_text_is_literal_and_free_of_controls() -> None:
    invoice = make_invoice(
        number=HOSTILE[0],
        customer=HOSTILE[1],
        status=Status.UNKNOWN,
        status_raw=HOSTILE[2],
        extra=tuple((f"k{i}", value) for i, value in enumerate(HOSTILE)),
        url="https://x/[/]",
        line_items=tuple(LineItem(description=value) for value in HOSTILE),
        credits_detail=tuple(Credit(name=value, kind=value, unit=value) for value in HOSTILE),
        payments=tuple(
            Payment(Status.UNKNOWN, value, datetime(2024, 6, i + 1, tzinfo=UTC), value)
            for i, value in enumerate(HOSTILE)
        ),
        raw={value: value for value in HOSTILE},
    )
    app = PaneApp(invoice)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Invoice [bold]x[/]" in text
        assert "Plan [Pro]" in text
        assert "UNKNOWN ([/)" in text
        assert "red" in text and "\x1b" not in text and "[31m" not in text
        assert "https://x/[/]" in text
        tabs = app.query_one("#detail-tabs", TabbedContent)
        tabs.active = "tab-info"
        await pilot.pause()
        info = screen_text(app)
        assert "Info (6)" in info
        for value in (
            "[bold]x[/]",
            "Plan [Pro]",
            "[/",
            "請求書 🧾 ✓",
            "[link=http://evil]y[/link]",
        ):
            assert value in info
        assert "\x1b" not in info and "[31m" not in info
        tabs.active = "tab-credits"
        await pilot.pause()
        credits = screen_text(app)
        assert "Plan [Pro]" in credits and "[bold]x[/]" in credits and "\x1b" not in credits
        tabs.active = "tab-payments"
        await pilot.pause()
        payments = screen_text(app)
        assert "[link=http://evil]y[/link]" in payments and "\x1b" not in payments
        tabs.active = "tab-raw"
        await pilot.pause()
        raw = app.query_one("#detail-raw", TextArea).text
        assert '"[bold]x[/]": "[bold]x[/]"' in raw
        assert '"Plan [Pro]"' in raw
        assert "\x1b" not in raw and "\x1b" not in screen_text(app)


async def test_missing_fields_show_dashes_not_zeroes() -> None:
    invoice = Invoice(account="a", provider="palette", id="uid-1")
    app = PaneApp(invoice)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "uid-1" in text and "UNKNOWN" in text
        money = static_text(app, "#detail-money")
        assert "0" not in money
        assert money.count("—") == 5
        assert "Period" not in static_text(app, "#detail-facts")
        assert "URL" not in static_text(app, "#detail-facts")
        assert "Line items (0)" in text
        app.query_one("#detail-tabs", TabbedContent).active = "tab-payments"
        await pilot.pause()
        assert "No payment events from Palette" in screen_text(app)


async def test_huge_amounts_stay_exact() -> None:
    huge = Decimal("123456789012345678901234567890.123456789")
    app = PaneApp(make_invoice(total=huge, amount_due=Decimal("-0.01"), currency="JPY"))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        money = static_text(app, "#detail-money")
        # Shown to the yen (JPY's minor unit), then exactly (every digit), as CONTRACT.md's
        # Money bullet allows.
        assert "123,456,789,012,345,678,901,234,567,890 JPY" in money
        assert "exactly" in money
        assert "123,456,789,012,345,678,901,234,567,890.123456789" in money.replace("\n", "")
        assert "-0.01 JPY" in money


async def test_thousands_of_line_items_go_to_the_virtual_table() -> None:
    items = tuple(
        LineItem(description=f"item {n}", amount=Decimal(n), currency="EUR") for n in range(30_000)
    )
    app = PaneApp(make_invoice(line_items=items))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "Line items (30,000)" in screen_text(app)
        pane = app.query_one(DetailPane)
        pane.focus_line_items()
        await pilot.pause()
        assert app.focused is pane.line_items_table


async def test_summary_asks_for_details_once_then_shows_them() -> None:
    summary = make_invoice(detailed=False, line_items=())
    app = PaneApp(summary)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "Loading details…" in screen_text(app)
        pane = app.query_one(DetailPane)
        pane.show_invoice(summary)  # highlighted again while loading: no second request
        await pilot.pause()
        assert app.wanted == [summary]
        pane.show_invoice(make_invoice())
        await pilot.pause()
        assert "Loading details…" not in screen_text(app)
        pane.show_invoice(summary)
        await pilot.pause()
        assert len(app.wanted) == 2
        pane.show_error("Waldur account 'x': server error (503) [retry]")
        await pilot.pause()
        text = screen_text(app)
        assert "Loading details…" not in text
        assert "server error (503) [retry]" in text


async def test_payments_are_a_timeline_oldest_first() -> None:
    payments = (
        Payment(Status.PAID, "Paid", datetime(2024, 6, 3, 9, 41, 7, tzinfo=UTC), "Payment ok"),
        Payment(Status.OPEN, "PaymentPending", datetime(2024, 6, 1, 9, 0, tzinfo=UTC), None),
        Payment(Status.FAILED, "PaymentFailed", datetime(2024, 6, 2, 9, 0, tzinfo=UTC), "Declined"),
    )
    app = PaneApp(make_invoice(provider="palette", payments=payments))
    async with app.run_test(size=(100, 30)) as pilot:
        app.query_one("#detail-tabs", TabbedContent).active = "tab-payments"
        await pilot.pause()
        text = static_text(app, "#detail-payments")
        first = text.index("2024-06-01 09:00:00 UTC")
        second = text.index("2024-06-02 09:00:00 UTC")
        third = text.index("2024-06-03 09:41:07 UTC")
        assert first < second < third
        assert "OPEN (PaymentPending)" in text and "FAILED (PaymentFailed)" in text
        assert text.index("Declined") < third and "Payment ok" in text[third:]
        assert "Payments (3)" in screen_text(app)


async def test_credits_tab_lists_credits_and_what_was_applied() -> None:
    credits = (
        Credit("Welcome credit", "Pure", Decimal("250"), "cpu core hours", date(2024, 4, 1)),
        Credit("SLA compensation", "compensation", Decimal("12.5")),
    )
    app = PaneApp(make_invoice(credits=Decimal("12.5"), credits_detail=credits))
    async with app.run_test(size=(100, 30)) as pilot:
        app.query_one("#detail-tabs", TabbedContent).active = "tab-credits"
        await pilot.pause()
        text = screen_text(app)
        assert "Welcome credit" in text and "250 cpu core hours" in text
        assert "SLA compensation" in text and "12.50 EUR" in text
        assert "Credits applied: 12.50 EUR" in text
        assert "Credits (2)" in text


async def test_raw_json_is_pretty_and_loaded_when_the_tab_opens() -> None:
    app = PaneApp(make_invoice(raw={"a": {"b": [1, 2]}, "note": "[b]hi[/b]"}))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        raw = app.query_one("#detail-raw", TextArea)
        assert raw.text == ""
        app.query_one("#detail-tabs", TabbedContent).active = "tab-raw"
        await pilot.pause()
        assert '{\n  "a": {\n    "b": [\n      1,' in raw.text
        assert "[b]hi[/b]" in screen_text(app)


async def test_no_invoice_says_so() -> None:
    app = PaneApp(None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "No invoice selected." in screen_text(app)


async def test_narrow_pane_stacks_money_above_facts() -> None:
    """Stacked, Total / Amount due come first: a short pane never loses them (issue 9)."""
    app = PaneApp(make_invoice())
    async with app.run_test(size=(50, 40)) as pilot:
        await pilot.pause()
        pane = app.query_one(DetailPane)
        assert pane.has_class("-narrow")
        facts = app.query_one("#detail-facts").region
        money = app.query_one("#detail-money").region
        assert facts.y >= money.bottom
        assert "1,600.22 EUR" in screen_text(app)


async def test_usable_at_80x24() -> None:
    app = PaneApp(make_invoice(), (1, 9))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.query_one(DetailPane)
        assert not pane.has_class("-narrow")
        text = screen_text(app)
        for needle in ("(1 of 9)", "Amount due", "1,600.22 EUR", "Line items (1)", "Raw"):
            assert needle in text
        assert app.query_one("#detail-items").region.height >= 5


# ---------------------------------------------------------------- the full-screen detail


def three() -> list[Invoice]:
    return [make_invoice(id=f"id-{n}", number=f"N-{n}") for n in range(3)]


async def test_screen_steps_with_n_and_shift_n() -> None:
    app = ScreenApp(three(), 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "N-1" in screen_text(app) and "(2 of 3)" in screen_text(app)
        await pilot.press("n")
        assert "(3 of 3)" in screen_text(app) and "Invoice N-2" in screen_text(app)
        await pilot.press("n")  # at the end: a bell, nothing else
        assert app.bells == 1 and "(3 of 3)" in screen_text(app)
        await pilot.press("N", "N")
        assert "(1 of 3)" in screen_text(app) and "Invoice N-0" in screen_text(app)
        assert app.stepped == [2, 1, 0]


async def test_screen_follows_a_changing_list_by_identity() -> None:
    listed = three()
    app = ScreenApp(lambda: listed, 2)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        listed.insert(0, make_invoice(id="new", number="NEW"))
        await pilot.press("N")
        assert "Invoice N-1" in screen_text(app) and "(3 of 4)" in screen_text(app)


async def test_enter_drills_in_escape_backs_out_and_never_quits() -> None:
    app = ScreenApp(three(), 0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        await pilot.press("enter")
        assert app.focused is screen.pane.line_items_table
        await pilot.press("escape")
        assert app.screen is screen and app.focused is not screen.pane.line_items_table
        await pilot.press("l", "h")
        assert app.screen is screen
        await pilot.press("n", "escape")
        assert app.screen is not screen
        assert [inv.id for inv in app.dismissed if inv] == ["id-1"]
        await pilot.press("escape", "h", "escape")
        assert app.is_running


async def test_screen_update_invoice_and_error() -> None:
    summary = make_invoice(id="id-0", detailed=False, line_items=())
    asked: list[Invoice] = []

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(DetailScreen([summary], details_wanted=asked.append))

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        assert asked == [summary]
        assert "Loading details…" in screen_text(app)
        screen.show_error(summary, "DoiT account 'd': network error")
        await pilot.pause()
        assert "network error" in screen_text(app)
        screen.update_invoice(make_invoice(id="id-0", number="FULL"))
        await pilot.pause()
        text = screen_text(app)
        assert "Invoice FULL" in text and "network error" not in text
        assert screen.invoice is not None and screen.invoice.detailed


async def test_empty_list_does_not_crash() -> None:
    app = ScreenApp([], 0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "N", "enter")
        assert "No invoice selected." in screen_text(app)
        assert app.bells == 2


def test_times_show_to_the_minute_and_midnight_as_a_day() -> None:
    from invoicetui.tui.widgets.detail_parts import when

    assert when(None) == "—"
    assert when(date(2024, 5, 1)) == "2024-05-01"
    assert when(datetime(2026, 11, 1, tzinfo=UTC)) == "2026-11-01"
    assert when(datetime(2026, 11, 1, 9, 5, tzinfo=UTC)) == "2026-11-01 09:05 UTC"
    assert when(datetime(2026, 11, 1, 9, 5, 7, tzinfo=UTC)) == "2026-11-01 09:05:07 UTC"
    assert when(datetime(2026, 11, 1, tzinfo=UTC), exact=True) == "2026-11-01 00:00:00 UTC"


async def test_many_provider_fields_go_to_info_and_leave_room_for_the_tabs() -> None:
    extra = tuple((f"Field number {n}", f"value {n}") for n in range(30))
    app = ScreenApp([make_invoice(extra=extra, customer="A long address, " * 6)], 0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        assert "Info (30)" in screen_text(app)
        assert "Field number 0" not in screen_text(app)
        assert screen.pane.line_items_table.region.height >= 4
        screen.pane.query_one("#detail-tabs", TabbedContent).active = "tab-info"
        await pilot.pause()
        text = screen_text(app)
        assert "Field number 0" in text and "value 0" in text


async def test_no_color_status_is_a_bold_word(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    payments = (Payment(Status.FAILED, "PaymentFailed", datetime(2024, 6, 2, tzinfo=UTC)),)
    app = PaneApp(make_invoice(status=Status.FAILED, status_raw="x", payments=payments))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        title = app.query_one("#detail-title", Static).visual
        assert isinstance(title, Content)
        word = title.plain.index("FAILED")
        styles = [span.style for span in title.spans if span.start <= word < span.end]
        assert styles == ["bold"]


async def test_palette_credits_are_hours_not_money_applied() -> None:
    credits = (Credit("Welcome credit", "Pure", Decimal("250"), "cpu core hours"),)
    app = PaneApp(make_invoice(provider="palette", credits=None, credits_detail=credits))
    async with app.run_test(size=(100, 30)) as pilot:
        app.query_one("#detail-tabs", TabbedContent).active = "tab-credits"
        await pilot.pause()
        text = screen_text(app)
        assert "250 cpu core hours" in text and "Credits applied" not in text


async def test_enter_on_a_line_item_shows_all_of_it_and_escape_returns() -> None:
    from invoicetui.tui.screens.line_item import LineItemScreen

    long = "A very long description of a line item " * 4 + "[bold]end[/]"
    items = (
        LineItem(description="first"),
        LineItem(long, "usage", "Plan [Pro]", Decimal("2581"), "CPU kH", Decimal("0.5"),
                 Decimal("1290.50"), None, date(2024, 5, 1), date(2024, 5, 31),
                 details="SKU [x] \x1b[2Jcleared"),
    )  # fmt: skip
    app = ScreenApp([make_invoice(line_items=items)], 0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "j", "enter")
        assert isinstance(app.screen, LineItemScreen)
        text = screen_text(app)
        assert "Line item 2 of 2" in text
        assert "[bold]end[/]" in text and "Plan [Pro]" in text
        assert "SKU [x] cleared" in text and "\x1b" not in text
        assert "2,581 CPU kH" in text and "1,290.50 EUR" in text and "0.50 EUR" in text
        await pilot.press("escape")
        assert isinstance(app.screen, DetailScreen)
        assert app.focused is app.screen.pane.line_items_table


def test_raw_json_is_cut_at_a_line_and_says_so() -> None:
    from invoicetui.tui.widgets.detail_parts import raw_text

    raw = {"items": [{"n": n, "name": f"item {n}"} for n in range(10_000)]}
    text = raw_text(raw, limit=5_000)
    assert len(text) < 5_100
    body, note = text.rsplit("\n", 1)
    assert note.startswith("… (cut here")
    assert body.splitlines()[-1].strip().startswith(('"n"', '"name"', "{", "}"))
    assert raw_text({"a": "[b]\x1b[31m"}) == '{\n  "a": "[b]\\u001b[31m"\n}'
    assert raw_text({"a": "\x9b31mX"}, limit=100) == '{\n  "a": "X"\n}'
    assert raw_text(None).startswith("(the provider response was not kept")


async def test_detail_keys_are_rebindable_by_id() -> None:
    ids = {binding.id for binding in DetailScreen.BINDINGS if isinstance(binding, Binding)}
    assert {"next-invoice", "previous-invoice", "back", "select"} <= ids
    app = ScreenApp(three(), 0)
    async with app.run_test(size=(80, 24)) as pilot:
        app.set_keymap({"next-invoice": "x"})
        await pilot.pause()
        await pilot.press("x")
        assert "(2 of 3)" in screen_text(app)
        await pilot.press("n")  # the default key no longer steps
        assert "(2 of 3)" in screen_text(app)
