"""What both cqtui apps (the TUI and the first-run form) need from the terminal they run in."""

from __future__ import annotations

import sys

from textual import on
from textual.app import App
from textual.binding import Binding
from textual.driver import Driver


class TerminalApp(App):
    BINDINGS = [
        # Textual turns off the terminal's own ctrl+z (ISIG), so without this it does nothing.
        Binding(
            "ctrl+z",
            "suspend_process",
            "Suspend",
            show=False,
            tooltip="suspend to the shell (fg resumes)",
            id="suspend",
        ),
    ]

    def get_driver_class(self) -> type[Driver]:
        if sys.platform == "win32":
            return super().get_driver_class()
        from cqtui.tui.driver import CqtuiDriver

        return CqtuiDriver

    @on(Driver.SignalResume)
    def _redraw_after_resume(self) -> None:
        # Back from ctrl+z, the alternate screen is blank, and Textual repaints only what changes next.
        self.refresh(layout=True)
