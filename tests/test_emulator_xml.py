"""The emulator's XML bodies: shape, escaping, and what XML cannot carry."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from cqtui.ci.models import NotifyConfig, Page, Queue
from cqtui.ci.xmltext import xml_problem
from cqtui.emulator.data import demo_queues, hostile_queues
from cqtui.emulator.server import Emulator
from cqtui.emulator.xmlbody import error_xml, queue_page_xml

FULL = Queue(
    queue_id="p4a17eeea29334bf499b7e20e2fbfd99d",
    name="My-Queue-pic",
    state="Active",
    notify_config=NotifyConfig(
        url="http://callback.demo.com", event="TaskFinish,WorkflowFinish", type="Url", state="On", result_format="JSON"
    ),
    max_size=10000,
    max_concurrent=10,
    update_time="2022-08-09T16:23:11+0800",
    create_time="2022-08-09T16:23:11+0800",
    category="PicProcessing",
    bucket_id="example-130000000",
)


def _text(element: ET.Element, path: str) -> str | None:
    found = element.find(path)
    return None if found is None else (found.text or "")


def test_listing_has_the_documented_shape() -> None:
    page = Page(
        request_id="NjJm", total_count=3, page_number=2, page_size=10, items=(FULL, FULL), missing_ids=("A", "B")
    )
    root = ET.fromstring(queue_page_xml(page))
    assert root.tag == "Response"
    header = [_text(root, tag) for tag in ("RequestId", "TotalCount", "PageNumber", "PageSize")]
    assert header == ["NjJm", "3", "2", "10"]
    assert len(root.findall("QueueList")) == 2
    assert [e.text for e in root.findall("NonExistPIDs")] == ["A", "B"]
    queue = root.find("QueueList")
    assert [child.tag for child in queue] == [
        "QueueId",
        "Name",
        "State",
        "NotifyConfig",
        "MaxSize",
        "MaxConcurrent",
        "UpdateTime",
        "CreateTime",
        "BucketId",
        "Category",
    ]
    assert _text(queue, "NotifyConfig/Event") == "TaskFinish,WorkflowFinish"
    assert _text(queue, "NotifyConfig/MqMode") is None  # a Url callback has no Mq* fields


def test_missing_values_leave_elements_out() -> None:
    bare = Queue(queue_id="p1", name="")
    root = ET.fromstring(queue_page_xml(Page(request_id="r", items=(bare,))))
    assert _text(root, "TotalCount") is None
    queue = root.find("QueueList")
    assert [child.tag for child in queue] == ["QueueId", "Name", "State"]
    assert _text(queue, "Name") == ""


def test_tdmq_callback_fields() -> None:
    config = NotifyConfig(type="TDMQ", state="On", mq_mode="Topic", mq_region="sh", mq_name="t")
    tdmq = Queue(queue_id="p2", notify_config=config)
    queue = ET.fromstring(queue_page_xml(Page(items=(tdmq,)))).find("QueueList")
    fields = [_text(queue, f"NotifyConfig/{tag}") for tag in ("MqMode", "MqRegion", "MqName")]
    assert fields == ["Topic", "sh", "t"]
    assert _text(queue, "NotifyConfig/Url") is None


def test_hostile_text_survives_a_round_trip_exactly() -> None:
    hostile = hostile_queues()
    root = ET.fromstring(queue_page_xml(Page(request_id="r", items=tuple(hostile))))
    names = [_text(element, "Name") for element in root.findall("QueueList")]
    assert names == [queue.name for queue in hostile]
    urls = [_text(element, "NotifyConfig/Url") for element in root.findall("QueueList")]
    assert urls == [q.notify_config.url if q.notify_config and q.notify_config.url else None for q in hostile]
    # C1 controls and bidi overrides are legal XML: they reach the client untouched.
    body = queue_page_xml(Page(items=tuple(hostile))).decode("utf-8")
    assert "\u009b" in body and "\u0085" in body and "\u202e" in body
    assert "[@click=app.quit]x[/]" in body
    assert "&#13;" in body  # CR kept as a reference, or a parser would turn it into LF


def test_markup_characters_are_escaped() -> None:
    queue = Queue(queue_id="p3", name="<Name>&amp;</Name>")
    body = queue_page_xml(Page(items=(queue,)))
    assert b"&lt;Name&gt;&amp;amp;&lt;/Name&gt;" in body
    assert _text(ET.fromstring(body), "QueueList/Name") == "<Name>&amp;</Name>"


@pytest.mark.parametrize("bad", ["esc\x1b[31m", "nul\x00", "bell\x07", "\ufffe", "lone\ud800"])
def test_text_xml_cannot_carry_is_refused(bad: str) -> None:
    assert xml_problem(bad)
    with pytest.raises(ValueError):
        queue_page_xml(Page(items=(Queue(queue_id="p4", name=bad),)))
    with pytest.raises(ValueError, match="XML"):
        Emulator(queues=[Queue(queue_id="p4", name=bad)])


def test_demo_data_is_all_xml_legal() -> None:
    assert ET.fromstring(queue_page_xml(Page(items=tuple(demo_queues() + hostile_queues()))))


def test_error_body() -> None:
    root = ET.fromstring(error_xml("SlowDown", "Please <slow> down", "req-1", "trace-1"))
    assert root.tag == "Error"
    assert [(child.tag, child.text) for child in root] == [
        ("Code", "SlowDown"),
        ("Message", "Please <slow> down"),
        ("RequestId", "req-1"),
        ("TraceId", "trace-1"),
    ]
