"""Render queue pages for `cqtui queues`: table (fits the terminal), JSON, CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cqtui.ci.models import NOTIFY_CONFIG_API_NAMES, NotifyConfig, Queue, QueuePage
from cqtui.safetext import visible
from cqtui.textwidth import cell_width, fit


def callback_summary(config: NotifyConfig | None) -> str:
    if config is None:
        return "—"
    if config.state.lower() != "on":
        return "Off"
    return f"On {config.type}".strip()


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


# Inside a JSON document these characters only occur in strings, where a
# \uXXXX escape is equivalent; escaping keeps a terminal showing the JSON safe.
_TERMINAL_UNSAFE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def render_json(pages: Sequence[QueuePage]) -> str:
    first = pages[0]
    document: dict[str, object] = {
        "RequestId": first.request_id,
        "TotalCount": first.total_count,
        "PageNumber": first.page_number,
        "PageSize": first.page_size,
        "QueueList": [queue_json(queue) for page in pages for queue in page.queues],
        "NonExistPIDs": [pid for page in pages for pid in page.non_exist_pids],
    }
    if len(pages) > 1:
        document["PageCount"] = len(pages)
        document["RequestIds"] = [page.request_id for page in pages]
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return _TERMINAL_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


CSV_COLUMNS = (
    "QueueId", "Name", "State", "MaxSize", "MaxConcurrent", "CreateTime", "UpdateTime", "Category", "BucketId",
    "NotifyState", "NotifyType", "NotifyUrl", "NotifyEvent", "NotifyResultFormat", "MqMode", "MqRegion", "MqName",
)  # fmt: skip


def _csv_row(queue: Queue) -> list[str]:
    notify = queue.notify_config or NotifyConfig()
    values = [
        queue.queue_id, queue.name, queue.state,
        "" if queue.max_size is None else str(queue.max_size),
        "" if queue.max_concurrent is None else str(queue.max_concurrent),
        queue.create_time, queue.update_time, queue.category, queue.bucket_id,
        notify.state, notify.type, notify.url, notify.event, notify.result_format,
        notify.mq_mode, notify.mq_region, notify.mq_name,
    ]  # fmt: skip
    return [visible(value) for value in values]


def render_csv(pages: Sequence[QueuePage]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_row(queue) for page in pages for queue in page.queues)
    return buffer.getvalue()


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Queue], str]
    width: int  # preferred width; 0 = take what is left
    priority: int  # lower numbers are dropped last when the terminal is narrow


TABLE_COLUMNS = (
    Column("QUEUE ID", lambda q: q.queue_id, 33, 0),
    Column("NAME", lambda q: q.name, 0, 0),
    Column("STATE", lambda q: q.state, 6, 1),
    Column("CALLBACK", lambda q: callback_summary(q.notify_config), 8, 2),
    Column("UPDATED", lambda q: q.update_time[:10], 10, 4),
    Column("MAXSIZE", lambda q: "" if q.max_size is None else str(q.max_size), 7, 5),
    Column("CONC", lambda q: "" if q.max_concurrent is None else str(q.max_concurrent), 4, 5),
)
MIN_NAME_WIDTH = 16
GAP = "  "


def _columns_for(width: int) -> list[Column]:
    columns = list(TABLE_COLUMNS)
    while True:
        fixed = sum(column.width for column in columns) + len(GAP) * (len(columns) - 1)
        droppable = [column for column in columns if column.priority > 0]
        if width - fixed >= MIN_NAME_WIDTH or not droppable:
            return columns
        columns.remove(max(droppable, key=lambda column: column.priority))


def render_table(pages: Sequence[QueuePage], width: int) -> str:
    columns = _columns_for(width)
    queues = [queue for page in pages for queue in page.queues]
    fixed = sum(column.width for column in columns) + len(GAP) * (len(columns) - 1)
    name_width = max(MIN_NAME_WIDTH, width - fixed)
    # Don't pad names wider than the widest name present.
    widest = max((cell_width(visible(queue.name)) for queue in queues), default=0)
    name_width = max(len("NAME"), min(name_width, widest))

    def line(cells: list[str]) -> str:
        return GAP.join(fit(cell, column.width or name_width) for cell, column in zip(cells, columns)).rstrip()

    lines = [line([column.title for column in columns])]
    lines += [line([visible(column.value(queue)) for column in columns]) for queue in queues]
    return "\n".join(lines) + "\n"


def summary(pages: Sequence[QueuePage]) -> str:
    """One line under the table: what was shown out of how many, and the RequestId."""
    first, last = pages[0], pages[-1]
    shown = sum(len(page.queues) for page in pages)
    total = first.total_count if first.total_count is not None else "?"
    size = first.page_size or 0
    page_count = -(-first.total_count // size) if first.total_count and size else 1
    where = "all pages" if len(pages) > 1 else f"page {last.page_number or '?'} of {max(page_count, 1)}"
    return f"{shown} shown of {total} queues ({where}) · RequestId {visible(first.request_id) or '-'}"
