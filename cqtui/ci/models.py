"""Typed, immutable results of the CI queue API. Screens and the CLI only see these."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class NotifyConfig:
    """A queue's callback settings. Every field is the server's text, possibly empty."""

    url: str = ""
    event: str = ""
    type: str = ""
    state: str = ""
    result_format: str = ""
    mq_mode: str = ""
    mq_region: str = ""
    mq_name: str = ""


# NotifyConfig attribute -> the API's element (and JSON) name, in the API's order.
NOTIFY_CONFIG_API_NAMES = {
    "url": "Url",
    "event": "Event",
    "type": "Type",
    "state": "State",
    "result_format": "ResultFormat",
    "mq_mode": "MqMode",
    "mq_region": "MqRegion",
    "mq_name": "MqName",
}


@dataclass(frozen=True, slots=True)
class Queue:
    """One `<QueueList>` element. Integers are None when missing or not a number."""

    queue_id: str = ""
    name: str = ""
    state: str = ""
    notify_config: NotifyConfig | None = None
    max_size: int | None = None
    max_concurrent: int | None = None
    update_time: str = ""
    create_time: str = ""
    category: str = ""
    bucket_id: str = ""
    raw_xml: str = field(default="", repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class QueuePage:
    """One answer of `GET /picqueue`.

    `problems` lists what the parser tolerated (a bad integer, say) so it can be
    reported without failing the whole page.
    """

    request_id: str = ""
    total_count: int | None = None
    page_number: int | None = None
    page_size: int | None = None
    queues: tuple[Queue, ...] = ()
    non_exist_pids: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    raw_xml: str = field(default="", repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class ListQuery:
    """What to ask `GET /picqueue` for. `state=None` means every state."""

    page_number: int = 1
    page_size: int = 10
    state: str | None = None
    queue_ids: tuple[str, ...] = ()
