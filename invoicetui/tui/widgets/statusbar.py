"""The status line: what the last action did (copied, opened, exported) and data freshness."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Literal

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from invoicetui.core.sanitize import clean_text

Tone = Literal["info", "success", "error"]


def ago_text(then: datetime, now: datetime, tz: tzinfo | None = None) -> str:
    """ "as of 14:02, 3 h ago": the clock time in `tz` (None: the machine's local zone)."""
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        ago = "just now"
    elif seconds < 3600:
        ago = f"{seconds // 60} min ago"
    elif seconds < 86400:
        ago = f"{seconds // 3600} h ago"
    else:
        ago = f"{seconds // 86400} d ago"
    return f"as of {then.astimezone(tz):%H:%M}, {ago}"


class StatusBar(Horizontal):
    """The last message on the left, freshness of the shown data on the right.

    One line, growing to three while a message needs them: an exported file's path or an
    invoice URL must be readable whole at 80 columns (over SSH it is all the user gets).
    """

    DEFAULT_CSS = """
    StatusBar {
        height: auto;
        max-height: 3;
        background: $panel;
    }
    StatusBar #status-message { width: 1fr; height: auto; max-height: 3; padding: 0 1; }
    StatusBar #status-fresh { width: auto; height: 1; padding: 0 1; color: $text-muted; }
    StatusBar .-error { color: $text-error; text-style: bold; }
    StatusBar .-success { color: $text-success; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.message = ""
        self.freshness = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="status-message", markup=False)
        yield Static("", id="status-fresh", markup=False)

    def say(self, text: str, tone: Tone = "info") -> None:
        """Show a message; `text` may carry provider text, so it is never parsed as markup."""
        text = clean_text(text, one_line=True)
        self.message = text
        label = self.query_one("#status-message", Static)
        label.update(Content(text))
        label.set_class(tone == "error", "-error")
        label.set_class(tone == "success", "-success")

    def set_freshness(self, text: str) -> None:
        if text == self.freshness:
            return  # unchanged: no relayout (each streamed page of an account asks again)
        self.freshness = text
        self.query_one("#status-fresh", Static).update(Content(text))
