"""A long text shown line by line: a line-API widget that draws only the lines on screen.

Lines never wrap: a long one scrolls sideways (left/right). The text is laid out one
element per line (ci/rawxml.py), so a line is one element and wrapping would only ever
cut one; it also keeps each line where the search found it at every width, and costs
nothing when the terminal is resized: a 6 MB answer is ~200,000 lines, measured once.

Lines are `visible()` text (no control character reaches the terminal) and go into
segments as they are, never parsed as markup. Search is case-insensitive over the
text as shown, so an escape such as `\\x1b` can be found as it reads.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from itertools import accumulate

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

MAX_MATCHES = 100_000  # beyond that the count says "100,000+": enough to page through


class RawView(ScrollView, can_focus=True):
    """Scroll keys come from ScrollableContainer: arrows, PageUp/PageDown, Home/End."""

    COMPONENT_CLASSES = {"raw-view--match", "raw-view--current"}
    DEFAULT_CSS = """
    RawView {
        background: $surface;
        color: $foreground;
        & > .raw-view--match {
            background: $warning 40%;
            text-style: underline;
        }
        & > .raw-view--current {
            background: $accent;
            color: $text;
            text-style: bold reverse;
        }
    }
    """

    def __init__(self, lines: Sequence[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self._lines = lines
        width = max((len(line) if line.isascii() else cell_len(line) for line in lines), default=0)
        self.virtual_size = Size(width, len(lines))
        self._joined: str | None = None  # built at the first search
        self._line_starts: list[int] = []
        self._match_starts: list[int] = []
        self._match_length = 0
        self._current: int | None = None
        self.more_matches = False  # the count was cut at MAX_MATCHES

    # -- search -----------------------------------------------------------------------

    def search(self, needle: str) -> int:
        """Find every place `needle` occurs (ignoring case); the number found. The current
        match becomes the first one at or after the top line on screen."""
        if self._joined is None:
            self._joined = "\n".join(self._lines)  # one C-speed scan instead of one per line
            self._line_starts = [0, *accumulate(len(line) + 1 for line in self._lines)]
        pattern = re.compile(re.escape(needle), re.IGNORECASE)
        starts: list[int] = []
        for found in pattern.finditer(self._joined) if needle else ():
            if len(starts) == MAX_MATCHES:
                break
            starts.append(found.start())
        self.more_matches = len(starts) == MAX_MATCHES and pattern.search(self._joined, starts[-1] + 1) is not None
        self._match_starts, self._match_length = starts, len(needle)
        self._current = None
        if starts:
            top = self._line_starts[round(self.scroll_y)]
            self._go_to(bisect.bisect_left(starts, top) % len(starts))
        self.refresh()
        return len(starts)

    @property
    def match_count(self) -> int:
        return len(self._match_starts)

    @property
    def current_match(self) -> int | None:
        """The index of the highlighted match (0-based), or None."""
        return self._current

    def current_position(self) -> tuple[int, int] | None:
        """(line, column in characters) of the highlighted match."""
        if self._current is None:
            return None
        start = self._match_starts[self._current]
        line = bisect.bisect_right(self._line_starts, start) - 1
        return line, start - self._line_starts[line]

    def next_match(self, step: int = 1) -> None:
        """Highlight the next match (`step` -1: the previous one), wrapping around."""
        if self._match_starts:
            current = -step if self._current is None else self._current
            self._go_to((current + step) % len(self._match_starts))

    def _go_to(self, index: int) -> None:
        self._current = index
        position = self.current_position()
        assert position is not None
        line, column = position
        view = self.scrollable_content_region.size
        x, y = self._cells_before(line, column), self.scroll_y
        if not self.scroll_x <= x <= self.scroll_x + view.width - self._match_length:
            self.scroll_to(x=max(0, x - view.width // 4), animate=False, immediate=True)
        if not y <= line < y + view.height:
            self.scroll_to(y=max(0, line - view.height // 3), animate=False, immediate=True)
        self.refresh()

    def _cells_before(self, line: int, column: int) -> int:
        text = self._lines[line][:column]
        return len(text) if text.isascii() else cell_len(text)

    def _spans(self, line: int) -> list[tuple[int, int, bool]]:
        """(start, end, is current) in characters of this line, for every match on it."""
        if not self._match_starts:
            return []
        begin, end = self._line_starts[line], self._line_starts[line + 1] - 1
        first = bisect.bisect_left(self._match_starts, begin)
        last = bisect.bisect_left(self._match_starts, end, lo=first)
        return [
            (start - begin, min(start - begin + self._match_length, end - begin), index == self._current)
            for index, start in enumerate(self._match_starts[first:last], first)
        ]

    # -- drawing ----------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = scroll_y + y
        if index >= len(self._lines):
            return Strip.blank(width, base)
        line = self._lines[index]
        spans = self._spans(index)
        if line.isascii():  # one character, one cell: cut before styling (a line may be megabytes)
            cut = line[scroll_x : scroll_x + width]
            spans = [(start - scroll_x, end - scroll_x, now) for start, end, now in spans]
            return Strip(self._segments(cut, spans, base)).extend_cell_length(width, base)
        return Strip(self._segments(line, spans, base)).crop_extend(scroll_x, scroll_x + width, base)

    def _segments(self, text: str, spans: list[tuple[int, int, bool]], base: Style) -> list[Segment]:
        match = base + self.get_component_rich_style("raw-view--match")
        current = base + self.get_component_rich_style("raw-view--current")
        segments: list[Segment] = []
        at = 0
        for start, end, is_current in spans:
            start, end = max(start, at), min(end, len(text))
            if start >= end:
                continue
            segments.append(Segment(text[at:start], base))
            segments.append(Segment(text[start:end], current if is_current else match))
            at = end
        segments.append(Segment(text[at:], base))
        return [segment for segment in segments if segment.text]
