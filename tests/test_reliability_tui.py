"""TUI reliability beyond the matrix: absurd numbers from the server, the --timeout option,
queue ids a server repeats on one page."""

from __future__ import annotations


from cqtui.ci.credentials import Credentials
from cqtui.ci.models import ListQuery, QueuePage
from cqtui.cli import parse_args
from cqtui.emulator.data import DEMO_BUCKET
from cqtui.emulator.server import DEMO_SECRET_ID, DEMO_SECRET_KEY
from cqtui.profiles.model import ResolvedProfile
from cqtui.tui.app import CqtuiApp
from cqtui.tui.listing import Listing
from reliability_helpers import Answer, ScriptedServer
from tui_helpers import SIZE, column, fast_client, press, settle, status

INT64_MAX = 2**63 - 1


async def test_a_400_digit_total_count_does_not_kill_the_app():
    """It once raised OverflowError in the page arithmetic (float division) and the app died."""
    body = (
        b"<Response><RequestId>cmlk</RequestId><TotalCount>1" + b"0" * 400 + b"</TotalCount>"
        b"<QueueList><QueueId>q1</QueueId><Name>only</Name></QueueList></Response>"
    )
    with ScriptedServer(Answer(200, body)) as server:
        profile = ResolvedProfile("p", "ap-guangzhou", DEMO_BUCKET, Credentials("AKIDx", "k"), endpoint=server.base_url)
        app = CqtuiApp(profile, client_factory=fast_client)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "greater_than_sign", "n")
            assert app.is_running
            assert column(app, "name") == ["only"]
            assert "? queues" in status(app)  # the count was refused, not believed
            assert "out of range" in " ".join(app.listing.page.problems)


def test_page_count_is_exact_for_any_64_bit_total():
    page = QueuePage(request_id="r", total_count=INT64_MAX, page_number=1, page_size=10)
    query = ListQuery(page_size=10)
    listing = Listing(wanted=query, page=page, loaded_query=query)
    assert listing.total_pages == (INT64_MAX + 9) // 10


async def test_the_tui_honours_the_timeout_option(emulator, tmp_path, monkeypatch):
    from cqtui.tui.launch import app_for

    for name in ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_TOKEN", "TENCENTCLOUD_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", DEMO_SECRET_ID)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", DEMO_SECRET_KEY)
    monkeypatch.setenv("TENCENTCLOUD_REGION", "ap-guangzhou")
    args = parse_args(["--timeout", "0.3", "--config", str(tmp_path / "none.toml"), "--endpoint", emulator.base_url,
                       "--bucket", DEMO_BUCKET])  # fmt: skip
    emulator.latency_ms = 1000
    app = app_for(args)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, timeout=0.7)  # the 0.3 s timeout has long passed by then
        error = app.listing.error
        assert error is not None and getattr(error, "kind", "") == "ReadTimeout", error  # page 1 (prefetch.py)
        await pilot.press("escape", "r")
        await settle(pilot, timeout=0.7)
        error = app.listing.error
        assert error is not None and getattr(error, "kind", "") == "ReadTimeout", error  # the async client


async def test_notify_config_of_a_queue_whose_id_is_shared_shows_its_own_settings(emulator, emulator_credentials):
    from dataclasses import replace

    from cqtui.ci.models import NotifyConfig
    from cqtui.emulator.data import demo_queues
    from cqtui.tui.screens.notify_config import NotifyConfigScreen
    from tui_helpers import make_app, static_text
    from textual.widgets import Static

    first, second = demo_queues()[:2]
    twin = replace(
        second,
        queue_id=first.queue_id,
        notify_config=NotifyConfig(url="https://twin.example/cb", state="On", type="Url"),
    )
    emulator.queues = [first, twin]
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "down", "c")
        assert isinstance(app.screen, NotifyConfigScreen)
        assert "https://twin.example/cb" in static_text(app.screen.query_one("#notify-body", Static), width=500)
