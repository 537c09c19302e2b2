"""What every cqtui screen has: the context bar, an error panel, the status line, the footer,
and the keys that work anywhere (`y` raw XML, `Y` copy, `P` profile, `?` help)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from cqtui.tui.listing import Listing
from cqtui.tui.widgets.context_bar import ContextBar
from cqtui.tui.widgets.error_panel import ErrorPanel, retryable
from cqtui.tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from textual import getters

    from cqtui.tui.app import CqtuiApp


class CqtuiScreen(Screen):
    if TYPE_CHECKING:
        app = getters.app(CqtuiApp)  # `self.app` as the type checker sees it (Textual's own idiom)

    BINDINGS = [
        Binding("y", "raw_xml", "XML", show=False, tooltip="raw XML of what is shown", id="raw_xml"),
        Binding("Y", "copy_id", "Copy id", show=False, tooltip="copy the QueueId to the clipboard", id="copy_id"),
        Binding("P", "switch_profile", "Profile", show=False, tooltip="switch profile", id="switch_profile"),
        Binding("question_mark", "help", "Help", tooltip="help: every key of this screen", id="help"),
    ]
    # The error panel takes the focus when an error appears (its keys are then about the error);
    # a screen for reading text keeps it on the text.
    ERROR_TAKES_FOCUS = True

    _shown_bindings: tuple[object, ...] | None = None

    def refresh_bindings(self) -> None:
        """Tell the Footer only when a key changed: each call makes it remount every key,
        which cost 30-60 ms of CPU and growing memory per page flip (bench/README.md)."""
        shown = tuple(
            (key, active.binding.action, active.binding.description, active.enabled, active.tooltip)
            for key, active in self.active_bindings.items()
        )
        if shown != self._shown_bindings:
            self._shown_bindings = shown
            super().refresh_bindings()

    def heading(self) -> str:
        """The context bar's title for this screen."""
        return ""

    def compose_body(self) -> ComposeResult:
        yield from ()

    def main_widget(self) -> Widget | None:
        """What gets focus back when the error panel is hidden."""
        return None

    def raw_xml(self) -> tuple[str, str] | None:
        """(title, XML) that `y` shows, or None when there is nothing."""
        return None

    def selected_queue_id(self) -> str | None:
        return None

    def listing_changed(self, listing: Listing) -> None:
        """A new answer, error or wanted query: redraw what depends on it."""

    def compose(self) -> ComposeResult:
        yield ContextBar(self.heading(), id="context")
        yield from self.compose_body()
        yield ErrorPanel(id="error")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.show_listing(self.app.listing)
        self.focus_main()

    def on_screen_resume(self) -> None:
        self.show_listing(self.app.listing)

    def show_listing(self, listing: Listing) -> None:
        self.query_one(StatusLine).show(listing, self.app.auto_refresh_seconds)
        self.query_one(ContextBar).show_profile(self.app.profile)
        panel = self.query_one(ErrorPanel)
        was_focused = panel.has_focus
        if panel.show(listing.error) and self.is_current and self.ERROR_TAKES_FOCUS:
            panel.focus()
        elif listing.error is None and was_focused:
            self.focus_main()
        self.listing_changed(listing)
        self.refresh_bindings()

    def focus_main(self) -> None:
        widget = self.main_widget()
        if widget is not None:
            widget.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "raw_xml":
            return self.raw_xml() is not None or None
        if action == "copy_id":
            return self.selected_queue_id() is not None or None
        if action == "retry":
            return retryable(self.app.listing.error) or None
        return True

    def action_raw_xml(self) -> None:
        shown = self.raw_xml()
        if shown is not None:
            self.app.show_raw(*shown, queue_id=self.selected_queue_id())

    def action_copy_id(self) -> None:
        queue_id = self.selected_queue_id()
        if queue_id:
            self.app.copy_to_clipboard(queue_id, "QueueId")

    def action_refresh(self) -> None:
        """Ask again for what this screen shows: by default the page wanted."""
        self.app.fetch()

    def action_retry(self) -> None:
        self.action_refresh()

    def action_switch_profile(self) -> None:
        self.app.choose_profile()

    def action_help(self) -> None:
        self.app.show_help(self)


class SubScreen(CqtuiScreen):
    """A screen opened from another: `escape` goes back."""

    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="back to the previous screen", id="back"),
        # The detail binds `r` itself (refresh); elsewhere, with the error panel saying "r retry",
        # it asks again for what failed.
        Binding("r", "retry", "Retry", show=False, tooltip="ask again for what failed", id="refresh"),
    ]

    def action_back(self) -> None:
        self.dismiss()
