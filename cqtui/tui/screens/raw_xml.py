"""A response body as it came, line by line, with control characters made visible.

Only response bodies are ever shown here: they carry no secrets.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from cqtui.safetext import visible
from cqtui.tui.screens.base import SubScreen


def literal_lines(text: str) -> Text:
    """`text` split on newlines only; every other control character shown as an escape.

    Long lines wrap (bodies often come as one line): wrapping adds no character.
    """
    if not text:
        return Text("(the answer had nothing to show here)", style="dim")
    return Text("\n".join(visible(line) for line in text.split("\n")), overflow="fold")


class RawXmlScreen(SubScreen):
    def __init__(self, title: str, text: str, *, queue_id: str | None = None) -> None:
        super().__init__()
        self._title = title
        self._text = text
        self._queue_id = queue_id

    def heading(self) -> str:
        return self._title

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="raw-scroll", can_focus=True):
            yield Static(literal_lines(self._text), id="raw-body")

    def main_widget(self) -> Widget:
        return self.query_one("#raw-scroll")

    @property
    def text(self) -> str:
        return self._text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "raw_xml":
            return False  # already showing it
        return super().check_action(action, parameters)

    def selected_queue_id(self) -> str | None:
        return self._queue_id
