"""Both clients against the emulator over real HTTP on 127.0.0.1 (`--all` paging: the async one)."""

import os
import subprocess
import sys

import pytest

from client_kinds import WHERE
from cqtui import __version__
from cqtui.ci.client import CiClient
from cqtui.ci.credentials import Credentials
from cqtui.ci.errors import ConfigError, ResponseFormatError, ServiceError, TransportError
from cqtui.ci.kinds import PIC
from cqtui.ci.models import ListQuery
from cqtui.ci.signing import parse_authorization
from cqtui.ci.timing import RetryPolicy, Timeouts
from cqtui.emulator.data import generated_queues

FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)


@pytest.fixture
async def client(make_client, emulator, emulator_credentials):
    async with make_client(emulator.base_url, emulator_credentials, retry=FAST_RETRY) as client:
        yield client


@pytest.fixture
async def async_client(emulator, emulator_credentials):
    async with CiClient(emulator_credentials, endpoint=emulator.base_url, retry=FAST_RETRY) as client:
        yield client


async def test_first_page_and_what_was_sent(client, emulator):
    page = await client.list(PIC, WHERE, ListQuery())
    assert (page.page_number, page.page_size, page.total_count) == (1, 10, len(emulator.queues))
    assert [queue.queue_id for queue in page.items] == [queue.queue_id for queue in emulator.queues[:10]]
    request = emulator.requests[-1]
    assert request.params == {"pageNumber": "1", "pageSize": "10"}  # no state means every state
    assert request.headers["user-agent"] == f"cqtui/{__version__}"
    assert client.last_latency is not None and page.request_id


async def test_the_real_ci_host_is_sent_and_signed_to_the_endpoint(client, emulator):
    """The endpoint is where to connect (the emulator); who is asked is the bucket's CI host."""
    await client.list(PIC, WHERE, ListQuery())
    request = emulator.requests[-1]
    assert request.headers["host"] == "examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com"
    assert "host" in parse_authorization(request.headers["authorization"]).header_list


async def test_a_query_the_kind_does_not_take_is_refused_before_sending(client, emulator):
    with pytest.raises(ConfigError) as refused:
        await client.list(PIC, WHERE, ListQuery(options=(("category", "CateAll"),)))
    assert refused.value.key == "category"
    assert emulator.requests == []


async def test_paging_returns_the_asked_page(client, emulator):
    page = await client.list(PIC, WHERE, ListQuery(page_number=3, page_size=7))
    assert page.page_number == 3
    assert [queue.queue_id for queue in page.items] == [queue.queue_id for queue in emulator.queues[14:21]]
    assert emulator.requests[-1].params == {"pageNumber": "3", "pageSize": "7"}


async def test_state_filter(client, emulator):
    page = await client.list(PIC, WHERE, ListQuery(state="Paused", page_size=100))
    paused = [queue for queue in emulator.queues if queue.state == "Paused"]
    assert paused and page.total_count == len(paused)
    assert {queue.state for queue in page.items} == {"Paused"}
    assert emulator.requests[-1].params["state"] == "Paused"


async def test_queue_id_lookup_reports_unknown_ids(client, emulator):
    known = emulator.queues[5].queue_id
    page = await client.list(PIC, WHERE, ListQuery(ids=(known, "pNOPE1", "pNOPE2")))
    assert [queue.queue_id for queue in page.items] == [known]
    assert page.missing_ids == ("pNOPE1", "pNOPE2")
    assert emulator.requests[-1].params["queueIds"] == f"{known},pNOPE1,pNOPE2"


async def test_iter_pages_over_a_thousand_queues(async_client, emulator):
    emulator.queues = generated_queues(1000)
    pages = [page async for page in async_client.iter_pages(PIC, WHERE, ListQuery(page_size=100), concurrency=4)]
    ids = [queue.queue_id for page in pages for queue in page.items]
    assert len(pages) == 10 and len(ids) == 1000 and len(set(ids)) == 1000
    assert ids == [queue.queue_id for queue in emulator.queues]
    assert sorted(int(request.params["pageNumber"]) for request in emulator.requests) == list(range(1, 11))


async def test_iter_pages_stops_at_a_short_last_page(async_client, emulator):
    emulator.queues = generated_queues(25)
    pages = [page async for page in async_client.iter_pages(PIC, WHERE, ListQuery(page_size=10))]
    assert [len(page.items) for page in pages] == [10, 10, 5]


async def test_iter_pages_refuses_an_endless_total(async_client, emulator):
    emulator.set_fault("endless_total")
    with pytest.raises(ServiceError) as raised:
        [page async for page in async_client.iter_pages(PIC, WHERE, ListQuery(page_size=100))]
    assert raised.value.code == "TooManyQueues"
    assert len(emulator.requests) == 1


async def test_iter_pages_stops_when_the_server_repeats_a_page(async_client, emulator):
    emulator.set_fault("same_page")
    with pytest.raises(ServiceError) as raised:
        [page async for page in async_client.iter_pages(PIC, WHERE, ListQuery(page_size=10), concurrency=1)]
    assert raised.value.code == "RepeatedPage"
    assert len(emulator.requests) == 2


@pytest.mark.parametrize("fault", ["http500", "http502_html", "http503_slowdown", "truncated_body", "connection_reset"])
async def test_transient_faults_are_retried_and_recover(client, emulator, fault):
    emulator.set_fault(fault, times=2)
    page = await client.list(PIC, WHERE, ListQuery())
    assert len(page.items) == 10
    assert len(emulator.requests) == 3


@pytest.mark.parametrize(
    "fault, error_type, code",
    [
        ("http500", ServiceError, "InternalError"),
        ("http503_slowdown", ServiceError, "SlowDown"),
        ("connection_reset", TransportError, None),
    ],
)
async def test_persistent_transient_faults_give_up_after_three_attempts(client, emulator, fault, error_type, code):
    emulator.set_fault(fault)
    with pytest.raises(error_type) as raised:
        await client.list(PIC, WHERE, ListQuery())
    assert len(emulator.requests) == 3
    if code:
        assert raised.value.code == code and raised.value.request_id


@pytest.mark.parametrize(
    "fault, code, status",
    [
        ("signature_mismatch", "SignatureDoesNotMatch", 403),
        ("access_denied", "AccessDenied", 403),
        ("invalid_access_key", "InvalidAccessKeyId", 403),
        ("expired_token", "ExpiredToken", 403),
        ("no_such_bucket", "NoSuchBucket", 404),
    ],
)
async def test_client_errors_are_not_retried(client, emulator, fault, code, status):
    emulator.set_fault(fault)
    with pytest.raises(ServiceError) as raised:
        await client.list(PIC, WHERE, ListQuery())
    assert (raised.value.code, raised.value.http_status) == (code, status)
    assert raised.value.request_id
    assert len(emulator.requests) == 1


@pytest.mark.parametrize(
    "fault, code",
    [
        ("malformed_xml", "MalformedXML"),
        ("html_body", None),
        ("dtd", "UnsafeXML"),
        ("entity_expansion", "UnsafeXML"),
        ("external_entity", "UnsafeXML"),
        ("empty_body", "EmptyResponse"),
        ("huge_body", "ResponseTooLarge"),
    ],
)
async def test_unusable_bodies_are_a_clear_error(client, emulator, fault, code):
    emulator.set_fault(fault)
    with pytest.raises(ResponseFormatError) as raised:
        await client.list(PIC, WHERE, ListQuery())
    if code:
        assert raised.value.code == code
    assert raised.value.http_status == 200


async def test_json_error_body(client, emulator):
    emulator.set_fault("json_error")
    with pytest.raises(ServiceError) as raised:
        await client.list(PIC, WHERE, ListQuery())
    assert raised.value.code not in ("", None) and raised.value.http_status >= 400


@pytest.mark.parametrize(
    "fault, starts, holds",
    [
        ("access_denied", "<?xml", "<Code>AccessDenied</Code>"),
        ("html_body", "<!DOCTYPE html>", "</html>"),
        ("malformed_xml", "<Response>", "<QueueList>"),
        ("json_error", "{", '"Code"'),
    ],
)
async def test_an_error_keeps_the_answer_it_came_with(client, emulator, fault, starts, holds):
    emulator.set_fault(fault)
    with pytest.raises(ServiceError) as raised:
        await client.list(PIC, WHERE, ListQuery())
    answer = raised.value.answer  # the whole body, for the TUI's `y`
    assert answer.startswith(starts) and holds in answer, answer[:300]


async def test_wrong_secret_key_is_signature_mismatch(make_client, emulator, emulator_credentials):
    wrong = Credentials(emulator_credentials.secret_id, "not-the-key")
    async with make_client(emulator.base_url, wrong, retry=FAST_RETRY) as client:
        with pytest.raises(ServiceError) as raised:
            await client.list(PIC, WHERE, ListQuery())
    assert raised.value.code == "SignatureDoesNotMatch" and raised.value.request_id
    assert "not-the-key" not in str(raised.value)


async def test_temporary_token_is_sent_and_signed(make_client, emulator, emulator_credentials):
    with_token = Credentials(emulator_credentials.secret_id, emulator_credentials.secret_key, "sts-token-xyz")
    async with make_client(emulator.base_url, with_token, retry=FAST_RETRY) as client:
        await client.list(PIC, WHERE, ListQuery())
    request = emulator.requests[-1]
    assert request.headers["x-ci-security-token"] == "sts-token-xyz"
    assert "x-ci-security-token" in request.headers["authorization"]


async def test_clock_skew_is_corrected_from_the_server_date(client, emulator):
    emulator.clock_skew_seconds = 3600
    page = await client.list(PIC, WHERE, ListQuery())
    assert len(page.items) == 10
    assert len(emulator.requests) == 2  # one refused as skewed, one accepted
    assert abs(client.clock_offset - 3600) < 5
    await client.list(PIC, WHERE, ListQuery())
    assert len(emulator.requests) == 3  # the correction is kept


async def test_read_timeout_is_reported_without_retrying(make_client, emulator, emulator_credentials):
    emulator.latency_ms = 1500
    async with make_client(
        emulator.base_url, emulator_credentials, timeouts=Timeouts(connect=1, read=0.3), retry=FAST_RETRY
    ) as client:
        with pytest.raises(TransportError) as raised:
            await client.list(PIC, WHERE, ListQuery())
    assert raised.value.kind == "ReadTimeout"
    assert len(emulator.requests) == 1


async def test_connection_refused_is_a_transport_error(make_client, emulator_credentials, unused_tcp_port):
    async with make_client(f"http://127.0.0.1:{unused_tcp_port}", emulator_credentials, retry=FAST_RETRY) as client:
        with pytest.raises(TransportError) as raised:
            await client.list(PIC, WHERE, ListQuery())
    assert raised.value.kind == "ConnectError"


@pytest.mark.parametrize("url", ["http://example.com", "http://10.0.0.1:80", "ftp://127.0.0.1", "https://h/path"])
def test_plain_http_only_to_loopback_and_no_odd_urls(make_client, url, emulator_credentials):
    with pytest.raises(ConfigError):
        make_client(url, emulator_credentials)


def test_credentials_repr_hides_secrets():
    credentials = Credentials("AKIDabcdefgh12345678", "super-secret-key", "sts-token")
    assert "super-secret-key" not in repr(credentials) and "sts-token" not in repr(credentials)
    assert "AKID…5678" in repr(credentials)


def test_the_event_loop_backend_loads_ahead_from_a_thread():
    """The TUI does this while page 1 is read, so its first page flip does not (tui/app.py)."""
    backend = "anyio._backends._asyncio"
    code = (
        "import sys, threading; from cqtui.ci.client import load_event_loop_backend; "
        f"before = {backend!r} in sys.modules; "
        "worker = threading.Thread(target=load_event_loop_backend); worker.start(); worker.join(); "
        f"print(before, {backend!r} in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert result.stdout.split() == ["False", "True"]
