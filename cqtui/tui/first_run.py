"""The first run: no profile anywhere, so the only screen is the form that creates one."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from cqtui.ci.timing import Timeouts
from cqtui.tui.crash import NoLocalsOnCrash
from cqtui.tui.screens.profile_form import ProfileForm
from cqtui.tui.terminal_app import TerminalApp


class FirstRunForm(ProfileForm):
    # Nothing to go back to: leaving the form leaves cqtui.
    BINDINGS = [Binding("escape", "cancel", "Quit", id="back")]
    CANCEL_QUESTION = "Quit cqtui? This profile is not saved."


class FirstRunApp(TerminalApp, NoLocalsOnCrash, App[str | None]):
    """Exits with the new profile's name, or None when the user leaves the form."""

    CSS_PATH = "cqtui.tcss"
    TITLE = "cqtui"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, path: Path, *, timeouts: Timeouts = Timeouts()) -> None:
        super().__init__()
        self._path = path
        self.timeouts = timeouts

    def on_mount(self) -> None:
        self.push_screen(FirstRunForm(self._path, first_run=True, timeouts=self.timeouts), self.exit)
