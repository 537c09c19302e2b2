"""What both cqtui apps (the TUI and the first-run form) need from the terminal they run in:
the driver (tui/driver.py), ctrl+z, and a clipboard (OSC 52, through the terminal) that only
takes text safe to paste."""

from __future__ import annotations

import sys

from textual import on
from textual.app import App
from textual.binding import Binding
from textual.driver import Driver

from cqtui.safetext import paste_problem


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

    def copy_to_clipboard(self, text: str, what: str = "") -> None:
        """Every copy goes through here: `Y` (`what` names the copied thing for the notification)
        and Textual's own (an Input's ctrl+c, silent as in Textual). Text not safe to paste is
        refused, with a notification saying why (cqtui.safetext.paste_problem)."""
        problem = paste_problem(text)
        if problem is not None:
            self.notify(f"{what or 'Text'} not copied: {problem}.", severity="warning", markup=False)
            return
        super().copy_to_clipboard(text)
        if what:
            self.notify(f"Copied {what} {text}", markup=False)

    @on(Driver.SignalResume)
    def _redraw_after_resume(self) -> None:
        # Back from ctrl+z, the alternate screen is blank, and Textual repaints only what changes next.
        self.refresh(layout=True)
