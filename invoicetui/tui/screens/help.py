"""The "?" screen: the keys of the focused pane first, then those that work everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from invoicetui.core.lateness import LATENESS_LEGEND, RULE_TEXT
from invoicetui.tui.keymap import bind, bound_keys, key_label
from invoicetui.tui.rows import SORT_TEXT

PANE_NAMES = {
    "Sidebar": "Accounts",
    "InvoiceTable": "Invoices",
    "DetailPane": "Detail",
    "FilterInput": "Filter",
    "DetailScreen": "Detail",
    "FigureGrid": "Figures",
    "BarChart": "Chart",
}


@dataclass
class KeyRow:
    """One binding as the help shows it."""

    keys: str
    description: str
    binding_id: str


@dataclass
class KeySection:
    title: str
    rows: list[KeyRow]


def pane_name(node: DOMNode) -> str | None:
    for cls in type(node).__mro__:
        if cls.__name__ in PANE_NAMES:
            return PANE_NAMES[cls.__name__]
    return None


def key_sections(screen: Screen[Any]) -> list[KeySection]:
    """The bindings active on `screen` for its focused widget, grouped pane / everywhere."""
    pane_rows: list[KeyRow] = []
    global_rows: list[KeyRow] = []
    pane = ""
    for binding_id, keys in bound_keys(screen).items():
        node, binding = keys[0][1].node, keys[0][1].binding
        is_global = node is screen or node is screen.app
        if not is_global and not pane:
            pane = pane_name(node) or ""
        labels = " ".join(dict.fromkeys(key_label(key) for key, _ in keys))
        row = KeyRow(labels, binding.description, binding_id)
        (global_rows if is_global else pane_rows).append(row)
    sections = []
    if pane_rows:
        sections.append(KeySection(f"{pane or 'This'} pane", pane_rows))
    sections.append(KeySection("Everywhere", global_rows))
    return sections


def _table(section: KeySection) -> Table:
    table = Table(
        title=Text(section.title, style="bold"),
        title_justify="left",
        box=None,
        expand=True,
        padding=(0, 2, 0, 0),
    )
    table.add_column(Text("Keys"), no_wrap=True, style="bold")
    table.add_column(Text("Does"))
    table.add_column(Text("Id in [keys]"), style="dim", no_wrap=True)
    for row in section.rows:
        table.add_row(Text(row.keys), Text(row.description), Text(row.binding_id))
    return table


def rules_text() -> Text:
    """How to read the table: the one overdue rule (core.lateness) and the sort orders."""
    text = Text("Reading the table\n", style="bold")
    for line in (LATENESS_LEGEND, RULE_TEXT, SORT_TEXT):
        text.append(f"{line}\n")
    text.rstrip()
    return text


class HelpScreen(ModalScreen[None]):
    """Keys for the pane that had focus; Esc, h or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    HelpScreen .help-section { margin-bottom: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "dismiss", "Close"),
        bind("help", "dismiss", "Close"),
        bind("quit", "app.quit", "Quit"),
        bind("cursor-down", "scroll('down')", "Scroll down"),
        bind("cursor-up", "scroll('up')", "Scroll up"),
    ]

    def __init__(self, sections: list[KeySection], notes: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.sections = sections
        self.notes = notes  # the rules a view follows (the anomaly rule...), said in words

    @classmethod
    def for_screen(cls, screen: Screen[Any]) -> HelpScreen:
        return cls(key_sections(screen), tuple(getattr(screen, "HELP_NOTES", ())))

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = Content("Keys")
            body.border_subtitle = Content("Esc closes · rebind them in [keys] of config.toml")
            for note in self.notes:
                yield Static(Text(note), classes="help-section")
            for section in self.sections:
                yield Static(_table(section), classes="help-section")
            yield Static(rules_text(), id="help-rules", classes="help-section")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        if direction == "down":
            body.scroll_down()
        else:
            body.scroll_up()
