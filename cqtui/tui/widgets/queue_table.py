"""The queue list table: columns chosen by width, rows updated in place by key.

Every cell is a `Text` of `visible()` text: a plain str cell would be parsed
as markup, so a queue named `[@click=app.quit]x[/]` could run an action.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable

from cqtui.ci.models import Queue
from cqtui.tui import formatting as fmt

CELL_PADDING = 1
SCROLLBAR = 2
MIN_NAME = 10
WIDE = 120
MEDIUM = 100


@dataclass(frozen=True, slots=True)
class Column:
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
UPDATED_DATE = Column("updated", "Updated", 10, lambda q, now: fmt.local_time(q.update_time, now, style="date"))
UPDATED_MINUTE = Column("updated", "Updated", 16, lambda q, now: fmt.local_time(q.update_time, now, style="minute"))


def layout_for(width: int) -> tuple[Column, ...]:
    """Columns for a table `width` cells wide; Name takes whatever is left."""
    if width >= WIDE:
        others = (FULL_ID, STATE, MAX_SIZE, MAX_CONCURRENT, CALLBACK, UPDATED_MINUTE)
    elif width >= MEDIUM:
        others = (SHORT_ID, STATE, MAX_SIZE, MAX_CONCURRENT, CALLBACK, UPDATED_DATE)
    else:
        others = (SHORT_ID, STATE, CALLBACK, UPDATED_DATE)
    used = sum(column.width for column in others) + 2 * CELL_PADDING * (len(others) + 1) + SCROLLBAR
    name = Column("name", "Name", max(MIN_NAME, width - used), _name)
    return (others[0], name, *others[1:])


def row_keys(queues: Sequence[Queue]) -> list[str]:
    """QueueIds when they are unique and present (so rows survive a refresh), else positions."""
    ids = [queue.queue_id for queue in queues]
    if all(ids) and len(set(ids)) == len(ids):
        return ids
    return [f"#{index}" for index in range(len(queues))]


def cell(text: str) -> Text:
    return Text(text, no_wrap=True, overflow="ellipsis")


class QueueTable(DataTable, inherit_bindings=False):
    # DataTable's own keys minus `enter`: the screen binds it (id "open_detail") so it can be remapped.
    BINDINGS = [binding for binding in DataTable.BINDINGS if binding.key != "enter"]

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._layout: tuple[Column, ...] = ()
        self._keys: list[str] = []
        self._queues: tuple[Queue, ...] = ()
        self._now: datetime | None = None

    @property
    def queues(self) -> tuple[Queue, ...]:
        return self._queues

    @property
    def selected_queue(self) -> Queue | None:
        if not self._queues or not 0 <= self.cursor_row < len(self._queues):
            return None
        return self._queues[self.cursor_row]

    def show_queues(self, queues: Sequence[Queue], now: datetime) -> None:
        self._now = now
        layout = layout_for(self.size.width or self.app.size.width)
        keys = row_keys(queues)
        if layout != self._layout:
            self._rebuild(layout, queues, keys, columns=True)
        elif keys == self._keys:
            self._update_in_place(queues, keys)
        else:
            self._rebuild(layout, queues, keys, columns=False)
        self._queues = tuple(queues)

    def on_resize(self) -> None:
        if self._now is not None and layout_for(self.size.width) != self._layout:
            self._rebuild(layout_for(self.size.width), self._queues, self._keys, columns=True)

    def _cells(self, queue: Queue) -> list[Text]:
        assert self._now is not None
        return [cell(column.cell(queue, self._now)) for column in self._layout]

    def _update_in_place(self, queues: Sequence[Queue], keys: list[str]) -> None:
        for key, queue in zip(keys, queues):
            for column, value in zip(self._layout, self._cells(queue)):
                self.update_cell(key, column.key, value, update_width=False)

    def _rebuild(self, layout: tuple[Column, ...], queues: Sequence[Queue], keys: list[str], *, columns: bool) -> None:
        row = self.cursor_row
        self.clear(columns=columns)
        self._layout = layout
        if columns:
            for column in layout:
                self.add_column(Text(column.label), width=column.width, key=column.key)
        for key, queue in zip(keys, queues):
            self.add_row(*self._cells(queue), key=key)
        self._keys = keys
        if queues:
            self.move_cursor(row=min(max(row, 0), len(queues) - 1), animate=False, scroll=True)

