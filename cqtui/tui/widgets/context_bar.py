"""The top line of every screen: what it shows, and which profile, region and bucket."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from cqtui.safetext import visible


class ContextBar(Widget):
    """Screen title on the left, `profile · region · bucket` on the right (the title gives way first)."""

    def __init__(self, title: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self._title = title

    def set_title(self, title: str) -> None:
        self._title = title
        self.refresh()

    def render(self) -> Text:
        profile = self.app.profile
        where = Text.assemble(
            ("profile ", "dim"),
            visible(profile.name),
            (" · ", "dim"),
            visible(profile.region),
            (" · ", "dim"),
            visible(profile.bucket),
        )
        width = self.size.width
        room = max(0, width - where.cell_len - 2)
        title = Text(visible(self._title), style="bold")
        title.truncate(room, overflow="ellipsis")
        gap = max(1, width - title.cell_len - where.cell_len)
        line = Text.assemble(title, " " * gap, where, no_wrap=True, overflow="ellipsis")
        return line
