"""What the queue list wants and what it last got: pure state, no Textual.

`wanted` changes the moment a key is pressed (so the status line can show the
target page at once); `page` only changes when the answer to the newest
request arrives. Every change makes a new `Listing` (frozen), so a screen can
never see half an update.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from cqtui.ci.errors import CqtuiError
from cqtui.ci.models import ListQuery, Page, Queue

PAGE_SIZES = (10, 20, 50, 100)
STATE_FILTERS: tuple[str | None, ...] = (None, "Active", "Paused")


def state_label(state: str | None) -> str:
    return "all" if state is None else state


def bigger_page_size(size: int) -> int | None:
    return next((choice for choice in PAGE_SIZES if choice > size), None)


def smaller_page_size(size: int) -> int | None:
    return next((choice for choice in reversed(PAGE_SIZES) if choice < size), None)


def next_state_filter(state: str | None) -> str | None:
    index = STATE_FILTERS.index(state) if state in STATE_FILTERS else 0
    return STATE_FILTERS[(index + 1) % len(STATE_FILTERS)]


def with_page_size(query: ListQuery, size: int) -> ListQuery:
    """The page of the new size that still holds the first queue shown now."""
    first_index = (query.page_number - 1) * query.page_size
    return replace(query, page_size=size, page_number=first_index // size + 1)


def find_queue(page: Page, queue_id: str) -> Queue | None:
    """The queue with `queue_id` on `page` (None for an empty id: it identifies nothing)."""
    if not queue_id:
        return None
    # An id twice on one page (a buggy or hostile server) identifies nothing either:
    # screens then keep the queue they were opened with.
    matches = [queue for queue in page.items if queue.queue_id == queue_id]
    return matches[0] if len(matches) == 1 else None


def same_listing(a: ListQuery, b: ListQuery) -> bool:
    """Same filter and page size: page counts carry over from one to the other."""
    return (a.page_size, a.state, a.ids, a.options) == (b.page_size, b.state, b.ids, b.options)


@dataclass(frozen=True, slots=True)
class Listing:
    wanted: ListQuery
    page: Page | None = None
    loaded_query: ListQuery | None = None
    fetched_at: datetime | None = None
    latency_ms: int | None = None
    loading: bool = False
    error: CqtuiError | None = None

    @property
    def total_count(self) -> int | None:
        return None if self.page is None else self.page.total_count

    @property
    def total_pages(self) -> int | None:
        """Pages for the *wanted* filter and size, when the last answer tells us."""
        if self.page is None or self.loaded_query is None or self.page.total_count is None:
            return None
        if not same_listing(self.loaded_query, self.wanted):
            return None
        return max(1, -(-self.page.total_count // self.wanted.page_size))  # exact for any integer

    @property
    def on_first_page(self) -> bool:
        return self.wanted.page_number <= 1

    @property
    def on_last_page(self) -> bool:
        """True when no later page is known to exist."""
        pages = self.total_pages
        if pages is not None:
            return self.wanted.page_number >= pages
        # No TotalCount (or another filter in flight): only a full page hints at more.
        if self.page is None or self.loaded_query is None or not same_listing(self.loaded_query, self.wanted):
            return True
        return len(self.page.items) < self.wanted.page_size
