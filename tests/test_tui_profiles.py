"""Profile management in the TUI: first-run form, picker, add/edit validation, reveal,
test connection, delete confirmation. Real config files, the emulator on loopback."""

from __future__ import annotations

import stat
import tomllib

import pytest
from textual.widgets import Button, Input, Label, OptionList, Static

from cqtui.cli import parse_args
from cqtui.emulator.data import DEMO_BUCKET
from cqtui.tui.first_run import FirstRunApp
from cqtui.tui.launch import app_for
from cqtui.tui.screens.confirm import ConfirmDialog
from cqtui.tui.screens.profile_form import ProfileForm
from cqtui.tui.screens.profile_picker import ProfilePicker
from cqtui.tui.stills import settle
from tui_helpers import SIZE, column, make_app

KEY_ON_FILE = "file-secret-key-never-shown"


def write_config(path, emulator, credentials, *, extra: str = "") -> None:
    path.parent.mkdir(mode=0o700, exist_ok=True)
    path.write_text(
        extra + 'default_profile = "prod"\n\n'
        "[profiles.prod]\n"
        f'secret_id = "{credentials.secret_id}"\nsecret_key = "{credentials.secret_key}"\n'
        f'region = "ap-guangzhou"\nbucket = "{DEMO_BUCKET}"\nendpoint = "{emulator.base_url}"\n\n'
        "[profiles.spare]\n"
        f'secret_id = "AKIDSPARE000000000000"\nsecret_key = "{KEY_ON_FILE}"\n'
        'region = "ap-beijing"\nbucket = "spare-1250000000"\n'
    )
    path.chmod(0o600)


@pytest.fixture
def two_profiles(tmp_path, emulator, emulator_credentials):
    """A private config file with `prod` (the default, on the emulator) and `spare`."""
    path = tmp_path / "cfg" / "config.toml"
    write_config(path, emulator, emulator_credentials)
    return path


def profiles_in(path) -> dict:
    return tomllib.loads(path.read_text())["profiles"]


async def fill(pilot, **fields: str) -> None:
    for key, text in fields.items():
        pilot.app.screen.query_one(f"#field-{key}", Input).value = text
    await pilot.pause()


def problem(app, key: str) -> str:
    return str(app.screen.query_one(f"#problem-{key}", Static).render())


def result(app) -> str:
    return str(app.screen.query_one("#form-result", Static).render())


async def wait_for_result(pilot, timeout: float = 10.0) -> str:
    waited = 0.0
    while result(pilot.app).startswith("Testing") and waited < timeout:
        await pilot.pause(0.05)
        waited += 0.05
    return result(pilot.app)


def picker_message(app) -> str:
    return str(app.screen.query_one("#picker-message", Label).render())


def svg_of(app) -> str:
    return app.export_screenshot()


async def test_first_run_form_creates_a_private_file_and_the_list_loads(tmp_path, emulator, emulator_credentials):
    path = tmp_path / "cfg" / "config.toml"
    app = FirstRunApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProfileForm)
        assert app.screen.query_one("#save", Button).disabled  # nothing filled in yet
        await fill(
            pilot,
            name="first",
            region="ap-guangzhou",
            bucket=DEMO_BUCKET,
            secret_id=emulator_credentials.secret_id,
            secret_key=emulator_credentials.secret_key,
            endpoint=emulator.base_url,
        )
        assert not app.screen.query_one("#save", Button).disabled
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.return_value == "first"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    saved = tomllib.loads(path.read_text())
    assert saved["default_profile"] == "first"
    assert saved["profiles"]["first"]["endpoint"] == emulator.base_url

    listed = app_for(parse_args(["--config", str(path)]))
    async with listed.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(column(listed, "name")) == 10
        assert listed.profile.name == "first"


async def test_escape_on_the_first_run_form_writes_nothing(tmp_path):
    path = tmp_path / "cfg" / "config.toml"
    app = FirstRunApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
    assert app.return_value is None and not path.exists()


async def test_validation_as_you_type(tmp_path):
    app = FirstRunApp(tmp_path / "c" / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#field-region", Input).focus()
        await pilot.press(*"AP")
        assert "ap-guangzhou" in problem(app, "region")
        await fill(pilot, name="ok", region="ap-guangzhou", bucket="no_appid", secret_id="AKIDX", secret_key="k",
                   endpoint="http://example.com", page_size="500")
        assert problem(app, "region") == ""
        assert "BucketName-APPID" in problem(app, "bucket")
        assert "loopback" in problem(app, "endpoint")
        assert "between 1 and 100" in problem(app, "page_size")
        assert app.screen.query_one("#save", Button).disabled
        await fill(pilot, bucket="fine-1250000000", endpoint="https://ci.example.com", page_size="50")
        assert problem(app, "bucket") == problem(app, "endpoint") == problem(app, "page_size") == ""
        assert not app.screen.query_one("#save", Button).disabled


async def test_secrets_are_masked_until_revealed(tmp_path):
    app = FirstRunApp(tmp_path / "c" / "config.toml")
    secret = "reveal-me-secret-0123"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await fill(pilot, secret_key=secret)
        app.screen.query_one("#field-secret_key", Input).focus()
        await pilot.pause()
        assert secret not in svg_of(app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert secret in svg_of(app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert secret not in svg_of(app)


@pytest.mark.parametrize("good_key", [True, False], ids=["connected", "wrong-key"])
async def test_test_connection_against_the_emulator(tmp_path, emulator, emulator_credentials, good_key):
    app = FirstRunApp(tmp_path / "c" / "config.toml")
    key = emulator_credentials.secret_key if good_key else "definitely-the-wrong-key"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await fill(pilot, name="t", region="ap-guangzhou", bucket=DEMO_BUCKET,
                   secret_id=emulator_credentials.secret_id, secret_key=key, endpoint=emulator.base_url)
        await pilot.press("ctrl+t")
        text = await wait_for_result(pilot)
        assert key not in svg_of(app) and key not in text
    assert emulator.requests[-1].params["pageSize"] == "1"
    if good_key:
        assert text.startswith("Connected.") and "RequestId" in text and " ms" in text
    else:
        assert "SignatureDoesNotMatch" in text and "403" in text and "RequestId" in text


def picker_app(path):
    return app_for(parse_args(["--config", str(path)]))


async def test_picker_lists_profiles_and_switching_reloads(two_profiles, emulator_credentials):
    path = two_profiles
    app = picker_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(app.screen, ProfilePicker)
        picker = app.screen.query_one(OptionList)
        prompts = [picker.get_option_at_index(i).prompt.plain for i in range(picker.option_count)]
        assert prompts[0].startswith("*>") and "prod" in prompts[0] and DEMO_BUCKET in prompts[0]
        assert "spare" in prompts[1] and "ap-beijing" in prompts[1]
        assert KEY_ON_FILE not in svg_of(app) and emulator_credentials.secret_key not in svg_of(app)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.profile.name == "spare" and app.profile.region == "ap-beijing"


async def test_edit_keeps_unchanged_fields_and_the_secret(two_profiles, emulator_credentials):
    path = two_profiles
    app = picker_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P", "down", "e")
        await pilot.pause()
        assert isinstance(app.screen, ProfileForm)
        assert app.screen.query_one("#field-secret_key", Input).value == ""  # never pre-filled
        assert app.screen.query_one("#field-bucket", Input).value == "spare-1250000000"
        assert KEY_ON_FILE not in svg_of(app)
        await fill(pilot, page_size="20")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ProfilePicker)
    spare = profiles_in(path)["spare"]
    assert spare["page_size"] == 20 and spare["secret_key"] == KEY_ON_FILE and spare["region"] == "ap-beijing"


async def test_adding_a_duplicate_name_is_refused(two_profiles, emulator_credentials):
    path = two_profiles
    app = picker_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P", "a")
        await pilot.pause()
        await fill(pilot, name="spare")
        assert "already exists" in problem(app, "name")


async def test_delete_asks_first(two_profiles, emulator_credentials):
    path = two_profiles
    app = picker_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P", "down", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert "spare" in profiles_in(path)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert "spare" not in profiles_in(path) and "prod" in profiles_in(path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_comments_are_not_dropped_without_asking(tmp_path, emulator, emulator_credentials):
    path = tmp_path / "cfg" / "config.toml"
    write_config(path, emulator, emulator_credentials, extra="# my notes about these accounts\n")
    before = path.read_bytes()
    app = picker_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P", "down", "e")
        await pilot.pause()
        await fill(pilot, page_size="30")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert path.read_bytes() == before
        assert "nothing written" in result(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert profiles_in(path)["spare"]["page_size"] == 30


async def test_a_broken_file_is_shown_and_never_overwritten(two_profiles, emulator_credentials):
    path = two_profiles
    app = picker_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        path.write_text("[profiles.prod\nbroken = \n")
        broken = path.read_bytes()
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(app.screen, ProfilePicker)
        assert "config.toml:1" in picker_message(app)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ProfilePicker) and "config.toml:1" in picker_message(app)
        assert path.read_bytes() == broken


async def test_demo_profiles_cannot_be_edited(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await pilot.pause()
        for action in ("add_profile", "edit_profile", "delete_profile"):
            assert app.screen.check_action(action, ()) is None
        await pilot.press("a", "d")
        await pilot.pause()
        assert isinstance(app.screen, ProfilePicker)
