"""Pictures that come out the same on every run, for screenshots/ and the snapshot tests.

A frozen clock (times, ages and latency) and an emulator whose RequestIds and
TraceIds count up instead of being random. Each scene drives the demo app to
one screen.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import cast

from textual.pilot import Pilot

from cqtui.ci.client import CiClient
from cqtui.ci.timing import RetryPolicy
from cqtui.emulator.account import demo_account
from cqtui.emulator.server import Emulator
from cqtui.profiles.model import ResolvedProfile
from cqtui.tui.app import CqtuiApp
from cqtui.tui.clock import FrozenClock
from cqtui.tui.launch import demo_profile

# Two and a half hours after the demo data's newest times.
FROZEN_NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone(timedelta(hours=8)))
SIZES = ((80, 24), (120, 40))


@contextmanager
def stills_emulator() -> Iterator[Emulator]:
    with Emulator(account=demo_account(), stable_ids=True) as emulator:
        yield emulator


def quick_client(profile: ResolvedProfile) -> CiClient:
    """No waiting between retries: a still of an error should not take seconds."""
    return CiClient(profile.credentials, endpoint=profile.endpoint, retry=RetryPolicy(attempts=1))


def stills_app(emulator: Emulator) -> CqtuiApp:
    return CqtuiApp(demo_profile(emulator.base_url), clock=FrozenClock(FROZEN_NOW), client_factory=quick_client)


async def settle(pilot: Pilot, timeout: float = 10.0) -> None:
    """Wait until no fetch is in flight and the screen has caught up."""
    app = cast(CqtuiApp, pilot.app)
    waited = 0.0
    while (app.listing.loading or app.workers) and waited < timeout:
        await pilot.pause(0.02)
        waited += 0.02
    await pilot.pause()


Scene = Callable[[Pilot, Emulator], Awaitable[None]]


async def list_scene(pilot: Pilot, emulator: Emulator) -> None:
    await settle(pilot)
    await pilot.press("down", "down")


async def detail_scene(pilot: Pilot, emulator: Emulator) -> None:
    await list_scene(pilot, emulator)
    await pilot.press("enter")
    await settle(pilot)


async def notify_scene(pilot: Pilot, emulator: Emulator) -> None:
    await settle(pilot)
    await pilot.press("down", "down", "down", "c")
    await settle(pilot)


async def error_scene(pilot: Pilot, emulator: Emulator) -> None:
    await list_scene(pilot, emulator)
    emulator.set_fault("signature_mismatch")
    await pilot.press("r")
    await settle(pilot)


async def help_scene(pilot: Pilot, emulator: Emulator) -> None:
    await list_scene(pilot, emulator)
    await pilot.press("question_mark")
    await settle(pilot)


async def raw_scene(pilot: Pilot, emulator: Emulator) -> None:
    """The page's answer laid out, searched for "watermark", at the second match."""
    await list_scene(pilot, emulator)
    await pilot.press("y", "slash", *"watermark", "enter", "n")
    await settle(pilot)


SCENES: dict[str, Scene] = {
    "list": list_scene,
    "detail": detail_scene,
    "notify": notify_scene,
    "error": error_scene,
    "help": help_scene,
    "raw": raw_scene,
}
