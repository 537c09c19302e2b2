"""What a list call returns for given query parameters: the API's checks, its filters, paging.

Queue listings (every family, one bucket) and bucket lists (`/cibuckets`, the
per-service lists) share the paging rules; what a parameter means is the API's
(by its name), what a kind accepts is its row in cqtui.ci.kinds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from cqtui.ci.kinds import Kind
from cqtui.ci.models import Page, Queue
from cqtui.emulator.data import generated_queue, queue_id_for
from cqtui.emulator.faults import ENDLESS_TOTAL, FLOOD_QUEUES, FLOOD_TOTAL

DEFAULT_PAGE_SIZE = 10
STATES = ("Active", "Paused")
_NUMBER = re.compile(r"[0-9]{1,9}")


class InvalidArgument(ValueError):
    """A query parameter the API would refuse with 400 InvalidArgument."""


@dataclass(frozen=True, slots=True)
class Paging:
    page_number: int
    page_size: int


@dataclass(frozen=True, slots=True)
class ListRequest:
    """A queue listing's parameters, checked."""

    page_number: int
    page_size: int
    state: str | None
    queue_ids: tuple[str, ...]
    category: str | None = None  # only queues of this Category; None = every category


@dataclass(frozen=True, slots=True)
class BucketListRequest:
    """A bucket list's parameters, checked; empty filters match everything."""

    paging: Paging
    name_prefix: str = ""  # bucketName
    names: tuple[str, ...] = ()  # bucketNames: exact BucketIds or names
    tag: str = ""  # tagKey: `key` or `key;value`
    regions: tuple[str, ...] = ()  # region (/cibuckets) or regions (the per-service lists)


def _number(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    # The SDK sends empty values by default (`pageNumber=`): they mean "default".
    text = params.get(name, "")
    if text == "":
        return default
    if not _NUMBER.fullmatch(text) or not low <= int(text) <= high:
        raise InvalidArgument(f"{name} must be an integer from {low} to {high}, got {text[:40]!r}")
    return int(text)


def _paging(kind: Kind, params: Mapping[str, str]) -> Paging:
    return Paging(
        page_number=_number(params, "pageNumber", 1, 1, 999_999_999),
        page_size=_number(params, "pageSize", DEFAULT_PAGE_SIZE, 1, kind.max_page_size),
    )


def _comma_list(text: str) -> tuple[str, ...]:
    parts = dict.fromkeys(part.strip() for part in text.split(","))
    parts.pop("", None)
    return tuple(parts)


def parse_list_params(kind: Kind, params: Mapping[str, str]) -> ListRequest:
    """A queue listing of `kind`, as the API checks it."""
    state = params.get("state", "")
    if state not in ("", "All", *STATES):
        raise InvalidArgument(f"state must be Active, Paused or All, got {state[:40]!r}")
    queue_ids = _comma_list(params.get("queueIds", ""))
    if kind.lookup and kind.lookup.max_ids and len(queue_ids) > kind.lookup.max_ids:
        raise InvalidArgument(f"queueIds holds {len(queue_ids)} ids; at most {kind.lookup.max_ids} are allowed")
    category = None
    param = kind.param("category")
    if param is not None:
        value = params.get("category") or param.default
        if value not in param.choices:
            raise InvalidArgument(f"category must be one of {', '.join(param.choices)}, got {value[:40]!r}")
        # A choice that names a category filters; the others (CateAll) take every one.
        category = value if value in kind.categories else None
    paging = _paging(kind, params)
    return ListRequest(
        page_number=paging.page_number,
        page_size=paging.page_size,
        state=state if state in STATES else None,
        queue_ids=queue_ids,
        category=category,
    )


def parse_bucket_params(kind: Kind, params: Mapping[str, str], host_region: str) -> BucketListRequest:
    """A bucket list of `kind`; the per-service lists default to the host's region."""
    if kind.param("regions") is not None:
        regions = _comma_list(params.get("regions", "")) or (host_region,)
    else:
        regions = _comma_list(params.get("region", ""))
    return BucketListRequest(
        paging=_paging(kind, params),
        name_prefix=params.get("bucketName", ""),
        names=_comma_list(params.get("bucketNames", "")),
        tag=params.get("tagKey", ""),
        regions=regions,
    )


def page_of(items: Sequence[object], paging: Paging, *, request_id: str, page_index: int | None = None) -> Page:
    """The page `paging` asks for (or the one at `page_index`), with the true total."""
    index = paging.page_number - 1 if page_index is None else page_index
    start = index * paging.page_size
    return Page(
        request_id=request_id,
        total_count=len(items),
        page_number=paging.page_number,
        page_size=paging.page_size,
        items=tuple(items[start : start + paging.page_size]),
    )


def flood_queue(index: int) -> Queue:
    """A small queue (~120 bytes of XML): a flood is many entries, not many bytes."""
    return Queue(queue_id=queue_id_for(f"cqtui-flood-{index}"), name=f"flood-{index:07d}", state="Active")


class Catalogue:
    """An immutable queue set, indexed once so each request is cheap even for 10,000 queues."""

    def __init__(self, queues: Iterable[Queue]) -> None:
        self.queues: tuple[Queue, ...] = tuple(queues)
        self.by_id = {queue.queue_id: queue for queue in self.queues}
        self.by_state = {state: tuple(q for q in self.queues if q.state == state) for state in STATES}

    def select(self, request: ListRequest, *, request_id: str, fault: str | None = None) -> Page:
        """The page answering `request`; `fault` is a data fault (endless_total, same_page) or None."""
        missing: tuple[str, ...] = ()
        if request.queue_ids:
            found = [self.by_id[qid] for qid in request.queue_ids if qid in self.by_id]
            missing = tuple(qid for qid in request.queue_ids if qid not in self.by_id)
            matching: Sequence[Queue] = [q for q in found if request.state is None or q.state == request.state]
        else:
            matching = self.queues if request.state is None else self.by_state[request.state]
        if request.category is not None:
            matching = [queue for queue in matching if queue.category == request.category]

        paging = Paging(request.page_number, request.page_size)
        if fault == "endless_total":
            start = (request.page_number - 1) * request.page_size
            endless = [generated_queue(index) for index in range(start, start + request.page_size)]
            return replace(page_of(endless, paging, request_id=request_id, page_index=0), total_count=ENDLESS_TOTAL)
        if fault == "flood_pages":  # a server that ignores pageSize: every page new and far too long
            start = (request.page_number - 1) * FLOOD_QUEUES
            flood = tuple(flood_queue(index) for index in range(start, start + FLOOD_QUEUES))
            return Page(request_id, FLOOD_TOTAL, request.page_number, request.page_size, flood)
        page = page_of(matching, paging, request_id=request_id, page_index=0 if fault == "same_page" else None)
        return replace(page, missing_ids=missing)
