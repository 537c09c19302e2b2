"""Limits that hold whatever the server sends, on both clients (issue 11), through their one shared place:

- the bytes that reach the parser are counted whatever the Content-Encoding (protocol.BodyReader);
- one deadline covers connect, status line, headers and body (protocol.Deadline);
- a listing holds at most what its bounds allow, counted as received (protocol.Held, iter_pages);
- server text is capped where errors are built (errors.py), the whole message kept for the raw view;
- Retry-After is honoured within bounds, 429 retried like SlowDown (protocol.Retrying);
- a request target too long for any server is refused before sending (protocol.Request).

The CLI's own child processes under the same faults (exit codes, one-line stderr, peak
memory) are rows of the fault matrix (tests/reliability_matrix.py).
"""

from __future__ import annotations

import email.utils
import gzip
import time
import tracemalloc
import zlib

import pytest

from client_kinds import WHERE
from cqtui.ci.client import CiClient
from cqtui.ci.endpoint import Where
from cqtui.ci.errors import ConfigError, ResponseFormatError, ServiceError, TransportError
from cqtui.ci.hints import hint_for
from cqtui.ci.kinds import CI_BUCKETS, PIC
from cqtui.ci.models import ListQuery, Page
from cqtui.ci.parsing import MAX_PROBLEMS, parse_error, parse_page
from cqtui.ci.protocol import ACCEPT_ENCODING, DEFAULT_MAX_BODY_BYTES, BodyReader, ClockSkew, Retrying
from cqtui.ci.timing import RetryPolicy, Timeouts
from cqtui.emulator.account import demo_account
from cqtui.emulator.data import demo_queues
from cqtui.emulator.faults import BOMB_CRC, FLOOD_QUEUES, HUGE_MESSAGE_CHARS, LONG_RETRY_AFTER, gzip_bomb
from cqtui.emulator.server import Emulator
from cqtui.emulator.xmlbody import queue_page_xml
from cqtui.safetext import listed
from reliability_helpers import Answer, ScriptedServer, cli_env, queues_args, run_cli

FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)
LISTING = queue_page_xml(Page(request_id="cmlk", total_count=44, items=tuple(demo_queues()[:10])))
DEMO_IDS = [queue.queue_id for queue in demo_queues()]


@pytest.fixture
async def client(make_client, emulator, emulator_credentials):
    async with make_client(emulator.base_url, emulator_credentials, retry=FAST_RETRY) as client:
        yield client


# ---- 1. decoded size: every encoding through one reader -------------------------------------------


def _deflate(data: bytes, wbits: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return compressor.compress(data) + compressor.flush()


ENCODED = {
    "identity": ("identity", LISTING),
    "gzip": ("gzip", gzip.compress(LISTING)),
    "x-gzip": ("x-gzip", gzip.compress(LISTING)),
    "deflate (zlib, as RFC 9110 says)": ("deflate", _deflate(LISTING, zlib.MAX_WBITS)),
    "deflate (raw, as some servers send)": ("deflate", _deflate(LISTING, -zlib.MAX_WBITS)),
    "gzip, gzip, gzip": ("gzip, gzip, gzip", gzip.compress(gzip.compress(gzip.compress(LISTING)))),
    "deflate then gzip": ("deflate, GZIP", gzip.compress(_deflate(LISTING, zlib.MAX_WBITS))),
    "identity, gzip": ("identity, gzip", gzip.compress(LISTING)),
}


@pytest.mark.parametrize("name", ENCODED)
async def test_every_encoding_is_decoded_the_same_by_both_clients(make_client, emulator_credentials, name):
    encoding, body = ENCODED[name]
    with ScriptedServer(Answer(200, body, {"Content-Encoding": encoding})) as server:
        async with make_client(server.base_url, emulator_credentials) as client:
            page = await client.list(PIC, WHERE, ListQuery())
    assert [queue.queue_id for queue in page.items] == DEMO_IDS[:10]
    assert server.received[0].headers["accept-encoding"] == ACCEPT_ENCODING


REFUSED = {
    "br": ("br", b"\x0b\x02\x80hello\x03", "UnsupportedEncoding", "'br'"),
    "compress": ("gzip, compress", b"x", "UnsupportedEncoding", "'compress'"),
    "five layers": ("gzip, gzip, gzip, gzip, gzip", b"x", "UnsupportedEncoding", "at most 4"),
    "broken gzip": ("gzip", b"\x1f\x8b\x08\x00not gzip at all", "MalformedEncoding", "gzip data is broken"),
    "cut gzip": ("gzip", gzip.compress(LISTING)[:-30], "MalformedEncoding", "ends before its stream does"),
}


@pytest.mark.parametrize("name", REFUSED)
async def test_an_encoding_cqtui_cannot_read_is_refused_clearly(make_client, emulator_credentials, name):
    encoding, body, code, words = REFUSED[name]
    with ScriptedServer(Answer(200, body, {"Content-Encoding": encoding, "x-ci-request-id": "ZW5j"})) as server:
        async with make_client(server.base_url, emulator_credentials, retry=FAST_RETRY) as client:
            with pytest.raises(ResponseFormatError) as raised:
                await client.list(PIC, WHERE, ListQuery())
    assert (raised.value.code, raised.value.http_status, raised.value.request_id) == (code, 200, "ZW5j")
    assert words in raised.value.message
    assert len(server.received) == 1  # an unreadable 200 is not retried


async def test_a_gzip_bomb_stops_at_the_cap_on_both_clients(client, emulator):
    """281 bytes that decode to 2 GiB (gzip, gzip, gzip): today httpx inflated it all before the 8 MiB check."""
    emulator.set_fault("gzip_bomb")
    with pytest.raises(ResponseFormatError) as raised:
        await client.list(PIC, WHERE, ListQuery())
    assert raised.value.code == "ResponseTooLarge" and "decoded from gzip, gzip, gzip" in raised.value.message
    assert len(emulator.requests) == 1


def test_the_reader_never_holds_much_more_than_the_cap_whatever_the_ratio():
    """Measured in allocations (tracemalloc), not time: the bomb decodes a step at a time and stops at the cap."""
    headers = {"content-encoding": "gzip, gzip, gzip"}
    tracemalloc.start()
    try:
        reader = BodyReader(200, headers, DEFAULT_MAX_BODY_BYTES)
        with pytest.raises(ResponseFormatError):
            for start in range(0, len(gzip_bomb()), 16):
                reader.feed(gzip_bomb()[start : start + 16])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < DEFAULT_MAX_BODY_BYTES + 4 * 1024 * 1024, peak


def test_the_bomb_is_what_it_says():
    layers = zlib.decompress(zlib.decompress(gzip_bomb(), 31), 31)
    inflater = zlib.decompressobj(31)
    assert inflater.decompress(layers, 1 << 20) == bytes(1 << 20) and len(gzip_bomb()) < 400
    crc = 0
    for _ in range(2048):
        crc = zlib.crc32(bytes(1 << 20), crc)
    assert crc == BOMB_CRC


async def test_a_server_that_compresses_unasked_is_read_by_both_clients(client, emulator):
    emulator.set_fault("gzip_unasked")
    page = await client.list(PIC, WHERE, ListQuery())
    assert [queue.queue_id for queue in page.items] == DEMO_IDS[:10]


# ---- 2. one deadline for the whole answer -----------------------------------------------------------


async def test_a_trickled_status_line_and_headers_end_at_the_deadline_on_both_clients(
    make_client, emulator, emulator_credentials
):
    """A byte every 0.2 s never makes a read late: today the one-shot client waited ~40 s for the headers."""
    emulator.set_fault("slow_headers")
    timeouts = Timeouts(connect=1, read=0.5, total=1.0)
    async with make_client(emulator.base_url, emulator_credentials, retry=FAST_RETRY, timeouts=timeouts) as client:
        with pytest.raises(TransportError) as raised:
            await client.list(PIC, WHERE, ListQuery())
    assert raised.value.kind == "TotalTimeout" and "within 1 s" in raised.value.detail
    assert len(emulator.requests) == 1  # not retried: a trickling server costs one wait


# ---- 3. what was received, not what was claimed -----------------------------------------------------


async def test_a_server_ignoring_page_size_stops_at_the_items_held(emulator, emulator_credentials):
    """Pages of 10,000 new queues and a modest TotalCount: today --all took all 50 pages (1.4 GiB)."""
    emulator.set_fault("flood_pages")
    pages = []
    async with CiClient(emulator_credentials, endpoint=emulator.base_url, retry=FAST_RETRY) as client:
        held = client.new_held()
        with pytest.raises(ServiceError) as raised:
            async for page in client.iter_pages(PIC, WHERE, ListQuery(page_size=100), held=held):
                pages.append(page)
    assert raised.value.code == "TooManyQueues" and "more than the 20000 cqtui holds" in raised.value.message
    # Pages are counted as they are parsed, in whatever order they arrive: never more than the bound.
    assert FLOOD_QUEUES <= sum(len(page.items) for page in pages) <= held.items <= held.max_items
    assert "TooManyQueues" in str(raised.value) and "ignores pageSize" in hint_for(raised.value)


def _page_of_big_entries(path: str) -> Answer:
    """100 new queues of 80 KB each, whatever page is asked: 8 MB pages, each under the body cap."""
    number = path.partition("pageNumber=")[2].partition("&")[0]
    entries = b"".join(
        b"<QueueList><QueueId>p%s-%d</QueueId><Name>%s</Name></QueueList>" % (number.encode(), index, b"n" * 80_000)
        for index in range(100)
    )
    return Answer(200, b"<Response><TotalCount>5000</TotalCount>" + entries + b"</Response>")


async def test_the_bytes_held_are_bounded_too(emulator_credentials):
    """Full pages of 80 KB entries: the 32 MiB a listing may hold end it, the pages still in flight counted."""
    with ScriptedServer(_page_of_big_entries) as server:
        async with CiClient(emulator_credentials, endpoint=server.base_url, retry=FAST_RETRY) as client:
            held = client.new_held()
            with pytest.raises(ServiceError) as raised:
                [page async for page in client.iter_pages(PIC, WHERE, ListQuery(page_size=100), held=held)]
    assert raised.value.code == "ListingTooLarge" and "more than 32 MiB" in raised.value.message
    assert held.items <= 400  # at most the four pages that fit


async def test_without_a_total_count_every_page_is_fetched_until_a_short_one(emulator, emulator_credentials):
    """Today a missing TotalCount ended --all after page 1, exit 0."""
    emulator.set_fault("no_total")
    async with CiClient(emulator_credentials, endpoint=emulator.base_url, retry=FAST_RETRY) as client:
        pages = [page async for page in client.iter_pages(PIC, WHERE, ListQuery(page_size=10))]
    assert [queue.queue_id for page in pages for queue in page.items] == DEMO_IDS
    assert {page.total_count for page in pages} == {None} and len(pages) == 5


async def test_bucket_lists_without_a_total_count_are_paged_to_the_end(emulator_credentials):
    with Emulator(account=demo_account()) as emulator:
        emulator.set_fault("no_total")
        async with CiClient(emulator_credentials, endpoint=emulator.base_url, retry=FAST_RETRY) as client:
            pages = [
                page async for page in client.iter_pages(CI_BUCKETS, Where("ap-guangzhou"), ListQuery(page_size=2))
            ]
    buckets = [bucket.bucket_id for page in pages for bucket in page.items]
    assert len(buckets) == len(set(buckets)) == sum(1 for bucket in demo_account().buckets if bucket.services)
    assert len(pages) > 1


async def test_the_buckets_of_an_overview_share_one_bound(emulator_credentials):
    """--all-buckets holds every bucket's queues at once: together they are bounded, not each alone."""
    from cqtui.ci.account import Overview, discover_buckets
    from cqtui.emulator.account import generated_account

    with Emulator(account=generated_account(4, 20, 1)) as emulator:
        options = {"endpoint": emulator.base_url, "retry": FAST_RETRY, "max_items": 50}
        async with CiClient(emulator_credentials, **options) as client:
            found = await discover_buckets(client, "ap-guangzhou", services=("pic",))
            overview = Overview(client, PIC, found.buckets)
            [_ async for _ in overview.load()]
    assert len(overview.rows) <= 50 and {failure.code for failure in overview.failures} == {"TooManyQueues"}


def test_the_cli_says_when_the_total_count_was_missing(emulator, tmp_path):
    emulator.set_fault("no_total")
    run = run_cli(
        *queues_args(emulator.base_url, "--all", "--page-size", "10", "-o", "csv"), env=cli_env(tmp_path / "c")
    )
    assert run.returncode == 0, run.stderr
    assert len(run.stdout.splitlines()) == 1 + len(DEMO_IDS)
    assert "no TotalCount: paged until a short page (5 pages)" in run.stderr


# ---- 4. server text at any length --------------------------------------------------------------------


async def test_a_five_megabyte_message_is_capped_and_kept_whole(client, emulator):
    emulator.set_fault("huge_message")
    with pytest.raises(ServiceError) as raised:
        await client.list(PIC, WHERE, ListQuery())
    error = raised.value
    assert error.code == "AccessDenied" and len(str(error)) < 1000 and f"{HUGE_MESSAGE_CHARS:,}" in str(error)
    assert len(error.full_message) == HUGE_MESSAGE_CHARS  # for the raw view: nothing lost


SIBLINGS = {
    "RequestId header": Answer(500, b"", {"x-ci-request-id": "r" * 60_000}),
    "TraceId header": Answer(500, b"", {"x-ci-trace-id": "t" * 60_000}),
    "reason": Answer(418, b"<html><title>" + b"T" * 3_000 + b"</title></html>"),
    "JSON message": Answer(400, b'{"Response": {"Error": {"Code": "X", "Message": "' + b"m" * 2_000_000 + b'"}}}'),
    "XML RequestId": Answer(400, b"<Error><Code>X</Code><RequestId>" + b"i" * 2_000_000 + b"</RequestId></Error>"),
    "XML code": Answer(400, b"<Error><Code>" + b"C" * 2_000_000 + b"</Code></Error>"),
}


@pytest.mark.parametrize("name", SIBLINGS)
async def test_every_server_string_in_an_error_is_capped(make_client, emulator_credentials, name):
    with ScriptedServer(SIBLINGS[name]) as server:
        async with make_client(server.base_url, emulator_credentials, retry=RetryPolicy(attempts=1)) as client:
            with pytest.raises(ServiceError) as raised:
                await client.list(PIC, WHERE, ListQuery())
    error = raised.value
    assert len(str(error)) < 1500 and len(error.request_id) < 200 and len(error.trace_id) < 200
    assert len(hint_for(error)) < 1000 and len(error.excerpt) < 500


async def test_a_redirect_location_is_capped_and_its_password_masked(make_client, emulator_credentials):
    location = "https://svc:hunter2@elsewhere.example/" + "x" * 30_000  # as much as HTTP libraries take in a header
    with ScriptedServer(Answer(302, b"", {"Location": location})) as server:
        async with make_client(server.base_url, emulator_credentials) as client:
            with pytest.raises(ServiceError) as raised:
                await client.list(PIC, WHERE, ListQuery())
    error = raised.value
    assert error.code == "Redirect" and "svc:***@elsewhere.example" in str(error)
    assert "hunter2" not in str(error) + error.full_message and len(str(error)) < 1000


def test_warnings_listing_server_strings_are_capped():
    ids = [f"p{index:032d}" for index in range(5_000)] + ["q" * 10_000]
    line = listed(ids)
    assert line.endswith("and 4991 more") and len(line) < 1000
    assert len(listed(["q" * 10_000])) < 200


def test_problems_a_page_tolerated_are_at_most_twenty():
    body = b"<Response>" + b"<QueueList><QueueId>p</QueueId><MaxSize>x</MaxSize></QueueList>" * 5_000 + b"</Response>"
    page = parse_page(PIC, body)
    assert len(page.problems) == MAX_PROBLEMS + 1 and page.problems[-1] == "and 4980 more problems"


# ---- 5. Retry-After, and 429 retried like SlowDown ------------------------------------------------


async def test_429_is_retried_after_the_wait_the_server_asked(client, emulator):
    emulator.set_fault("too_many_requests", times=1)
    page = await client.list(PIC, WHERE, ListQuery())
    assert len(page.items) == 10 and len(emulator.requests) == 2


async def test_a_retry_after_longer_than_cqtui_waits_ends_the_call_at_once(client, emulator):
    emulator.set_fault("retry_after_long")
    with pytest.raises(ServiceError) as raised:
        await client.list(PIC, WHERE, ListQuery())
    assert (raised.value.code, raised.value.retry_after) == ("SlowDown", LONG_RETRY_AFTER)
    assert len(emulator.requests) == 1
    assert f"asked to wait {LONG_RETRY_AFTER} s" in hint_for(raised.value)


def _throttled(status: int, retry_after: str, date: str = "") -> ServiceError:
    headers = {"retry-after": retry_after, "date": date}
    return parse_error(b"<Error><Code>SlowDown</Code></Error>", http_status=status, headers=headers)


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    "status, retry_after, date, waited",
    [
        (429, "7", "", 7.0),
        (503, "0", "", 0.0),
        (503, "Wed, 21 Oct 2026 07:28:09 GMT", "Wed, 21 Oct 2026 07:28:00 GMT", 9.0),  # measured from its own Date
    ],
)
def test_retry_after_replaces_the_backoff(status, retry_after, date, waited):
    retrying = Retrying(RetryPolicy(), ClockSkew(time.time), budget=60, clock=_Clock())
    assert retrying.delay_before_retry(_throttled(status, retry_after, date)) == waited


def test_a_wait_is_never_past_the_calls_whole_answer_time_nor_past_30_s():
    clock = _Clock()
    retrying = Retrying(RetryPolicy(attempts=5), ClockSkew(time.time), budget=20, clock=clock)
    assert retrying.delay_before_retry(_throttled(429, "15")) == 15
    clock.now += 16
    with pytest.raises(ServiceError):
        retrying.delay_before_retry(_throttled(429, "5"))  # 16 + 5 > 20
    with pytest.raises(ServiceError):
        Retrying(RetryPolicy(), ClockSkew(time.time), budget=600).delay_before_retry(_throttled(503, "31"))
    later = email.utils.formatdate(time.time() + 3600, usegmt=True)
    with pytest.raises(ServiceError):
        Retrying(RetryPolicy(), ClockSkew(time.time), budget=600).delay_before_retry(_throttled(503, later))


# ---- 6. a request too long for any server ------------------------------------------------------------

LONG_IDS = tuple(f"p{index:031x}" for index in range(2_100))  # ~70 KB as queueIds


async def test_a_request_target_too_long_is_refused_before_sending(client, emulator):
    with pytest.raises(ConfigError) as raised:
        await client.list(PIC, WHERE, ListQuery(ids=LONG_IDS))
    assert raised.value.key == "queueIds" and "bytes long" in str(raised.value) and "at most 8,000" in str(raised.value)
    assert emulator.requests == []


async def test_long_bucket_list_parameters_are_refused_the_same_way(client, emulator):
    with pytest.raises(ConfigError) as raised:
        await client.list(CI_BUCKETS, Where("ap-guangzhou"), ListQuery(options=(("bucketName", "b" * 9_000),)))
    assert raised.value.key == "bucketName" and emulator.requests == []


LONG_ARGS = {
    "--queue-ids --all": (("--queue-ids", ",".join(LONG_IDS), "--all"), "--queue-ids"),
    "--queue-ids": (("--queue-ids", ",".join(LONG_IDS)), "--queue-ids"),
    "--category": (("--family", "media", "--category", "c" * 70_000), "--category"),
}


@pytest.mark.parametrize("case", LONG_ARGS)
def test_a_long_option_is_one_line_and_exit_2(case, emulator, tmp_path):
    """Today `--queue-ids` of 70 KB with --all ended in an httpx.InvalidURL traceback, and argparse quoted
    a 70 KB --category whole. One line saying what and how long (after argparse's usage, for its own errors)."""
    args, flag = LONG_ARGS[case]
    run = run_cli(*queues_args(emulator.base_url, *args), env=cli_env(tmp_path / "config.toml"))
    error = run.stderr.splitlines()[-1] if run.stderr else ""
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr[:2000]
    assert flag in error and "characters" in error and len(run.stderr) < 2000, run.stderr[:2000]
    assert run.stderr.startswith("usage:") or len(run.stderr.splitlines()) == 1, run.stderr[:2000]
    assert emulator.requests == []


def test_long_regions_for_bucket_lists_are_one_line_too(emulator, tmp_path):
    run = run_cli("buckets", "--endpoint", emulator.base_url, "--region", "r" * 70_000, env=cli_env(tmp_path / "c"))
    assert run.returncode == 2 and len(run.stderr.splitlines()) == 1 and len(run.stderr) < 1000, run.stderr[:2000]


# ---- the TUI: the capped message on the panel, the whole one on `y` -------------------------------


async def test_the_error_panel_shows_the_capped_message_and_y_the_whole_one(emulator, emulator_credentials):
    from tui_helpers import error_text, make_app, settle

    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        emulator.set_fault("huge_message")
        await pilot.press("r")
        await settle(pilot)
        shown = error_text(app)
        assert "AccessDenied" in shown and f"{HUGE_MESSAGE_CHARS:,} characters in all" in shown
        assert len(shown) < 3000
        await pilot.press("y")
        await settle(pilot)
        # `y` shows the error's whole answer as it came: the whole message is in it.
        assert app.listing.error.full_message in getattr(app.screen, "text", "")
