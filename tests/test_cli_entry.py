"""The `cqtui` program (cqtui.cli.run): the cyclic GC is paused only for one-shot commands."""

from __future__ import annotations

import gc

import pytest

import cqtui.commands.emulator
import cqtui.tui.launch
from cqtui.cli import main


@pytest.fixture
def collector_paused():
    """The state run() leaves for main(); restored afterwards for the rest of the tests."""
    gc.disable()
    yield
    gc.enable()


@pytest.mark.parametrize(
    ("argv", "module", "attribute"),
    [([], cqtui.tui.launch, "run_tui"), (["emulator"], cqtui.commands.emulator, "run")],
    ids=["tui", "emulator"],
)
def test_what_runs_for_long_collects_garbage(collector_paused, monkeypatch, argv, module, attribute):
    seen = []
    monkeypatch.setattr(module, attribute, lambda args: seen.append(gc.isenabled()) or 0)
    assert main(argv) == 0
    assert seen == [True]
