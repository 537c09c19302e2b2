"""Pilot tests of the queue list against the emulator: what the screen shows and what the server got."""

from __future__ import annotations

from textual.widgets import Input

from cqtui.emulator.data import demo_queues
from cqtui.safetext import visible
from cqtui.tui import formatting as fmt
from cqtui.tui.profile_source import FixedProfiles
from cqtui.tui.screens.help import HelpScreen
from cqtui.tui.screens.queue_detail import QueueDetailScreen
from cqtui.tui.screens.queue_list import QueueListScreen
from cqtui.tui.screens.raw_xml import RawXmlScreen
from cqtui.tui.widgets.queue_table import QueueTable
from tui_helpers import SIZE, column, make_app, press, profile_for, screen_plain, settle, status, type_text, until

DEMO = demo_queues()


def names(queues) -> list[str]:
    return [visible(queue.name) for queue in queues]


def enabled(app, action: str) -> bool:
    return bool(app.screen.check_action(action, ()))


async def test_first_page_rows_status_and_request(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert column(app, "name") == names(DEMO[:10])
        assert column(app, "id") == [fmt.short_queue_id(queue.queue_id) for queue in DEMO[:10]]
        assert column(app, "id")[0] == DEMO[0].queue_id[:12] + "…"
        line = status(app)
        assert "Page 1 of 5" in line or "Page 1/5" in line
        assert "44 queues" in line
        assert app.listing.page.request_id and app.listing.page.request_id[:10] in line
        assert emulator.requests[-1].params == {"pageNumber": "1", "pageSize": "10"}
        assert [c.label for c in app.screen.query_one(QueueTable).columns.values()] == [
            "QueueId",
            "Name",
            "State",
            "Callback",
            "Updated",
        ]


async def test_paging_keys_and_their_ends(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not enabled(app, "prev_page") and not enabled(app, "first_page")
        sent = len(emulator.requests)
        await press(pilot, "p", "less_than_sign")
        assert len(emulator.requests) == sent  # greyed out: nothing was asked

        await press(pilot, "n")
        assert emulator.requests[-1].params["pageNumber"] == "2"
        assert column(app, "name") == names(DEMO[10:20])
        assert "Page 2" in status(app)

        await press(pilot, "greater_than_sign")
        assert emulator.requests[-1].params["pageNumber"] == "5"
        assert column(app, "name") == names(DEMO[40:44])
        assert not enabled(app, "next_page") and not enabled(app, "last_page")
        sent = len(emulator.requests)
        await press(pilot, "n", "greater_than_sign")
        assert len(emulator.requests) == sent

        await press(pilot, "p")
        assert emulator.requests[-1].params["pageNumber"] == "4"
        await press(pilot, "less_than_sign")
        assert emulator.requests[-1].params["pageNumber"] == "1"
        assert column(app, "name") == names(DEMO[:10])


async def test_page_size_keys_keep_the_first_queue_in_view(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not enabled(app, "smaller_page")
        await press(pilot, "n", "n", "plus")  # queue 21 is first on page 3 of 10, and on page 2 of 20
        assert emulator.requests[-1].params == {"pageNumber": "2", "pageSize": "20"}
        assert column(app, "name") == names(DEMO[20:40])
        await press(pilot, "plus")
        assert emulator.requests[-1].params == {"pageNumber": "1", "pageSize": "50"}
        assert len(column(app, "name")) == 44
        await press(pilot, "plus")
        assert emulator.requests[-1].params["pageSize"] == "100"
        assert not enabled(app, "bigger_page")
        await press(pilot, "minus", "minus")
        assert emulator.requests[-1].params == {"pageNumber": "1", "pageSize": "20"}
        assert enabled(app, "bigger_page") and enabled(app, "smaller_page")


async def test_state_filter_cycles_all_active_paused(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials, page_size=50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "s")
        assert emulator.requests[-1].params["state"] == "Active"
        assert set(column(app, "state")) == {"Active"}
        assert len(column(app, "state")) == sum(q.state == "Active" for q in DEMO)
        assert "Active" in status(app)
        await press(pilot, "s")
        assert emulator.requests[-1].params["state"] == "Paused"
        assert set(column(app, "state")) == {"Paused"}
        await press(pilot, "s")
        assert "state" not in emulator.requests[-1].params
        assert len(column(app, "state")) == 44


async def test_state_filter_goes_back_to_page_one(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n", "n", "s")
        assert emulator.requests[-1].params == {"pageNumber": "1", "pageSize": "10", "state": "Active"}


async def test_lookup_by_queue_ids_reports_unknown_ones(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    wanted = [DEMO[5].queue_id, DEMO[30].queue_id]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        app.screen.query_one(Input).value = f"{wanted[0]}, {wanted[1]}"
        await pilot.press("end")
        await type_text(pilot, ",pnosuchqueue")
        await pilot.press("enter")
        await settle(pilot)
        assert emulator.requests[-1].params["queueIds"] == f"{wanted[0]},{wanted[1]},pnosuchqueue"
        assert set(column(app, "name")) == {DEMO[5].name, DEMO[30].name}
        notice = app.screen.query_one("#notice").render()
        assert "Unknown queue ids: pnosuchqueue" in str(notice)
        assert "2 ids" in status(app) or "3 ids" in status(app)

        await press(pilot, "escape")  # leaves the lookup
        assert "queueIds" not in emulator.requests[-1].params
        assert len(column(app, "name")) == 10


async def test_lookup_cancel_changes_nothing(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sent = len(emulator.requests)
        await pilot.press("slash", "x", "escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueListScreen)
        assert len(emulator.requests) == sent


async def test_refresh_keeps_cursor_and_page_change_clamps_it(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        await pilot.press(*["down"] * 8)
        sent = len(emulator.requests)
        await press(pilot, "r")
        assert len(emulator.requests) == sent + 1
        assert emulator.requests[-1].params["pageNumber"] == "1"
        assert table.cursor_row == 8
        await press(pilot, "greater_than_sign")  # page 5 has 4 rows
        assert table.cursor_row == 3
        assert table.selected_queue == DEMO[43]


async def test_auto_refresh_reschedules_and_pauses_off_the_list(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials, refresh_seconds=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "auto 1s" in status(app)
        sent = len(emulator.requests)
        await until(pilot, lambda: len(emulator.requests) > sent)  # the timer fires after 1 s
        await settle(pilot)
        assert len(emulator.requests) == sent + 1  # one refresh, then the next is scheduled

        await pilot.press("question_mark")  # a sub-screen pauses it
        sent = len(emulator.requests)
        await pilot.pause(1.3)
        assert len(emulator.requests) == sent
        await press(pilot, "escape")  # back on the list: the due refresh happens now
        assert len(emulator.requests) == sent + 1

        await press(pilot, "a")
        assert app.auto_refresh_seconds == 0 and "auto" not in status(app)
        sent = len(emulator.requests)
        await pilot.pause(1.3)
        assert len(emulator.requests) == sent


async def test_auto_refresh_toggles_on_with_default_interval(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "auto" not in status(app)
        await press(pilot, "a")
        assert app.auto_refresh_seconds == 30 and "auto 30s" in status(app)


async def test_enter_opens_detail_and_escape_returns(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "down", "down", "enter")
        assert isinstance(app.screen, QueueDetailScreen)
        assert app.screen.queue == DEMO[2]
        await press(pilot, "escape")
        assert isinstance(app.screen, QueueListScreen)
        assert app.screen.query_one(QueueTable).cursor_row == 2


async def test_copy_selected_queue_id(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "down", "Y")
        assert app.clipboard == DEMO[1].queue_id
        assert any(DEMO[1].queue_id in str(n.message) for n in app._notifications)


async def test_raw_xml_of_the_page(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "y")
        assert isinstance(app.screen, RawXmlScreen)
        assert app.screen.text == app.listing.page.raw_xml
        assert "<QueueList>" in app.screen.text and DEMO[0].queue_id in app.screen.text
        await press(pilot, "escape")
        assert isinstance(app.screen, QueueListScreen)


async def test_help_lists_every_key_of_the_list(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = {key: (what, usable) for key, what, usable in app.screen.rows}
        for key in ("n", "p", "<", ">", "+", "-", "s", "/", "r", "a", "c", "y", "Y", "P", "?", "q", "⏎"):
            assert key in keys, key
        assert keys["p"] == ("previous page", False)  # greyed out on page 1
        assert keys["n"] == ("next page", True)


async def test_q_quits(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_value == 0


async def test_empty_list_greys_out_row_keys(emulator, emulator_credentials):
    emulator.queues = []
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert column(app, "name") == []
        for action in ("open_detail", "open_notify", "copy_id", "next_page"):
            assert not enabled(app, action), action
        await press(pilot, "enter", "c", "Y")
        assert isinstance(app.screen, QueueListScreen)
        assert "No queues on this page" in str(app.screen.query_one("#notice").render())


async def test_wide_terminal_shows_more_columns(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert column(app, "id")[0] == DEMO[0].queue_id
        assert column(app, "max_size")[0] == str(DEMO[0].max_size)
        assert len(column(app, "updated")[0]) == len("2024-01-01 09:30 +08:00")


async def test_keymap_from_config_rebinds_by_id(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials, keymap={"next_page": "j", "refresh": "ctrl+r"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "j")
        assert emulator.requests[-1].params["pageNumber"] == "2"
        sent = len(emulator.requests)
        await press(pilot, "n", "r")
        assert len(emulator.requests) == sent
        await press(pilot, "ctrl+r")
        assert len(emulator.requests) == sent + 1


async def test_switch_profile_reloads_with_the_new_profile(emulator, emulator_credentials):
    first = profile_for(emulator, emulator_credentials, name="first")
    second = profile_for(emulator, emulator_credentials, name="second", page_size=20)
    app = make_app(emulator, emulator_credentials, profiles=FixedProfiles(first, second))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n", "enter", "P")  # works from a sub-screen too
        await press(pilot, "down", "enter")
        assert app.profile.name == "second"
        assert isinstance(app.screen, QueueListScreen)
        assert emulator.requests[-1].params == {"pageNumber": "1", "pageSize": "20"}
        assert len(column(app, "name")) == 20
        assert "second" in app.screen.query_one("#context").render().plain


async def test_resizing_relayouts_and_keeps_the_cursor(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "down")
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert column(app, "id")[3] == DEMO[3].queue_id
        assert app.screen.query_one(QueueTable).cursor_row == 3
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert column(app, "id")[3] == fmt.short_queue_id(DEMO[3].queue_id)


async def test_cursor_keys_scroll_a_long_page_and_keep_the_header(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials, page_size=50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        assert table.row_count == 44

        def on_screen(row: int) -> bool:
            return fmt.short_queue_id(DEMO[row].queue_id) in screen_plain(app)

        assert on_screen(0) and not on_screen(43)
        await press(pilot, "end")
        assert table.cursor_row == 43 and on_screen(43) and not on_screen(0)
        assert "QueueId" in screen_plain(app)  # the header stays while the rows scroll
        await press(pilot, "pageup")
        assert table.cursor_row < 43 and on_screen(table.cursor_row)
        await press(pilot, "home")
        assert table.cursor_row == 0 and on_screen(0)
        await press(pilot, "pagedown", "down")
        assert on_screen(table.cursor_row) and table.selected_queue == DEMO[table.cursor_row]
