"""The "?" screen: the keys that work where the focus is, grouped by purpose, in aligned columns."""

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
from invoicetui.tui.commands import COMMANDS, GROUPS
from invoicetui.tui.keymap import bind, bound_keys, key_label
from invoicetui.tui.rows import SORT_TEXT

PANE_NAMES = {
    "Sidebar": "Accounts",
    "InvoiceTable": "Invoices",
    "DetailPane": "Detail",
    "FilterInput": "Filter",
    "DetailScreen": "Detail",
    "LineItemScreen": "Line item",
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


def focused_pane(screen: Screen[Any]) -> str | None:
    """The name of the pane the keyboard is in ("Invoices", "Accounts"...), if any."""
    node: DOMNode | None = screen.focused
    while node is not None and node is not screen:
        name = pane_name(node)
        if name:
            return name
        node = node.parent
    return pane_name(screen)


def key_sections(screen: Screen[Any]) -> list[KeySection]:
    """The keys that work on `screen` where its focus is now, grouped by purpose.

    From Screen.active_bindings: the focused pane's own meaning of a key wins, keys its
    screen disables there (check_action) are left out, and the user's keymap is applied.
    """
    order = list(COMMANDS)
    by_group: dict[str, list[KeyRow]] = {}
    for binding_id, keys in sorted(bound_keys(screen).items(), key=lambda i: order.index(i[0])):
        binding = keys[0][1].binding
        labels = " ".join(dict.fromkeys(key_label(key) for key, _ in keys))
        row = KeyRow(labels, binding.description, binding_id)
        by_group.setdefault(COMMANDS[binding_id].group, []).append(row)
    return [KeySection(group, by_group[group]) for group in GROUPS if group in by_group]


TWO_COLUMNS_AT = 110  # terminal columns from which the groups sit in two columns (120x36 fits)
COLUMN_GAP = 3


def split_sections(sections: list[KeySection], parts: int) -> list[list[KeySection]]:
    """Groups in `parts` runs, in order, the tallest run as short as possible."""
    heights = [1 + len(s.rows) for s in sections]  # a title line, then the rows
    if parts <= 1 or len(sections) < 2:
        return [sections]
    best: list[list[KeySection]] = [sections]
    best_height = sum(heights)
    for cut in range(1, len(sections)):  # two parts: the one cut that balances them
        height = max(sum(heights[:cut]), sum(heights[cut:]))
        if height < best_height:
            best, best_height = [sections[:cut], sections[cut:]], height
    return best


def _table(sections: list[KeySection], columns: int = 1) -> Table:
    """Every group's keys in one grid of `columns` runs; within a run the key, text and id
    columns line up from the first group to the last (they share one table)."""
    runs = split_sections(sections, columns)
    outer = Table.grid(padding=(0, COLUMN_GAP, 0, 0), expand=True)
    for _ in runs:
        outer.add_column(ratio=1)
    outer.add_row(*(_run_table(run) for run in runs))
    return outer if len(runs) > 1 else _run_table(sections)


def _run_table(sections: list[KeySection]) -> Table:
    table = Table(box=None, expand=True, padding=(0, 2, 0, 0), show_header=True)
    table.add_column(Text("Keys"), no_wrap=True, style="bold")
    table.add_column(Text("Does"), ratio=1)
    table.add_column(Text("Id in [keys]"), style="dim", no_wrap=True)
    for section in sections:
        table.add_row(Text(section.title, style="bold underline"), Text(""), Text(""))
        for number, row in enumerate(section.rows, 1):
            last = number == len(section.rows) and section is not sections[-1]
            table.add_row(
                Text(row.keys), Text(row.description), Text(row.binding_id), end_section=last
            )
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
        width: 96%; max-width: 150; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    HelpScreen > VerticalScroll.-one-column { max-width: 100; }
    HelpScreen .help-section { margin-bottom: 1; }
    HelpScreen #help-rules { margin-bottom: 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "dismiss", "Close"),
        bind("help", "dismiss", "Close"),
        bind("quit", "app.quit", "Quit"),
        bind("cursor-down", "scroll('down')", "Scroll down"),
        bind("cursor-up", "scroll('up')", "Scroll up"),
    ]

    def __init__(
        self, sections: list[KeySection], pane: str | None = None, notes: tuple[str, ...] = ()
    ) -> None:
        super().__init__()
        self.sections = sections
        self.pane = pane  # where the keyboard was: the keys are those that work there
        self.notes = notes  # the rules a view follows (the anomaly rule...), said in words

    @classmethod
    def for_screen(cls, screen: Screen[Any]) -> HelpScreen:
        notes = tuple(getattr(screen, "HELP_NOTES", ()))
        return cls(key_sections(screen), focused_pane(screen), notes)

    @property
    def columns(self) -> int:
        """Two runs of groups side by side where they fit, so 120x36 needs no scrolling."""
        return 2 if self.app.size.width >= TWO_COLUMNS_AT else 1

    def compose(self) -> ComposeResult:
        columns = self.columns
        with VerticalScroll(id="help-body", classes="-one-column" if columns == 1 else "") as body:
            where = f" · {self.pane} pane" if self.pane else ""
            body.border_title = Content(f"Keys{where}")
            body.border_subtitle = Content("Esc closes · rebind them in [keys] of config.toml")
            for note in self.notes:
                yield Static(Text(note), classes="help-section")
            yield Static(_table(self.sections, columns), id="help-keys", classes="help-section")
            yield Static(rules_text(), id="help-rules", classes="help-section")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        if direction == "down":
            body.scroll_down()
        else:
            body.scroll_up()
