"""A response body, laid out one element per line, searchable, savable, pageable.

Well-formed XML is indented by depth (cqtui/ci/rawxml.py: the tui layer parses no XML);
anything else is shown as it came, split at its own line breaks. Either way every
control character is shown as an escape, and lines scroll sideways instead of wrapping
(widgets/raw_view.py says why). Only response bodies are ever shown here: they carry
no secret.
"""

from __future__ import annotations

import os
import re

from rich.text import Text
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input, Static

from cqtui.ci.rawxml import layout
from cqtui.safetext import visible, visible_lines
from cqtui.tui.export import ExportProblem, page_text, pager_command
from cqtui.tui.screens.base import SubScreen
from cqtui.tui.widgets.raw_view import RawView

EMPTY_TEXT = "(the answer had nothing to show here)"


def shown_lines(text: str) -> tuple[list[str], bool]:
    """(the lines the view shows, laid out): `visible()` lines, never empty."""
    if not text:
        return [EMPTY_TEXT], False
    lines, laid_out = layout(text)
    return visible_lines(lines), laid_out


def file_name(title: str, stamp: str) -> str:
    """A file name for `title`, e.g. `cqtui-raw-xml-page-3-20260101-120000.xml`."""
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return f"cqtui-{words or 'answer'}-{stamp}.xml"


def _size(text: str) -> str:
    size = len(text.encode("utf-8", errors="replace"))
    return f"{size:,} bytes" if size < 100_000 else f"{size / 1_000_000:.1f} MB"


class RawXmlScreen(SubScreen):
    ERROR_TAKES_FOCUS = False  # the arrows keep scrolling the text; tab reaches the panel
    # Priority: the focus moves to the search box before the next key is handed on, so what is
    # typed in the same burst (a paste, tmux, a laggy link) lands in it. (Enter is the box's own:
    # a priority one would run before the box has taken the keys typed before it.)
    BINDINGS = [
        Binding(
            "slash",
            "find_text",
            "Search",
            tooltip="search the text (n, N: next, previous match)",
            priority=True,
            id="find_text",
        ),
        Binding("n", "next_match", "Next", tooltip="next match", id="next_match"),
        Binding("N", "previous_match", "Prev", show=False, tooltip="previous match", id="previous_match"),
        Binding("s,ctrl+s", "save_text", "Save", tooltip="save the answer to a file (0600)", id="save_text"),
        Binding("o", "open_pager", "Pager", tooltip="open it in $PAGER (else less)", id="open_pager"),
    ]

    def __init__(self, title: str, text: str, *, queue_id: str | None = None) -> None:
        super().__init__()
        self._title = title
        self._text = text
        self._queue_id = queue_id
        self._lines, self._laid_out = shown_lines(text)
        self._needle = ""
        self._found = 0  # matches of the last search
        self._searching = False  # the search box is open

    def heading(self) -> str:
        return self._title

    def compose_body(self) -> ComposeResult:
        yield Static(id="raw-info")
        yield RawView(self._lines, id="raw-view")
        yield Input(placeholder="search for… (enter: find · escape: cancel)", id="raw-search", select_on_focus=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#raw-search").display = False
        self._show_info()

    def main_widget(self) -> Widget:
        return self.query_one(RawView)

    @property
    def view(self) -> RawView:
        return self.query_one(RawView)

    @property
    def text(self) -> str:
        """The answer as it came."""
        return self._text

    @property
    def lines(self) -> list[str]:
        """What the view shows, line by line."""
        return self._lines

    def _show_info(self) -> None:
        how = "one element per line" if self._laid_out else "as received (not well-formed XML)"
        info = f"{len(self._lines):,} lines · {how} · {_size(self._text)}"
        if self._needle:
            view = self.view
            count = f"{view.match_count:,}{'+' if view.more_matches else ''}"
            if view.current_match is None:
                info += f" · no match for {visible(self._needle)!r}"
            else:
                info += f" · {visible(self._needle)!r}: match {view.current_match + 1:,} of {count}"
        self.query_one("#raw-info", Static).update(Text(info, no_wrap=True, overflow="ellipsis"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "raw_xml":
            return False  # already showing it
        if action in ("next_match", "previous_match"):
            return self._found > 0 or None
        if action in ("save_text", "open_pager"):
            return bool(self._text) or None
        if action == "find_text":
            return not self._searching  # while typing, `/` is part of what is searched for
        return super().check_action(action, parameters)

    def selected_queue_id(self) -> str | None:
        return self._queue_id

    # -- search ------------------------------------------------------------------------

    def action_find_text(self) -> None:
        search = self.query_one("#raw-search", Input)
        search.display = self._searching = True
        self.set_focus(search)  # at once, not after the keys already on their way (a paste, tmux)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._needle = event.value
        self._found = self.view.search(self._needle)
        self.action_close_search()
        self._show_info()

    def action_close_search(self) -> None:
        self.query_one("#raw-search").display = self._searching = False
        self.set_focus(self.view)
        self.refresh_bindings()

    def action_back(self) -> None:
        if self._searching:
            self.action_close_search()  # escape leaves the search box first
        else:
            super().action_back()

    def action_next_match(self) -> None:
        self.view.next_match(1)
        self._show_info()

    def action_previous_match(self) -> None:
        self.view.next_match(-1)
        self._show_info()

    # -- beyond the screen ---------------------------------------------------------------

    def action_save_text(self) -> None:
        from cqtui.tui.screens.save_dialog import SaveDialog

        def saved(path: object) -> None:
            if path is not None:
                self.notify(f"Saved {_size(self._text)} to {visible(str(path))} (mode 0600)", markup=False)

        stamp = self.app.clock.now().strftime("%Y%m%d-%H%M%S")
        self.app.push_screen(SaveDialog(self._text, file_name(self._title, stamp)), saved)

    def action_open_pager(self) -> None:
        """The pager gets the terminal as ctrl+z would leave it, and the text as shown here."""
        try:
            command = pager_command(os.environ)
        except ExportProblem as unusable:
            self.notify(str(unusable), severity="warning", markup=False)
            return
        text = "\n".join(self._lines) + "\n"
        outcome = ""
        try:
            with self.app.suspend():
                try:  # nothing may escape this block: Textual resumes the app only after a clean exit
                    status = page_text(command, text, suffix=".xml" if self._laid_out else ".txt")
                    outcome = f"{visible(command[0])} ended with status {status}" if status else ""
                except ExportProblem as failed:
                    outcome = str(failed)
        except SuspendNotSupported:
            outcome = "This terminal cannot be handed over to a pager here."
        if outcome:
            self.notify(outcome, severity="warning", markup=False)
