"""What `GET /picqueue` returns for given query parameters: validation, filters, paging."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from cqtui.ci.models import Page, Queue
from cqtui.emulator.data import generated_queue
from cqtui.emulator.faults import ENDLESS_TOTAL

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 10
STATES = ("Active", "Paused")
_NUMBER = re.compile(r"[0-9]{1,9}")


class InvalidArgument(ValueError):
    """A query parameter the API would refuse with 400 InvalidArgument."""


@dataclass(frozen=True, slots=True)
class ListRequest:
    page_number: int
    page_size: int
    state: str | None
    queue_ids: tuple[str, ...]


def _number(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    # The SDK sends empty values by default (`pageNumber=`): they mean "default".
    text = params.get(name, "")
    if text == "":
        return default
    if not _NUMBER.fullmatch(text) or not low <= int(text) <= high:
        raise InvalidArgument(f"{name} must be an integer from {low} to {high}, got {text[:40]!r}")
    return int(text)


def parse_list_params(params: Mapping[str, str]) -> ListRequest:
    state = params.get("state", "")
    if state not in ("", "All", *STATES):
        raise InvalidArgument(f"state must be Active, Paused or All, got {state[:40]!r}")
    queue_ids = dict.fromkeys(part.strip() for part in params.get("queueIds", "").split(","))
    queue_ids.pop("", None)
    return ListRequest(
        page_number=_number(params, "pageNumber", 1, 1, 999_999_999),
        page_size=_number(params, "pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
        state=state if state in STATES else None,
        queue_ids=tuple(queue_ids),
    )


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
            matching = tuple(q for q in found if request.state is None or q.state == request.state)
        else:
            matching = self.queues if request.state is None else self.by_state[request.state]

        page_index = 0 if fault == "same_page" else request.page_number - 1
        start = page_index * request.page_size
        total = len(matching)
        if fault == "endless_total":
            total = ENDLESS_TOTAL
            page = tuple(generated_queue(index) for index in range(start, start + request.page_size))
        else:
            page = matching[start : start + request.page_size]
        return Page(
            request_id=request_id,
            total_count=total,
            page_number=request.page_number,
            page_size=request.page_size,
            items=page,
            missing_ids=missing,
        )
