"""Runs cqtui's TUI headless and times it from the inside; prints one stamp or one JSON line.

Modes (the emulator runs in another process; URL is its address):
  first-data URL BUCKET   `cqtui` through its real entry point (cqtui.cli.run); prints
                          `FIRST_DATA <perf_counter>` once the first page of queues is drawn, then exits.
  flips URL SIZE COUNT    key `n` COUNT times at page size SIZE; each flip is timed from the key
                          event to the update that drew the new rows; after each, the same request
                          is made by a bare CiClient, and the RSS is sampled.
  keys URL COUNT          COUNT keys (n, down, up, ?, escape) pressed while a slow fetch is in
                          flight, each timed from the key event to the update that showed its effect.
  raw URL MB COUNT        an answer of MB megabytes (a listing of that many generated queues) opened in
                          the raw view COUNT times: from the call `y` makes to the update that drew it;
                          then, each time, a search for one queue id (key enter in the search box to the
                          update) and a pagedown (key to update); the RSS before and after.

"Drawn" is defined in painting.py. The hooks wrap the app from outside (a subclass swapped in
when cqtui.tui.app is imported): cqtui itself carries no benchmark code.
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
import time
from pathlib import Path

from painting import TerminalPaint, rows_ready

SIZE = (120, 40)


def probe_class(base: type) -> type:
    """CqtuiApp that notes when a new page was drawn and when a key's effect was drawn."""
    import asyncio

    from cqtui.tui.widgets.queue_table import QueueTable

    class ProbeApp(TerminalPaint, base):  # type: ignore[misc, valid-type]
        # Textual looks for CSS_PATH next to the file defining the class: point it back at cqtui's.
        CSS_PATH = str(Path(sys.modules[base.__module__].__file__).parent / base.CSS_PATH)

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.page_drawn = asyncio.Event()
            self.page_drawn_at = 0.0
            self.key_drawn = asyncio.Event()
            self.key_drawn_at = 0.0
            self.watch_keys = False
            self.raw_drawn = asyncio.Event()
            self.raw_drawn_at = 0.0
            self.awaited_screen = None
            self._awaited_page = None
            self._key_done = False
            shown = self._set_listing

            def set_listing(listing) -> None:  # every new answer reaches the screens through here
                if listing.page is not None and listing.page is not self.listing.page:
                    self._awaited_page = listing.page
                shown(listing)

            self._set_listing = set_listing

        def painted(self, at: float) -> None:
            page = self._awaited_page
            if page is not None and self._page_shown(page):
                self._awaited_page = None
                self.page_drawn_at = at
                self.page_drawn.set()
                self.first_data(at)
            if self.awaited_screen is not None and self.screen is self.awaited_screen:
                self.awaited_screen = None
                self.raw_drawn_at = at
                self.raw_drawn.set()
            if self._key_done:
                self._key_done = False
                self.key_drawn_at = at
                self.key_drawn.set()

        def _page_shown(self, page) -> bool:
            table = self.screen_stack[0].query_one(QueueTable)
            shown = table.queues
            same = len(shown) == len(page.items) and all(a is b for a, b in zip(shown, page.items, strict=True))
            return same and rows_ready(table, len(shown))

        def first_data(self, at: float) -> None:
            """The first page was drawn (first-data mode exits here)."""

        async def run_action(self, *args, **kwargs) -> bool:
            # Every key binding ends here; the next update is the one that shows its effect.
            handled = await super().run_action(*args, **kwargs)
            if self.watch_keys:
                self._key_done = True
            return handled

    return ProbeApp


# ---- first-data: the real entry point, hooked as cqtui.tui.app gets imported -----------


class _SwapAppOnImport:
    """Whenever cqtui imports cqtui.tui.app, replace its CqtuiApp with the probe.

    A finder and loader by protocol, not by importlib.abc: the probe must not charge
    cqtui's start with imports of its own (importlib.abc loads importlib.resources).
    """

    NAME = "cqtui.tui.app"

    def find_spec(self, name, path, target=None):
        if name != self.NAME:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, sys.modules["cqtui.tui"].__path__)
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
        def first_data(self, at: float) -> None:
            print(f"FIRST_DATA {at!r}", flush=True)
            self.exit(0)

        def run(self, **kwargs):
            return super().run(headless=True, size=SIZE)

    return FirstData


def first_data(url: str, bucket: str) -> int:
    sys.meta_path.insert(0, _SwapAppOnImport())
    # `cqtui` runs only with a terminal on stdin, as a user's shell gives it one; the app then runs headless.
    os.dup2(os.openpty()[1], 0)
    from cqtui.cli import run  # what the `cqtui` console script calls

    sys.argv = ["cqtui", "--bucket", bucket, "--endpoint", url]
    run()  # exits
    return 0


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


KEY_CHARACTERS = {"n": "n", "down": None, "up": None, "question_mark": "?", "escape": "\x1b"}


def _key(name: str):
    from textual import events

    return events.Key(name, KEY_CHARACTERS[name])


async def flips(url: str, page_size: int, count: int) -> dict:
    import asyncio

    from cqtui.ci.client import client_for
    from cqtui.ci.kinds import PIC
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
            # The same request with the client alone, the app idle meanwhile.
            started = time.perf_counter()
            page = await bare.list(PIC, profile.where, app.listing.loaded_query)
            bare_s.append(time.perf_counter() - started)
            if [queue.queue_id for queue in page.items] != [queue.queue_id for queue in app.listing.page.items]:
                raise AssertionError("the bare client got another page than the one drawn")
            rss_kib.append(_rss_kib())
        last_page = app.listing.loaded_query.page_number
    return {"flip_s": flip_s, "bare_s": bare_s, "rss_kib": rss_kib, "last_page": last_page}


KEY_CYCLE = ("n", "down", "down", "up", "question_mark", "escape", "up")


async def keys(url: str, count: int, spacing: float = 0.03) -> dict:
    import asyncio

    from cqtui.tui.app import CqtuiApp

    app = probe_class(CqtuiApp)(_profile(url, 10))
    key_s: list[float] = []
    pressed: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await asyncio.wait_for(app.page_drawn.wait(), 60)
        await pilot.pause()
        app.watch_keys = True

        async def press(name: str) -> float:
            app.key_drawn.clear()
            started = time.perf_counter()
            app.post_message(_key(name))
            await asyncio.wait_for(app.key_drawn.wait(), 10)
            return app.key_drawn_at - started

        while len(key_s) < count:
            for name in KEY_CYCLE[: count - len(key_s)]:
                await asyncio.sleep(spacing)
                if name != "n" and not app.listing.loading:
                    await press("n")  # the fetch ended (a slow machine): start another, unmeasured
                key_s.append(await press(name))
                pressed.append(name)
        app.watch_keys = False
    return {"key_s": key_s, "keys": pressed}


def big_answer(megabytes: float) -> tuple[str, str]:
    """(a listing body of at least `megabytes` MB, one QueueId in it): what a huge answer looks like."""
    from cqtui.ci.models import Page
    from cqtui.emulator.data import generated_queues
    from cqtui.emulator.xmlbody import queue_page_xml

    count = int(megabytes * 1_000_000 / 490) + 1  # a generated queue takes ~490 bytes
    queues = tuple(generated_queues(count))
    page = Page(request_id="bench", total_count=count, page_number=1, page_size=count, items=queues)
    return queue_page_xml(page).decode(), queues[count // 2].queue_id


async def raw(url: str, megabytes: float, count: int) -> dict:
    import asyncio

    from cqtui.tui.app import CqtuiApp

    text, needle = big_answer(megabytes)
    app = probe_class(CqtuiApp)(_profile(url, 10))
    open_s: list[float] = []
    search_s: list[float] = []
    scroll_s: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await asyncio.wait_for(app.page_drawn.wait(), 60)
        await pilot.pause()
        rss_before = _rss_kib()

        async def timed_key(name: str, character: str | None) -> float:
            from textual import events

            app.key_drawn.clear()
            app.watch_keys = True
            started = time.perf_counter()
            app.post_message(events.Key(name, character))
            await asyncio.wait_for(app.key_drawn.wait(), 30)
            app.watch_keys = False
            return app.key_drawn_at - started

        for _ in range(count):
            app.raw_drawn.clear()
            started = time.perf_counter()
            app.show_raw("Raw XML · bench", text)  # what `y` does with the answer in hand
            app.awaited_screen = app.screen
            await asyncio.wait_for(app.raw_drawn.wait(), 60)
            open_s.append(app.raw_drawn_at - started)
            await pilot.pause()
            await pilot.press("slash", *needle)
            search_s.append(await timed_key("enter", "\r"))
            if app.screen.view.match_count != 1:
                raise AssertionError(f"the search found {app.screen.view.match_count} matches, not 1")
            await pilot.pause()
            scroll_s.append(await timed_key("pagedown", None))
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
        rss_after = _rss_kib()
    size = len(text.encode())
    return {"open_s": open_s, "search_s": search_s, "scroll_s": scroll_s, "bytes": size,
            "rss_kib": [rss_before, rss_after]}  # fmt: skip


def main(argv: list[str]) -> int:
    mode, url, *rest = argv
    if mode == "first-data":
        return first_data(url, rest[0])  # imports nothing cqtui would not
    import asyncio
    import json

    if mode == "flips":
        result = asyncio.run(flips(url, int(rest[0]), int(rest[1])))
    elif mode == "keys":
        result = asyncio.run(keys(url, int(rest[0])))
    elif mode == "raw":
        result = asyncio.run(raw(url, float(rest[0]), int(rest[1])))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
