"""The emulator's XML bodies: a listing of any kind and a CI error, as bytes.

Text is escaped for XML 1.0. C1 controls (U+0080-U+009F) are legal XML and pass
through untouched, which is exactly what makes them dangerous on a terminal;
characters XML cannot carry at all (most C0 controls, U+FFFE/U+FFFF, lone
surrogates) raise ValueError, so a broken body only ever comes from a fault.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from cqtui.ci.kinds import PIC, Kind, Shape
from cqtui.ci.models import NOTIFY_CONFIG_API_NAMES, Bucket, NotifyConfig, Page, Queue
from cqtui.ci.xmltext import xml_problem

# CR is escaped as a reference: a parser would otherwise normalise it to LF.
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
_NEEDS_ESCAPE = re.compile("[&<>\r]")


def escape_text(text: str) -> str:
    problem = xml_problem(text)
    if problem:
        raise ValueError(problem)
    return _NEEDS_ESCAPE.sub(lambda match: _ESCAPES[match.group()], text)


def _element(name: str, text: str) -> str:
    return f"<{name}>{escape_text(text)}</{name}>"


def _optional(name: str, text: str) -> str:
    """Empty optional strings are left out, as the API does for a Url callback's Mq* fields."""
    return _element(name, text) if text else ""


def _integer(name: str, value: int | None) -> str:
    return "" if value is None else f"<{name}>{value}</{name}>"


def notify_config_xml(config: NotifyConfig) -> str:
    fields = "".join(_optional(name, getattr(config, attr)) for attr, name in NOTIFY_CONFIG_API_NAMES.items())
    return f"<NotifyConfig>{fields}</NotifyConfig>"


def queue_xml(queue: Queue, element: str = "QueueList") -> str:
    """One `<QueueList>` element (an update's answer: `<Queue>`). QueueId, Name and State are always present."""
    return (
        f"<{element}>"
        + _element("QueueId", queue.queue_id)
        + _element("Name", queue.name)
        + _element("State", queue.state)
        + (notify_config_xml(queue.notify_config) if queue.notify_config is not None else "")
        + _integer("MaxSize", queue.max_size)
        + _integer("MaxConcurrent", queue.max_concurrent)
        + _optional("UpdateTime", queue.update_time)
        + _optional("CreateTime", queue.create_time)
        + _optional("BucketId", queue.bucket_id)
        + _optional("Category", queue.category)
        + f"</{element}>"
    )


def bucket_xml(kind: Kind, bucket: Bucket) -> str:
    """One bucket list entry: the fields `kind`'s list holds, by their API names (its details' titles)."""
    fields = "".join(
        _element(column.title, str(column.value(bucket))) for column in kind.details if column.type != "services"
    )
    return f"<{kind.list_element}>{fields}</{kind.list_element}>"


def page_xml(kind: Kind, page: Page) -> bytes:
    """The body of a successful listing of `kind`. None integers are left out."""
    parts: list[str] = ["<Response>", _element("RequestId", page.request_id)]
    parts.append(_integer("TotalCount", page.total_count))
    parts.append(_integer("PageNumber", page.page_number))
    parts.append(_integer("PageSize", page.page_size))
    if kind.shape is Shape.QUEUE:
        parts.extend(queue_xml(queue) for queue in page.items)
    else:
        parts.extend(bucket_xml(kind, bucket) for bucket in page.items)
    if kind.lookup is not None:
        parts.extend(_element(kind.lookup.missing_element, pid) for pid in page.missing_ids)
    parts.append("</Response>")
    return "".join(parts).encode("utf-8")


def queue_page_xml(page: Page) -> bytes:
    """The body of a successful `GET /picqueue`."""
    return page_xml(PIC, page)


def error_xml(code: str, message: str, request_id: str, trace_id: str) -> bytes:
    """A CI error body (CI pages show no `<Resource>`, unlike COS)."""
    return (
        "<?xml version='1.0' encoding='utf-8' ?>\n<Error>"
        + _element("Code", code)
        + _element("Message", message)
        + _element("RequestId", request_id)
        + _element("TraceId", trace_id)
        + "</Error>"
    ).encode("utf-8")


def queue_problems(queues: Iterable[Queue]) -> list[str]:
    """Text in `queues` that XML cannot carry, as 'QueueId field: why' lines."""
    problems = []
    for queue in queues:
        config = queue.notify_config or NotifyConfig()
        fields = {
            "QueueId": queue.queue_id,
            "Name": queue.name,
            "State": queue.state,
            "UpdateTime": queue.update_time,
            "CreateTime": queue.create_time,
            "Category": queue.category,
            "BucketId": queue.bucket_id,
            "NotifyConfig.Url": config.url,
            "NotifyConfig.Event": config.event,
            "NotifyConfig.Type": config.type,
            "NotifyConfig.State": config.state,
            "NotifyConfig.ResultFormat": config.result_format,
            "NotifyConfig.MqMode": config.mq_mode,
            "NotifyConfig.MqRegion": config.mq_region,
            "NotifyConfig.MqName": config.mq_name,
        }
        for field, text in fields.items():
            problem = xml_problem(text)
            if problem:
                problems.append(f"{queue.queue_id!r} {field}: {problem}")
    return problems
