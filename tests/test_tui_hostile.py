"""Server text that tries to be markup or terminal controls renders literally and does nothing."""

from __future__ import annotations

from textual.widgets import Static

from cqtui.emulator.data import hostile_queues
from cqtui.safetext import visible
from cqtui.tui.screens.notify_config import NotifyConfigScreen
from cqtui.tui.screens.queue_detail import QueueDetailScreen
from cqtui.tui.screens.queue_list import QueueListScreen
from cqtui.tui.widgets.queue_table import QueueTable
from tui_helpers import column, make_app, press, settle, static_text

HOSTILE = hostile_queues()


def screen_text(app) -> str:
    """Everything the current screen shows, as the SVG a user would see."""
    return app.export_screenshot()


async def test_hostile_names_render_literally_in_the_list(emulator, emulator_credentials):
    emulator.queues = HOSTILE
    app = make_app(emulator, emulator_credentials, page_size=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert column(app, "name") == [visible(q.name) or "—" for q in HOSTILE]
        names = column(app, "name")
        assert "[@click=app.quit]x[/]" in names and "[/]" in names and "[bold]x[/bold]" in names
        assert "csi\\x9b31mred\\x9b0m" in names
        assert "invoice\\u202egpj.exe" in names
        svg = screen_text(app)
        assert "[@click=app.quit]x[/]" in svg
        assert "\x9b" not in svg and "\u202e" not in svg

        # Click the markup-looking cell twice (the second click opens the row): no action runs.
        table = app.screen.query_one(QueueTable)
        for _ in range(2):
            await pilot.click(QueueTable, offset=(20, 1))
            await settle(pilot)
        assert app.is_running
        assert isinstance(app.screen, QueueDetailScreen)
        assert app.screen.queue.name == "[@click=app.quit]x[/]"
        await pilot.click("#detail-body", offset=(20, 1))
        await pilot.pause()
        assert app.is_running
        assert table.row_count == len(HOSTILE)


async def test_every_hostile_queue_on_detail_and_notify_screens(emulator, emulator_credentials):
    emulator.queues = HOSTILE
    app = make_app(emulator, emulator_credentials, page_size=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for index, queue in enumerate(HOSTILE):
            await pilot.press("enter")
            assert isinstance(app.screen, QueueDetailScreen) and app.screen.queue == queue
            shown = [screen_text(app)]
            await pilot.press("c")
            assert isinstance(app.screen, NotifyConfigScreen)
            shown.append(screen_text(app))
            for svg in shown:
                assert "\x9b" not in svg and "\u202e" not in svg and "\x85" not in svg
            await pilot.press("escape", "escape", "down")
            assert isinstance(app.screen, QueueListScreen), index
        assert app.is_running


async def test_hostile_notify_config_shows_unknown_values_literally(emulator, emulator_credentials):
    emulator.queues = HOSTILE
    app = make_app(emulator, emulator_credentials, page_size=20)
    odd = next(i for i, q in enumerate(HOSTILE) if q.name == "odd-values")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, *["down"] * odd, "c")
        body = static_text(app.screen.query_one("#notify-body", Static))
        assert "Kafka (unknown value)" in body
        assert "[/] (unknown value)" in body
        assert "Maybe" in body
        await press(pilot, "escape", "enter")
        detail = static_text(app.screen.query_one("#detail-body", Static))
        assert "Broken\\x9b" in detail
        assert "not-a-time" in detail and "[@click=app.bell]Cat[/]" in detail


async def test_hostile_raw_xml_keeps_lines_and_escapes_controls(emulator, emulator_credentials):
    emulator.queues = HOSTILE
    app = make_app(emulator, emulator_credentials, page_size=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "y")
        text = "\n".join(app.screen.lines)
        assert "\\x9b31mred" in text and "\\u202e" in text
        assert "\x9b" not in text and "\u202e" not in text
