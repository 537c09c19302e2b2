"""Snapshots of the main screens at 80x24 and 120x40, from the demo data with a frozen clock.

Update after a deliberate change with `pytest tests/test_tui_snapshots.py --snapshot-update`,
then look at the SVGs in tests/__snapshots__/.
"""

from __future__ import annotations

import pytest

from cqtui.tui.stills import SCENES, SIZES, stills_app, stills_emulator


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("scene", SCENES)
def test_screen(snap_compare, monkeypatch, scene, size):
    monkeypatch.delenv("NO_COLOR", raising=False)  # the pictures are in colour
    with stills_emulator() as emulator:
        app = stills_app(emulator)
        assert snap_compare(app, terminal_size=size, run_before=lambda pilot: SCENES[scene](pilot, emulator))
