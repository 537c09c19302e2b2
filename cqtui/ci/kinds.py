"""Every resource kind cqtui lists, as data: one row per kind.

A kind says where its list lives (path; a bucket's CI host or a region's), which
element repeats in the answer, which parameters it takes and how they are checked,
which model its entries become, and what a list and a detail view show of them.
The clients, the parser, the emulator and `cqtui queues`/`cqtui buckets` are written
once against this table: adding a queue family is one row. Nothing else may switch
on a kind's key; a difference between kinds belongs in its row.

Facts (paths, elements, parameters, limits): docs/ci-api.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum

from cqtui.ci.endpoint import HostKind

# typing.TYPE_CHECKING without importing typing (~3 ms of a one-shot run); type checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Shape(Enum):
    """Which model a kind's entries parse into (one parser per shape: parsing.py)."""

    QUEUE = "queue"
    BUCKET = "bucket"


@dataclass(frozen=True, slots=True)
class Param:
    """An optional query parameter a kind accepts beyond paging, state and lookup."""

    name: str  # the API's name, e.g. "category"
    choices: tuple[str, ...] = ()  # allowed values; () = free text (still checked: no control characters)
    default: str = ""  # the server's documented default (for help texts); never sent implicitly
    help: str = ""


@dataclass(frozen=True, slots=True)
class Lookup:
    """Listing by ids: the parameter, how many ids one request may hold, and the answer's element for unknown ids."""

    param: str = "queueIds"
    max_ids: int = 0  # 0: no documented limit
    missing_element: str = "NonExistPIDs"
    options: tuple[tuple[str, str], ...] = ()  # sent with a lookup so that every entry of the kind can be found


# What a queue's Name may hold (the update API's rule): CJK ideographs (the unified block, extension A,
# the compatibility block, the supplementary planes' extensions), ASCII letters and digits, `_`, `-`, `*`.
QUEUE_NAME_CHARACTERS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134fA-Za-z0-9_*-"


@dataclass(frozen=True, slots=True)
class ChangeRules:
    """How a queue of a family is changed (Update*Queue): where the PUT goes and what its body may hold.

    The body always carries Name, State and NotifyConfig (the API requires all three);
    `notify_fields` are the NotifyConfig attributes (models.NotifyConfig) the family has.
    """

    path: str  # "/picqueue/{id}"
    notify_fields: tuple[str, ...]
    notify_types: tuple[str, ...] = ("Url", "TDMQ")  # NotifyConfig Type values the family accepts
    name_max_bytes: int = 128  # UTF-8 bytes
    name_characters: str = QUEUE_NAME_CHARACTERS  # a regular expression character class, without brackets
    name_characters_text: str = "CJK, letters, digits, _ - *"  # the same, for messages
    action: str = ""  # the CAM action a sub-account needs (for hints); "" when undocumented

    def path_for(self, queue_id: str) -> str:
        return self.path.format(id=queue_id)


@dataclass(frozen=True, slots=True)
class Column:
    """A field of an entry, for list tables (TUI and CLI) and detail views.

    `value` gives the raw value, by `type`: "callback" a NotifyConfig or None,
    "services" a tuple of family keys or None, "number" an int or None, every
    other type a str. Renderers format by type, so the data stays the server's.
    """

    key: str  # stable id: "id", "name", "state", "callback", ...
    title: str  # "QueueId": the TUI's header; the CLI's is QUEUE_ID (commands/output.py)
    value: Callable[[Any], object]
    type: str = "text"  # "id" | "text" | "state" | "number" | "time" | "callback" | "services" | "region"
    width: int = 0  # preferred width in cells; 0 = takes what is left
    priority: int = 0  # narrow terminals drop the highest number first; 0 = never dropped


@dataclass(frozen=True, slots=True)
class Kind:
    key: str  # "pic", "media", …, "cibuckets", "picbucket", …
    title: str  # "image-processing queues"
    path: str  # "/picqueue"
    host: HostKind
    shape: Shape
    list_element: str  # "QueueList", "CIBucketList", …
    params: tuple[Param, ...] = ()
    states: tuple[str, ...] = ()  # values of the `state` filter; () = the kind has none
    max_page_size: int = 100
    lookup: Lookup | None = None
    columns: tuple[Column, ...] = ()  # list columns, most important first
    details: tuple[Column, ...] = ()  # every field, in order (detail views, CSV); fields a kind lacks are absent
    categories: tuple[str, ...] = ()  # what a queue's Category holds in this family
    list_action: str = ""  # the CAM action a sub-account needs to list (for hints); "" when undocumented
    service: str = ""  # queue family -> its bucket list ("picbucket"); bucket list -> its family ("pic")
    change: ChangeRules | None = None  # queue families: how a queue is changed; None = cannot be

    def param(self, name: str) -> Param | None:
        return next((param for param in self.params if param.name == name), None)


def _notify(attribute: str) -> Callable[[Any], object]:
    return lambda queue: getattr(queue.notify_config, attribute) if queue.notify_config is not None else ""


# ---- queues ---------------------------------------------------------------------

QUEUE_STATES = ("Active", "Paused")

QUEUE_ID = Column("id", "QueueId", lambda q: q.queue_id, "id", 33)
QUEUE_NAME = Column("name", "Name", lambda q: q.name)
QUEUE_STATE = Column("state", "State", lambda q: q.state, "state", 6, 1)
QUEUE_CATEGORY = Column("category", "Category", lambda q: q.category, "text", 16, 3)
QUEUE_CALLBACK = Column("callback", "Callback", lambda q: q.notify_config, "callback", 8, 2)
QUEUE_UPDATED = Column("updated", "Updated", lambda q: q.update_time, "time", 10, 4)
QUEUE_MAX_SIZE = Column("max_size", "MaxSize", lambda q: q.max_size, "number", 7, 5)
QUEUE_MAX_CONCURRENT = Column("max_concurrent", "MaxConc", lambda q: q.max_concurrent, "number", 7, 5)

QUEUE_COLUMNS = (QUEUE_ID, QUEUE_NAME, QUEUE_STATE, QUEUE_CALLBACK, QUEUE_UPDATED, QUEUE_MAX_SIZE, QUEUE_MAX_CONCURRENT)
# Media lists mix categories (category=CateAll): the column says which each queue is.
MEDIA_COLUMNS = (*QUEUE_COLUMNS[:3], QUEUE_CATEGORY, *QUEUE_COLUMNS[3:])

QUEUE_FIELDS = (
    Column("id", "QueueId", lambda q: q.queue_id, "id"),
    Column("name", "Name", lambda q: q.name),
    Column("state", "State", lambda q: q.state, "state"),
    Column("max_size", "MaxSize", lambda q: q.max_size, "number"),
    Column("max_concurrent", "MaxConcurrent", lambda q: q.max_concurrent, "number"),
    Column("create_time", "CreateTime", lambda q: q.create_time, "time"),
    Column("update_time", "UpdateTime", lambda q: q.update_time, "time"),
    Column("category", "Category", lambda q: q.category),
    Column("bucket_id", "BucketId", lambda q: q.bucket_id, "id"),
)
NOTIFY_STATE = Column("notify.state", "NotifyState", _notify("state"), "state")
NOTIFY_TYPE = Column("notify.type", "NotifyType", _notify("type"))
NOTIFY_URL = Column("notify.url", "NotifyUrl", _notify("url"))
NOTIFY_EVENT = Column("notify.event", "NotifyEvent", _notify("event"))
NOTIFY_RESULT_FORMAT = Column("notify.result_format", "NotifyResultFormat", _notify("result_format"))
NOTIFY_MQ = (
    Column("notify.mq_mode", "MqMode", _notify("mq_mode")),
    Column("notify.mq_region", "MqRegion", _notify("mq_region")),
    Column("notify.mq_name", "MqName", _notify("mq_name")),
)
URL_NOTIFY = (NOTIFY_STATE, NOTIFY_TYPE, NOTIFY_URL, NOTIFY_EVENT, NOTIFY_RESULT_FORMAT)
FULL_NOTIFY = (*URL_NOTIFY, *NOTIFY_MQ)  # Url or TDMQ callbacks
DOC_NOTIFY = (NOTIFY_STATE, NOTIFY_TYPE, NOTIFY_URL, NOTIFY_EVENT)  # the document API's NotifyConfig has no more


def _family(
    key: str,
    title: str,
    path: str,
    categories: tuple[str, ...],
    *,
    notify: tuple[Column, ...] = FULL_NOTIFY,
    columns: tuple[Column, ...] = QUEUE_COLUMNS,
    params: tuple[Param, ...] = (),
    max_ids: int = 0,
    lookup_options: tuple[tuple[str, str], ...] = (),
    list_action: str = "",
    service: str,
    update_action: str = "",
    notify_types: tuple[str, ...] = ("Url", "TDMQ"),
    name_max_bytes: int = 128,
) -> Kind:
    change = ChangeRules(
        path=f"{path}/{{id}}",
        # The NotifyConfig fields the family shows are the ones it has, and so the ones a change may send.
        notify_fields=tuple(column.key.removeprefix("notify.") for column in notify),
        notify_types=notify_types,
        name_max_bytes=name_max_bytes,
        action=update_action,
    )
    return Kind(
        key=key,
        title=title,
        path=path,
        host=HostKind.BUCKET,
        shape=Shape.QUEUE,
        list_element="QueueList",
        params=params,
        states=QUEUE_STATES,
        lookup=Lookup(max_ids=max_ids, options=lookup_options),
        columns=columns,
        details=(*QUEUE_FIELDS, *notify),
        categories=categories,
        list_action=list_action,
        service=service,
        change=change,
    )


MEDIA_CATEGORY = Param(
    "category",
    ("CateAll", "Transcoding", "SpeedTranscoding"),
    "Transcoding",
    "which media queues: CateAll (every kind), Transcoding, SpeedTranscoding",
)

PIC = _family(
    "pic",
    "image-processing queues",
    "/picqueue",
    ("PicProcessing",),
    list_action="ci:DescribePicProcessQueues",
    service="picbucket",
    update_action="ci:UpdatePicProcessQueue",
)
MEDIA = _family(
    "media",
    "media-processing queues",
    "/queue",
    ("Transcoding", "SpeedTranscoding"),
    columns=MEDIA_COLUMNS,
    params=(MEDIA_CATEGORY,),
    max_ids=10,
    lookup_options=(("category", "CateAll"),),  # the server's default category would hide the others
    list_action="ci:DescribeMediaQueues",
    service="mediabucket",
    update_action="ci:UpdateMediaQueue",
)
AI = _family(
    "ai",
    "AI-processing queues",
    "/ai_queue",
    ("AIProcess",),
    notify=URL_NOTIFY,
    list_action="ci:DescribeAiProcessQueues",
    service="aibucket",
    notify_types=("Url",),  # NotifyConfig Type only Url; the CAM action to update is undocumented
)
ASR = _family(
    "asr",
    "speech-recognition queues",
    "/asrqueue",
    ("Speeching",),
    list_action="ci:DescribeAsrQueues",
    service="asrbucket",
    update_action="ci:UpdateAsrQueue",
    name_max_bytes=100,
)
FILE = _family(
    "file",
    "file-processing queues",
    "/file_queue",
    ("FileProcess",),
    list_action="ci:DescribeFileProcessQueues",
    service="filebucket",
    update_action="ci:UpdateFileProcessQueue",
)
DOC = _family(
    "doc",
    "document-processing queues",
    "/docqueue",
    ("DocProcess",),
    notify=DOC_NOTIFY,
    list_action="ci:DescribeDocProcessQueues",
    service="docbucket",
    update_action="ci:UpdateDocProcessQueue",
    notify_types=("Url",),  # no MqMode, MqRegion, MqName: no TDMQ
    name_max_bytes=100,
)


# ---- buckets ----------------------------------------------------------------------

BUCKET_ID = Column("id", "BucketId", lambda b: b.bucket_id, "id")
BUCKET_REGION = Column("region", "Region", lambda b: b.region, "region", 14)
BUCKET_CREATED = Column("created", "Created", lambda b: b.create_time, "time", 10, 2)
BUCKET_SERVICES = Column("services", "Services", lambda b: b.services, "services", 25, 1)
BUCKET_STATUS = Column("status", "Status", lambda b: b.status, "text", 6, 3)

BUCKET_NAME = Column("name", "BucketName", lambda b: b.name)
SERVICE_BUCKET_FIELDS = (
    BUCKET_ID,
    Column("name", "Name", lambda b: b.name),
    Column("region", "Region", lambda b: b.region, "region"),
    Column("create_time", "CreateTime", lambda b: b.create_time, "time"),
)

CI_BUCKETS = Kind(
    key="cibuckets",
    title="CI buckets",
    path="/cibuckets",
    host=HostKind.REGION,
    shape=Shape.BUCKET,
    list_element="CIBucketList",
    params=(
        Param("bucketName", help="buckets whose name starts with this"),
        Param("tagKey", help="buckets with this tag (key;value)"),
        Param("region", help="buckets in this region"),
    ),
    columns=(BUCKET_ID, BUCKET_REGION, BUCKET_CREATED, BUCKET_SERVICES, BUCKET_STATUS),
    details=(
        BUCKET_ID,
        BUCKET_NAME,
        Column("app_id", "AppId", lambda b: b.app_id, "id"),
        Column("region", "Region", lambda b: b.region, "region"),
        Column("create_time", "CreateTime", lambda b: b.create_time, "time"),
        Column("status", "Status", lambda b: b.status),
        Column("services", "Services", lambda b: b.services, "services"),
    ),
    list_action="ci:DescribeCIBuckets",
)

SERVICE_LIST_PARAMS = (
    Param("regions", help="comma-separated regions"),
    Param("bucketNames", help="comma-separated exact bucket names"),
    Param("bucketName", help="buckets whose name starts with this"),
)


def _service_list(
    key: str, path: str, element: str, family: Kind, *, extra: tuple[Column, ...] = (), list_action: str = ""
) -> Kind:
    return Kind(
        key=key,
        title=f"buckets with {family.title.removesuffix(' queues')}",
        path=path,
        host=HostKind.REGION,
        shape=Shape.BUCKET,
        list_element=element,
        params=SERVICE_LIST_PARAMS,
        columns=(BUCKET_ID, BUCKET_REGION, BUCKET_CREATED),
        details=(*SERVICE_BUCKET_FIELDS, *extra),
        list_action=list_action,
        service=family.key,
    )


PIC_BUCKETS = _service_list("picbucket", "/picbucket", "PicBucketList", PIC, list_action="ci:DescribePicProcessBucket")
MEDIA_BUCKETS = _service_list("mediabucket", "/mediabucket", "MediaBucketList", MEDIA)
AI_BUCKETS = _service_list("aibucket", "/ai_bucket", "AiBucketList", AI)
ASR_BUCKETS = _service_list("asrbucket", "/asrbucket", "AsrBucketList", ASR)
FILE_BUCKETS = _service_list("filebucket", "/file_bucket", "FileBucketList", FILE)
DOC_BUCKETS = _service_list(
    "docbucket",
    "/docbucket",
    "DocBucketList",
    DOC,
    extra=(Column("alias_bucket_id", "AliasBucketId", lambda b: b.alias_bucket_id, "id"),),
)

KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        PIC,
        MEDIA,
        AI,
        ASR,
        FILE,
        DOC,
        CI_BUCKETS,
        PIC_BUCKETS,
        MEDIA_BUCKETS,
        AI_BUCKETS,
        ASR_BUCKETS,
        FILE_BUCKETS,
        DOC_BUCKETS,
    )
}
QUEUE_FAMILIES = tuple(key for key, kind in KINDS.items() if kind.shape is Shape.QUEUE)
SERVICE_LISTS = tuple(KINDS[KINDS[family].service] for family in QUEUE_FAMILIES)

# The overview's rows (models.Located): which bucket and region, then the family's own columns.
LOCATION_COLUMNS = (
    Column("bucket", "Bucket", lambda row: row.bucket.bucket_id, "id", 0),
    Column("region", "Region", lambda row: row.bucket.region, "region", 14),
)


def located(columns: tuple[Column, ...]) -> tuple[Column, ...]:
    """`columns` for Located rows, after the bucket and region columns."""

    def of_item(column: Column) -> Column:
        value = column.value
        return replace(column, value=lambda row: value(row.item))

    return LOCATION_COLUMNS + tuple(of_item(column) for column in columns)
