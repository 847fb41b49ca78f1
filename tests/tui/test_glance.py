"""Issue 9, "the glance is right": one overdue rule in every pane, honest totals, every size.

Pilot tests on the fake service (fixed clock NOW = 2026-11-15) and pure layout tests at the
four terminal widths the issue names (60, 80, 120, 160 columns).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from tui_fakes import (
    ACME,
    DOIT,
    HPC,
    NOW,
    VECTOR,
    FakeService,
    invoice,
    main_screen,
    make_app,
    screen_text,
    settle,
    snapshot,
)

from invoicetui.config.options import FetchMode
from invoicetui.core.errors import NetworkError
from invoicetui.core.lateness import RULE_TEXT
from invoicetui.core.model import Invoice, LineItem, Status
from invoicetui.service import export
from invoicetui.tui.rows import SORT_TEXT, invoice_columns, line_item_columns
from invoicetui.tui.screens.help import HelpScreen
from invoicetui.tui.widgets.columns import fit_cell, layout_columns
from invoicetui.tui.widgets.summary import Coverage, SummaryStrip

TODAY = NOW.date()
ESSENTIAL = {"number", "late", "status", "amount_due"}


def late_open(account: str = ACME.name, provider: str = "palette") -> Invoice:
    """An OPEN invoice whose due date passed 62 days ago: late by the rule."""
    inv = invoice(account, provider, 1, total="154.00")
    return replace(inv, due=TODAY - timedelta(days=62), number="LATE-1")


def soon_open(account: str = ACME.name, provider: str = "palette") -> Invoice:
    inv = invoice(account, provider, 2, total="10.00")
    return replace(inv, due=TODAY + timedelta(days=5), number="SOON-2")


def zilliz_grace() -> Invoice:
    inv = invoice(VECTOR.name, "zilliz", 3, total="30.00")
    return replace(inv, due=TODAY - timedelta(days=3), number="GRACE-3")


def one_rule_service() -> FakeService:
    fake = FakeService()
    fake.results[ACME.name] = snapshot(ACME, [late_open(), soon_open()])
    fake.results[VECTOR.name] = snapshot(VECTOR, [zilliz_grace()])
    return fake


def row_text(app: Any, number: str) -> str:
    table = main_screen(app).table
    for y in range(1, table.visible_count + 1):
        line = table.render_line(y).text
        if number in line:
            return line
    raise AssertionError(f"{number} not on screen")


# ------------------------------------------------------------------ one overdue rule


async def test_table_detail_filter_and_summary_share_one_overdue_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one_rule_service().install(monkeypatch)
    app = make_app(tmp_path, accounts=[ACME, VECTOR])
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        main = main_screen(app)
        # Table: the provider's word stays; lateness beside it.
        assert "OPEN" in row_text(app, "LATE-1") and "62d late" in row_text(app, "LATE-1")
        assert "in 5d" in row_text(app, "SOON-2")
        assert "grace 3d" in row_text(app, "GRACE-3")  # Zilliz: its status wins
        # Summary: only the late one is overdue (not Zilliz's grace period).
        (usd,) = main.query_one(SummaryStrip).owed
        assert usd.overdue == Decimal("154.00")
        # Filter: "/overdue" finds the late OPEN invoice, not the one in grace.
        main.table.set_filter("overdue")
        assert [r.number for r in main.table.rows_visible] == ["LATE-1"]
        main.table.set_filter("")
        # Detail: the same words.
        main.table.select_row(lambda r: r.number == "LATE-1")
        await settle(pilot)
        assert "62d late" in screen_text(app)


async def test_status_sorts_by_urgency_and_money_within_currency(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeService()
    rows = [
        replace(invoice(ACME.name, "palette", 1, status=Status.PAID, total="5"), number="P"),
        replace(
            invoice(ACME.name, "palette", 2, total="85769.79", currency="NOK"),
            number="N",
            due=TODAY + timedelta(days=9),
        ),
        replace(
            invoice(ACME.name, "palette", 3, total="72106.76", currency="EUR"),
            number="E",
            due=TODAY + timedelta(days=9),
        ),
        replace(late_open(), number="L"),
        replace(invoice(ACME.name, "palette", 4, status=Status.FAILED, total="1"), number="F"),
    ]
    fake.results[ACME.name] = snapshot(ACME, rows)
    fake.install(monkeypatch)
    app = make_app(tmp_path, accounts=[ACME])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = main_screen(app).table
        table.sort("status")
        order = [r.number for r in table.rows_visible]
        assert order[0] == "F" and order[1] == "L" and order[-1] == "P"
        table.sort("amount_due")
        currencies = [r.currency for r in table.rows_visible if r.amount_due]
        assert currencies == sorted(currencies)  # EUR before NOK whatever the face value
    assert "currency first, then amount" in SORT_TEXT


async def test_help_states_the_rule_and_zillizs_grace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one_rule_service().install(monkeypatch)
    app = make_app(tmp_path, accounts=[ACME])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rules = str(app.screen.query_one("#help-rules").render())
        assert "14-day grace" in rules and "Zilliz" in rules
        assert "currency first" in rules
    assert "grace" in RULE_TEXT


# ------------------------------------------------------------------ honest totals


async def test_nothing_known_is_not_nothing_owed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeService().install(monkeypatch)  # no cache at all, offline: every account fails
    app = make_app(tmp_path, accounts=[ACME, HPC, DOIT], mode=FetchMode.OFFLINE)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Nothing owed" not in text
        assert "No data for 3 accounts" in text


async def test_partial_and_stale_totals_say_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeService()
    fake.results[ACME.name] = snapshot(ACME, [late_open()], fetched_at=NOW - timedelta(hours=2))
    fake.results[HPC.name] = NetworkError("connection refused")
    fake.install(monkeypatch)
    app = make_app(tmp_path, accounts=[ACME, HPC])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "1 of 2 accounts, as of 10:00" in screen_text(app)


def test_coverage_words() -> None:
    assert Coverage(9, 9).note() == ""
    assert Coverage(3, 9, as_of="14:02").note() == "3 of 9 accounts, as of 14:02"
    assert Coverage(9, 9, stale=True, as_of="14:02").note() == "stale, as of 14:02"


# ------------------------------------------------------------------ every size


@pytest.mark.parametrize(
    ("terminal", "table_width", "expected"),
    [
        (60, 57, {"account"}),  # tiny: the sidebar hides, the table takes the width
        (80, 57, {"account"}),  # sidebar 20 (fits 'acme…lette ok 18')
        (120, 91, {"account", "total", "period"}),
        (160, 69, {"account"}),  # beside the detail pane
    ],
)
def test_columns_give_way_in_order(terminal: int, table_width: int, expected: set[str]) -> None:
    placed = [c.key for c, _, _ in layout_columns(invoice_columns(lambda: TODAY), table_width)]
    assert ESSENTIAL | expected <= set(placed), terminal
    assert "provider" not in placed
    _, x, w = layout_columns(invoice_columns(lambda: TODAY), table_width)[-1]
    assert x + w <= table_width


def test_drop_order_is_issued_due_period_total_then_account() -> None:
    widths = range(200, 40, -1)
    gone: list[str] = []
    for width in widths:
        shown = {c.key for c, _, _ in layout_columns(invoice_columns(lambda: TODAY), width)}
        gone += [k for k in ("issued", "due", "period", "total", "account") if k not in shown
                 and k not in gone]  # fmt: skip
    assert gone == ["issued", "due", "period", "total", "account"]


@pytest.mark.parametrize("size", [(60, 15), (80, 24), (120, 36), (160, 45)])
async def test_every_size_keeps_status_lateness_amount_and_currency(
    size: tuple[int, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one_rule_service().install(monkeypatch)
    app = make_app(tmp_path, accounts=[ACME, VECTOR])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        line = row_text(app, "LATE-1")
        assert "OPEN" in line and "62d late" in line and "154.00 USD" in line
        assert "26-11" not in screen_text(app)  # no yy-mm-dd dates anywhere


@pytest.mark.parametrize("size", [(60, 15), (80, 24), (120, 36), (160, 45)])
async def test_every_column_is_separated_at_every_size(
    size: tuple[int, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The widest status word next to the widest amounts: never run together. A numeric
    column is filled to its left edge by its widest value, so two blanks stand between it
    and a column of words; after another amount, that amount's currency code ends the cell."""
    fake = FakeService()
    wide = replace(
        invoice(ACME.name, "palette", 1, status=Status.PROCESSING, total="151484.98",
                currency="EUR"),
        number="LONG-1", due=TODAY + timedelta(days=3), amount_due=Decimal("151484.98"),
    )  # fmt: skip
    fake.results[ACME.name] = snapshot(ACME, [wide, late_open()])
    fake.install(monkeypatch)
    app = make_app(tmp_path, accounts=[ACME])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = main_screen(app).table
        placed = table._layout
        for row in table.rows_visible:
            for (left, x, width), (right, x2, width2) in pairwise(placed):
                shown = min(left.render(row).cell_len, width)
                end = x + (shown if left.align == "left" else width)
                start = x2 if right.align == "left" else x2 + width2 - right.render(row).cell_len
                wanted = 2 if (left.align, right.align) == ("left", "right") else 1
                assert start - end >= wanted, (size, left.key, right.key, row.number)
        line = row_text(app, "LONG-1")
        assert "PROCESSING  " in line and "151,484.98 EUR" in line
        assert "PROCESSING 1" not in line and "EUR151" not in line


async def test_sixty_columns_hide_the_sidebar_until_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one_rule_service().install(monkeypatch)
    app = make_app(tmp_path, accounts=[ACME, VECTOR])
    async with app.run_test(size=(60, 15)) as pilot:
        await settle(pilot)
        main = main_screen(app)
        assert not main.sidebar.display
        await pilot.press("escape")
        await settle(pilot)
        assert main.sidebar.display and app.focused is main.sidebar
        await pilot.press("enter")
        await settle(pilot)
        assert not main.sidebar.display


async def test_detail_keeps_its_money_at_60x15(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one_rule_service().install(monkeypatch)
    app = make_app(tmp_path, accounts=[ACME])
    async with app.run_test(size=(60, 15)) as pilot:
        await settle(pilot)
        main_screen(app).table.select_row(lambda r: r.number == "LATE-1")
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Amount due" in text and "154.00 USD" in text


async def test_sidebar_sizes_to_names_and_never_makes_two_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    staging = replace(VECTOR, name="vector-db-staging")
    one_rule_service().install(monkeypatch)
    app = make_app(tmp_path, accounts=[ACME, VECTOR, staging])
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert "vector-db-staging" in screen_text(app)  # wide: the whole name
    async with make_app(tmp_path, accounts=[ACME, VECTOR, staging]).run_test(
        size=(80, 24)
    ) as pilot:
        await settle(pilot)
        text = screen_text(pilot.app)
        assert "vector-db…" not in text  # cut in the middle, not to look like vector-db


def test_middle_cut_keeps_both_ends() -> None:
    assert fit_cell(Text("vector-db-staging"), 10, "middle").plain == "vecto…ging"
    assert fit_cell(Text("invoice-2026-10"), 9, "start").plain == "…-2026-10"


def test_summary_strip_takes_at_most_three_rows_with_month_labels() -> None:
    strip = SummaryStrip()
    invoices = [
        replace(invoice(f"acct-{n}", "doit", n, currency=c), issued=date(2026, 10, 1))
        for n, c in enumerate(["USD", "EUR", "GBP", "NOK", "SEK", "CHF"] * 3)
    ]
    strip.update_data(invoices, today=TODAY)
    strip.set_coverage(Coverage(18, 18))
    lines = strip.lines(118, 3)
    assert len(lines) <= 3
    text = "\n".join(line.plain for line in lines)
    assert "Dec'25–Nov'26" in text or "Nov'25–Oct'26" in text


def test_line_item_headers_do_not_collide_and_show_end() -> None:
    cols = line_item_columns("EUR")
    placed = layout_columns(cols, 70)
    keys = [c.key for c, _, _ in placed]
    assert "end" in keys
    labels = " ".join(c.label for c, _, _ in placed)
    assert "Tax Start" not in labels


def test_csv_money_always_has_two_decimals_and_keeps_exact_digits() -> None:
    inv = replace(
        invoice(ACME.name, "palette", 1),
        total=Decimal("51.1"),
        amount_due=Decimal("12.0120000000"),
        tax=Decimal("0.000123"),
        line_items=(LineItem("x", quantity=Decimal("1.5"), amount=Decimal("7")),),
    )
    (row,) = csv.DictReader(io.StringIO(export.render_csv([inv])))
    assert (row["total"], row["amount_due"], row["tax"]) == ("51.10", "12.012", "0.000123")
    (item,) = csv.DictReader(io.StringIO(export.render_csv([inv], items=True)))
    assert (item["amount"], item["quantity"]) == ("7.00", "1.5")


async def test_sixteen_colours_use_the_ansi_theme_and_open_is_not_red(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.color import ColorSystem

    from invoicetui.tui.rows import STATUS_STYLES

    one_rule_service().install(monkeypatch)
    app = make_app(tmp_path, accounts=[ACME])
    from invoicetui.tui import app as app_module

    assert app_module.sixteen_colours("standard", headless=False)
    assert not app_module.sixteen_colours("truecolor", headless=False)
    assert not app_module.sixteen_colours("standard", headless=True)  # snapshots stay put
    monkeypatch.setattr(app.console, "_color_system", ColorSystem.STANDARD)  # TERM=xterm
    monkeypatch.setattr(app_module, "sixteen_colours", lambda system, headless: True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.theme == "ansi-dark"
        table = main_screen(app).table
        assert table.has_focus
        border = table.styles.border_top
        assert "red" not in str(border[1]).lower() and border[1].ansi is not None
    assert "red" not in STATUS_STYLES[Status.OPEN]
    assert "red" in STATUS_STYLES[Status.OVERDUE]


def test_info_tab_formats_money_and_quantities() -> None:
    from invoicetui.tui.widgets.detail_parts import info_value

    assert info_value("Usage", "12345.6", "USD") == "12,345.60 USD"
    assert info_value("Credits tier price", "0.000123", "USD") == "0.000123 USD"
    assert info_value("Pure free credits allocated", "250000", "USD") == "250,000"
    assert info_value("Organization", "org-123", "USD") == "org-123"
    assert info_value("items", "1500", "EUR") == "1,500"


def test_sparklines_name_their_months_and_end_with_the_last_value() -> None:
    """The span once ("Dec'25–Nov'26:"), the last bar's month and value after each spark,
    and, where a row is free, one letter per month under its bar."""
    strip = SummaryStrip()
    invoices = [
        replace(invoice("acct-a", "doit", n, total=str(100 * n)), issued=date(2026, m, 1))
        for n, m in enumerate(range(1, 11), 1)
    ]
    strip.update_data(invoices, today=TODAY)
    strip.set_coverage(Coverage(1, 1))
    three = [line.plain for line in strip.lines(118, 3)]
    assert len(three) <= 3
    spark = next(line for line in three if "acct-a" in line)
    assert spark.startswith("Nov'25–Oct'26:")  # the twelve months up to the last with data
    assert spark.rstrip().endswith("·█▇▆▅▄▄▃▂▁█ Oct 1,000")  # October's 1,000 is the last bar
    # Room for it: the month letters sit under the bars, November under the first.
    four = [line.plain for line in strip.lines(118, 4)]
    spark_at = next(n for n, line in enumerate(four) if "acct-a" in line)
    ticks = four[spark_at + 1]
    start = four[spark_at].index("acct-a") + len("acct-a ")
    assert ticks[start : start + 12] == "NDJFMAMJJASO"


@pytest.mark.parametrize(("size", "rows"), [((80, 24), 2), ((120, 36), 3), ((160, 45), 4)])
async def test_the_summary_strip_keeps_to_its_rows(
    size: tuple[int, int], rows: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At most 3 rows at 36 rows (2 at 24, 4 from 44); a free row gets the month letters."""
    one_rule_service().install(monkeypatch)
    app = make_app(tmp_path, accounts=[ACME, VECTOR])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        strip = main_screen(app).query_one(SummaryStrip)
        assert strip.size.height <= rows
        assert strip.max_lines == rows
        # "Oct 154": the last bar's month and value; at 80 columns the month would push the
        # second sparkline off the row, so there only the value stays (the span names the month).
        month = r" [A-Z][a-z]{2}" if rows >= 3 else ""
        assert re.search(rf"[▁-█·]{{12}}{month} [\d,]+", screen_text(app))
        ticks = re.search(r"^ +[JFMASOND]{12}( +[JFMASOND]{12})* *$", screen_text(app), re.M)
        assert bool(ticks) is (rows >= 3)  # one currency owed: a row is free from 36 rows
