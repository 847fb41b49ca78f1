"""The status line grows (up to 3 lines) so a long path or URL is read whole at 80 columns."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

from invoicetui.tui.widgets.statusbar import StatusBar

PATH = "/home/someone/Downloads/invoices-20261121-050238.csv"
URL = "https://console.doit.com/customers/DemoCust0001/invoices/google-cloud/GB-2026-1119144"


class BarApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("body", id="body")
        yield StatusBar(id="status")


def shown(app: BarApp) -> str:
    """The message's lines as on screen, joined (wrapping may split a word across lines)."""
    region = app.query_one("#status-message").region
    strips = app.screen._compositor.render_strips()
    lines = [strips[y].text[region.x : region.right] for y in range(region.y, region.bottom)]
    return "".join(line.strip() for line in lines)


async def test_a_short_message_keeps_one_line() -> None:
    app = BarApp()
    async with app.run_test(size=(80, 24)) as pilot:
        bar = app.query_one(StatusBar)
        bar.set_freshness("as of 05:01, just now")
        bar.say("Sorted by Account, ascending")
        await pilot.pause()
        assert bar.region.height == 1


async def test_a_long_path_or_url_is_shown_whole_at_80_columns() -> None:
    app = BarApp()
    async with app.run_test(size=(80, 24)) as pilot:
        bar = app.query_one(StatusBar)
        bar.set_freshness("as of 05:01, just now")
        for text in (f"Exported 1,234 rows to {PATH}", f"Opened {URL}"):
            bar.say(text, "success")
            await pilot.pause()
            assert 1 < bar.region.height <= 3
            assert text.replace(" ", "") in shown(app).replace(" ", "")
        bar.say("Filter cleared")
        await pilot.pause()
        assert bar.region.height == 1
