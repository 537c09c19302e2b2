"""Profile management in the TUI: first-run form, picker, add/edit validation, reveal,
test connection, delete confirmation. Real config files, the emulator on loopback."""

from __future__ import annotations

import stat
import tomllib

import pytest
from textual import events
from textual.widgets import Button, Input, Label, OptionList, Static

from cqtui.ci.timing import Timeouts
from cqtui.cli import parse_args
from cqtui.emulator.data import DEMO_BUCKET
from cqtui.tui.first_run import FirstRunApp
from cqtui.tui.launch import app_for
from cqtui.tui.screens.confirm import ConfirmDialog
from cqtui.tui.screens.profile_form import ProfileForm
from cqtui.tui.screens.profile_picker import ProfilePicker
from cqtui.tui.screens.queue_list import QueueListScreen
from cqtui.tui.stills import settle
from tui_helpers import SIZE, column, make_app, type_text, until

KEY_ON_FILE = "file-secret-key-never-shown"
TOKEN_ON_FILE = "file-session-token-never-shown"
SPARE_ID = "AKIDSPARE000000000000"


def write_config(path, emulator, credentials, *, extra: str = "", spare_extra: str = "") -> None:
    path.parent.mkdir(mode=0o700, exist_ok=True)
    path.write_text(
        extra + 'default_profile = "prod"\n\n'
        "[profiles.prod]\n"
        f'secret_id = "{credentials.secret_id}"\nsecret_key = "{credentials.secret_key}"\n'
        f'region = "ap-guangzhou"\nbucket = "{DEMO_BUCKET}"\nendpoint = "{emulator.base_url}"\n\n'
        "[profiles.spare]\n"
        f'secret_id = "{SPARE_ID}"\nsecret_key = "{KEY_ON_FILE}"\n'
        f'region = "ap-beijing"\nbucket = "spare-1250000000"\nendpoint = "{emulator.base_url}"\n'
        + spare_extra
        + "\n[profiles.unused]\n"  # never switched to: it points at the real service
        'secret_id = "AKIDUNUSED00000000000"\nsecret_key = "unused-key"\n'
        'region = "ap-shanghai"\nbucket = "unused-1250000000"\n'
    )
    path.chmod(0o600)


@pytest.fixture
def two_profiles(tmp_path, emulator, emulator_credentials):
    """A private config file with `prod` (the default, on the emulator), `spare` (on the
    emulator with a key it does not know) and `unused`."""
    path = tmp_path / "cfg" / "config.toml"
    write_config(path, emulator, emulator_credentials)
    return path


def profiles_in(path) -> dict:
    return tomllib.loads(path.read_text())["profiles"]


async def fill(pilot, **fields: str) -> None:
    for key, text in fields.items():
        pilot.app.screen.query_one(f"#field-{key}", Input).value = text
    await pilot.pause()


async def save(pilot) -> None:
    """ctrl+s in the form, and let the write and the screen change happen."""
    await pilot.press("ctrl+s")
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
        await save(pilot)
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
        await fill(
            pilot,
            name="ok",
            region="ap-guangzhou",
            bucket="no_appid",
            secret_id="AKIDX",
            secret_key="k",
            endpoint="http://example.com",
            page_size="500",
        )
        assert problem(app, "region") == ""
        assert "BucketName-APPID" in problem(app, "bucket")
        assert "loopback" in problem(app, "endpoint")
        assert "between 1 and 100" in problem(app, "page_size")
        assert app.screen.query_one("#save", Button).disabled
        await fill(pilot, bucket="fine-1250000000", endpoint="https://ci.example.com", page_size="50")
        assert problem(app, "bucket") == problem(app, "endpoint") == problem(app, "page_size") == ""
        assert not app.screen.query_one("#save", Button).disabled


async def type_secret_key(pilot, secret: str) -> Input:
    """A fresh first-run form with `secret` typed as the SecretKey, that field focused."""
    await pilot.pause()
    await fill(pilot, secret_key=secret)
    field = pilot.app.screen.query_one("#field-secret_key", Input)
    field.focus()
    await pilot.pause()
    return field


async def test_keys_arriving_in_one_burst_go_to_the_field_tab_moved_to(tmp_path):
    """A laggy SSH link or a paste delivers `a<tab>bc<tab>d` at once: each part lands in its own field."""
    app = FirstRunApp(tmp_path / "c" / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key, character in [("a", "a"), ("tab", None), ("b", "b"), ("c", "c"), ("tab", None), ("d", "d")]:
            app.post_message(events.Key(key, character))  # all queued before the first is handled

        def values() -> list[str]:
            return [app.screen.query_one(f"#field-{key}", Input).value for key in ("name", "region", "bucket")]

        await until(pilot, lambda: values() == ["a", "bc", "d"])  # wrong fields never get there
        assert values() == ["a", "bc", "d"]


async def test_secrets_are_masked_until_revealed(tmp_path):
    app = FirstRunApp(tmp_path / "c" / "config.toml")
    secret = "reveal-me-secret-0123"
    async with app.run_test(size=SIZE) as pilot:
        await type_secret_key(pilot, secret)
        assert secret not in svg_of(app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert secret in svg_of(app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert secret not in svg_of(app)


async def test_a_masked_secret_is_never_copied_to_the_clipboard(tmp_path):
    app = FirstRunApp(tmp_path / "c" / "config.toml")
    secret = "copy-me-not-secret-0123"
    async with app.run_test(size=SIZE) as pilot:
        field = await type_secret_key(pilot, secret)
        await pilot.press("ctrl+shift+a", "ctrl+x")
        await pilot.pause()
        assert secret not in app.clipboard
        assert field.value == secret  # cut removed nothing
        await pilot.press("ctrl+shift+a", "ctrl+c")  # ctrl+c is quit here, never copy: asked first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and secret not in app.clipboard
        await pilot.press("n")
        await pilot.press("ctrl+r", "ctrl+shift+a", "ctrl+x")  # revealed: the user sees what is cut
        await pilot.pause()
        assert app.clipboard == secret


@pytest.mark.parametrize("good_key", [True, False], ids=["connected", "wrong-key"])
async def test_test_connection_against_the_emulator(tmp_path, emulator, emulator_credentials, good_key):
    app = FirstRunApp(tmp_path / "c" / "config.toml")
    key = emulator_credentials.secret_key if good_key else "definitely-the-wrong-key"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await fill(
            pilot,
            name="t",
            region="ap-guangzhou",
            bucket=DEMO_BUCKET,
            secret_id=emulator_credentials.secret_id,
            secret_key=key,
            endpoint=emulator.base_url,
        )
        await pilot.press("ctrl+t")
        text = await wait_for_result(pilot)
        assert key not in svg_of(app) and key not in text
    assert emulator.requests[-1].params["pageSize"] == "1"
    if good_key:
        assert text.startswith("Connected.") and "RequestId" in text and " ms" in text
    else:
        assert "SignatureDoesNotMatch" in text and "403" in text and "RequestId" in text


async def test_test_connection_waits_no_longer_than_the_timeout_option(tmp_path, emulator, emulator_credentials):
    emulator.latency_ms = 1500
    app = FirstRunApp(tmp_path / "c" / "config.toml", timeouts=Timeouts.waiting(0.3))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await fill(
            pilot,
            name="t",
            region="ap-guangzhou",
            bucket=DEMO_BUCKET,
            secret_id=emulator_credentials.secret_id,
            secret_key=emulator_credentials.secret_key,
            endpoint=emulator.base_url,
        )
        await pilot.press("ctrl+t")
        text = await wait_for_result(pilot)
    assert "ReadTimeout" in text, text


async def edit_spare(pilot) -> None:
    """From the list: the profile picker, then the edit form of `spare` (second in the list)."""
    await settle(pilot)
    await pilot.press("P", "down", "e")
    await pilot.pause()


def picker_app(path):
    return app_for(parse_args(["--config", str(path)]))


async def test_picker_lists_profiles_and_switching_reloads(two_profiles, emulator, emulator_credentials):
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
        assert "unused" in prompts[2] and "the bucket's CI host" in prompts[2]
        assert KEY_ON_FILE not in svg_of(app) and emulator_credentials.secret_key not in svg_of(app)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.profile.name == "spare" and app.profile.region == "ap-beijing"
        assert f"q-ak={SPARE_ID}" in emulator.requests[-1].headers["authorization"]
        assert "spare · ap-beijing · spare-1250000000" in app.screen.query_one("#context").render().plain


async def test_edit_keeps_unchanged_fields_and_the_secret(tmp_path, emulator, emulator_credentials):
    # The form shows the stored tab made visible: saved untouched, the file keeps the tab.
    path = tmp_path / "cfg" / "config.toml"
    write_config(path, emulator, emulator_credentials, spare_extra='secret_key_command = "pass\\tshow cqtui/spare"\n')
    app = picker_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await edit_spare(pilot)
        assert isinstance(app.screen, ProfileForm)
        assert app.screen.query_one("#field-secret_key", Input).value == ""  # never pre-filled
        assert app.screen.query_one("#field-bucket", Input).value == "spare-1250000000"
        assert app.screen.query_one("#field-secret_key_command", Input).value == "pass\\x09show cqtui/spare"
        assert KEY_ON_FILE not in svg_of(app)
        await fill(pilot, page_size="20")
        await save(pilot)
        assert isinstance(app.screen, ProfilePicker)
    spare = profiles_in(path)["spare"]
    assert spare["page_size"] == 20 and spare["secret_key"] == KEY_ON_FILE and spare["region"] == "ap-beijing"
    assert spare["secret_key_command"] == "pass\tshow cqtui/spare"


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
        await edit_spare(pilot)
        await fill(pilot, page_size="30")
        await save(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert path.read_bytes() == before
        assert "nothing written" in result(app)
        await save(pilot)
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


async def test_first_run_form_works_from_the_keyboard_alone(tmp_path, emulator, emulator_credentials):
    path = tmp_path / "cfg" / "config.toml"
    app = FirstRunApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # Short values typed key by key; long ones pasted, as people paste keys and URLs.
        await type_text(pilot, "keys")
        await pilot.press("enter")  # moves on, like tab
        assert app.screen.focused.id == "field-region"
        await type_text(pilot, "ap-guangzhou")
        await pilot.press("tab")
        for text in (DEMO_BUCKET, emulator_credentials.secret_id, emulator_credentials.secret_key, "", "",
                     emulator.base_url):  # fmt: skip
            app.screen.focused.post_message(events.Paste(text))
            await pilot.press("tab")
        assert emulator_credentials.secret_key not in svg_of(app)
        await pilot.press("ctrl+t")
        assert (await wait_for_result(pilot)).startswith("Connected.")
        await save(pilot)
    assert app.return_value == "keys"
    saved = profiles_in(path)["keys"]
    assert saved["secret_key"] == emulator_credentials.secret_key and saved["endpoint"] == emulator.base_url


async def test_the_test_result_is_on_screen_wherever_the_focus_is(tmp_path, emulator, emulator_credentials):
    app = FirstRunApp(tmp_path / "c" / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await fill(pilot, name="t", region="ap-guangzhou", bucket=DEMO_BUCKET,
                   secret_id=emulator_credentials.secret_id, secret_key=emulator_credentials.secret_key,
                   endpoint=emulator.base_url)  # fmt: skip
        app.screen.query_one("#field-name", Input).focus()
        await pilot.press("ctrl+t")
        await wait_for_result(pilot)
        shown = app.screen.query_one("#form-result", Static)
        assert shown.display and shown.region.height > 0 and shown.region.bottom <= SIZE[1]
        assert "RequestId" in app.export_screenshot()  # drawn, not just stored


async def test_every_field_and_the_buttons_fit_in_80x24(tmp_path):
    app = FirstRunApp(tmp_path / "c" / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#form").max_scroll_y == 0
        for widget in (*screen.query(Input), screen.query_one("#save", Button), screen.query_one("#default")):
            assert widget.region.height > 0 and widget.region.bottom <= SIZE[1] - 1, widget


async def test_editing_the_profile_in_use_reloads_it(two_profiles, emulator, emulator_credentials):
    app = picker_app(two_profiles)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P", "e")
        await pilot.pause()
        assert isinstance(app.screen, ProfileForm)
        assert app.screen.query_one("#default").disabled  # it is the default; another profile takes that over
        await fill(pilot, page_size="20")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueListScreen)
        assert app.profile.page_size == 20 and len(column(app, "name")) == 20
        assert emulator.requests[-1].params["pageSize"] == "20"


async def test_an_edit_test_connection_uses_the_stored_key(two_profiles, emulator, emulator_credentials):
    app = picker_app(two_profiles)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P", "e")
        await pilot.pause()
        assert app.screen.query_one("#field-secret_key", Input).value == ""
        await pilot.press("ctrl+t")
        assert (await wait_for_result(pilot)).startswith("Connected.")
        assert emulator_credentials.secret_key not in svg_of(app)


async def test_a_new_key_drops_the_stored_token_and_an_empty_one_keeps_both(tmp_path, emulator, emulator_credentials):
    path = tmp_path / "cfg" / "config.toml"
    write_config(path, emulator, emulator_credentials, spare_extra=f'token = "{TOKEN_ON_FILE}"\n')
    app = picker_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await edit_spare(pilot)
        assert "a new key or SecretId drops it" in app.screen.query_one("#field-token", Input).placeholder
        await fill(pilot, refresh_seconds="15")
        await save(pilot)
        spare = profiles_in(path)["spare"]
        assert (spare["secret_key"], spare["token"], spare["refresh_seconds"]) == (KEY_ON_FILE, TOKEN_ON_FILE, 15)

        await pilot.press("e")
        await pilot.pause()
        await fill(pilot, secret_key="a-brand-new-permanent-key")
        await save(pilot)
        spare = profiles_in(path)["spare"]
        assert spare["secret_key"] == "a-brand-new-permanent-key" and "token" not in spare


async def test_a_new_key_command_replaces_the_stored_key(two_profiles):
    app = picker_app(two_profiles)
    async with app.run_test(size=SIZE) as pilot:
        await edit_spare(pilot)
        await fill(pilot, secret_key="typed-key", secret_key_command="pass show ci")
        assert "not both" in problem(app, "secret_key_command")
        assert app.screen.query_one("#save", Button).disabled
        await fill(pilot, secret_key="")
        await save(pilot)
    spare = profiles_in(two_profiles)["spare"]
    assert spare["secret_key_command"] == "pass show ci" and "secret_key" not in spare


async def test_saving_over_a_file_broken_meanwhile_names_line_and_column(two_profiles):
    path = two_profiles
    app = picker_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await edit_spare(pilot)
        path.write_text('default_profile = "prod"\n[profiles.spare\n')
        broken = path.read_bytes()
        await fill(pilot, page_size="20")
        await save(pilot)
        assert isinstance(app.screen, ProfileForm)
        said = result(app)
        assert said.startswith("Not saved") and "config.toml:2" in said and "column" in said
    assert path.read_bytes() == broken


async def test_deleting_the_default_says_to_pick_another(two_profiles):
    app = picker_app(two_profiles)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P", "d")
        await pilot.pause()
        question = str(app.screen.query_one(Label).render())
        assert "'prod'" in question and "profile in use" in question
        await pilot.press("y")
        await pilot.pause()
        assert "It was the default" in picker_message(app)
    assert "prod" not in profiles_in(two_profiles)
    assert "default_profile" not in tomllib.loads(two_profiles.read_text())


async def test_demo_picker_says_why_it_cannot_edit(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await pilot.pause()
        hint = app.screen.query(Label).last()
        assert "--demo writes no config file" in str(hint.render()) and hint.region.height == 2


SECRETS = ("typed-secret-key-0001", "typed-session-token-0002", KEY_ON_FILE, TOKEN_ON_FILE)


async def test_no_profile_screen_ever_draws_a_secret(tmp_path, emulator, emulator_credentials):
    """Every screen of profile management, exported as SVG, grepped for every secret in play."""
    path = tmp_path / "cfg" / "config.toml"
    write_config(path, emulator, emulator_credentials, spare_extra=f'token = "{TOKEN_ON_FILE}"\n')
    app = picker_app(path)
    shots: dict[str, str] = {}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await pilot.pause()
        shots["picker"] = svg_of(app)
        await pilot.press("a")
        await pilot.pause()
        await fill(pilot, name="new", region="ap-guangzhou", bucket=DEMO_BUCKET, secret_id=SPARE_ID,
                   secret_key=SECRETS[0], token=SECRETS[1], endpoint=emulator.base_url)  # fmt: skip
        shots["add form, filled"] = svg_of(app)
        await pilot.press("ctrl+t")
        shots["add form, test failed"] = svg_of(app) + await wait_for_result(pilot)
        await pilot.press("escape")  # the form has changes: asked first
        await pilot.pause()
        shots["discard question"] = svg_of(app)
        await pilot.press("y", "down", "e")
        await pilot.pause()
        shots["edit form"] = svg_of(app)
        await pilot.press("ctrl+t")
        shots["edit form, test failed"] = svg_of(app) + await wait_for_result(pilot)
        await pilot.press("escape", "d")
        await pilot.pause()
        shots["delete dialog"] = svg_of(app)
    for name, svg in shots.items():
        for secret in SECRETS:
            assert secret not in svg, f"a secret on the {name} screen"
