"""A yes/no question; `y` confirms, `n` or escape declines."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm_yes"),
        Binding("n", "answer(False)", "No", id="confirm_no"),
        Binding("escape", "answer(False)", "No", show=False, id="back"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            # The question may quote a profile name from the file: never markup.
            yield Label(self._question, markup=False)
            yield Label("y: yes · n or escape: no", classes="dim", markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
