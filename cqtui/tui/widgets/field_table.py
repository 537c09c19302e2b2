"""A label/value table for detail screens, built only from `Text` (a str cell would be markup)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text


def field_table(rows: Iterable[tuple[str, ...]], *, headers: tuple[str, ...] = ()) -> Table:
    """Rows of already-`visible()` strings; the first column is the field name."""
    table = Table.grid(padding=(0, 2)) if not headers else Table(box=None, padding=(0, 2, 0, 0), show_edge=False)
    for index, header in enumerate(headers or ("", "")):
        table.add_column(Text(header), style="bold" if index == 0 else "", no_wrap=index == 0, overflow="fold")
    for row in rows:
        table.add_row(*(Text(value) for value in row))
    return table
