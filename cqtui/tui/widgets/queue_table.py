"""The queue list table: a line-API widget that draws only the rows on screen.

A page of queues becomes plain text cells, fitted to their columns once when the
page arrives; drawing a line is then a few segments in the row's style. (A
DataTable measured and rendered every cell through Rich: replacing 100 rows cost
four times as much, see bench/README.md.) Text goes into segments as it is, never
parsed as markup, so a queue named `[@click=app.quit]x[/]` is just shown; cells
hold `visible()` text (formatting.py), so no control character reaches the terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import NamedTuple

from rich.cells import cell_len, get_character_cell_size, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cqtui.ci.models import Queue
from cqtui.tui import formatting as fmt

CELL_PADDING = 1
SCROLLBAR = 2
MIN_NAME = 10
WIDE = 120
MEDIUM = 100
HEADER_LINES = 1


class Column(NamedTuple):  # not a dataclass: ~1 ms less at every start (bench/README.md)
    key: str
    label: str
    width: int
    cell: Callable[[Queue, datetime], str]


def _name(queue: Queue, now: datetime) -> str:
    return fmt.text_or_dash(queue.name)


def _state(queue: Queue, now: datetime) -> str:
    return fmt.text_or_dash(queue.state)


def _callback(queue: Queue, now: datetime) -> str:
    return fmt.callback_summary(queue.notify_config)


SHORT_ID = Column("id", "QueueId", 13, lambda q, now: fmt.short_queue_id(q.queue_id) or fmt.EMPTY)
FULL_ID = Column("id", "QueueId", 33, lambda q, now: fmt.text_or_dash(q.queue_id))
STATE = Column("state", "State", 6, _state)
MAX_SIZE = Column("max_size", "MaxSize", 7, lambda q, now: fmt.number(q.max_size))
MAX_CONCURRENT = Column("max_concurrent", "MaxConc", 7, lambda q, now: fmt.number(q.max_concurrent))
CALLBACK = Column("callback", "Callback", 8, _callback)
UPDATED_DATE = Column("updated", "Updated", 17, lambda q, now: fmt.local_time(q.update_time, now, style="date"))
UPDATED_MINUTE = Column("updated", "Updated", 23, lambda q, now: fmt.local_time(q.update_time, now, style="minute"))


def layout_for(width: int) -> tuple[Column, ...]:
    """Columns for a table `width` cells wide; Name takes whatever is left."""
    others: tuple[Column, ...]
    if width >= WIDE:
        others = (FULL_ID, STATE, MAX_SIZE, MAX_CONCURRENT, CALLBACK, UPDATED_MINUTE)
    elif width >= MEDIUM:
        others = (SHORT_ID, STATE, MAX_SIZE, MAX_CONCURRENT, CALLBACK, UPDATED_DATE)
    else:
        others = (SHORT_ID, STATE, CALLBACK, UPDATED_DATE)
    used = sum(column.width for column in others) + 2 * CELL_PADDING * (len(others) + 1) + SCROLLBAR
    name = Column("name", "Name", max(MIN_NAME, width - used), _name)
    return (others[0], name, *others[1:])


def fit_cell(text: str, width: int) -> str:
    """`text` in exactly `width` terminal cells: cut with `…` when longer, padded when shorter."""
    if cell_len(text) > width:
        kept, used = [], 0
        for char in text:
            used += get_character_cell_size(char)
            if used > width - 1:
                break
            kept.append(char)
        text = "".join(kept) + "…"
    return set_cell_size(text, width)


def table_line(cells: Sequence[str], layout: Sequence[Column]) -> tuple[str, ...]:
    """One row's cells, each fitted and padded to its column."""
    pad = " " * CELL_PADDING
    return tuple(pad + fit_cell(text, column.width) + pad for text, column in zip(cells, layout, strict=True))


class QueueTable(ScrollView, can_focus=True):
    """One page of queues with a row cursor; `QueueTable.Chosen` when a row is opened with the mouse."""

    # The screen binds enter (id "open_detail") so it can be remapped.
    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False, tooltip="previous queue"),
        Binding("down", "cursor_down", "Down", show=False, tooltip="next queue"),
        Binding("pageup", "page_up", "Page up", show=False, tooltip="one screen of queues up"),
        Binding("pagedown", "page_down", "Page down", show=False, tooltip="one screen of queues down"),
        Binding("home", "first_row", "First row", show=False, tooltip="first queue of this page"),
        Binding("end", "last_row", "Last row", show=False, tooltip="last queue of this page"),
        Binding("left", "scroll_left", "Scroll left", show=False, tooltip="scroll the columns left (narrow terminals)"),
        Binding("right", "scroll_right", "Scroll right", show=False, tooltip="scroll the columns right"),
    ]
    # Odd rows have no style of their own; as a component their style is cached per repaint.
    COMPONENT_CLASSES = {"queue-table--header", "queue-table--cursor", "queue-table--even-row", "queue-table--odd-row"}
    DEFAULT_CSS = """
    QueueTable {
        background: $surface;
        color: $foreground;
        & > .queue-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .queue-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .queue-table--even-row {
            background: $surface-lighten-1 50%;
        }
        &:dark > .queue-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .queue-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .queue-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .queue-table--header {
                background-tint: $foreground 5%;
            }
        }
    }
    """

    class Chosen(Message):
        """A click on the row under the cursor: the mouse way to open it."""

        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._layout: tuple[Column, ...] = ()
        self._queues: tuple[Queue, ...] = ()
        self._lines: list[tuple[str, ...]] = []
        self._header: tuple[str, ...] = ()
        # One meta style per column keeps cells from merging into one segment per line:
        # screenshots place each segment on the cell grid, so a wide glyph drifts only in its cell.
        self._cell_apart: tuple[Style, ...] = ()
        self._now: datetime | None = None
        self._cursor = 0
        self._clicked_row: int | None = None

    # -- what the rest of cqtui reads ------------------------------------------

    @property
    def queues(self) -> tuple[Queue, ...]:
        return self._queues

    @property
    def columns(self) -> dict[str, Column]:
        return {column.key: column for column in self._layout}

    @property
    def row_count(self) -> int:
        return len(self._queues)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def selected_queue(self) -> Queue | None:
        return self._queues[self._cursor] if 0 <= self._cursor < len(self._queues) else None

    def cell_texts(self, key: str) -> list[str]:
        """The whole text of one column, top to bottom, as its cells were built (before fitting)."""
        assert self._now is not None
        column = self.columns[key]
        return [column.cell(queue, self._now) for queue in self._queues]

    # -- filling ------------------------------------------------------------------

    def show_queues(self, queues: Sequence[Queue], now: datetime) -> None:
        """Show a new page; the cursor stays on the same row number, clamped to the page."""
        self._now = now
        self._queues = tuple(queues)
        self._build(layout_for(self.size.width or self.app.size.width))
        self.move_cursor(self._cursor)

    def on_resize(self) -> None:
        if self._now is not None and layout_for(self.size.width) != self._layout:
            self._build(layout_for(self.size.width))

    def _build(self, layout: tuple[Column, ...]) -> None:
        assert self._now is not None
        now = self._now
        self._layout = layout
        self._cell_apart = tuple(Style.from_meta({"column": index}) for index in range(len(layout)))
        self._header = table_line([column.label for column in layout], layout)
        self._lines = [table_line([column.cell(queue, now) for column in layout], layout) for queue in self._queues]
        self.virtual_size = Size(sum(map(cell_len, self._header)), len(self._lines) + HEADER_LINES)
        self.refresh()

    # -- the cursor ---------------------------------------------------------------

    @property
    def _rows_in_view(self) -> int:
        return max(1, self.scrollable_content_region.height - HEADER_LINES)

    def move_cursor(self, row: int) -> None:
        """Put the cursor on `row` (clamped to the page) and scroll it into view."""
        row = min(max(row, 0), max(len(self._lines) - 1, 0))
        if row != self._cursor:
            self.refresh_lines(self._cursor + HEADER_LINES)
            self.refresh_lines(row + HEADER_LINES)
            self._cursor = row
        top = round(self.scroll_y)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + self._rows_in_view:
            self.scroll_to(y=row - self._rows_in_view + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self._cursor - self._rows_in_view)

    def action_page_down(self) -> None:
        self.move_cursor(self._cursor + self._rows_in_view)

    def action_first_row(self) -> None:
        self.move_cursor(0)

    def action_last_row(self) -> None:
        self.move_cursor(len(self._lines) - 1)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < HEADER_LINES:
            return
        row = round(self.scroll_y) + offset.y - HEADER_LINES
        if row >= len(self._lines):
            return
        # The first click on a row selects it, a second one opens it (as DataTable did).
        if row == self._cursor and row == self._clicked_row:
            self._clicked_row = None
            self.post_message(self.Chosen(row))
        else:
            self.move_cursor(row)
            self._clicked_row = row

    # -- drawing ------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        style_of = self.get_component_rich_style
        if y < HEADER_LINES:
            cells, style = self._header, style_of("queue-table--header")
        else:
            row = scroll_y + y - HEADER_LINES
            if row >= len(self._lines):
                return Strip.blank(width, style_of("queue-table--odd-row"))
            cells = self._lines[row]
            if row == self._cursor:
                style = style_of("queue-table--cursor")
            else:
                style = style_of("queue-table--odd-row" if row % 2 else "queue-table--even-row")
        strip = Strip(
            [Segment(cell, style + apart) for cell, apart in zip(cells, self._cell_apart, strict=True)],
            self.virtual_size.width,
        )
        return strip.crop_extend(scroll_x, scroll_x + width, style)
