"""The `cqtui` program (cqtui.cli.run) starts with the cyclic GC off: what runs for long turns it on."""

from __future__ import annotations

import gc

import pytest

import cqtui.commands.emulator
import cqtui.tui.first_run
from cqtui.cli import main
from tui_helpers import make_app, settle


@pytest.fixture
def collector_paused():
    """The state run() leaves for main(); restored afterwards for the rest of the tests."""
    gc.disable()
    yield
    gc.enable()


def test_the_emulator_collects_garbage(collector_paused, monkeypatch):
    seen = []
    monkeypatch.setattr(cqtui.commands.emulator, "run", lambda args: seen.append(gc.isenabled()) or 0)
    assert main(["emulator"]) == 0
    assert seen == [True]


def test_the_first_run_form_collects_garbage(collector_paused, monkeypatch, tmp_path):
    seen = []
    monkeypatch.setattr(cqtui.tui.first_run.FirstRunApp, "run", lambda app: seen.append(gc.isenabled()))
    monkeypatch.delenv("TENCENTCLOUD_SECRET_ID", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    assert main(["--config", str(tmp_path / "none.toml")]) == 2  # the form (stubbed) saved nothing
    assert seen == [True]


async def test_the_tui_collects_once_its_first_screen_is_drawn(collector_paused, emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert gc.isenabled() and gc.get_freeze_count() > 0
