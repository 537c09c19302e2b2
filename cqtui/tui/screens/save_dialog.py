"""Save text to a file: the path asked (a name in the current folder offered), 0600, never
over an existing file without asking; a problem is one line in the dialog."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from cqtui.safetext import visible
from cqtui.tui.export import ExportProblem, save_private
from cqtui.tui.screens.confirm import ConfirmDialog


class SaveDialog(ModalScreen[Path | None]):
    """Dismisses with the path written, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="back")]

    def __init__(self, text: str, suggested_name: str, *, what: str = "the answer as received") -> None:
        super().__init__()
        self._text = text
        self._suggested = suggested_name
        self._what = what

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"Save {self._what} (mode 0600) to:", markup=False)
            yield Input(value=self._suggested, id="save-path", select_on_focus=False)
            yield Label(Text(f"relative to {visible(str(Path.cwd()))}", no_wrap=True, overflow="ellipsis"),
                        classes="dim", id="save-folder")  # fmt: skip
            yield Label("", id="save-problem", markup=False)
            yield Label("enter: save · escape: cancel", classes="dim", markup=False)

    def on_mount(self) -> None:
        self.query_one("#save-problem").display = False

    def _path(self) -> Path | None:
        text = self.query_one("#save-path", Input).value.strip()
        return Path.cwd() / Path(text).expanduser() if text else None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = self._path()
        if path is None:
            self._say("Not saved: give a file name.")
            return
        self._save(path, overwrite=False)

    def _save(self, path: Path, *, overwrite: bool) -> None:
        try:
            save_private(path, self._text, overwrite=overwrite)
        except FileExistsError:

            def answered(yes: bool | None) -> None:
                if yes:
                    self._save(path, overwrite=True)
                else:
                    self._say("Not saved: that file is kept; give another name.")

            self.app.push_screen(ConfirmDialog(f"{visible(str(path))} exists. Replace it?"), answered)
            return
        except ExportProblem as problem:
            self._say(f"Not saved: {problem}")
            return
        self.dismiss(path)

    def _say(self, message: str) -> None:
        label = self.query_one("#save-problem", Label)
        label.update(Text(message, style="bold"))
        label.display = True

    def action_cancel(self) -> None:
        self.dismiss(None)
