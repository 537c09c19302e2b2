"""Detail, NotifyConfig and raw XML screens, driven by keys against the emulator."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import OptionList, Static

from cqtui.ci.errors import ConfigError
from cqtui.emulator.data import demo_queues
from cqtui.tui.clock import FrozenClock
from cqtui.tui.profile_source import ProfileRow
from cqtui.tui.screens.notify_config import NotifyConfigScreen
from cqtui.tui.screens.profile_picker import ProfilePicker
from cqtui.tui.screens.queue_list import QueueListScreen
from cqtui.tui.screens.raw_xml import RawXmlScreen
from cqtui.tui.stills import FROZEN_NOW
from tui_helpers import SIZE, column, error_text, make_app, press, profile_for, settle, static_text, status

DEMO = demo_queues()


def body(app, selector: str) -> str:
    return " ".join(static_text(app.screen.query_one(selector, Static)).split())


async def test_detail_shows_every_field_with_local_times_and_ages(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials, clock=FrozenClock(FROZEN_NOW))
    queue = DEMO[2]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "down", "down", "enter")
        shown = body(app, "#detail-body")
        for value in (
            queue.queue_id,
            queue.name,
            queue.state,
            str(queue.max_size),
            str(queue.max_concurrent),
            queue.category,
            queue.bucket_id,
            app.listing.page.request_id,
        ):
            assert value in shown, value
        # the default zone is the server's: the offset each time came with
        assert "2025-11-26 16:40:34 +08:00 (36 days ago)" in shown
        assert "fetched 12:00:00 +08:00" in shown
        assert "page 1 of 5, row 3" in shown
        assert "Callbacks are on: when a task finishes, when a workflow finishes" in shown
        assert "https://ops.example.com/ci/watermark" in shown
        assert app.screen.query_one("#context").render().plain.startswith("Queue watermark-prod")


async def test_detail_keys_copy_raw_notify_refresh_back(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n", "down", "enter")
        queue = DEMO[11]
        assert app.screen.queue == queue

        await press(pilot, "Y")
        assert app.clipboard == queue.queue_id

        await press(pilot, "y")
        assert isinstance(app.screen, RawXmlScreen)
        assert app.screen.text == app.listing.page.items[1].raw_xml
        assert f"<QueueId>{queue.queue_id}</QueueId>" in app.screen.text
        await press(pilot, "escape", "c")
        assert isinstance(app.screen, NotifyConfigScreen) and app.screen.queue == queue
        await press(pilot, "escape")

        renamed = replace(queue, name="renamed-on-the-server")
        emulator.queues = [renamed if q.queue_id == queue.queue_id else q for q in DEMO]
        sent = len(emulator.requests)
        await press(pilot, "r")
        assert len(emulator.requests) == sent + 1
        assert emulator.requests[-1].params == {"pageNumber": "2", "pageSize": "10"}
        assert app.screen.queue.name == "renamed-on-the-server"
        assert "renamed-on-the-server" in body(app, "#detail-body")
        assert "renamed-on-the-server" in app.screen.query_one("#context").render().plain

        emulator.queues = [q for q in DEMO if q.queue_id != queue.queue_id]
        await press(pilot, "r")
        assert "no longer on this page" in body(app, "#detail-body")

        await press(pilot, "escape")
        assert isinstance(app.screen, QueueListScreen)


async def test_notify_config_in_plain_words(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    tdmq = DEMO.index(next(q for q in DEMO if q.notify_config and q.notify_config.mq_region == "sh"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, *["down"] * tdmq, "c")
        shown = body(app, "#notify-body")
        config = DEMO[tdmq].notify_config
        assert "Callbacks are on" in shown and "Shanghai" in shown
        assert "MqRegion sh Shanghai" in shown
        assert f"MqName {config.mq_name}" in shown
        assert "MqMode Topic TDMQ topic" in shown
        assert "ResultFormat JSON JSON" in shown
        assert "Event TaskFinish when a task finishes" in shown


async def test_notify_config_for_off_and_missing(emulator, emulator_credentials):
    off = next(i for i, q in enumerate(DEMO) if q.notify_config and q.notify_config.state == "Off")
    missing = next(i for i, q in enumerate(DEMO) if q.notify_config is None)
    app = make_app(emulator, emulator_credentials, page_size=50)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, *["down"] * off, "c")
        assert "Callbacks are off." in body(app, "#notify-body")
        assert "State Off callbacks off" in body(app, "#notify-body")
        await press(pilot, "escape", *["up"] * off, *["down"] * missing, "c")
        assert "This queue has no NotifyConfig" in body(app, "#notify-body")


async def test_raw_xml_scrolls(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials, page_size=50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "y")
        scroller = app.screen.query_one("#raw-view")
        assert scroller.has_focus
        assert scroller.max_scroll_y > 0
        await press(pilot, "pagedown")
        assert scroller.scroll_y > 0
        assert not app.screen.check_action("raw_xml", ())


async def test_profile_picker_in_demo_lists_only_demo(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "P")
        assert isinstance(app.screen, ProfilePicker)
        options = app.screen.query_one(OptionList)
        assert options.option_count == 1
        await press(pilot, "escape")
        assert isinstance(app.screen, QueueListScreen)


async def test_every_screen_shows_profile_region_and_bucket(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for keys in ((), ("enter",), ("c",), ("y",), ("question_mark",)):
            await press(pilot, *keys)
            context = app.screen.query_one("#context").render().plain
            assert "test" in context and "ap-guangzhou" in context and "examplebucket-1250000000" in context
            assert "Page 1" in status(app)


async def test_no_color_runs(emulator, emulator_credentials, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.no_color
        await press(pilot, "n", "enter", "c", "escape", "escape")
        assert "Page 2" in status(app)


class BrokenProfiles:
    """A config whose other profile cannot be resolved (say, a missing secret)."""

    def __init__(self, good):
        self.good = good

    path = None

    def rows(self) -> list[ProfileRow]:
        return [ProfileRow(name, "", "", "", "-", False) for name in (self.good.name, "broken")]

    def resolve(self, name: str):
        if name == "broken":
            raise ConfigError("no secret_key: set secret_key", path="config.toml", key="profiles.broken")
        return self.good


async def test_switch_to_a_broken_profile_shows_why_and_keeps_the_old_one(emulator, emulator_credentials):
    good = profile_for(emulator, emulator_credentials)
    app = make_app(emulator, emulator_credentials, profiles=BrokenProfiles(good))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "P", "down", "enter")
        await settle(pilot)
        assert "Configuration problem" in error_text(app) and "no secret_key" in error_text(app)
        assert app.profile == good
        assert len(column(app, "name")) == 10
