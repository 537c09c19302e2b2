"""One queue: every field, times in the profile's time zone with their age, and where it came from."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from cqtui.ci.models import ListQuery, Queue
from cqtui.tui import formatting as fmt
from cqtui.tui.listing import Listing, find_queue, state_label
from cqtui.tui.screens.base import SubScreen
from cqtui.tui.widgets.context_bar import ContextBar
from cqtui.tui.widgets.field_table import field_table


class QueueDetailScreen(SubScreen):
    BINDINGS = [
        Binding("c", "open_notify", "Notify", tooltip="this queue's NotifyConfig", id="open_notify"),
        Binding("r", "refresh", "Refresh", tooltip="fetch the page again and update this queue", id="refresh"),
    ]

    def __init__(self, queue: Queue, row: int, listing: Listing) -> None:
        super().__init__()
        self.queue = queue
        self._row = row
        self._origin: ListQuery = listing.loaded_query or listing.wanted
        self._pages = listing.total_pages
        self._request_id = listing.page.request_id if listing.page is not None else ""
        self._fetched_at = listing.fetched_at
        self._shown_page = listing.page
        self._gone = False

    def heading(self) -> str:
        return f"Queue {fmt.text_or_dash(self.queue.name)}"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="detail-scroll", can_focus=True):
            yield Static(id="detail-body")

    def main_widget(self) -> Widget:
        return self.query_one("#detail-scroll")

    def on_mount(self) -> None:
        super().on_mount()
        self._draw()

    def listing_changed(self, listing: Listing) -> None:
        page = listing.page
        if page is None or page is self._shown_page or listing.loaded_query != self._origin:
            return
        self._shown_page = page
        self._request_id = page.request_id
        self._fetched_at = listing.fetched_at
        self._pages = listing.total_pages
        match = find_queue(page, self.queue.queue_id)
        self._gone = match is None
        if match is not None:
            self.queue = match
        self._draw()

    def _origin_text(self) -> str:
        of_pages = f" of {self._pages}" if self._pages else ""
        where = f"page {self._origin.page_number}{of_pages}, row {self._row + 1}"
        where += f", state {state_label(self._origin.state)}, page size {self._origin.page_size}"
        if self._fetched_at is not None:
            where += f", fetched {fmt.clock_time(self._fetched_at)}"
        return where

    def _draw(self) -> None:
        queue, now, zone = self.queue, self.app.clock.now(), self.app.profile.timezone
        rows = [
            ("QueueId", fmt.text_or_dash(queue.queue_id)),
            ("Name", fmt.text_or_dash(queue.name)),
            ("State", fmt.text_or_dash(queue.state)),
            ("MaxSize", fmt.number(queue.max_size)),
            ("MaxConcurrent", fmt.number(queue.max_concurrent)),
            ("Callback", fmt.notify_summary(queue.notify_config)),
            ("CreateTime", fmt.local_time(queue.create_time, now, zone=zone)),
            ("UpdateTime", fmt.local_time(queue.update_time, now, zone=zone)),
            ("Category", fmt.text_or_dash(queue.category)),
            ("BucketId", fmt.text_or_dash(queue.bucket_id)),
            ("From", self._origin_text()),
            ("RequestId", fmt.text_or_dash(self._request_id)),
        ]
        parts: list = [field_table(rows)]
        if self._gone:
            parts.insert(0, Text("This queue is no longer on this page; showing what was last seen.\n", style="bold"))
        self.query_one("#detail-body", Static).update(Group(*parts))
        self.query_one(ContextBar).set_title(self.heading())

    def raw_xml(self) -> tuple[str, str] | None:
        return f"Raw XML · queue {fmt.short_queue_id(self.queue.queue_id)}", self.queue.raw_xml

    def selected_queue_id(self) -> str | None:
        return self.queue.queue_id or None

    def action_open_notify(self) -> None:
        self.app.show_notify(self.queue)

    def action_refresh(self) -> None:
        self.app.fetch(self._origin)
