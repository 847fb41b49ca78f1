"""The "e" prompt: where the CSV goes, shown in full and editable before anything is written."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from invoicetui.tui.keymap import bind


class ExportScreen(ModalScreen[Path | None]):
    """Enter exports to the path in the box (default: the downloads folder); Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [bind("back", "cancel", "Cancel", keys="escape")]

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical {
        width: 90%; max-width: 110; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ExportScreen #export-path { border: none; height: 1; padding: 0; background: $boost; }
    ExportScreen .export-hint { color: $text-muted; }
    """

    def __init__(self, rows: int, default: Path) -> None:
        super().__init__()
        self.rows = rows
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content(f"Export {self.rows:,} rows as CSV")
            yield Static("Save to:", markup=False)
            yield Input(str(self.default), id="export-path", select_on_focus=False)
            yield Static("Enter saves · Esc cancels", classes="export-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @on(Input.Submitted, "#export-path")
    def _save(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        self.dismiss(Path(text).expanduser().absolute() if text else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
