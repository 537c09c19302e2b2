"""The error panel's keys do what it says on every screen: `Y` its RequestId, `y` its own answer, `r` asks again."""

from __future__ import annotations

import pytest

from cqtui.emulator.data import demo_queues
from cqtui.tui.screens.help import HelpScreen
from cqtui.tui.screens.notify_config import NotifyConfigScreen
from cqtui.tui.screens.queue_detail import QueueDetailScreen
from cqtui.tui.screens.queue_list import QueueListScreen
from cqtui.tui.screens.raw_xml import RawXmlScreen
from cqtui.tui.widgets.error_panel import ErrorPanel
from tui_helpers import SIZE, error_text, make_app, press, settle

DEMO = demo_queues()

# screen -> keys that open it from the list while the list shows an error, its class
SCREENS = {
    "list": ((), QueueListScreen),
    "detail": (("enter",), QueueDetailScreen),
    "notify": (("c",), NotifyConfigScreen),
    "raw view": (("escape", "y"), RawXmlScreen),  # the page's: the panel hidden first, else `y` is the error's
    "help": (("question_mark",), HelpScreen),
}


def panel(app) -> ErrorPanel:
    return app.screen.query_one(ErrorPanel)


@pytest.mark.parametrize("where", SCREENS)
async def test_retry_copy_and_answer_of_the_error_on_every_screen(emulator, emulator_credentials, where):
    keys, screen_class = SCREENS[where]
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "n")  # page 2, so a retry's page number tells
        page_xml = app.listing.page.raw_xml
        emulator.set_fault("access_denied")
        await press(pilot, "r", *keys)
        screen = app.screen
        assert isinstance(screen, screen_class) and "AccessDenied" in error_text(app)

        sent = len(emulator.requests)
        await press(pilot, "r")  # every screen that shows the panel's "r retry" asks again
        assert len(emulator.requests) == sent + 1
        assert emulator.requests[-1].params == {"pageNumber": "2", "pageSize": "10"}
        error = app.listing.error
        assert error.code == "AccessDenied" and error.request_id
        assert "r retry" in error_text(app) and app.screen is screen
        if where == "raw view":  # the text keeps the focus there; tab reaches the panel
            assert not panel(app).has_focus and "tab: focus this panel" in error_text(app)
            await press(pilot, "tab")
        assert panel(app).has_focus
        assert "r retry · Y copy RequestId · y answer · esc hide" in error_text(app)

        await press(pilot, "Y")
        assert app.clipboard == error.request_id
        await press(pilot, "y")
        assert isinstance(app.screen, RawXmlScreen) and app.screen is not screen
        assert app.screen.text == error.answer != page_xml  # the error's own answer, not the page behind it
        assert "  <Code>AccessDenied</Code>" in app.screen.lines
        assert app.screen.heading() == "Error answer · AccessDenied"
        await press(pilot, "escape")
        assert app.screen is screen

        emulator.clear_faults()
        await press(pilot, "r")  # from the panel
        assert emulator.requests[-1].params == {"pageNumber": "2", "pageSize": "10"}
        assert app.listing.error is None and error_text(app) == ""


async def test_an_error_with_no_answer_says_so_instead_of_showing_the_page(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        emulator.set_fault("connection_reset")
        await press(pilot, "enter", "r")  # fails on the detail screen
        assert "Network problem" in error_text(app) and panel(app).has_focus
        assert "Y copy" not in error_text(app) and "y answer" not in error_text(app)
        await press(pilot, "y", "Y")
        assert isinstance(app.screen, QueueDetailScreen)  # not the page's raw XML
        assert app.clipboard == ""  # not the QueueId behind the panel
        assert [n.message for n in app._notifications][-2:] == [
            "This error has no answer to show: none came, or it was not kept.",
            "This error has no RequestId: no answer came from the service.",
        ]


async def test_back_on_the_list_the_panel_has_the_focus_and_y_shows_the_error(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        emulator.set_fault("signature_mismatch")
        await press(pilot, "r")
        error = app.listing.error
        await press(pilot, "escape", "escape")  # hide the panel on the detail, then back to the list
        assert isinstance(app.screen, QueueListScreen)
        assert panel(app).has_focus  # the list shows the error for the first time
        await press(pilot, "y")
        assert isinstance(app.screen, RawXmlScreen) and app.screen.text == error.answer
        await press(pilot, "escape", "escape", "y")  # hidden: the keys are the list's again
        assert app.screen.text == app.listing.page.raw_xml


async def test_a_remapped_retry_key_is_the_one_the_panel_names(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials, keymap={"refresh": "R"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        emulator.set_fault("http500")
        await press(pilot, "R", "c")
        assert isinstance(app.screen, NotifyConfigScreen)
        assert "R retry" in error_text(app) and "r retry" not in error_text(app)
        emulator.clear_faults()
        sent = len(emulator.requests)
        await press(pilot, "R")
        assert len(emulator.requests) == sent + 1 and error_text(app) == ""
