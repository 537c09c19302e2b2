"""The fault matrix for the TUI: load a good page, inject the fault, press `r` (or `n`).

Each row of reliability_matrix.ROWS: the error panel names the code, HTTP
status and RequestId (or the failure kind), the rows already on screen stay,
the app keeps running, the fetch ends in bounded time and memory.

One app and one emulator serve every row (AppSession), as a user's session
would meet one fault after another; each row first puts the emulator back to
normal and loads page 1 again, so rows do not depend on each other.
"""

from __future__ import annotations

import resource
import time

import pytest

from cqtui.ci.client import CiClient
from cqtui.ci.credentials import Credentials
from cqtui.ci.models import ListQuery
from cqtui.ci.timing import RetryPolicy, Timeouts
from cqtui.emulator.data import demo_queues
from cqtui.emulator.faults import FLOOD_QUEUES, FLOOD_TOTAL
from cqtui.emulator.server import DEMO_SECRET_ID, DEMO_SECRET_KEY, Emulator
from cqtui.safetext import visible
from cqtui.tui.messages import UnexpectedError
from cqtui.tui.screens.queue_list import QueueListScreen
from reliability_helpers import HANG_GUARD_SECONDS, AppSession
from reliability_matrix import ATTEMPTS, ROWS, FaultRow, inject
from tui_helpers import SIZE, column, error_text, make_app, press, settle, status

FIRST_PAGE = [visible(queue.name) for queue in demo_queues()[:10]]
MEMORY_GROWTH_LIMIT = 100 * 1024 * 1024
# Below the latency row's 2 s and the slow body's minutes; roomy for every other row on a busy machine.
TIMEOUTS = Timeouts(connect=2, read=1.0, total=1.5)


def matrix_client(profile) -> CiClient:
    """The CLI's retry count with millisecond backoff."""
    return CiClient(
        profile.credentials,
        endpoint=profile.endpoint,
        retry=RetryPolicy(attempts=ATTEMPTS, base_delay=0.005, max_delay=0.01),
        timeouts=TIMEOUTS,
    )


@pytest.fixture(scope="module")
def session():
    with Emulator() as emulator:
        app = make_app(emulator, Credentials(DEMO_SECRET_ID, DEMO_SECRET_KEY), client_factory=matrix_client)
        running = AppSession(app, SIZE)
        running.run(settle)
        try:
            yield running, emulator
        finally:
            running.close()


def back_to_normal(emulator: Emulator) -> None:
    emulator.clear_faults()
    emulator.latency_ms = 0
    emulator.clock_skew_seconds = 0
    emulator.secrets[DEMO_SECRET_ID] = DEMO_SECRET_KEY


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


TUI_ROWS = [row for row in ROWS if row.tui is not None]


@pytest.mark.parametrize("row", TUI_ROWS, ids=[row.id for row in TUI_ROWS])
def test_tui_under_fault(row: FaultRow, session):
    running, emulator = session
    back_to_normal(emulator)

    async def job(pilot) -> None:
        app = pilot.app
        while not isinstance(app.screen, QueueListScreen):
            app.pop_screen()
        app.fetch(ListQuery(page_size=10))  # a good first page, whatever the last row left
        await settle(pilot)
        assert column(app, "name") == FIRST_PAGE and error_text(app) == ""
        emulator.clear_requests()
        if row.refused:
            emulator.stop()
        else:
            inject(emulator, row)
        memory_before, started = peak_rss(), time.monotonic()

        await press(pilot, *row.tui_keys)

        assert time.monotonic() - started < HANG_GUARD_SECONDS and not app.listing.loading
        assert peak_rss() - memory_before < MEMORY_GROWTH_LIMIT
        assert app.is_running
        if row.attempts is not None:
            assert len(emulator.requests) == row.attempts, [r.params for r in emulator.requests]
        expect = row.tui
        assert expect is not None
        if expect.code is None:
            assert app.listing.error is None and error_text(app) == ""
            assert len(column(app, "name")) == (FLOOD_QUEUES if row.fault == "flood_pages" else 10)
            if row.fault == "flood_pages":
                assert f"{FLOOD_TOTAL} queues" in status(app)
            elif row.fault == "no_total":
                assert column(app, "name") == FIRST_PAGE and "? queues" in status(app)
            elif row.fault == "endless_total":
                assert "1000000000 queues" in status(app)
            elif row.fault == "same_page":
                assert "Page 2" in status(app) and column(app, "name") == FIRST_PAGE
            else:
                assert column(app, "name") == FIRST_PAGE
            return
        error = app.listing.error
        assert not isinstance(error, UnexpectedError), error
        shown = error_text(app)
        assert expect.code in shown, shown
        if expect.status is not None:
            assert f"HTTP {expect.status}" in shown, shown
        if expect.request_id:
            assert error.request_id and f"RequestId: {visible(error.request_id)}" in shown, shown
        assert "Hint" in shown
        assert column(app, "name") == FIRST_PAGE  # nothing lost on screen

    try:
        running.run(job)
    finally:
        if row.refused:
            emulator.start()  # the same port again, for the rows after this one
