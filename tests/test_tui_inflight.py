"""Keys keep working while a fetch is in flight; a newer request wins and stale rows are never drawn."""

from __future__ import annotations

from cqtui.emulator.data import demo_queues
from cqtui.safetext import visible
from cqtui.tui.messages import PageLoaded
from cqtui.tui.screens.help import HelpScreen
from cqtui.tui.screens.queue_list import QueueListScreen
from tui_helpers import SIZE, column, make_app, settle, status

DEMO = demo_queues()


async def test_keys_are_handled_while_a_slow_fetch_runs(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        emulator.latency_ms = 2000
        await pilot.press("n")
        await pilot.pause()
        assert app.listing.loading
        assert "Page 2" in status(app) and "loading" in status(app)
        assert column(app, "name") == [visible(q.name) for q in DEMO[:10]]  # old rows stay meanwhile

        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueListScreen)

        await pilot.press("s")
        await pilot.pause()
        assert app.listing.loading  # still the slow fetch era: the key did not wait for it
        assert "Active" in status(app)
        assert app.listing.wanted.state == "Active"


async def test_fast_n_n_n_ends_on_page_four_with_page_four_rows(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    drawn: list[int] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        original = app._set_listing

        def recording(listing) -> None:
            if listing.page is not app.listing.page:
                drawn.append(listing.loaded_query.page_number)
            original(listing)

        app._set_listing = recording
        emulator.latency_ms = 300
        await pilot.press("n", "n", "n")
        assert "Page 4" in status(app)
        await settle(pilot)
        assert "Page 4" in status(app) and "loading" not in status(app)
        assert column(app, "name") == [visible(q.name) for q in DEMO[30:40]]
        assert emulator.requests[-1].params["pageNumber"] == "4"
        assert drawn == [4]  # no page 2 or 3 answer was ever drawn
        assert app.listing.loaded_query.page_number == 4


async def test_a_stale_answer_is_ignored(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        current = app.listing
        stale_page = current.page
        app.post_message(PageLoaded(app._seq - 1, current.wanted, stale_page, current.fetched_at, 1))
        await pilot.pause()
        assert app.listing is current
