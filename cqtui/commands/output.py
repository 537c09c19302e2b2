"""Render listings for `cqtui queues` and `cqtui buckets`: a table that fits the terminal, CSV, TSV, JSON.

Table, CSV and TSV columns are the kinds' own (cqtui.ci.kinds): the table shows a
kind's `columns`, CSV and TSV every field (`details`), so a column a family lacks
is never shown. Server text is untrusted: control characters become visible
escapes in every format but JSON, where a `\\u` escape is equivalent and the
value comes back exactly. Table cells hold no whitespace (escaped too) and no empty
cell ("-"), so `column -t` and `awk` split them as the header says. In CSV and TSV
a text field a spreadsheet would run as a formula (starting with `=`, `+`, `-` or
`@`) gets a leading `'`, as spreadsheet users expect (OWASP's advice on CSV
injection); numbers stay numbers, JSON stays exact, the table stays literal.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence

from cqtui.ci.kinds import Column
from cqtui.ci.models import NOTIFY_CONFIG_API_NAMES, Bucket, NotifyConfig, Queue
from cqtui.safetext import visible
from cqtui.textwidth import cell_width, fit

EMPTY = "-"
MIN_FLEXIBLE_WIDTH = 16
GAP = "  "
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SPACE = re.compile(r"\s")
# Inside a JSON document these characters only occur in strings, where a
# \uXXXX escape is equivalent; escaping keeps a terminal showing the JSON safe.
_TERMINAL_UNSAFE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def header(column: Column) -> str:
    """The CLI's header for a column: `QueueId` -> `QUEUE_ID`, one word for `awk`."""
    return _CAMEL.sub("_", column.title).upper()


def callback_summary(config: NotifyConfig | None) -> str:
    """`On/Url`, `On/TDMQ`, `Off`, or "" for a queue without a NotifyConfig."""
    if config is None:
        return ""
    if config.state.lower() != "on":
        return "Off"
    return f"On/{config.type}" if config.type else "On"


def _text(column: Column, item: object) -> str:
    """A field as plain text, by its column type; "" when empty."""
    value = column.value(item)
    if column.type == "callback":
        return callback_summary(value)  # type: ignore[arg-type]
    if column.type == "services":
        return ",".join(value) if value is not None else "?"  # type: ignore[arg-type]
    return "" if value is None else str(value)


def _escape_space(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def table_cell(column: Column, item: object) -> str:
    """What a table cell shows: dates only, no whitespace, never empty."""
    text = _text(column, item)
    if column.type == "time":
        text = text[:10]
    return _SPACE.sub(_escape_space, visible(text)) or EMPTY


# What starts a formula in Excel, LibreOffice and Google Sheets (tab and CR are escaped already).
_FORMULA_STARTS = ("=", "+", "-", "@")


def field_cell(column: Column, item: object) -> str:
    """What a CSV or TSV field holds: the whole value, control characters (tab, newline) made visible,
    and a leading `'` before text a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+cmd|…`)."""
    value = column.value(item)
    text = visible(_text(column, item))
    if isinstance(value, int) or not text.startswith(_FORMULA_STARTS):
        return text
    return "'" + text


# ---- table ---------------------------------------------------------------------------------------


def _width(column: Column) -> int:
    return max(column.width, cell_width(header(column)))


def _fixed(columns: Sequence[Column]) -> int:
    return sum(_width(column) for column in columns if column.width) + len(GAP) * (len(columns) - 1)


def _wanted(column: Column, natural: int) -> int:
    """What a flexible column needs to be useful: an id whole, other text its minimum."""
    return natural if column.type == "id" else min(natural, MIN_FLEXIBLE_WIDTH)


def _columns_for(columns: Sequence[Column], natural: dict[str, int], width: int) -> list[Column]:
    """Drop the highest-priority-number columns until the flexible ones get what they need."""
    kept = list(columns)
    while True:
        needed = sum(_wanted(column, natural[column.key]) for column in kept if not column.width)
        droppable = [column for column in kept if column.priority > 0]
        if width - _fixed(kept) >= needed or not droppable:
            return kept
        kept.remove(max(droppable, key=lambda column: column.priority))


def _flexible_widths(columns: Sequence[Column], natural: list[int], room: int) -> list[int]:
    """Widths for the flexible columns: their content's, cut (text first, ids last) until they fit `room`."""
    widths = list(natural)
    for cut_ids in (False, True):
        cuttable = [index for index, column in enumerate(columns) if (column.type == "id") == cut_ids]
        while sum(widths) > room:
            index = max(cuttable, key=lambda i: widths[i], default=None)
            if index is None or widths[index] <= MIN_FLEXIBLE_WIDTH:
                break
            widths[index] -= 1
    return widths


def render_table(columns: Sequence[Column], items: Sequence[object], width: int, *, headers: bool = True) -> str:
    cells = {column.key: [table_cell(column, item) for item in items] for column in columns if not column.width}
    natural = {key: max([cell_width(text) for text in texts], default=0) for key, texts in cells.items()}
    natural = {
        column.key: max(natural[column.key], cell_width(header(column))) for column in columns if not column.width
    }
    kept = _columns_for(columns, natural, width)
    flexible = [column for column in kept if not column.width]
    room = max(MIN_FLEXIBLE_WIDTH * len(flexible), width - _fixed(kept))
    natural_widths = [natural[c.key] for c in flexible]
    sizes = dict(zip((c.key for c in flexible), _flexible_widths(flexible, natural_widths, room), strict=True))
    widths = [sizes.get(column.key, _width(column)) for column in kept]
    rows = [[cells[column.key][row] if not column.width else table_cell(column, item) for column in kept]
            for row, item in enumerate(items)]  # fmt: skip

    def line(row: list[str]) -> str:
        return GAP.join(fit(cell, size) for cell, size in zip(row, widths, strict=True)).rstrip()

    lines = ([line([header(column) for column in kept])] if headers else []) + [line(row) for row in rows]
    return "".join(f"{text}\n" for text in lines)


# ---- CSV and TSV -----------------------------------------------------------------------------------


def render_delimited(columns: Sequence[Column], items: Iterable[object], *, tsv: bool, headers: bool = True) -> str:
    """CSV (quoted as needed) or TSV (fields hold no tab or newline: they are escaped)."""
    rows = ([[column.title for column in columns]] if headers else []) + [
        [field_cell(column, item) for column in columns] for item in items
    ]
    if tsv:
        return "".join("\t".join(row) + "\n" for row in rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


# ---- JSON: the API's own names --------------------------------------------------------------------


def notify_json(config: NotifyConfig | None) -> dict[str, str] | None:
    if config is None:
        return None
    return {api: getattr(config, field) for field, api in NOTIFY_CONFIG_API_NAMES.items() if getattr(config, field)}


def queue_json(queue: Queue) -> dict[str, object]:
    return {
        "QueueId": queue.queue_id,
        "Name": queue.name,
        "State": queue.state,
        "NotifyConfig": notify_json(queue.notify_config),
        "MaxSize": queue.max_size,
        "MaxConcurrent": queue.max_concurrent,
        "CreateTime": queue.create_time,
        "UpdateTime": queue.update_time,
        "Category": queue.category,
        "BucketId": queue.bucket_id,
    }


def bucket_json(bucket: Bucket) -> dict[str, object]:
    document: dict[str, object] = {
        "BucketId": bucket.bucket_id,
        "BucketName": bucket.name,
        "AppId": bucket.app_id,
        "Region": bucket.region,
        "CreateTime": bucket.create_time,
        "Status": bucket.status,
        "Services": list(bucket.services) if bucket.services is not None else None,  # cqtui's: the families on
    }
    if bucket.alias_bucket_id:
        document["AliasBucketId"] = bucket.alias_bucket_id
    return document


def render_json(document: dict[str, object]) -> str:
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return _TERMINAL_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text) + "\n"
