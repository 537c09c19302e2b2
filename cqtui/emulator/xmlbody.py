"""The emulator's XML bodies: a `/picqueue` listing and a CI error, as bytes.

Text is escaped for XML 1.0. C1 controls (U+0080-U+009F) are legal XML and pass
through untouched, which is exactly what makes them dangerous on a terminal;
characters XML cannot carry at all (most C0 controls, U+FFFE/U+FFFF, lone
surrogates) raise ValueError, so a broken body only ever comes from a fault.
"""

from __future__ import annotations

import re
from typing import Iterable

from cqtui.ci.models import NOTIFY_CONFIG_API_NAMES, NotifyConfig, Queue, QueuePage

_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# CR is escaped as a reference: a parser would otherwise normalise it to LF.
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
_NEEDS_ESCAPE = re.compile("[&<>\r]")


def xml_problem(text: str) -> str | None:
    """Why `text` cannot appear in an XML 1.0 document, or None when it can."""
    found = _XML_ILLEGAL.search(text)
    if found is None:
        return None
    return f"character U+{ord(found.group()):04X} at offset {found.start()} is not allowed in XML 1.0"


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


def queue_xml(queue: Queue) -> str:
    """One `<QueueList>` element. QueueId, Name and State are always present (maybe empty)."""
    return (
        "<QueueList>"
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
        + "</QueueList>"
    )


def queue_page_xml(page: QueuePage) -> bytes:
    """The body of a successful `GET /picqueue`. None integers are left out."""
    parts: list[str] = ["<Response>", _element("RequestId", page.request_id)]
    parts.append(_integer("TotalCount", page.total_count))
    parts.append(_integer("PageNumber", page.page_number))
    parts.append(_integer("PageSize", page.page_size))
    parts.extend(queue_xml(queue) for queue in page.queues)
    parts.extend(_element("NonExistPIDs", pid) for pid in page.non_exist_pids)
    parts.append("</Response>")
    return "".join(parts).encode("utf-8")


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
