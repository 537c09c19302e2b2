"""The `/` dialog: type queue ids, comma-separated; empty shows every queue again."""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

ID_SEPARATORS = re.compile(r"[,\s]+")


def parse_queue_ids(text: str) -> tuple[str, ...]:
    """Ids in the order typed, without blanks or repeats."""
    return tuple(dict.fromkeys(part for part in ID_SEPARATORS.split(text) if part))


class LookupDialog(ModalScreen[tuple[str, ...] | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="back")]

    def __init__(self, current: tuple[str, ...]) -> None:
        super().__init__()
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Look up queue ids (comma-separated; empty shows all queues)", markup=False)
            yield Input(value=",".join(self._current), placeholder="p0123…,p4567…", id="queue-ids")
            yield Label("enter: look up · escape: cancel", classes="dim", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(parse_queue_ids(event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
