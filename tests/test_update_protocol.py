"""A queue update in the protocol core and both clients: the body, its signature, the answer, when it is sent again."""

import socket

import pytest
from defusedxml.ElementTree import fromstring

from client_kinds import WHERE
from cqtui.ci.credentials import Credentials
from cqtui.ci.endpoint import Where
from cqtui.ci.errors import ConfigError, ResponseFormatError, ServiceError, TransportError
from cqtui.ci.kinds import CI_BUCKETS, KINDS, PIC, QUEUE_FAMILIES
from cqtui.ci.models import NotifyConfig, QueueSettings
from cqtui.ci.parsing import parse_updated
from cqtui.ci.protocol import ClockSkew, Retrying, signed_headers, update_request
from cqtui.ci.signing import parse_authorization
from cqtui.ci.timing import RetryPolicy, Timeouts
from cqtui.emulator.updates import read_body

FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)
URL_CALLBACK = NotifyConfig(url="https://hooks.example.com/cb?a=1&b=2", event="TaskFinish", type="Url", state="On")
TDMQ_CALLBACK = NotifyConfig(
    event="TaskFinish", type="TDMQ", state="On", result_format="JSON", mq_mode="Queue", mq_region="gz", mq_name="q"
)
HOSTILE = "a<b&c]]>d\"e'f 图片\t\n\r</Name><State>Active</State>"


def test_every_family_has_its_own_update_path_and_rules():
    paths = {key: KINDS[key].change.path_for("p1") for key in QUEUE_FAMILIES}
    assert paths == {
        "pic": "/picqueue/p1",
        "media": "/queue/p1",
        "ai": "/ai_queue/p1",
        "asr": "/asrqueue/p1",
        "file": "/file_queue/p1",
        "doc": "/docqueue/p1",
    }
    assert {key: KINDS[key].change.name_max_bytes for key in QUEUE_FAMILIES} == {
        "pic": 128, "media": 128, "ai": 128, "asr": 100, "file": 128, "doc": 100
    }  # fmt: skip
    assert KINDS["doc"].change.notify_fields == ("state", "type", "url", "event")
    assert KINDS["ai"].change.notify_types == KINDS["doc"].change.notify_types == ("Url",)
    assert KINDS["pic"].change.notify_types == ("Url", "TDMQ")
    assert KINDS["pic"].change.action == "ci:UpdatePicProcessQueue"
    assert CI_BUCKETS.change is None


def test_the_body_carries_any_text_exactly_and_is_signed_with_its_type_and_length():
    request = update_request(PIC, WHERE, "p1", QueueSettings(HOSTILE, "Paused", URL_CALLBACK))
    assert (request.method, request.path, request.params, request.content_type) == (
        "PUT", "/picqueue/p1", {}, "application/xml"
    )  # fmt: skip
    root = fromstring(request.body)
    assert root.findtext("Name") == HOSTILE and root.findtext("State") == "Paused"
    assert [element.tag for element in root] == ["Name", "State", "NotifyConfig"]
    assert root.find("NotifyConfig").findtext("Url") == URL_CALLBACK.url
    assert read_body(request.body) == QueueSettings(HOSTILE, "Paused", URL_CALLBACK)
    headers = signed_headers(request, Credentials("AKIDx", "key", "token"), 1_700_000_000)
    assert headers["Content-Type"] == "application/xml"
    assert headers["Content-Length"] == str(len(request.body))
    auth = parse_authorization(headers["Authorization"])
    assert auth.header_list == ("content-length", "content-type", "host", "x-ci-security-token")


def test_the_body_holds_only_the_fields_the_family_has():
    notify = NotifyConfig(url="https://x.example.com/", event="TaskFinish", type="Url", state="On",
                          result_format="JSON", mq_mode="Queue", mq_region="gz", mq_name="q")  # fmt: skip
    body = fromstring(update_request(KINDS["doc"], WHERE, "p1", QueueSettings("n", "Active", notify)).body)
    assert [element.tag for element in body.find("NotifyConfig")] == ["State", "Event", "Type", "Url"]
    empty = fromstring(update_request(PIC, WHERE, "p1", QueueSettings("n", "Active", NotifyConfig())).body)
    assert list(empty.find("NotifyConfig")) == []  # the container is required, even empty


@pytest.mark.parametrize("text, field", [("bad\x01name", "Name"), ("x\x1b", "State"), ("\ufffe", "NotifyConfig.Url")])
def test_text_xml_cannot_carry_is_refused_before_sending(text, field):
    settings = QueueSettings("n", "Active", NotifyConfig(state="On"))
    if field == "Name":
        settings = QueueSettings(text, "Active", NotifyConfig())
    elif field == "State":
        settings = QueueSettings("n", text, NotifyConfig())
    else:
        settings = QueueSettings("n", "Active", NotifyConfig(url=text))
    with pytest.raises(ConfigError) as refused:
        update_request(PIC, WHERE, "p1", settings)
    assert refused.value.key == field and "cannot be sent" in str(refused.value)
    assert "\x01" not in str(refused.value) and "\x1b" not in str(refused.value)


@pytest.mark.parametrize("queue_id", ["", "p1/../x", "p1?x=1", "p 1", "p1#", "p" * 65])
def test_a_queue_id_that_is_not_one_never_reaches_the_path(queue_id):
    with pytest.raises(ConfigError, match="is not a queue id"):
        update_request(PIC, WHERE, queue_id, QueueSettings("n", "Active", NotifyConfig()))


def test_a_kind_that_cannot_be_changed_is_refused():
    with pytest.raises(ConfigError, match="cannot be changed"):
        update_request(CI_BUCKETS, Where("ap-guangzhou"), "p1", QueueSettings("n", "Active", NotifyConfig()))


def test_the_answer_is_parsed_by_the_listing_entry_parser():
    body = (
        b"<Response><RequestId>cmVx</RequestId><Queue><QueueId>p1</QueueId><Name>&lt;n&gt;</Name>"
        b"<State>Paused</State><NotifyConfig><State>Off</State></NotifyConfig><MaxSize>9x</MaxSize>"
        b"<UpdateTime>2026-01-01T00:00:00+0800</UpdateTime></Queue></Response>"
    )
    updated = parse_updated(body)
    assert (updated.request_id, updated.queue.queue_id, updated.queue.name, updated.queue.state) == (
        "cmVx", "p1", "<n>", "Paused"
    )  # fmt: skip
    assert updated.queue.notify_config == NotifyConfig(state="Off") and updated.queue.max_size is None
    assert updated.problems and "MaxSize" in updated.problems[0]
    with pytest.raises(ResponseFormatError, match="no <Queue>"):
        parse_updated(b"<Response><RequestId>x</RequestId></Response>")
    with pytest.raises(ServiceError) as refused:
        parse_updated(b"<Error><Code>InvalidArgument</Code><Message>bad</Message></Error>", http_status=200)
    assert refused.value.code == "InvalidArgument"


def _error(kind: str) -> TransportError:
    return TransportError(kind, "detail")


def test_a_change_is_sent_again_only_when_it_never_left():
    def retried(error, *, resend: bool) -> bool:
        try:
            Retrying(FAST_RETRY, ClockSkew(lambda: 0.0), budget=60, resend=resend).delay_before_retry(error)
        except type(error):
            return False
        return True

    for kind in ("ConnectError", "ConnectTimeout"):
        assert retried(_error(kind), resend=False) and retried(_error(kind), resend=True)
    for kind in ("ReadError", "ProtocolError"):  # may have reached the server: a read is repeated, a change not
        assert not retried(_error(kind), resend=False) and retried(_error(kind), resend=True)
    for kind in ("ReadTimeout", "WriteTimeout", "TotalTimeout", "TLSError"):
        assert not retried(_error(kind), resend=False)
    server_error = ServiceError("InternalError", "boom", http_status=500)
    assert not retried(server_error, resend=False) and retried(server_error, resend=True)
    assert not retried(ServiceError("SlowDown", "slow", http_status=503), resend=False)
    # Refused for the clock before anything was done: signed again with the server's time, once.
    skewed = ServiceError("RequestTimeTooSkewed", "skew", http_status=403, server_date="Mon, 01 Jan 2024 00:00:00 GMT")
    assert retried(skewed, resend=False)


# ---- both clients against the emulator --------------------------------------------------------------


@pytest.fixture
async def client(make_client, emulator, emulator_credentials):
    timeouts = Timeouts(connect=2, read=0.5, total=2)
    async with make_client(emulator.base_url, emulator_credentials, retry=FAST_RETRY, timeouts=timeouts) as client:
        yield client


def _puts(emulator):
    return [request for request in emulator.requests if request.method == "PUT"]


async def test_an_update_is_sent_once_and_its_answer_is_the_new_queue(client, emulator):
    queue = emulator.queues[0]
    updated = await client.update(PIC, WHERE, queue.queue_id, QueueSettings("新-名*", "Paused", URL_CALLBACK))
    assert updated.queue.name == "新-名*" and updated.queue.state == "Paused" and updated.request_id
    assert updated.queue.notify_config == URL_CALLBACK
    assert updated.queue.update_time != queue.update_time
    (put,) = _puts(emulator)
    assert put.path == f"/picqueue/{queue.queue_id}"
    assert put.host == "examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com"
    assert put.headers["content-type"] == "application/xml" and int(put.headers["content-length"]) == len(put.body)
    assert read_body(put.body) == QueueSettings("新-名*", "Paused", URL_CALLBACK)
    assert emulator.queues[0] == updated.queue


async def test_a_refusal_names_the_update_permission_and_is_not_sent_again(client, emulator):
    emulator.set_fault("put_access_denied")
    with pytest.raises(ServiceError) as refused:
        await client.update(PIC, WHERE, emulator.queues[0].queue_id, QueueSettings("n", "Paused", URL_CALLBACK))
    assert refused.value.code == "AccessDenied" and refused.value.action == "ci:UpdatePicProcessQueue"
    assert len(_puts(emulator)) == 1


async def test_a_5xx_is_not_sent_again(client, emulator):
    emulator.set_fault("http500")
    with pytest.raises(ServiceError) as failed:
        await client.update(PIC, WHERE, emulator.queues[0].queue_id, QueueSettings("n", "Paused", URL_CALLBACK))
    assert failed.value.http_status == 500 and len(_puts(emulator)) == 1


async def test_a_timeout_after_the_change_is_not_sent_again(client, emulator):
    queue = emulator.queues[0]
    emulator.set_fault("put_timeout_after_apply")
    with pytest.raises(TransportError) as failed:
        await client.update(PIC, WHERE, queue.queue_id, QueueSettings(queue.name, "Paused", queue.notify_config))
    assert failed.value.kind in ("ReadTimeout", "TotalTimeout")
    assert len(_puts(emulator)) == 1 and emulator.queues[0].state == "Paused"  # applied, once


async def test_a_reset_before_the_change_is_not_sent_again(client, emulator):
    queue = emulator.queues[0]
    emulator.set_fault("put_reset_before_apply")
    with pytest.raises(TransportError) as failed:
        await client.update(PIC, WHERE, queue.queue_id, QueueSettings(queue.name, "Paused", queue.notify_config))
    assert failed.value.kind in ("ReadError", "ProtocolError")
    assert len(_puts(emulator)) == 1 and emulator.queues[0] == queue


class CountedRetries(RetryPolicy):
    """The fast policy, counting the retries it is asked to wait for."""

    retries: list[int] = []  # on the class: the policy is a frozen dataclass

    def delay(self, retry_number: int) -> float:
        self.retries.append(retry_number)
        return 0.01


async def test_a_refused_connection_is_tried_again(make_client, emulator_credentials):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    CountedRetries.retries.clear()
    policy = CountedRetries(attempts=3)
    async with make_client(f"http://127.0.0.1:{port}", emulator_credentials, retry=policy) as client:
        with pytest.raises(TransportError) as failed:
            await client.update(PIC, WHERE, "p1", QueueSettings("n", "Paused", NotifyConfig()))
    assert failed.value.kind == "ConnectError" and CountedRetries.retries == [0, 1]  # three attempts in all
