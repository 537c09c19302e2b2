"""Snapshots of the profile form at 80x24: first run, and with validation problems showing."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from cqtui.tui.first_run import FirstRunApp

# Never created: the form only reads it (absent) until Save.
CONFIG = Path("/nonexistent-cqtui-snapshot/config.toml")


def test_first_run_form(snap_compare, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert snap_compare(FirstRunApp(CONFIG), terminal_size=(80, 24))


def test_form_with_problems_and_masked_secret(snap_compare, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)

    async def type_bad_values(pilot) -> None:
        screen = pilot.app.screen
        screen.query_one("#field-name", Input).value = "prod"
        screen.query_one("#field-region", Input).value = "Guangzhou"
        screen.query_one("#field-bucket", Input).value = "examplebucket"
        screen.query_one("#field-secret_id", Input).value = "AKIDSNAPSHOT00000000"
        screen.query_one("#field-secret_key", Input).value = "snapshot-secret-never-drawn"
        await pilot.pause()

    assert snap_compare(FirstRunApp(CONFIG), terminal_size=(80, 24), run_before=type_bad_values)
    svg = next((Path(__file__).parent / "__snapshots__").rglob("test_form_with_problems_and_masked_secret.svg"))
    assert "snapshot-secret-never-drawn" not in svg.read_text()
