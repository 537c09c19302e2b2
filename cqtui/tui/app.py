"""The cqtui Textual app: one shared client, fetches in workers, one Listing every screen draws.

Flow: a key changes the wanted query -> `fetch()` bumps the sequence number and
starts a worker (a newer one cancels the older) -> the worker posts PageLoaded
or FetchFailed -> only the answer carrying the newest sequence number becomes
the new Listing -> every screen redraws from it.
"""

from __future__ import annotations

import asyncio
import functools
import gc
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from textual.app import App
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from cqtui.ci.errors import CqtuiError
from cqtui.ci.kinds import PIC
from cqtui.ci.models import ListQuery, Page, Queue
from cqtui.ci.timing import Timeouts
from cqtui.profiles.model import ResolvedProfile
from cqtui.safetext import visible
from cqtui.tui import formatting as fmt
from cqtui.tui.clock import Clock, SystemClock
from cqtui.tui.crash import NoLocalsOnCrash
from cqtui.tui.listing import Listing
from cqtui.tui.messages import FetchFailed, PageLoaded, UnexpectedError
from cqtui.tui.profile_source import FixedProfiles, ProfileSource
from cqtui.tui.screens.base import CqtuiScreen
from cqtui.tui.screens.queue_list import QueueListScreen
from cqtui.tui.terminal_app import TerminalApp

# The other screens are imported when first opened: only the list is needed to start.

if TYPE_CHECKING:
    from cqtui.ci.client import CiClient
    from cqtui.tui.prefetch import FirstPage

DEFAULT_AUTO_REFRESH_SECONDS = 30
FETCH_GROUP = "fetch-page"
WARM_UP_GROUP = "build-client"

ClientFactory = Callable[[ResolvedProfile], "CiClient"]
PageRequest = Callable[[], Awaitable[Page]]


def default_client(profile: ResolvedProfile, *, timeouts: Timeouts) -> CiClient:
    from cqtui.ci.client import client_for  # httpx: not needed before the first page is drawn

    return client_for(profile, timeouts=timeouts)


class CqtuiApp(TerminalApp, NoLocalsOnCrash, App[int]):
    CSS_PATH = "cqtui.tcss"
    TITLE = "cqtui"
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        profile: ResolvedProfile,
        *,
        profiles: ProfileSource | None = None,
        timeouts: Timeouts = Timeouts(),
        client_factory: ClientFactory | None = None,
        clock: Clock | None = None,
        keymap: dict[str, str] | None = None,
        first_page: FirstPage | None = None,
    ) -> None:
        """`timeouts` for every request (`--timeout`), unless a `client_factory` decides;
        `first_page`: page 1 of the profile's listing, already on its way (prefetch.py);
        without it the app asks for page 1 when it mounts."""
        super().__init__()
        self.profile = profile
        self.profiles = profiles or FixedProfiles(profile)
        self.clock: Clock = clock or SystemClock()
        self.client: CiClient | None = None
        self.listing = Listing(wanted=ListQuery(page_size=profile.page_size))
        self.auto_refresh_seconds = profile.refresh_seconds
        self.timeouts = timeouts
        self._client_factory = client_factory or functools.partial(default_client, timeouts=timeouts)
        self._first_page = first_page
        self._seq = 0
        self._worker_seq: dict[Worker, int] = {}
        self._auto_timer: Timer | None = None
        self._refresh_due = False
        if keymap:
            self.set_keymap(keymap)

    # -- lifecycle -------------------------------------------------------------

    def get_default_screen(self) -> QueueListScreen:
        return QueueListScreen()

    def on_mount(self) -> None:
        if self._first_page is None:
            self.fetch()
        else:
            first, self._first_page = self._first_page, None
            self._start_fetch(first.query, first.page, seconds_taken=lambda: first.seconds)
        self.call_after_refresh(self._collect_from_now_on)

    def _collect_from_now_on(self) -> None:
        """Start-up leaves ~50,000 objects (Textual, CSS, widgets) that live as long as the
        app: frozen, the cyclic GC never rescans them, which cost 40-60 ms every few page
        flips (bench/README.md). cqtui.cli.run() starts with the GC off: on from here."""
        gc.freeze()
        gc.enable()

    def _ensure_client(self) -> CiClient:
        if self.client is None:
            self.client = self._client_factory(self.profile)
        return self.client

    async def on_unmount(self) -> None:
        gc.unfreeze()  # what the app left behind can be collected (many apps run in one test process)
        self._stop_auto_timer()
        if self.client is not None:
            await self.client.aclose()

    # -- fetching --------------------------------------------------------------

    def fetch(self, query: ListQuery | None = None) -> None:
        """Ask for `query` (default: the wanted one again). Screens show the target at once."""
        query = query or self.listing.wanted
        self._start_fetch(query, lambda: self._ensure_client().list(PIC, self.profile.where, query))

    def _start_fetch(
        self, query: ListQuery, request: PageRequest, *, seconds_taken: Callable[[], float] | None = None
    ) -> None:
        """Run `request` in a worker; `seconds_taken` tells a request that began elsewhere how long it took."""
        self._seq += 1
        self._stop_auto_timer()
        self._set_listing(replace(self.listing, wanted=query, loading=True))
        worker = self.run_worker(
            self._load(self._seq, query, request, seconds_taken),
            name=f"page {query.page_number}",
            group=FETCH_GROUP,
            exclusive=True,
            exit_on_error=False,
        )
        self._worker_seq[worker] = self._seq

    async def _load(
        self, seq: int, query: ListQuery, request: PageRequest, seconds_taken: Callable[[], float] | None
    ) -> None:
        started = self.clock.monotonic()
        try:
            page = await request()
        except CqtuiError as error:
            self.post_message(FetchFailed(seq, query, error))
            return
        seconds = seconds_taken() if seconds_taken else self.clock.monotonic() - started
        latency_ms = round(seconds * 1000)
        self.post_message(PageLoaded(seq, query, page, self.clock.now(), latency_ms))

    def on_page_loaded(self, message: PageLoaded) -> None:
        if message.seq != self._seq:
            return  # an older request's answer: never drawn
        page = message.page
        self._set_listing(
            replace(
                self.listing,
                page=page,
                loaded_query=message.query,
                fetched_at=fmt.in_zone(message.fetched_at, self.profile.timezone),
                latency_ms=message.latency_ms,
                loading=False,
                error=None,
            )
        )
        pages = self.listing.total_pages
        if not page.items and pages is not None and message.query.page_number > pages:
            # Queues went away since the page count was known: show the last page that has some.
            self.fetch(replace(message.query, page_number=pages))
            return
        self._schedule_auto_refresh()
        if self.client is None:  # page 1 came from prefetch.py
            self.call_after_refresh(self._build_client_meanwhile)

    def _build_client_meanwhile(self) -> None:
        """Build the async client in a thread while the user reads page 1: importing httpx,
        building the client and loading anyio's backend would otherwise add ~80 ms to the
        first page flip."""

        def build() -> CiClient:
            from cqtui.ci.client import load_event_loop_backend

            client = self._client_factory(self.profile)
            load_event_loop_backend()
            return client

        self.run_worker(build, thread=True, group=WARM_UP_GROUP, exit_on_error=False)

    def on_fetch_failed(self, message: FetchFailed) -> None:
        if message.seq != self._seq:
            return
        self._set_listing(replace(self.listing, loading=False, error=message.error))
        self._schedule_auto_refresh()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == WARM_UP_GROUP and event.state == WorkerState.SUCCESS:
            if worker.result is not None:  # build() returned a client (Worker.result is Optional)
                self._adopt_client(worker.result)
            return
        if worker.group != FETCH_GROUP or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            return
        seq = self._worker_seq.pop(worker, None)
        if event.state == WorkerState.ERROR and seq is not None:
            problem = worker.error
            error = UnexpectedError(f"{type(problem).__name__}: {problem}")
            self.post_message(FetchFailed(seq, self.listing.wanted, error))

    def _adopt_client(self, client: CiClient) -> None:
        if self.client is None:
            self.client = client
        else:  # a fetch or a profile switch made its own meanwhile
            self.run_worker(client.aclose(), group="close-client", exit_on_error=False)

    def _set_listing(self, listing: Listing) -> None:
        self.listing = listing
        for screen in self.screen_stack:
            if isinstance(screen, CqtuiScreen) and screen.is_mounted:
                screen.show_listing(listing)

    # -- auto-refresh: rescheduled after each fetch ends, paused off the list ------

    def toggle_auto_refresh(self) -> None:
        if self.auto_refresh_seconds:
            self.auto_refresh_seconds = 0
            self._stop_auto_timer()
            self.notify("Auto-refresh off")
        else:
            self.auto_refresh_seconds = self.profile.refresh_seconds or DEFAULT_AUTO_REFRESH_SECONDS
            self._schedule_auto_refresh()
            self.notify(f"Auto-refresh every {self.auto_refresh_seconds} s")
        self._set_listing(self.listing)

    def _schedule_auto_refresh(self) -> None:
        self._stop_auto_timer()
        if self.auto_refresh_seconds and not self.listing.loading:
            self._auto_timer = self.set_timer(self.auto_refresh_seconds, self._auto_refresh_due)

    def _stop_auto_timer(self) -> None:
        if self._auto_timer is not None:
            self._auto_timer.stop()
            self._auto_timer = None

    def _auto_refresh_due(self) -> None:
        self._auto_timer = None
        if isinstance(self.screen, QueueListScreen):
            self.fetch()
        else:
            self._refresh_due = True

    def resume_auto_refresh(self) -> None:
        """The list is on top again: catch up on a refresh that came due meanwhile."""
        if self._refresh_due and self.auto_refresh_seconds:
            self._refresh_due = False
            self.fetch()

    # -- screens and dialogs -----------------------------------------------------

    def show_detail(self, queue: Queue, row: int) -> None:
        from cqtui.tui.screens.queue_detail import QueueDetailScreen

        self.push_screen(QueueDetailScreen(queue, row, self.listing))

    def show_notify(self, queue: Queue) -> None:
        from cqtui.tui.screens.notify_config import NotifyConfigScreen

        self.push_screen(NotifyConfigScreen(queue))

    def show_raw(self, title: str, text: str, *, queue_id: str | None = None) -> None:
        from cqtui.tui.screens.raw_xml import RawXmlScreen

        self.push_screen(RawXmlScreen(title, text, queue_id=queue_id))

    def show_help(self, screen: CqtuiScreen) -> None:
        from cqtui.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(screen))

    def ask_queue_ids(self) -> None:
        from cqtui.tui.screens.lookup import LookupDialog

        def looked_up(ids: tuple[str, ...] | None) -> None:
            if ids is not None:
                self.fetch(replace(self.listing.wanted, ids=ids, page_number=1))

        self.push_screen(LookupDialog(self.listing.wanted.ids), looked_up)

    # -- profiles ------------------------------------------------------------------

    def choose_profile(self) -> None:
        from cqtui.tui.screens.profile_picker import ProfilePicker

        def chosen(name: str | None) -> None:
            if name is not None:
                self.run_worker(self.switch_profile(name), group="switch-profile", exclusive=True, exit_on_error=False)

        self.push_screen(ProfilePicker(self.profiles, self.profile.name), chosen)

    async def switch_profile(self, name: str) -> None:
        """Re-resolve `name` (it may run a secret_key_command, so off the event loop) and reload."""
        try:
            profile = await asyncio.to_thread(self.profiles.resolve, name)
        except CqtuiError as error:
            self._set_listing(replace(self.listing, error=error))
            return
        self.workers.cancel_group(self, FETCH_GROUP)
        old_client, self.client = self.client, self._client_factory(profile)
        self.profile = profile
        if old_client is not None:
            await old_client.aclose()
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.auto_refresh_seconds = profile.refresh_seconds
        self.listing = Listing(wanted=ListQuery(page_size=profile.page_size))
        self.fetch()
        self.notify(f"Profile {visible(profile.name)}", markup=False)
