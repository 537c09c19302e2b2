"""The profile form asks before throwing changes away (escape, ctrl+c), tab lands at the end of a
field, and the picker stops at its ends. Real config files, the emulator on loopback."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, OptionList

from cqtui.tui.first_run import FirstRunApp
from cqtui.tui.screens.confirm import ConfirmDialog
from cqtui.tui.screens.profile_form import ProfileForm
from cqtui.tui.screens.profile_picker import ProfilePicker
from test_tui_profiles import edit_spare, picker_app, two_profiles  # noqa: F401  (a fixture)
from tui_helpers import SIZE, type_text


def field(app, key: str) -> Input:
    return app.screen.query_one(f"#field-{key}", Input)


async def test_escape_leaves_an_unchanged_form_at_once_and_asks_about_changes(two_profiles):  # noqa: F811
    before = two_profiles.read_text()
    app = picker_app(two_profiles)
    async with app.run_test(size=SIZE) as pilot:
        await edit_spare(pilot)
        form = app.screen
        assert isinstance(form, ProfileForm) and not form.has_unsaved_changes()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProfilePicker)  # nothing changed: no question

        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        field(app, "region").value = "ap-shanghai"
        assert form.has_unsaved_changes()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Discard the changes made in this form?" in app.screen.query("Label").first().render().plain
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is form and field(app, "region").value == "ap-shanghai"  # kept

        field(app, "region").value = "ap-beijing"  # typed back: nothing to lose
        assert not form.has_unsaved_changes()
        form.query_one("#default", Checkbox).value = True  # the checkbox counts too
        assert form.has_unsaved_changes()
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, ProfilePicker)
    assert two_profiles.read_text() == before


async def test_escape_on_a_filled_first_run_form_asks_before_quitting(tmp_path):
    path = tmp_path / "cfg" / "config.toml"
    app = FirstRunApp(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "prod")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Quit cqtui? This profile is not saved." in app.screen.query("Label").first().render().plain
        await pilot.press("y")
        await pilot.pause()
    assert app.return_value is None and not path.exists()


async def test_tab_puts_the_cursor_at_the_end_of_the_value(two_profiles):  # noqa: F811
    app = picker_app(two_profiles)
    async with app.run_test(size=SIZE) as pilot:
        await edit_spare(pilot)
        region = field(app, "region")
        assert region.has_focus  # the first field that can be edited (the name is fixed)
        await pilot.press("tab", "shift+tab")  # away and back
        assert region.has_focus and region.cursor_position == len("ap-beijing") and region.selected_text == ""
        await type_text(pilot, "-x")
        assert region.value == "ap-beijing-x"  # added to, not replaced
        await pilot.press("tab")
        bucket = field(app, "bucket")
        assert bucket.cursor_position == len(bucket.value) == len("spare-1250000000") and bucket.selected_text == ""


async def test_the_picker_stops_at_the_first_and_the_last_profile(two_profiles):  # noqa: F811
    app = picker_app(two_profiles)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("P")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert options.highlighted == 0  # prod, the current one
        await pilot.press("up")
        assert options.highlighted == 0
        await pilot.press("down", "down", "down", "down")
        assert options.highlighted == options.option_count - 1 == 2
        await pilot.press("up")
        assert options.highlighted == 1


async def test_ctrl_c_on_the_form_quits_and_asks_first_when_it_has_changes(two_profiles):  # noqa: F811
    app = picker_app(two_profiles)
    async with app.run_test(size=SIZE) as pilot:
        await edit_spare(pilot)
        await type_text(pilot, "x")
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert (
            "Quit cqtui? The changes made in this form are not saved."
            in app.screen.query("Label").first().render().plain
        )
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ProfileForm) and app.is_running
        await pilot.press("backspace", "ctrl+c")  # nothing left to lose: quits at once
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0
