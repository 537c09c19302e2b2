"""The `P` dialog: pick a profile from the config file (in --demo, just "demo")."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from cqtui.safetext import visible


class ProfilePicker(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="back")]

    def __init__(self, names: list[str], current: str) -> None:
        super().__init__()
        self._names = names
        self._current = current

    def compose(self) -> ComposeResult:
        options = [
            Option(Text(visible(name) + ("  (current)" if name == self._current else "")), id=str(index))
            for index, name in enumerate(self._names)
        ]
        with Vertical(id="dialog"):
            yield Label("Switch profile", markup=False)
            yield OptionList(*options, id="profiles")
            yield Label("enter: switch · escape: cancel", classes="dim", markup=False)

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        if self._current in self._names:
            picker.highlighted = self._names.index(self._current)
        picker.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._names[int(event.option.id)])

    def action_cancel(self) -> None:
        self.dismiss(None)
