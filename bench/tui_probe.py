"""Runs cqtui's TUI headless and times it from the inside; one JSON line (or one stamp) on stdout.

Modes (the emulator runs in another process; its URL is the first argument after the mode):
  first-data URL            `cqtui` through its real entry point (cqtui.cli.main); prints
                            `FIRST_DATA <perf_counter>` once the first page of queues is drawn, then exits.
  flips URL SIZE COUNT      key `n` COUNT times at page size SIZE; each flip is timed from the key
                            event to the refresh that drew the new rows, then the same request is
                            made by a bare CiClient; RSS is sampled after every flip.
  keys URL COUNT            COUNT keys (n, down, up, ?, escape) pressed while a slow fetch is in flight,
                            each timed from the key event to the refresh that showed its effect.

The hooks wrap the app from outside (a subclass swapped in when cqtui.tui.app is imported);
cqtui itself has no benchmark code.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import inspect
import sys
import time
from pathlib import Path

SIZE = (120, 40)


def probe_class(base: type) -> type:
    """CqtuiApp plus two marks: when a new page was drawn, when a key's effect was drawn."""
    import asyncio

    class ProbeApp(base):  # type: ignore[misc, valid-type]
        # Textual finds CSS_PATH next to the file defining the class: point it back at cqtui's.
        CSS_PATH = str(Path(inspect.getfile(base)).parent / base.CSS_PATH)

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.page_drawn = asyncio.Event()
            self.page_drawn_at = 0.0
            self.key_drawn = asyncio.Event()
            self.key_drawn_at = 0.0
            self.watch_keys = False
            shown = self._set_listing

            def set_listing(listing) -> None:  # the app's one way to show a new answer
                new_page = listing.page is not None and listing.page is not self.listing.page
                shown(listing)
                if new_page:
                    self.call_after_refresh(self._mark_page)

            self._set_listing = set_listing

        def _mark_page(self) -> None:
            self.page_drawn_at = time.perf_counter()
            self.page_drawn.set()

        async def run_action(self, *args, **kwargs) -> bool:
            # Every key binding ends here; its effect is on screen after the next refresh.
            handled = await super().run_action(*args, **kwargs)
            if self.watch_keys:
                self.call_after_refresh(self._mark_key)
            return handled

        def _mark_key(self) -> None:
            self.key_drawn_at = time.perf_counter()
            self.key_drawn.set()

    return ProbeApp


# ---- first-data: the real entry point, hooked as cqtui.tui.app gets imported -----------


class _SwapAppOnImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """When cqtui.tui.app is imported (whenever cqtui decides to), replace CqtuiApp with the probe."""

    NAME = "cqtui.tui.app"

    def find_spec(self, name, path, target=None):
        if name != self.NAME:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        self._loader = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        self._loader.exec_module(module)
        module.CqtuiApp = first_data_class(probe_class(module.CqtuiApp))


def first_data_class(probe: type) -> type:
    class FirstData(probe):  # type: ignore[misc, valid-type]
        def _mark_page(self) -> None:
            print(f"FIRST_DATA {time.perf_counter()!r}", flush=True)
            self.exit(0)

        def run(self, **kwargs):
            return super().run(headless=True, size=SIZE)

    return FirstData


def first_data(url: str, bucket: str) -> int:
    sys.meta_path.insert(0, _SwapAppOnImport())
    from cqtui.cli import main

    return main(["--bucket", bucket, "--endpoint", url])


# ---- flips and keys: the app in this process, driven by key events ---------------------


def _profile(url: str, page_size: int):
    from cqtui.ci.credentials import Credentials
    from cqtui.emulator.data import DEMO_BUCKET
    from cqtui.emulator.server import DEMO_SECRET_ID, DEMO_SECRET_KEY
    from cqtui.profiles.model import ResolvedProfile

    credentials = Credentials(DEMO_SECRET_ID, DEMO_SECRET_KEY)
    return ResolvedProfile("bench", "ap-guangzhou", DEMO_BUCKET, credentials, endpoint=url, page_size=page_size)


def _rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


KEYS = {"n": "n", "down": None, "up": None, "question_mark": "?", "escape": "\x1b"}


def _key(name: str):
    from textual import events

    return events.Key(name, KEYS[name])


async def flips(url: str, page_size: int, count: int) -> dict:
    import asyncio

    from cqtui.ci.client import client_for
    from cqtui.tui.app import CqtuiApp

    profile = _profile(url, page_size)
    app = probe_class(CqtuiApp)(profile)
    flip_s: list[float] = []
    bare_s: list[float] = []
    rss_kib: list[int] = []
    async with client_for(profile) as bare, app.run_test(size=SIZE) as pilot:
        await asyncio.wait_for(app.page_drawn.wait(), 60)
        await pilot.pause()
        for _ in range(count):
            app.page_drawn.clear()
            started = time.perf_counter()
            app.post_message(_key("n"))
            await asyncio.wait_for(app.page_drawn.wait(), 60)
            flip_s.append(app.page_drawn_at - started)
            await pilot.pause()
            # The same request with the client alone, with the app idle meanwhile.
            started = time.perf_counter()
            page = await bare.list_queues(app.listing.loaded_query)
            bare_s.append(time.perf_counter() - started)
            if [queue.queue_id for queue in page.queues] != [queue.queue_id for queue in app.screen.query_one("QueueTable").queues]:
                raise AssertionError("the table does not show the page the bare client got")
            rss_kib.append(_rss_kib())
        pages = app.listing.loaded_query.page_number
    return {"flip_s": flip_s, "bare_s": bare_s, "rss_kib": rss_kib, "last_page": pages}


KEY_CYCLE = ("n", "down", "down", "up", "question_mark", "escape", "up")


async def keys(url: str, count: int, spacing: float = 0.04) -> dict:
    import asyncio

    from cqtui.tui.app import CqtuiApp

    app = probe_class(CqtuiApp)(_profile(url, 10))
    key_s: list[float] = []
    pressed: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await asyncio.wait_for(app.page_drawn.wait(), 60)
        await pilot.pause()
        app.watch_keys = True
        while len(key_s) < count:
            for name in KEY_CYCLE:
                if len(key_s) == count:
                    break
                if name != "n" and not app.listing.loading:
                    raise AssertionError("the fetch ended: the emulator latency is too short for this run")
                await asyncio.sleep(spacing)
                app.key_drawn.clear()
                started = time.perf_counter()
                app.post_message(_key(name))
                await asyncio.wait_for(app.key_drawn.wait(), 10)
                key_s.append(app.key_drawn_at - started)
                pressed.append(name)
        app.watch_keys = False
    return {"key_s": key_s, "keys": pressed}


def main(argv: list[str]) -> int:
    import asyncio
    import json

    mode, url, *rest = argv
    if mode == "first-data":
        return first_data(url, rest[0])
    if mode == "flips":
        result = asyncio.run(flips(url, int(rest[0]), int(rest[1])))
    elif mode == "keys":
        result = asyncio.run(keys(url, int(rest[0])))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
