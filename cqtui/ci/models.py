"""Typed, immutable results of the CI API. Screens and the CLI only see these."""

from __future__ import annotations

from dataclasses import dataclass, field

# typing.TYPE_CHECKING without importing typing (~3 ms of a one-shot run); type checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


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
    """One `<QueueList>` element, of any queue family. Integers are None when missing or not a number."""

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

    @property
    def id(self) -> str:
        return self.queue_id

    @property
    def settings(self) -> QueueSettings:
        """What a change sends back: the queue's Name, State and NotifyConfig (none: an empty one)."""
        return QueueSettings(self.name, self.state, self.notify_config or NotifyConfig())


@dataclass(frozen=True, slots=True)
class QueueSettings:
    """The three fields an update of a queue carries, all required by the API."""

    name: str
    state: str
    notify_config: NotifyConfig


@dataclass(frozen=True, slots=True)
class Updated:
    """The answer to an update: the queue as the server now has it (`<Response><Queue>`)."""

    queue: Queue
    request_id: str = ""
    problems: tuple[str, ...] = ()
    raw_xml: str = field(default="", repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Bucket:
    """One entry of a bucket list (`<CIBucketList>`, `<PicBucketList>`, …).

    `services` is filled by account discovery (ci/account.py): the queue families
    found enabled among those looked up, in QUEUE_FAMILIES order; None when not
    looked up or the lookup failed.
    """

    bucket_id: str = ""
    name: str = ""
    app_id: str = ""
    region: str = ""
    create_time: str = ""
    status: str = ""
    alias_bucket_id: str = ""
    services: tuple[str, ...] | None = None
    raw_xml: str = field(default="", repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.bucket_id


@dataclass(frozen=True, slots=True)
class Located:
    """An item with the bucket it came from: a row of the account overview."""

    bucket: Bucket
    item: Any


@dataclass(frozen=True, slots=True)
class Page:
    """One answer of a list call: Queues or Buckets, as the kind's shape says.

    `missing_ids` are the ids a lookup asked for that the server does not know
    (`NonExistPIDs`); `problems` lists what the parser tolerated (a bad integer,
    say) so it can be reported without failing the whole page.
    """

    request_id: str = ""
    total_count: int | None = None
    page_number: int | None = None
    page_size: int | None = None
    items: tuple[Any, ...] = ()
    missing_ids: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    raw_xml: str = field(default="", repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class ListQuery:
    """What to ask a list call for. `state=None` means every state; `ids` is a lookup
    (`queueIds`); `options` are the kind's own parameters, e.g. (("category", "CateAll"),).
    Checked against the kind when the request is built (protocol.check_query)."""

    page_number: int = 1
    page_size: int = 10
    state: str | None = None
    ids: tuple[str, ...] = ()
    options: tuple[tuple[str, str], ...] = ()
