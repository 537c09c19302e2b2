"""Write the config file from the TUI, asking first when the rewrite would drop comments."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.app import App

from cqtui.ci.errors import ConfigError
from cqtui.profiles import store
from cqtui.profiles.errors import CommentsWouldBeLost
from cqtui.safetext import visible
from cqtui.tui.screens.confirm import ConfirmDialog

Change = Callable[[dict[str, Any]], object]  # what it returns is ignored
Done = Callable[[ConfigError | None], None]


def write_config(app: App, path: Path, change: Change, done: Done) -> None:
    """Apply `change` with the store's safe-write rules, then call `done(problem or None)`."""

    def attempt(allow_comment_loss: bool) -> None:
        try:
            store.edit_config(path, change, allow_comment_loss=allow_comment_loss)
        except CommentsWouldBeLost as lost:
            question = (
                f"{lost.comment_lines} comment line(s) in {visible(str(path))} will be lost "
                "when cqtui rewrites the file. Write it anyway?"
            )
            app.push_screen(ConfirmDialog(question), lambda yes: attempt(True) if yes else done(_kept()))
            return
        except ConfigError as problem:
            done(problem)
            return
        done(None)

    attempt(False)


def _kept() -> ConfigError:
    return ConfigError("nothing written: the file and its comments are as they were")
