"""Textual-free pieces of the TUI: plain words, times, paging arithmetic, hints, id parsing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from cqtui.ci.errors import ConfigError, ResponseFormatError, ServiceError, TransportError
from cqtui.ci.hints import hint_for
from cqtui.ci.models import ListQuery, NotifyConfig, Page, Queue
from cqtui.tui import formatting as fmt
from cqtui.tui.listing import (
    Listing,
    bigger_page_size,
    next_state_filter,
    smaller_page_size,
    with_page_size,
)
from cqtui.tui.screens.lookup import parse_queue_ids
from cqtui.tui.widgets.queue_table import fit_cell, layout_for
from cqtui.tui.widgets.status_line import status_text

CHINA = timezone(timedelta(hours=8))
NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=CHINA)


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(seconds=10), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=30), "30 minutes ago"),
        (timedelta(hours=5), "5 hours ago"),
        (timedelta(days=3), "3 days ago"),
        (timedelta(days=90), "3 months ago"),
        (timedelta(days=800), "2 years ago"),
        (-timedelta(minutes=5), "in 5 minutes"),
    ],
)
def test_age(delta, words):
    assert fmt.age(NOW - delta, NOW) == words


def test_local_time_keeps_the_server_offset_by_default_and_always_shows_the_zone():
    utc_now = NOW.astimezone(UTC)  # the clock's zone does not matter: only for the age
    assert fmt.local_time("2025-12-29T12:00:00+0800", NOW) == "2025-12-29 12:00:00 +08:00 (3 days ago)"
    assert fmt.local_time("2025-12-29T12:00:00+0800", utc_now) == "2025-12-29 12:00:00 +08:00 (3 days ago)"
    assert fmt.local_time("2025-12-29T12:00:00Z", NOW, style="date") == "2025-12-29 +00:00"
    assert fmt.local_time("2025-12-29T23:30:00-0330", NOW, style="minute") == "2025-12-29 23:30 -03:30"


@pytest.fixture
def newfoundland(monkeypatch):
    """This machine's zone set to one with a half-hour offset and summer time."""
    import time

    monkeypatch.setenv("TZ", "America/St_Johns")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_local_time_in_a_named_zone_or_this_machines(newfoundland):
    stamp = "2025-12-29T12:00:00+0800"
    assert fmt.local_time(stamp, NOW, zone="Asia/Shanghai") == "2025-12-29 12:00:00 +08:00 (3 days ago)"
    assert fmt.local_time(stamp, NOW, zone="UTC", style="minute") == "2025-12-29 04:00 +00:00"
    assert fmt.local_time(stamp, NOW, zone="local") == "2025-12-29 00:30:00 -03:30 (3 days ago)"
    assert fmt.local_time("2025-07-01T12:00:00+0800", NOW, zone="local", style="minute") == "2025-07-01 01:30 -02:30"
    assert fmt.local_time(stamp, NOW, zone="Europe/Berlin", style="date") == "2025-12-29 +01:00"


def test_clock_time_of_a_fetch_in_each_zone(newfoundland):
    fetched = datetime(2026, 1, 1, 12, 0, 0, tzinfo=CHINA)
    assert fmt.clock_time(fmt.in_zone(fetched, "server")) == "12:00:00 +08:00"  # cqtui's own clock: as it reads
    assert fmt.clock_time(fmt.in_zone(fetched, "local")) == "00:30:00 -03:30"
    assert fmt.clock_time(fmt.in_zone(fetched, "Asia/Kolkata")) == "09:30:00 +05:30"


def test_local_time_shows_odd_values_literally():
    assert fmt.local_time("", NOW) == "—"
    assert fmt.local_time("not\x1ba-time", NOW) == "not\\x1ba-time (not a time cqtui knows)"
    assert fmt.local_time("9999-99-99T99:99:99+9999", NOW, style="date") == "9999-99-99T99:99:99+9999"


def test_short_queue_id_keeps_twelve_characters():
    queue_id = "p" + "0123456789abcdef" * 2
    assert fmt.short_queue_id(queue_id) == "p0123456789a…"
    assert fmt.short_queue_id("short") == "short"
    assert fmt.short_queue_id("p\x9b" + "a" * 40).startswith("p\\x9b")


@pytest.mark.parametrize(
    ("config", "summary"),
    [
        (None, "—"),
        (NotifyConfig(state="On", type="Url"), "On Url"),
        (NotifyConfig(state="On", type="TDMQ"), "On TDMQ"),
        (NotifyConfig(state="Off", type="Url"), "Off"),
        (NotifyConfig(), "—"),
    ],
)
def test_callback_summary(config, summary):
    assert fmt.callback_summary(config) == summary


def test_notify_meanings_and_unknown_values():
    config = NotifyConfig(
        state="On",
        type="TDMQ",
        event="TaskFinish,WorkflowFinish,Odd",
        result_format="XML",
        mq_mode="Queue",
        mq_region="hk",
        mq_name="results",
    )
    rows = {field: (value, meaning) for field, value, meaning in fmt.notify_rows(config)}
    assert rows["MqRegion"] == ("hk", "Hong Kong")
    assert rows["MqMode"] == ("Queue", "TDMQ queue")
    assert rows["Event"][1] == "when a task finishes, when a workflow finishes, Odd (unknown value)"
    assert rows["Url"] == ("—", "—")
    assert fmt.notify_summary(config) == (
        "Callbacks are on: when a task finishes, when a workflow finishes, Odd (unknown value), "
        "a result as XML goes to TDMQ queue results in Hong Kong."
    )
    odd = NotifyConfig(state="Maybe", type="Kafka", mq_region="[/]")
    rows = {field: meaning for field, _, meaning in fmt.notify_rows(odd)}
    assert rows["State"] == "Maybe (unknown value)"
    assert rows["MqRegion"] == "[/] (unknown value)"
    assert fmt.notify_summary(odd) == "Callback state is Maybe (unknown value)."
    assert fmt.notify_summary(NotifyConfig(state="On", type="Url", event="TaskFinish", url="https://x/")) == (
        "Callbacks are on: when a task finishes, a result is sent to the URL https://x/."
    )


def test_page_size_steps_and_state_cycle():
    assert bigger_page_size(10) == 20 and bigger_page_size(100) is None and bigger_page_size(25) == 50
    assert smaller_page_size(10) is None and smaller_page_size(50) == 20 and smaller_page_size(25) == 20
    assert [next_state_filter(s) for s in (None, "Active", "Paused")] == ["Active", "Paused", None]


def test_new_page_size_keeps_the_first_queue_shown():
    assert with_page_size(ListQuery(page_number=3, page_size=10), 20) == ListQuery(page_number=2, page_size=20)
    assert with_page_size(ListQuery(page_number=2, page_size=50), 10) == ListQuery(page_number=6, page_size=10)


def page(total: int | None, count: int) -> Page:
    return Page(total_count=total, items=tuple(Queue(queue_id=f"p{i}") for i in range(count)))


def test_listing_page_counts_and_ends():
    wanted = ListQuery(page_number=2, page_size=10)
    listing = Listing(wanted=wanted, page=page(44, 10), loaded_query=wanted)
    assert listing.total_pages == 5 and not listing.on_first_page and not listing.on_last_page
    last = Listing(wanted=ListQuery(page_number=5), page=page(44, 4), loaded_query=ListQuery(page_number=5))
    assert last.on_last_page
    # another filter in flight: the old count says nothing about it
    other = Listing(wanted=ListQuery(state="Active"), page=page(44, 10), loaded_query=ListQuery())
    assert other.total_pages is None and other.on_last_page
    # no TotalCount: a full page suggests there is more, a short one that there is not
    assert not Listing(wanted=ListQuery(), page=page(None, 10), loaded_query=ListQuery()).on_last_page
    assert Listing(wanted=ListQuery(), page=page(None, 3), loaded_query=ListQuery()).on_last_page
    assert Listing(wanted=ListQuery(), page=page(0, 0), loaded_query=ListQuery()).total_pages == 1


def test_status_text_loading_and_compact():
    wanted = ListQuery(page_number=4, page_size=10, state="Paused", ids=("a", "b"))
    listing = Listing(
        wanted=wanted,
        page=replace(page(44, 10), request_id="REQ-123"),
        loaded_query=replace(wanted, page_number=3),
        fetched_at=NOW,
        latency_ms=42,
        loading=True,
    )
    line = status_text(listing, auto_seconds=30).plain
    assert line.startswith("⠋ Page 4 of 5 loading…")
    for part in ("44 queues", "state Paused, 2 ids", "auto 30s", "12:00:00 +08:00 42 ms", "RequestId REQ-123"):
        assert part in line
    compact = status_text(listing, auto_seconds=0, width=60).plain
    assert "Page 4/5" in compact and "req REQ-123" in compact and "42ms" in compact


def test_layout_fits_the_width():
    for width in (60, 80, 100, 119, 120, 200):
        columns = layout_for(width)
        used = sum(c.width for c in columns) + 2 * len(columns) + 2
        assert used <= width or width < 70
    assert [c.key for c in layout_for(80)] == ["id", "name", "state", "callback", "updated"]
    assert [c.key for c in layout_for(120)][:3] == ["id", "name", "state"]
    assert "max_size" in [c.key for c in layout_for(120)]


@pytest.mark.parametrize(
    ("text", "width", "fitted"),
    [
        ("abc", 5, "abc  "),
        ("abcdef", 5, "abcd…"),
        ("队列名称", 5, "队列…"),  # two cells each: the cut never splits a character
        ("队列名称", 6, "队列… "),
        ("", 3, "   "),
    ],
)
def test_fit_cell_fills_exactly_the_column_width(text, width, fitted):
    assert fit_cell(text, width) == fitted


def test_parse_queue_ids():
    assert parse_queue_ids(" pa, pb ,,pa  pc\t") == ("pa", "pb", "pc")
    assert parse_queue_ids("   ") == ()


def refused(action: str) -> ServiceError:
    """AccessDenied as the clients raise it: naming the CAM action the call needs."""
    error = ServiceError("AccessDenied", "m", http_status=403)
    error.action = action
    return error


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (ServiceError("SignatureDoesNotMatch", "m", http_status=403), "SecretId/SecretKey"),
        (ServiceError("InvalidAccessKeyId", "m", http_status=403), "SecretId/SecretKey"),
        (
            ServiceError("RequestTimeTooSkewed", "m", http_status=403, server_date="Thu, 01 Jan 2026 04:00:00 GMT"),
            "Thu, 01 Jan 2026 04:00:00 GMT",
        ),
        (refused("ci:DescribePicProcessQueues"), "ci:DescribePicProcessQueues"),
        (refused("ci:DescribeCIBuckets"), "ci:DescribeCIBuckets"),
        (ServiceError("AccessDenied", "m", http_status=403), "CAM permissions"),
        (ServiceError("ExpiredToken", "m", http_status=403), "temporary"),
        (ServiceError("NoSuchBucket", "m", http_status=404), "not bound to Cloud Infinite"),
        (ServiceError("Whatever", "m", http_status=404), "not bound to Cloud Infinite"),
        (ServiceError("SlowDown", "m", http_status=503), "transient"),
        (ServiceError("InternalError", "m", http_status=500), "transient"),
        (ResponseFormatError("MalformedXML", "m", http_status=200, excerpt="<html>"), "excerpt"),
        (TransportError("ConnectTimeout", "d"), "in time"),
        (TransportError("ConnectError", "d"), "Could not reach"),
        (TransportError("ReadError", "d"), "connection broke"),
        (ConfigError("bad"), "Fix the setting"),
    ],
)
def test_hints(error, words):
    assert words in hint_for(error)


def test_no_hint_for_an_unknown_client_error():
    assert hint_for(ServiceError("Teapot", "m", http_status=418)) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-08-09T16:23:11+0800", datetime(2022, 8, 9, 16, 23, 11, tzinfo=CHINA)),
        (" 2022-08-09 16:23:11+08:00 ", datetime(2022, 8, 9, 16, 23, 11, tzinfo=CHINA)),
        ("2022-08-09T08:23:11.5Z", datetime(2022, 8, 9, 8, 23, 11, 500000, tzinfo=UTC)),
        ("2022-08-09T16:23:11", None),  # no zone: a time of day somewhere
        ("2022-13-09T16:23:11+0800", None),
        ("2022-08-09T16:23:60+0800", None),
        ("2022-8-9T16:23:11+0800", None),
        ("yesterday", None),
    ],
)
def test_server_times_are_read_only_in_the_shapes_the_service_sends(text, expected):
    assert fmt.parse_server_time(text) == expected
