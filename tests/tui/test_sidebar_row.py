"""The sidebar's entries as a Textual Visual: cut, aligned and painted as the rich rows were."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.content import Content
from textual.visual import visualize

from invoicetui.tui.widgets.columns import fit_cell, fit_content
from invoicetui.tui.widgets.sidebar import (
    ALL,
    AccountState,
    Sidebar,
    scope_for_account,
    style_for,
)
from invoicetui.tui.widgets.sidebar_row import Row, styled

NOW = datetime(2026, 11, 21, 5, 0, tzinfo=UTC)
HOSTILE = "[bold]x[/]\x1b[31m"


class SidebarApp(App[None]):
    CSS = "Sidebar { width: 26; border: round white; padding: 0; }"

    def compose(self) -> ComposeResult:
        yield Sidebar(id="sidebar")


def plain_lines(row: Row, width: int) -> list[str]:
    return [line.plain for line in row.lines(width)]


def test_names_sharing_a_prefix_are_cut_in_the_middle_and_stay_distinct() -> None:
    ok = styled("ok 3", "green")
    prod = Row(Content("  analytics-warehouse-production"), ok)
    staging = Row(Content("  analytics-warehouse-staging"), ok)
    assert plain_lines(prod, 20) == ["  analy…duction ok 3"]
    assert plain_lines(staging, 20) == ["  analy…staging ok 3"]


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (14, "  …db stale 3h"),  # room for 5 of the name's cells
        (20, "  vector-db stale 3h"),
        (23, "  vector-db    stale 3h"),
        (30, "  vector-db           stale 3h"),
    ],
)
def test_the_state_word_is_right_aligned_at_the_width(width: int, expected: str) -> None:
    [line] = Row(Content("  vector-db"), styled("stale 3h", "yellow")).lines(width)
    assert line.plain == expected and line.cell_length == width


def test_the_reason_line_is_cut_with_an_ellipsis() -> None:
    reason = styled("    " + "the token was refused by the server " * 3, "red")
    row = Row(Content("  doit-reseller"), styled("failed", "bold red"), reason)
    first, second = row.lines(24)
    assert first.plain.endswith(" failed") and first.cell_length == 24
    assert second.cell_length == 24 and second.plain.endswith("…")
    assert second.plain.startswith("    the token was")


def test_styles_are_the_rich_rows_ones_with_and_without_colour() -> None:
    [heading] = Row(Content("All accounts"), styled("12", "dim"), style="bold").lines(20)
    segments = heading.render_segments()
    assert [s.text for s in segments] == ["All accounts      ", "12"]
    assert all(s.style and s.style.bold for s in segments)  # bold under the state word too
    assert segments[-1].style and segments[-1].style.dim
    [line] = Row(Content("  acme"), styled("ok 1", style_for("ok"))).lines(12)
    colour = line.render_segments()[-1].style
    assert colour and colour.color and colour.color.number == 2  # ANSI green: the theme maps it
    failed = styled("failed", style_for("failed", no_color=True))
    mono = Row(Content("  acme"), failed).lines(14)[0].render_segments()[-1].style
    assert mono and mono.bold and mono.reverse and mono.color is None


def test_height_is_known_without_rendering() -> None:
    one = Row(Content("  a"), styled("ok 1", "green"))
    two = Row(Content("  a"), styled("failed", "bold red"), styled("    auth failed", "red"))
    rules: dict[str, object] = {}
    assert one.get_height(rules, 20) == 1  # type: ignore[arg-type]
    assert two.get_height(rules, 20) == 2  # type: ignore[arg-type]
    assert one._lines is None and two._lines is None  # nothing was rendered to learn it


def test_content_cuts_keep_the_same_characters_as_fit_cell() -> None:
    for name in ["vector-db-staging", "日本語のアカウント名前", "emoji🎉🎉-name", "ab"]:
        for width in range(0, 20):
            for cut in ("end", "start", "middle"):
                expected = fit_cell(Text(name), width, cut).plain
                assert fit_content(Content(name), width, cut).plain == expected, (name, width)


async def test_a_hostile_name_shows_literally_in_the_painted_sidebar() -> None:
    app = SidebarApp()
    async with app.run_test(size=(120, 36)) as pilot:
        sidebar = app.query_one(Sidebar)
        sidebar.set_accounts(
            [
                AccountState(HOSTILE, "palette", "ok", count=2),
                AccountState("doit-reseller", "doit", "failed", short_error="auth failed"),
            ],
            NOW,
        )
        await pilot.pause()
        assert sidebar.shown(scope_for_account(HOSTILE)) == ("  [bold]x[/]", "ok 2", "")
        prompt = sidebar.get_option(scope_for_account(HOSTILE)).prompt
        assert visualize(sidebar, prompt) is prompt  # a Visual: no RichVisual wrapper
        painted = [sidebar.render_line(y).text for y in range(sidebar.size.height)]
        entry = next(line for line in painted if line.startswith("  [bold]x[/]"))
        assert entry.rstrip().endswith(" ok 2")
        assert "    auth failed" in [line.rstrip() for line in painted]  # the reason's own line
        assert painted[0].startswith("All accounts")


async def test_painted_entries_come_from_the_option_render_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = SidebarApp()
    async with app.run_test(size=(120, 36)) as pilot:
        sidebar = app.query_one(Sidebar)
        sidebar.set_accounts([AccountState("acme", "palette", "ok", count=1)], NOW)
        await pilot.pause()
        renders = 0
        original = Row.render_strips

        def counted(self: Row, *args: object, **kwargs: object) -> object:
            nonlocal renders
            renders += 1
            return original(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Row, "render_strips", counted)
        for _ in range(3):
            for y in range(sidebar.size.height):
                sidebar.render_line(y)
        assert renders == 0  # painted once already: the cache answers
        sidebar.total = 5
        await pilot.pause()
        assert sidebar.shown(ALL)[1] == "5" and renders == 1  # only the changed entry
