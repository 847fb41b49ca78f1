"""A sidebar entry as a Textual Visual: its height known without rendering, its lines Content.

As a rich renderable each entry went through a Console twice per paint (RichVisual renders it
whole to learn its height); as Content its lines are a few string operations, painted the same.
"""

from __future__ import annotations

from functools import lru_cache

from rich.style import Style as RichStyle
from textual.content import Content, Span
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

from invoicetui.tui.widgets.columns import ellipsize, fit_content


@lru_cache(maxsize=64)
def content_style(style: str) -> Style:
    """A rich style string ("bold red", "dim") as a Textual Style, ANSI colours kept ANSI.

    Textual's own parser reads "green" as the CSS colour; the rich Text these rows were made
    of meant ANSI green, which the theme (or a 16-colour terminal) maps.
    """
    return Style.from_rich_style(RichStyle.parse(style))


def styled(text: str, style: str = "") -> Content:
    """Plain text (never markup) in a rich style string."""
    return Content.styled(text, content_style(style)) if style else Content(text)


class Row(Visual):
    """One sidebar entry: label left (cut with "…"), state right; an optional second line.

    `style` lies under the whole first line, as a rich Text's own style did: a bold heading's
    padding and state word are bold too.
    """

    def __init__(
        self,
        label: Content,
        state: Content | None,
        reason: Content | None = None,
        *,
        style: str = "",
    ) -> None:
        self.label = label
        self.state = state
        self.reason = reason
        self.style = style
        self.plain = (label.plain, state.plain if state else "", reason.plain if reason else "")
        self._lines: tuple[int, list[Content]] | None = None

    def lines(self, width: int) -> list[Content]:
        """The entry's lines at `width` cells (kept: plain and highlighted paints share them)."""
        if self._lines is not None and self._lines[0] == width:
            return self._lines[1]
        state = self.state
        room = max(0, width - (state.cell_length + 1 if state else 0))
        line = self._cut_label(room)
        line = line.pad_right(max(0, room - line.cell_length))
        if state is not None:
            line = Content.assemble(line, " ", state, strip_control_codes=False)
        line = ellipsize(line, width)
        if self.style:
            under = Span(0, len(line.plain), content_style(self.style))
            line = Content(line.plain, [under, *line.spans], strip_control_codes=False)
        lines = [line]
        if self.reason is not None:
            lines.append(ellipsize(self.reason, width))
        self._lines = (width, lines)
        return lines

    def _cut_label(self, room: int) -> Content:
        """The label in `room` cells, cut in the middle: vector-db-staging never reads "vector-db…".

        Under a style, the "…" and the kept end get spans of it, as fit_cell's pieces (Texts of
        their own) did: the same segments, so the same screen and SVG.
        """
        label = self.label
        cut = fit_content(label, room, "middle")
        if not self.style or room <= 1 or label.cell_length <= room:
            return cut
        end, tail = len(cut.plain), (room - 1) // 2
        style = content_style(self.style)
        pieces = [Span(end - tail - 1, end - tail, style)]  # the "…"
        if tail:
            pieces.append(Span(end - tail, end, style))
        return Content(cut.plain, [*cut.spans, *pieces], strip_control_codes=False)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        """One strip per line, never wrapped (so get_height holds), straight from the segments.

        Content.render_strips would wrap, align and add selection offsets to each segment's
        style: an OptionList neither wraps these lines nor lets its text be selected.
        """
        lines = self.lines(width)[:height] if width > 0 else []
        return [Strip(line.render_segments(style), line.cell_length) for line in lines]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        """The width that shows every word (the sidebar sets its own: Sidebar.wanted_width)."""
        first = self.label.cell_length + (self.state.cell_length + 1 if self.state else 0)
        return max(first, self.reason.cell_length if self.reason else 0)

    def get_height(self, rules: RulesMap, width: int) -> int:
        """Known without rendering, unlike RichVisual's: one line, two with a reason."""
        return 1 if self.reason is None else 2
