"""The bottom status line: page, count, filter, last fetch time, latency, RequestId.

While a fetch is in flight it shows a spinner and the *target* page, and keeps
the rest of the old figures: the data on screen stays until the answer lands.
"""

from __future__ import annotations

from rich.text import Text
from textual.timer import Timer
from textual.widget import Widget

from cqtui.safetext import visible
from cqtui.tui import formatting as fmt
from cqtui.tui.listing import Listing, state_label

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
SEPARATOR = (" │ ", "dim")


def status_text(listing: Listing, *, auto_seconds: int, spinner_frame: int = 0, width: int | None = None) -> Text:
    """Everything the status line says, most important first.

    When the long form is wider than `width`, a compact form leaves more room
    for the RequestId, which is cut last.
    """
    line = _status(listing, auto_seconds, spinner_frame, compact=False)
    if width is not None and line.cell_len > width:
        line = _status(listing, auto_seconds, spinner_frame, compact=True)
    return line


def _status(listing: Listing, auto_seconds: int, spinner_frame: int, *, compact: bool) -> Text:
    wanted = listing.wanted
    pages = listing.total_pages
    of_pages = ("/" if compact else " of ") + str(pages) if pages is not None else ""
    page = f"Page {wanted.page_number}{of_pages}"
    if listing.loading:
        page = f"{SPINNER[spinner_frame % len(SPINNER)]} {page} loading…"
    parts: list[Text] = [Text(page, style="bold")]
    total = listing.total_count
    parts.append(Text("? queues" if total is None else f"{total} queue" if total == 1 else f"{total} queues"))
    if compact:
        filters = "all states" if wanted.state is None else f"{wanted.state} only"
    else:
        filters = f"state {state_label(wanted.state)}"
    if wanted.ids:
        filters += f", {len(wanted.ids)} ids"
    parts.append(Text(filters))
    if auto_seconds:
        parts.append(Text(f"auto {auto_seconds}s"))
    if listing.fetched_at is not None:
        when = fmt.clock_time(listing.fetched_at)
        if listing.latency_ms is not None:
            when += f" {listing.latency_ms}ms" if compact else f" {listing.latency_ms} ms"
        parts.append(Text(when))
    if listing.page is not None and listing.page.request_id:
        label = "req " if compact else "RequestId "
        parts.append(Text.assemble((label, "dim"), visible(listing.page.request_id)))
    line = Text(no_wrap=True, overflow="ellipsis")
    for index, part in enumerate(parts):
        if index:
            line.append(*SEPARATOR)
        line.append_text(part)
    return line


class StatusLine(Widget):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._listing: Listing | None = None
        self._auto_seconds = 0
        self._frame = 0
        self._spin: Timer | None = None

    def show(self, listing: Listing, auto_seconds: int) -> None:
        self._listing = listing
        self._auto_seconds = auto_seconds
        if listing.loading and self._spin is None:
            self._spin = self.set_interval(0.1, self._advance)
        elif not listing.loading and self._spin is not None:
            self._spin.stop()
            self._spin = None
        self.refresh()

    def _advance(self) -> None:
        self._frame += 1
        self.refresh()

    @property
    def plain(self) -> str:
        """What the line says, as plain text."""
        return self.render().plain

    def render(self) -> Text:
        if self._listing is None:
            return Text("")
        return status_text(
            self._listing, auto_seconds=self._auto_seconds, spinner_frame=self._frame, width=self.content_size.width
        )
