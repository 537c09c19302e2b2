"""Shared helpers for the tests/test_tui_*.py pilot tests (not a test module itself)."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from cqtui.ci.client import CiClient
from cqtui.ci.credentials import Credentials
from cqtui.ci.timing import RetryPolicy, Timeouts
from cqtui.emulator.data import DEMO_BUCKET
from cqtui.emulator.server import Emulator
from cqtui.profiles.model import ResolvedProfile
from cqtui.tui.app import CqtuiApp
from cqtui.tui.stills import settle
from cqtui.tui.widgets.error_panel import ErrorPanel
from cqtui.tui.widgets.queue_table import QueueTable
from cqtui.tui.widgets.status_line import StatusLine

SIZE = (80, 24)


def fast_client(profile: ResolvedProfile) -> CiClient:
    """Retries without real backoff, so a fault costs milliseconds."""
    return CiClient(
        profile.credentials,
        endpoint=profile.endpoint,
        retry=RetryPolicy(attempts=2, base_delay=0.005, max_delay=0.01),
        timeouts=Timeouts(connect=2, read=5),
    )


def profile_for(emulator: Emulator, credentials: Credentials, name: str = "test", **fields) -> ResolvedProfile:
    return ResolvedProfile(
        name=name,
        region="ap-guangzhou",
        bucket=DEMO_BUCKET,
        credentials=credentials,
        endpoint=emulator.base_url,
        **fields,
    )


def make_app(emulator: Emulator, credentials: Credentials, **options) -> CqtuiApp:
    profile_fields = {key: options.pop(key) for key in ("page_size", "refresh_seconds", "timezone") if key in options}
    options.setdefault("client_factory", fast_client)
    return CqtuiApp(profile_for(emulator, credentials, **profile_fields), **options)


def status(app: CqtuiApp) -> str:
    return app.screen.query_one(StatusLine).plain


def error_text(app: CqtuiApp) -> str:
    panel = app.screen.query_one(ErrorPanel)
    return panel.render().plain if panel.display else ""


def column(app: CqtuiApp, key: str) -> list[str]:
    """The shown text of one column of the queue list, top to bottom."""
    return app.screen_stack[0].query_one(QueueTable).cell_texts(key)


def screen_plain(app: CqtuiApp) -> str:
    """The whole terminal as plain text, exactly as composed for the user (as export_screenshot does)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, record=True, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


async def until(pilot: Pilot, condition: Callable[[], bool], hang_guard: float = 10.0) -> None:
    """Let the app run until `condition()` holds (or `hang_guard` seconds passed: the caller's
    assertion then fails). Not a fixed pause: on a loaded machine things take longer."""
    give_up = time.monotonic() + hang_guard
    while not condition() and time.monotonic() < give_up:
        await pilot.pause(0.02)


async def press(pilot: Pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


KEY_NAMES = {",": "comma", " ": "space"}


async def type_text(pilot: Pilot, text: str) -> None:
    """Type `text` key by key, as a user would."""
    await pilot.press(*(KEY_NAMES.get(char, char) for char in text))


def static_text(static: Static, width: int = 200) -> str:
    """What a Static shows, as plain text (its content rendered by Rich, never as markup)."""
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(static.content)
    return console.export_text()
