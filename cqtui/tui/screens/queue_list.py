"""The queue list: one page of queues, paging, filters, lookup by id."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Static

from cqtui.ci.models import ListQuery, Page
from cqtui.safetext import listed, visible
from cqtui.tui.listing import (
    Listing,
    bigger_page_size,
    next_state_filter,
    smaller_page_size,
    with_page_size,
)
from cqtui.tui.screens.base import CqtuiScreen
from cqtui.tui.widgets.queue_table import QueueTable

NEEDS_ROW = {"open_detail", "open_notify", "copy_id"}


def notice_text(listing: Listing) -> Text:
    """What the list wants the user to notice: unknown ids, tolerated problems, an empty page."""
    page, wanted = listing.page, listing.wanted
    lines: list[Text] = []
    if wanted.ids:
        lines.append(Text(f"Looking up {len(wanted.ids)} queue id(s); escape shows all queues again."))
    if page is not None:
        if page.missing_ids:
            unknown = listed(page.missing_ids)
            lines.append(Text.assemble(("Unknown queue ids: ", "bold"), unknown))
        if page.problems:
            problems = "; ".join(visible(problem) for problem in page.problems)
            lines.append(Text.assemble(("Answer had problems: ", "bold"), problems))
        if not page.items and listing.error is None:
            lines.append(Text("No queues on this page."))
    elif listing.loading:
        lines.append(Text("Loading queues…"))
    return Text("\n").join(lines)


class QueueListScreen(CqtuiScreen):
    BINDINGS = [
        Binding("enter", "open_detail", "Detail", tooltip="open the selected queue", id="open_detail"),
        Binding("n", "next_page", "Next", tooltip="next page", id="next_page"),
        Binding("p", "prev_page", "Prev", tooltip="previous page", id="prev_page"),
        Binding("less_than_sign", "first_page", "First", show=False, tooltip="first page", id="first_page"),
        Binding("greater_than_sign", "last_page", "Last", show=False, tooltip="last page", id="last_page"),
        Binding(
            "plus", "bigger_page", "Bigger", show=False, tooltip="larger page size (10, 20, 50, 100)", id="bigger_page"
        ),
        Binding("minus", "smaller_page", "Smaller", show=False, tooltip="smaller page size", id="smaller_page"),
        Binding("s", "cycle_state", "State", tooltip="state filter: all, Active, Paused", id="cycle_state"),
        Binding("slash", "lookup", "Find", tooltip="look up queue ids (comma-separated)", id="lookup"),
        Binding("r", "refresh", "Refresh", tooltip="refresh now", id="refresh"),
        Binding("a", "auto_refresh", "Auto", show=False, tooltip="auto-refresh on/off", id="auto_refresh"),
        Binding("c", "open_notify", "Notify", tooltip="the selected queue's NotifyConfig", id="open_notify"),
        Binding("escape", "clear_lookup", "All queues", show=False, tooltip="leave the id lookup", id="clear_lookup"),
        Binding("q", "quit", "Quit", tooltip="quit cqtui", id="quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._shown_page: Page | None = None
        self._shown_notice: Text | None = None

    def heading(self) -> str:
        return "Queues"

    def compose_body(self) -> ComposeResult:
        yield Static(id="notice")
        yield QueueTable(id="queues")

    def main_widget(self) -> Widget:
        return self.query_one(QueueTable)

    @property
    def table(self) -> QueueTable:
        return self.query_one(QueueTable)

    def listing_changed(self, listing: Listing) -> None:
        if listing.page is not self._shown_page or not self.table.columns:
            self._shown_page = listing.page
            queues = listing.page.items if listing.page is not None else ()
            self.table.show_queues(queues, self.app.clock.now())
        text = notice_text(listing)
        if text != self._shown_notice:  # an unchanged notice must not relayout the screen
            self._shown_notice = text
            notice = self.query_one("#notice", Static)
            notice.update(text)
            notice.display = bool(text.plain)

    def raw_xml(self) -> tuple[str, str] | None:
        listing = self.app.listing
        if listing.page is None or listing.loaded_query is None:  # the two are set together
            return None
        return f"Raw XML · page {listing.loaded_query.page_number}", listing.page.raw_xml

    def selected_queue_id(self) -> str | None:
        queue = self.table.selected_queue
        return queue.queue_id if queue is not None and queue.queue_id else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        listing: Listing = self.app.listing
        size = listing.wanted.page_size
        if action in ("next_page", "last_page"):
            if listing.on_last_page or (action == "last_page" and listing.total_pages is None):
                return None
        elif action in ("prev_page", "first_page"):
            return not listing.on_first_page or None
        elif action == "bigger_page":
            return bigger_page_size(size) is not None or None
        elif action == "smaller_page":
            return smaller_page_size(size) is not None or None
        elif action == "clear_lookup":
            return bool(listing.wanted.ids)
        elif action in NEEDS_ROW and self.table.selected_queue is None:
            return None
        return super().check_action(action, parameters)

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.app.resume_auto_refresh()

    def on_queue_table_chosen(self, event: QueueTable.Chosen) -> None:
        self.action_open_detail()

    def _go(self, query: ListQuery) -> None:
        self.app.fetch(query)

    def action_next_page(self) -> None:
        wanted = self.app.listing.wanted
        self._go(replace(wanted, page_number=wanted.page_number + 1))

    def action_prev_page(self) -> None:
        wanted = self.app.listing.wanted
        self._go(replace(wanted, page_number=max(1, wanted.page_number - 1)))

    def action_first_page(self) -> None:
        self._go(replace(self.app.listing.wanted, page_number=1))

    def action_last_page(self) -> None:
        pages = self.app.listing.total_pages
        if pages is not None:
            self._go(replace(self.app.listing.wanted, page_number=pages))

    def action_bigger_page(self) -> None:
        size = bigger_page_size(self.app.listing.wanted.page_size)
        if size is not None:
            self._go(with_page_size(self.app.listing.wanted, size))

    def action_smaller_page(self) -> None:
        size = smaller_page_size(self.app.listing.wanted.page_size)
        if size is not None:
            self._go(with_page_size(self.app.listing.wanted, size))

    def action_cycle_state(self) -> None:
        wanted = self.app.listing.wanted
        self._go(replace(wanted, state=next_state_filter(wanted.state), page_number=1))

    def action_refresh(self) -> None:
        self.app.fetch()

    def action_auto_refresh(self) -> None:
        self.app.toggle_auto_refresh()

    def action_lookup(self) -> None:
        self.app.ask_queue_ids()

    def action_clear_lookup(self) -> None:
        self._go(replace(self.app.listing.wanted, ids=(), page_number=1))

    def action_open_detail(self) -> None:
        queue = self.table.selected_queue
        if queue is not None:
            self.app.show_detail(queue, self.table.cursor_row)

    def action_open_notify(self) -> None:
        queue = self.table.selected_queue
        if queue is not None:
            self.app.show_notify(queue)

    def action_quit(self) -> None:
        self.app.exit(0)
