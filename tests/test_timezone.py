"""`timezone = "server" | "local" | "Asia/Shanghai"`: validated where it is read (file, line and key;
`--timezone`), shown by `profiles show`, and every time the TUI draws carries its zone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cqtui.emulator.data import demo_queues
from cqtui.tui.clock import FrozenClock
from cqtui.tui.stills import FROZEN_NOW
from test_profiles_cli import add_prod, config, cqtui, stored  # noqa: F401  (config: a fixture)
from tui_helpers import make_app, press, settle, static_text, status

DEMO = demo_queues()


def test_add_and_show_a_timezone(config: Path, capsys, monkeypatch) -> None:  # noqa: F811
    add_prod(capsys, monkeypatch, "--timezone", "Asia/Shanghai")
    assert stored(config)["profiles"]["prod"]["timezone"] == "Asia/Shanghai"
    code, out, _ = cqtui(capsys, monkeypatch, "profiles", "show", "-o", "json")
    assert code == 0 and json.loads(out)["timezone"] == {"value": "Asia/Shanghai", "source": "profile"}
    code, out, _ = cqtui(capsys, monkeypatch, "profiles", "show", "--timezone", "local")
    assert any(line.split() == ["timezone", "local", "--timezone"] for line in out.splitlines()), out

    code, _, _ = cqtui(capsys, monkeypatch, "profiles", "edit", "prod", "--timezone", "server")
    assert code == 0 and stored(config)["profiles"]["prod"]["timezone"] == "server"


def test_the_default_is_the_servers_own_offset(config: Path, capsys, monkeypatch) -> None:  # noqa: F811
    add_prod(capsys, monkeypatch)
    code, out, _ = cqtui(capsys, monkeypatch, "profiles", "show", "-o", "json")
    assert json.loads(out)["timezone"] == {"value": "server", "source": "default"}


def test_an_unknown_zone_in_the_file_names_file_line_and_key(config: Path, capsys, monkeypatch) -> None:  # noqa: F811
    add_prod(capsys, monkeypatch)
    config.write_text(config.read_text() + 'timezone = "Asia/Shangai"\n')
    line = config.read_text().splitlines().index('timezone = "Asia/Shangai"') + 1
    code, out, err = cqtui(capsys, monkeypatch, "queues")
    assert code == 2 and out == ""
    assert err.strip() == (
        f"cqtui: {config}:{line} [profiles.prod.timezone]: timezone 'Asia/Shangai' is not \"server\", "
        '"local" or a time zone name such as "Asia/Shanghai"; did you mean Asia/Shanghai?'
    )


def test_an_unknown_zone_on_the_command_line_names_the_option(config: Path, capsys, monkeypatch) -> None:  # noqa: F811
    add_prod(capsys, monkeypatch)
    for argv in (["queues", "--timezone", "Mars/Olympus"], ["--timezone", "/etc/passwd", "queues"]):
        code, out, err = cqtui(capsys, monkeypatch, *argv)
        assert code == 2 and out == "" and len(err.splitlines()) == 1
        assert err.startswith("cqtui: --timezone: timezone ") and "is not" in err
    code, _, err = cqtui(
        capsys, monkeypatch, "profiles", "add", "x", "--region", "ap-guangzhou", "--timezone", "Nowhere"
    )
    assert code == 2 and "--timezone: timezone 'Nowhere'" in err and "x" not in stored(config)["profiles"]


@pytest.mark.parametrize(
    "zone, created, fetched",
    [
        ("server", "2025-11-26 16:40:34 +08:00", "12:00:00 +08:00"),  # as the server sent it
        ("UTC", "2025-11-26 08:40:34 +00:00", "04:00:00 +00:00"),
        ("America/St_Johns", "2025-11-26 05:10:34 -03:30", "00:30:00 -03:30"),
    ],
)
async def test_the_detail_and_the_status_line_show_times_in_the_zone(
    emulator, emulator_credentials, zone, created, fetched
):
    app = make_app(emulator, emulator_credentials, clock=FrozenClock(FROZEN_NOW), timezone=zone)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert f"│ {fetched} 12 ms │" in status(app)
        await press(pilot, "down", "down", "enter")
        body = " ".join(static_text(app.screen.query_one("#detail-body")).split())
        assert f"UpdateTime {created} (36 days ago)" in body
        assert f"fetched {fetched}" in body
        assert f"│ {fetched} 12 ms │" in status(app)
