"""A crash outside a worker prints a traceback without local variables (they may hold secrets)."""

import pytest
from textual.app import App
from textual.binding import Binding

from cqtui.tui.crash import NoLocalsOnCrash

SECRET = "crash-secret-key-0123456789"


class Crashing(NoLocalsOnCrash, App[None]):
    BINDINGS = [Binding("x", "crash", "crash")]

    def action_crash(self) -> None:
        secret_key = SECRET  # what Textual's default traceback would print
        raise RuntimeError(f"boom after using a key of {len(secret_key)} characters")


async def test_crash_traceback_names_the_error_but_shows_no_locals(capsys):
    app = Crashing()
    with pytest.raises(RuntimeError):
        async with app.run_test() as pilot:
            await pilot.press("x")
            await pilot.pause()
    text = capsys.readouterr().err
    assert "RuntimeError" in text and "boom after using a key" in text
    assert SECRET not in text
