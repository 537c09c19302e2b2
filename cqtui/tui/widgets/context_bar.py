"""The top line of every screen: what it shows, and which profile, region and bucket."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widget import Widget

from cqtui.safetext import visible, visible_url

if TYPE_CHECKING:
    from textual import getters

    from cqtui.tui.app import CqtuiApp

TITLE_ROOM = 24


class ContextBar(Widget):
    """Screen title on the left, `profile · region · bucket [· via proxy]` on the right (the title gives way first)."""

    if TYPE_CHECKING:
        app = getters.app(CqtuiApp)

    def __init__(self, title: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self._title = title
        self._profile: object = None

    def show_profile(self, profile: object) -> None:
        """Redraw when the app switched to another profile (not on every page)."""
        if profile is not self._profile:
            self._profile = profile
            self.refresh()

    def set_title(self, title: str) -> None:
        self._title = title
        self.refresh()

    def render(self) -> Text:
        profile = self.app.profile
        where = Text.assemble(
            visible(profile.name), (" · ", "dim"), visible(profile.region), (" · ", "dim"), visible(profile.bucket)
        )
        proxy = profile.proxy_in_use
        if proxy:  # host:port is enough to tell which; the password is masked all the same
            where.append_text(Text.assemble((" · via ", "dim"), visible_url(proxy).removeprefix("http://")))
        title = Text(visible(self._title), style="bold")
        width = self.content_size.width
        # The "profile" label is the first thing to go when the title needs the room.
        if width - where.cell_len - len("profile ") - 2 >= min(title.cell_len, TITLE_ROOM):
            where = Text.assemble(("profile ", "dim"), where)
        title.truncate(max(0, width - where.cell_len - 2), overflow="ellipsis")
        gap = max(1, width - title.cell_len - where.cell_len)
        return Text.assemble(title, " " * gap, where, no_wrap=True, overflow="ellipsis")
