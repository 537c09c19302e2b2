"""A password in a URL (`https://svc:pw@host`) is shown as `***` by every command and screen.

Such an endpoint is refused wherever it is used; the point is that the refusal, the
listings and the forms never print the password while saying so.
"""

from __future__ import annotations

import json

import pytest
from textual.widgets import Input, OptionList, Static

from cqtui.cli import main, parse_args
from cqtui.emulator.data import DEMO_BUCKET
from cqtui.safetext import visible_url
from cqtui.tui.launch import app_for
from cqtui.tui.screens.profile_form import ProfileForm
from tui_helpers import SIZE, screen_plain, settle

PASSWORD = "UrlPassw0rdNeverShown"
ENDPOINT = f"https://svc:{PASSWORD}@ci.example.com"
SHOWN = "https://svc:***@ci.example.com"


@pytest.mark.parametrize(
    "url, shown",
    [
        (ENDPOINT, SHOWN),
        (f"http://u:{PASSWORD}@127.0.0.1:8080", "http://u:***@127.0.0.1:8080"),
        (f"https://{PASSWORD}@host", "https://***@host"),  # a lone user name is often a token
        (f"https://u:{PASSWORD}@host:notaport", "https://u:***@host:notaport"),  # urlsplit would raise
        (f"svc:{PASSWORD}@host", "svc:***@host"),  # no scheme
        (f"https://a:{PASSWORD}@b@host", "https://a:***@host"),  # the last @ ends the user information
        (f"https://u:{PASSWORD}\x1b[2J@host", "https://u:***@host"),
        ("https://host/a@b?c=d@e", "https://host/a@b?c=d@e"),  # an @ after the host is not user information
        ("https://ci.example.com", "https://ci.example.com"),
        ("http://127.0.0.1\x1b@", "http://***@"),
    ],
)
def test_visible_url_hides_the_password(url, shown):
    assert visible_url(url) == shown


@pytest.fixture
def config(tmp_path, emulator, monkeypatch):
    """`prod` (the default, on the emulator) and `proxied`, whose endpoint holds a password."""
    for name in ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_TOKEN", "TENCENTCLOUD_REGION"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "cfg" / "config.toml"
    path.parent.mkdir(mode=0o700)
    path.write_text(
        'default_profile = "prod"\n'
        f'[profiles.prod]\nsecret_id = "AKIDPROD000000000000"\nsecret_key = "k"\nregion = "ap-guangzhou"\n'
        f'bucket = "{DEMO_BUCKET}"\nendpoint = "{emulator.base_url}"\n'
        f'[profiles.proxied]\nsecret_id = "AKIDPROXIED000000000"\nsecret_key = "k"\nregion = "ap-guangzhou"\n'
        f'bucket = "{DEMO_BUCKET}"\nendpoint = "{ENDPOINT}"\n'
    )
    path.chmod(0o600)
    monkeypatch.setenv("CQTUI_CONFIG", str(path))
    return path


ADD = ["profiles", "add", "new", "--region", "ap-guangzhou", "--bucket", DEMO_BUCKET, "--secret-key-command", "true"]
COMMANDS = {
    "list": (["profiles", "list"], 0),
    "list-json": (["profiles", "list", "-o", "json"], 0),
    "show": (["profiles", "show", "proxied"], 0),
    "show-json": (["profiles", "show", "proxied", "-o", "json"], 0),
    "show-override": (["profiles", "show", "--endpoint", ENDPOINT], 0),
    "queues": (["queues", "-p", "proxied"], 2),
    "queues-override": (["queues", "--endpoint", ENDPOINT], 2),
    "test": (["profiles", "test", "proxied"], 2),
    "add": ([*ADD, "--endpoint", ENDPOINT], 2),
    "edit": (["profiles", "edit", "prod", "--endpoint", ENDPOINT], 2),
    "import": (
        ["profiles", "import", "env", "--bucket", DEMO_BUCKET, "--region", "ap-guangzhou", "--endpoint", ENDPOINT],
        2,
    ),
}


@pytest.mark.parametrize("command", COMMANDS)
def test_no_command_prints_the_password(command, config, capsys, monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDENV0000000000000")  # for `import env`
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", "env-key")
    args, code = COMMANDS[command]
    assert main(args) == code
    out, err = capsys.readouterr()
    assert PASSWORD not in out + err
    assert "svc:***@" in out + err  # the URL is still named, for the user to find
    if args[-2:] == ["-o", "json"]:
        json.loads(out)


async def test_the_picker_and_the_form_never_draw_the_password(config):
    app = app_for(parse_args([]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await pilot.pause()
        picker = app.screen.query_one(OptionList)
        assert SHOWN in picker.get_option_at_index(1).prompt.plain
        assert PASSWORD not in screen_plain(app)
        await pilot.press("down", "e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ProfileForm)
        assert form.query_one("#field-endpoint", Input).value == SHOWN
        problem = str(form.query_one("#problem-endpoint", Static).render())
        assert problem == f"endpoint '{SHOWN}': must not contain a user name or password"
        await pilot.press("ctrl+s")  # refused: the endpoint is still the stored one, with its password
        await pilot.pause()
        assert "Not saved" in str(form.query_one("#form-result", Static).render())
        assert PASSWORD not in screen_plain(app) + app.export_screenshot()
