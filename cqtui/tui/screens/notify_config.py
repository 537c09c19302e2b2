"""A queue's NotifyConfig: every field as sent, and what it means in plain words."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from cqtui.ci.models import Queue
from cqtui.tui import formatting as fmt
from cqtui.tui.listing import Listing, find_queue
from cqtui.tui.screens.base import SubScreen
from cqtui.tui.widgets.field_table import field_table


class NotifyConfigScreen(SubScreen):
    def __init__(self, queue: Queue) -> None:
        super().__init__()
        self.queue = queue

    def heading(self) -> str:
        return f"NotifyConfig of {fmt.text_or_dash(self.queue.name)}"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="notify-scroll", can_focus=True):
            yield Static(id="notify-body")

    def main_widget(self) -> Widget:
        return self.query_one("#notify-scroll")

    def on_mount(self) -> None:
        super().on_mount()
        self._draw()

    def listing_changed(self, listing: Listing) -> None:
        # A refresh elsewhere may bring a newer copy of this queue.
        if listing.page is None:
            return
        match = find_queue(listing.page, self.queue.queue_id)
        if match is not None and match != self.queue:
            self.queue = match
            self._draw()

    def _draw(self) -> None:
        config = self.queue.notify_config
        summary = Text(fmt.notify_summary(config), style="bold")
        if config is None:
            self.query_one("#notify-body", Static).update(summary)
            return
        table = field_table(fmt.notify_rows(config), headers=("Field", "Value", "Meaning"))
        self.query_one("#notify-body", Static).update(Group(summary, Text(""), table))

    def raw_xml(self) -> tuple[str, str] | None:
        return f"Raw XML · queue {fmt.short_queue_id(self.queue.queue_id)}", self.queue.raw_xml

    def selected_queue_id(self) -> str | None:
        return self.queue.queue_id or None
