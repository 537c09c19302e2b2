"""What both cqtui apps (the TUI and the first-run form) need from the terminal they run in."""

from __future__ import annotations

import sys

from textual.app import App
from textual.driver import Driver


class TerminalApp(App):
    def get_driver_class(self) -> type[Driver]:
        if sys.platform == "win32":
            return super().get_driver_class()
        from cqtui.tui.driver import CqtuiDriver

        return CqtuiDriver
