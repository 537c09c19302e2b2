"""Snapshots at 80x24 of the profile form (first run, and with problems showing) and of the picker.

Update after a deliberate change with
`pytest tests/test_tui_profiles_snapshots.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from cqtui.cli import parse_args
from cqtui.tui.app import CqtuiApp
from cqtui.tui.clock import FrozenClock
from cqtui.tui.first_run import FirstRunApp
from cqtui.tui.launch import demo_profile
from cqtui.tui.profile_source import ConfigProfiles
from cqtui.tui.stills import FROZEN_NOW, quick_client, settle, stills_emulator

# Never created: the form only reads it (absent) until Save.
CONFIG = Path("/nonexistent-cqtui-snapshot/config.toml")
SIZE = (80, 24)
SECRET = "snapshot-secret-never-drawn"

PICKER_CONFIG = f"""\
default_profile = "prod"

[profiles.demo]
secret_id = "AKIDEMULATOR0000000000"
secret_key = "{SECRET}"
region = "ap-guangzhou"
bucket = "examplebucket-1250000000"
endpoint = "http://127.0.0.1:8765"

[profiles.prod]
secret_id = "AKIDPROD00000000000000"
secret_key_command = "pass show tencent/ci-prod"
region = "ap-shanghai"
bucket = "prod-images-1250000000"

[profiles.staging]
secret_id = "AKIDSTAGING00000000000"
secret_key = "{SECRET}"
region = "ap-beijing"
bucket = "staging-1250000000"
endpoint = "https://ci-staging.example.com"
"""


def snapshot_svg(name: str) -> str:
    return next((Path(__file__).parent / "__snapshots__").rglob(f"{name}.svg")).read_text()


def test_first_run_form(snap_compare, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert snap_compare(FirstRunApp(CONFIG), terminal_size=SIZE)


def test_form_with_problems_and_masked_secret(snap_compare, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)

    async def type_bad_values(pilot) -> None:
        screen = pilot.app.screen
        screen.query_one("#field-name", Input).value = "prod"
        screen.query_one("#field-region", Input).value = "Guangzhou"
        screen.query_one("#field-bucket", Input).value = "examplebucket"
        screen.query_one("#field-secret_id", Input).value = "AKIDSNAPSHOT00000000"
        screen.query_one("#field-secret_key", Input).value = SECRET
        screen.query_one("#field-endpoint", Input).value = "http://example.com"
        await pilot.pause()

    assert snap_compare(FirstRunApp(CONFIG), terminal_size=SIZE, run_before=type_bad_values)
    assert SECRET not in snapshot_svg("test_form_with_problems_and_masked_secret")


def test_picker(snap_compare, monkeypatch, tmp_path):
    monkeypatch.delenv("NO_COLOR", raising=False)
    path = tmp_path / "cfg" / "config.toml"
    path.parent.mkdir(mode=0o700)
    path.write_text(PICKER_CONFIG)
    path.chmod(0o600)

    async def open_picker(pilot) -> None:
        await settle(pilot)
        await pilot.press("P")
        await pilot.pause()

    with stills_emulator() as emulator:
        app = CqtuiApp(
            demo_profile(emulator.base_url),
            profiles=ConfigProfiles(parse_args(["--config", str(path)])),
            clock=FrozenClock(FROZEN_NOW),
            client_factory=quick_client,
        )
        assert snap_compare(app, terminal_size=SIZE, run_before=open_picker)
    assert SECRET not in snapshot_svg("test_picker")


def test_form_asking_before_discarding_changes(snap_compare, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)

    async def type_then_escape(pilot) -> None:
        pilot.app.screen.query_one("#field-name", Input).value = "prod"
        await pilot.press("escape")
        await pilot.pause()

    assert snap_compare(FirstRunApp(CONFIG), terminal_size=SIZE, run_before=type_then_escape)
