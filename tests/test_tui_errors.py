"""Every emulator fault: a clear error with its RequestId, the app keeps running, old rows stay."""

from __future__ import annotations

import pytest

from cqtui.emulator.data import demo_queues
from cqtui.safetext import visible
from cqtui.tui.screens.queue_detail import QueueDetailScreen
from cqtui.tui.screens.raw_xml import RawXmlScreen
from cqtui.tui.widgets.error_panel import ErrorPanel
from tui_helpers import SIZE, column, error_text, make_app, press, settle

FIRST_PAGE = [visible(queue.name) for queue in demo_queues()[:10]]

# fault -> (words the panel must show, does the server give a RequestId)
FAULTS = {
    "http500": (["InternalError", "HTTP 500", "transient"], True),
    "http503_slowdown": (["SlowDown", "HTTP 503", "throttling"], True),
    "http502_html": (["HTTP 502"], True),
    "malformed_xml": (["HTTP 200", "not the XML"], True),
    "html_body": (["HTTP 200", "not the XML", "Answer starts"], True),
    "truncated_body": (["Hint"], False),
    "connection_reset": (["Network problem", "network"], False),
    "empty_body": (["HTTP 200"], True),
    "json_error": (["HTTP 400"], True),
    "dtd": (["HTTP 200"], True),
    "entity_expansion": (["HTTP 200"], True),
    "external_entity": (["HTTP 200"], True),
    "huge_body": (["HTTP 200"], True),
    "signature_mismatch": (["SignatureDoesNotMatch", "HTTP 403", "SecretId/SecretKey"], True),
    "invalid_access_key": (["InvalidAccessKeyId", "SecretId/SecretKey"], True),
    "access_denied": (["AccessDenied", "ci:DescribePicProcessQueues"], True),
    "expired_token": (["ExpiredToken", "temporary"], True),
    "no_such_bucket": (["NoSuchBucket", "HTTP 404", "not bound to Cloud Infinite"], True),
}


@pytest.mark.parametrize("fault", FAULTS)
async def test_fault_shows_error_keeps_rows_and_recovers(emulator, emulator_credentials, fault):
    words, has_request_id = FAULTS[fault]
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        emulator.set_fault(fault)  # every request from now on
        await press(pilot, "r")
        shown = error_text(app)
        for word in words:
            assert word in shown, (word, shown)
        error = app.listing.error
        if has_request_id:
            assert error.request_id and f"RequestId: {error.request_id}" in shown
        assert app.is_running
        assert column(app, "name") == FIRST_PAGE  # the data on screen stays
        assert app.screen.query_one(ErrorPanel).has_focus

        emulator.clear_faults()
        await press(pilot, "r")  # retry
        assert error_text(app) == ""
        assert app.listing.error is None
        assert column(app, "name") == FIRST_PAGE


async def test_error_on_the_first_fetch_leaves_an_empty_list_and_a_way_out(emulator, emulator_credentials):
    emulator.set_fault("signature_mismatch")
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "SignatureDoesNotMatch" in error_text(app)
        assert column(app, "name") == []
        emulator.clear_faults()
        await press(pilot, "r")
        assert column(app, "name") == FIRST_PAGE


async def test_error_panel_copies_request_id_shows_excerpt_and_hides(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        emulator.set_fault("html_body", times=1)
        await press(pilot, "r")
        error = app.listing.error
        await press(pilot, "Y")
        assert app.clipboard == error.request_id
        await press(pilot, "y")
        assert isinstance(app.screen, RawXmlScreen)
        assert app.screen.text == error.answer and error.excerpt in " ".join(error.answer.split())
        await press(pilot, "escape")
        await press(pilot, "escape")  # hides the panel; the table gets the keys again
        assert error_text(app) == ""
        await press(pilot, "down", "Y")
        assert app.clipboard == demo_queues()[1].queue_id


async def test_paging_still_works_after_an_error(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        emulator.set_fault("http500", times=2)  # both attempts of one fetch
        await press(pilot, "n")
        assert "InternalError" in error_text(app)
        assert emulator.requests[-1].params["pageNumber"] == "2"
        await press(pilot, "n")  # the wanted page is still 2: this asks for 3
        assert emulator.requests[-1].params["pageNumber"] == "3"
        assert error_text(app) == ""


async def test_refresh_error_on_the_detail_screen_keeps_the_detail(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        emulator.set_fault("access_denied")
        await press(pilot, "r")
        assert isinstance(app.screen, QueueDetailScreen)
        assert "AccessDenied" in error_text(app)
        assert app.screen.queue == demo_queues()[0]


async def test_transient_fault_once_is_retried_without_showing_an_error(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sent = len(emulator.requests)
        emulator.set_fault("http503_slowdown", times=1)
        await press(pilot, "r")
        assert len(emulator.requests) == sent + 2
        assert error_text(app) == ""
