"""The `P` dialog: switch, add, edit or delete profiles (in --demo, just "demo", read-only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from cqtui.ci.errors import ConfigError
from cqtui.profiles import document
from cqtui.safetext import visible, visible_url
from cqtui.textwidth import fit
from cqtui.tui.config_writes import write_config
from cqtui.tui.profile_source import ProfileRow, ProfileSource
from cqtui.tui.screens.confirm import ConfirmDialog
from cqtui.tui.screens.profile_form import ProfileForm

if TYPE_CHECKING:
    from textual import getters

    from cqtui.tui.app import CqtuiApp

EDITING_ACTIONS = {"add_profile", "edit_profile", "delete_profile"}


def row_text(row: ProfileRow, current: str) -> Text:
    """Two lines: marks, name, region and bucket; then the endpoint, which may be long."""
    marks = ("*" if row.is_default else " ") + (">" if row.name == current else " ")
    first = f"{marks} {fit(visible(row.name), 10)} {fit(visible(row.region), 14)} {visible(row.bucket)}"
    where = visible_url(row.endpoint) if row.endpoint else "the bucket's CI host (https)"
    return Text.assemble(first, "\n", (f"   {where}", "dim"))


class ProfileList(OptionList):
    """The picker's list: the cursor stops at the first and the last profile instead of wrapping."""

    def action_cursor_up(self) -> None:
        if self.highlighted != 0:
            super().action_cursor_up()

    def action_cursor_down(self) -> None:
        if self.highlighted is None or self.highlighted < self.option_count - 1:
            super().action_cursor_down()


class ProfilePicker(ModalScreen[str | None]):
    """Dismisses with the profile to switch to, or None."""

    if TYPE_CHECKING:
        app = getters.app(CqtuiApp)

    BINDINGS = [
        Binding("a", "add_profile", "Add", id="add_profile"),
        Binding("e", "edit_profile", "Edit", id="edit_profile"),
        Binding("d", "delete_profile", "Delete", id="delete_profile"),
        Binding("escape", "cancel", "Cancel", id="back"),
    ]

    def __init__(self, source: ProfileSource, current: str) -> None:
        super().__init__()
        self._source = source
        self._current = current
        self._rows: list[ProfileRow] = []
        self._problem = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Profiles  (* default, > current)", markup=False)
            yield ProfileList(*self._options(), id="profiles")
            yield Label("", id="picker-message", markup=False)
            hint = "enter: switch · a: add · e: edit · d: delete · escape: close"
            if self._source.path is None:
                hint = "enter: switch · escape: close\n--demo writes no config file: add, edit and delete are off"
            yield Label(hint, classes="dim", markup=False)

    def _options(self) -> list[Option]:
        try:
            self._rows = self._source.rows()
            self._problem = ""
        except ConfigError as problem:
            self._rows = []
            self._problem = str(problem)
        return [Option(row_text(row, self._current)) for row in self._rows]

    def on_mount(self) -> None:
        self._say(self._problem)
        self._highlight(self._current)
        self.query_one(OptionList).focus()

    def reload(self, highlight: str | None = None) -> None:
        picker = self.query_one(OptionList)
        picker.clear_options()
        picker.add_options(self._options())
        if self._problem:
            self._say(self._problem)
        self.call_after_refresh(self._highlight, highlight or self._current)

    def _highlight(self, name: str) -> None:
        names = [row.name for row in self._rows]
        picker = self.query_one(OptionList)
        picker.highlighted = names.index(name) if name in names else (0 if names else None)
        self.refresh_bindings()

    def _say(self, message: str) -> None:
        self.query_one("#picker-message", Label).update(Text(visible(message)))

    def _selected(self) -> str | None:
        index = self.query_one(OptionList).highlighted
        return self._rows[index].name if index is not None and index < len(self._rows) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in EDITING_ACTIONS and self._source.path is None:
            return None  # --demo writes no file
        if action in ("edit_profile", "delete_profile") and self.is_mounted and self._selected() is None:
            return None
        return True

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.refresh_bindings()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._rows[event.option_index].name)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_add_profile(self) -> None:
        self._open_form(None)

    def action_edit_profile(self) -> None:
        self._open_form(self._selected())

    def _open_form(self, name: str | None) -> None:
        assert self._source.path is not None
        try:
            form = ProfileForm(self._source.path, name, timeouts=self.app.timeouts)
        except ConfigError as problem:  # a broken file is shown, never rewritten
            self._say(str(problem))
            return
        self.app.push_screen(form, self._form_closed)

    def _form_closed(self, saved: str | None) -> None:
        if saved is None:
            return
        if saved == self._current:
            self.dismiss(saved)  # the profile in use changed: the app re-reads it and reloads
        else:
            self._say(f"Saved profile {saved}.")
            self.reload(saved)

    def action_delete_profile(self) -> None:
        name = self._selected()
        if name is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(name)

        self.app.push_screen(ConfirmDialog(self._delete_question(name)), answered)

    def _delete_question(self, name: str) -> str:
        question = f"Delete profile {visible(name)!r} from {visible(str(self._source.path))}?"
        if name == self._current:
            question += "\nIt is the profile in use: cqtui keeps using it until you switch."
        return question

    def _delete(self, name: str) -> None:
        assert self._source.path is not None
        was_default = any(row.name == name and row.is_default for row in self._rows)

        def done(problem: ConfigError | None) -> None:
            if problem is not None:
                self._say(f"Not deleted: {problem}")
            elif was_default:
                self._say(f"Deleted profile {name}. It was the default: make another one the default (e).")
            else:
                self._say(f"Deleted profile {name}.")
            self.reload()

        write_config(self.app, self._source.path, lambda data: document.remove_profile(data, name), done)
