"""The parser: the seed page's examples and every edge case a server or proxy may send."""

from pathlib import Path

import pytest

from cqtui.ci.errors import ResponseFormatError, ServiceError
from cqtui.ci.parsing import parse_error, parse_queue_page

DATA = Path(__file__).parent / "data"


def test_seed_full_page():
    page = parse_queue_page((DATA / "seed_full_page.xml").read_bytes())
    assert (page.request_id, page.total_count, page.page_number, page.page_size) == (
        "NjJmNDczY2RfOTBmYTUwNjRfNTA4ZV85",
        1,
        1,
        10,
    )
    [queue] = page.queues
    assert queue.queue_id == "p4a17eeea29334bf499b7e20e2fbfd99d"
    assert (queue.name, queue.state, queue.max_size, queue.max_concurrent) == ("My-Queue-pic", "Active", 10000, 10)
    assert (queue.create_time, queue.update_time) == ("2022-08-09T16:23:11+0800", "2022-08-09T16:23:11+0800")
    assert (queue.category, queue.bucket_id) == ("PicProcessing", "example-130000000")
    notify = queue.notify_config
    assert (notify.url, notify.event, notify.type, notify.state, notify.result_format) == (
        "http://callback.demo.com",
        "TaskFinish,WorkflowFinish",
        "Url",
        "On",
        "JSON",
    )
    assert page.non_exist_pids == () and page.problems == ()
    assert queue.raw_xml.startswith("<QueueList>") and "<Name>My-Queue-pic</Name>" in queue.raw_xml


def test_seed_lookup_reports_unknown_ids_and_tolerates_missing_counts():
    page = parse_queue_page((DATA / "seed_lookup_with_unknown_ids.xml").read_bytes())
    assert page.non_exist_pids == ("A", "B")
    assert page.total_count is None and page.page_number is None
    assert page.queues[0].bucket_id == ""


def test_many_queues_and_tdmq_fields_and_unknown_elements():
    body = b"""<Response><RequestId>r</RequestId><TotalCount>3</TotalCount><Surprise>x</Surprise>
    <QueueList><QueueId>p1</QueueId><NotifyConfig><Type>TDMQ</Type><MqMode>Topic</MqMode>
      <MqRegion>sh</MqRegion><MqName>topic-a</MqName><KafkaConfig><Topic>k</Topic></KafkaConfig></NotifyConfig>
      <NewField>ignored</NewField></QueueList>
    <QueueList><QueueId>p2</QueueId><NotifyConfig/></QueueList>
    <QueueList><QueueId>p3</QueueId></QueueList></Response>"""
    page = parse_queue_page(body)
    assert [queue.queue_id for queue in page.queues] == ["p1", "p2", "p3"]
    tdmq = page.queues[0].notify_config
    assert (tdmq.type, tdmq.mq_mode, tdmq.mq_region, tdmq.mq_name) == ("TDMQ", "Topic", "sh", "topic-a")
    assert page.queues[1].notify_config is not None and page.queues[1].notify_config.url == ""
    assert page.queues[2].notify_config is None
    assert page.queues[2].max_size is None and page.queues[2].name == ""


def test_empty_elements_and_empty_list():
    page = parse_queue_page(b"<Response><RequestId/><TotalCount></TotalCount></Response>")
    assert page.queues == () and page.total_count is None and page.request_id == ""


def test_request_id_falls_back_to_header_value():
    assert parse_queue_page(b"<Response/>", request_id="hdr").request_id == "hdr"


def test_bad_integers_are_reported_not_fatal():
    body = (
        b"<Response><TotalCount>lots</TotalCount><QueueList><QueueId>p9</QueueId><MaxSize>1e3</MaxSize>"
        b"<MaxConcurrent> 7 </MaxConcurrent></QueueList></Response>"
    )
    page = parse_queue_page(body)
    assert page.total_count is None
    assert page.queues[0].max_size is None and page.queues[0].max_concurrent == 7
    assert any("TotalCount" in problem and "'lots'" in problem for problem in page.problems)
    assert any("p9" in problem and "MaxSize" in problem for problem in page.problems)


def test_control_characters_in_bad_integer_are_made_visible_in_the_problem():
    page = parse_queue_page("<Response><TotalCount>\u009b31m</TotalCount></Response>".encode())
    assert "\u009b" not in page.problems[0] and "\\x9b" in page.problems[0]


def test_keep_raw_false_skips_raw_xml():
    page = parse_queue_page((DATA / "seed_full_page.xml").read_bytes(), keep_raw=False)
    assert page.raw_xml == "" and page.queues[0].raw_xml == ""


@pytest.mark.parametrize(
    "body, code",
    [
        (b"", "EmptyResponse"),
        (b"   \n", "EmptyResponse"),
        (b"<Response><QueueList>", "MalformedXML"),
        (b"<html><body>hi</body></html>", "UnexpectedXML"),
        (b"not xml at all", "MalformedXML"),
        (b'<!DOCTYPE Response [<!ENTITY a "b">]><Response>&a;</Response>', "UnsafeXML"),
        (b'<!DOCTYPE Response SYSTEM "http://example.com/x.dtd"><Response/>', "UnsafeXML"),
        (b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>', "UnsafeXML"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><Response>&lol2;</Response>',
            "UnsafeXML",
        ),
    ],
)
def test_bodies_that_are_not_a_queue_page(body, code):
    with pytest.raises(ResponseFormatError) as raised:
        parse_queue_page(body, http_status=200, request_id="rid")
    assert raised.value.code == code
    assert raised.value.request_id == "rid" and raised.value.http_status == 200


def test_error_document_on_200_becomes_service_error():
    with pytest.raises(ServiceError) as raised:
        parse_queue_page(b"<Error><Code>InternalError</Code><Message>m</Message><RequestId>r1</RequestId></Error>")
    assert (raised.value.code, raised.value.request_id) == ("InternalError", "r1")


HEADERS = {"x-ci-request-id": "hdr-rid", "x-ci-trace-id": "hdr-trace", "date": "Thu, 09 Aug 2022 16:23:12 GMT"}


@pytest.mark.parametrize(
    "body",
    [
        b"<Error><Code>SignatureDoesNotMatch</Code><Message>bad sig</Message><RequestId>body-rid</RequestId>"
        b"<TraceId>body-trace</TraceId></Error>",
        b"<?xml version='1.0'?><Error><Code>SignatureDoesNotMatch</Code><Message>bad sig</Message>"
        b"<Resource>examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com/picqueue</Resource>"
        b"<RequestId>body-rid</RequestId><TraceId>body-trace</TraceId></Error>",
    ],
    ids=["ci", "cos-with-resource"],
)
def test_xml_error_bodies(body):
    error = parse_error(body, http_status=403, headers=HEADERS)
    assert (error.code, error.message, error.http_status) == ("SignatureDoesNotMatch", "bad sig", 403)
    assert (error.request_id, error.trace_id) == ("body-rid", "body-trace")
    assert error.server_date == HEADERS["date"]
    assert "body-rid" in str(error) and "403" in str(error)


def test_json_error_body():
    body = b'{"Response": {"Error": {"Code": "AuthFailure", "Message": "no"}, "RequestId": "json-rid"}}'
    error = parse_error(body, http_status=401, headers={})
    assert (error.code, error.message, error.request_id) == ("AuthFailure", "no", "json-rid")


def test_html_error_body_uses_title_and_keeps_excerpt():
    body = b"<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>"
    error = parse_error(body, http_status=502, headers={"x-ci-request-id": "hdr-rid"})
    assert (error.code, error.message, error.request_id) == ("HTTP502", "502 Bad Gateway", "hdr-rid")
    assert "nginx" in error.excerpt and error.transient


def test_empty_error_body_uses_status_and_reason():
    error = parse_error(b"", http_status=404, headers={}, reason="Not Found")
    assert (error.code, error.message, error.http_status) == ("HTTP404", "Not Found", 404)
    assert not error.transient


def test_garbage_error_body_is_excerpted_safely():
    body = "\u009b31mGotcha ".encode() + b"x" * 1000
    error = parse_error(body, http_status=500, headers={})
    assert error.code == "HTTP500" and "\u009b" not in error.excerpt and len(error.excerpt) <= 201


def test_slowdown_is_transient_but_access_denied_is_not():
    slow = parse_error(b"<Error><Code>SlowDown</Code><Message>m</Message></Error>", http_status=503, headers={})
    denied = parse_error(b"<Error><Code>AccessDenied</Code><Message>m</Message></Error>", http_status=403, headers={})
    assert slow.transient and not denied.transient
