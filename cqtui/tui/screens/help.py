"""Help: every key of the screen it was opened from, with what it does right now."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from cqtui.tui.screens.base import SubScreen


def key_rows(screen: Screen) -> list[tuple[str, str, bool]]:
    """(key, what it does, usable now) for every key active on `screen`, its own keys first."""
    app = screen.app
    rows: list[tuple[int, str, str, bool]] = []
    for active in screen.active_bindings.values():
        binding = active.binding
        description = binding.tooltip or binding.description or binding.action
        # cqtui's own keys (they have ids) first, then the focused widget's, then Textual's.
        own = 0 if binding.id else 1 if active.node is screen.focused else 2
        rows.append((own, app.get_key_display(binding), description, active.enabled))
    rows.sort(key=lambda row: row[0])
    return [(key, description, enabled) for _, key, description, enabled in rows]


def key_table(rows: list[tuple[str, str, bool]]) -> Table:
    table = Table(box=None, show_edge=False, padding=(0, 2, 0, 0))
    table.add_column(Text("Key"), style="bold", no_wrap=True)
    table.add_column(Text("What it does"))
    for key, description, enabled in rows:
        what = Text(description)
        if not enabled:
            what.append(" (not available now)", style="dim")
        table.add_row(Text(key), what)
    return table


class HelpScreen(SubScreen):
    def __init__(self, source: Screen) -> None:
        super().__init__()
        self._source_title = getattr(source, "heading", lambda: "")()
        self._rows = key_rows(source)

    def heading(self) -> str:
        return f"Help · keys of {self._source_title}" if self._source_title else "Help"

    @property
    def rows(self) -> list[tuple[str, str, bool]]:
        return self._rows

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="help-scroll", can_focus=True):
            yield Static(key_table(self._rows), id="help-body")

    def main_widget(self) -> Widget:
        return self.query_one("#help-scroll")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("raw_xml", "copy_id", "help"):
            return False
        return super().check_action(action, parameters)
