"""The emulator's queue sets: demo variety, generated sets, hostile set, JSON files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cqtui.ci.errors import ConfigError
from cqtui.ci.models import Queue
from cqtui.emulator.data import demo_queues, generated_queues, hostile_queues, load_queues

QUEUE_ID = re.compile(r"p[0-9a-f]{32}")
CI_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0800")


def test_demo_set_has_the_variety_screens_need() -> None:
    queues = demo_queues()
    assert len(queues) >= 40
    assert len({q.queue_id for q in queues}) == len(queues)
    assert all(QUEUE_ID.fullmatch(q.queue_id) for q in queues)
    assert all(CI_TIME.fullmatch(q.create_time) and CI_TIME.fullmatch(q.update_time) for q in queues)
    assert all(q.update_time >= q.create_time for q in queues)
    assert {q.create_time[:4] for q in queues} >= {"2024", "2025"}
    assert {q.state for q in queues} == {"Active", "Paused"}
    assert {q.category for q in queues} == {"PicProcessing"}
    assert all(q.bucket_id for q in queues)
    configs = [q.notify_config for q in queues if q.notify_config is not None]
    assert sum(q.notify_config is None for q in queues) == 1
    tdmq = [c for c in configs if c.type == "TDMQ"]
    assert {c.mq_mode for c in tdmq} == {"Topic", "Queue"}
    assert {c.mq_region for c in tdmq} == {"sh", "bj", "gz", "cd", "hk"}
    assert all(c.mq_name for c in tdmq)
    urls = [c for c in configs if c.type == "Url"]
    assert {c.state for c in urls} == {"On", "Off"}
    assert {c.result_format for c in urls if c.result_format} == {"JSON", "XML"}
    assert len({c.event for c in configs if c.event}) >= 3
    assert any(re.search("[\u4e00-\u9fff]", q.name) for q in queues)
    assert any(len(q.name) > 60 for q in queues)
    assert len({q.max_size for q in queues}) >= 5 and len({q.max_concurrent for q in queues}) >= 5


def test_demo_set_is_deterministic() -> None:
    assert demo_queues() == demo_queues()


def test_generated_sets_are_large_unique_and_stable() -> None:
    queues = generated_queues(10_000)
    assert len(queues) == 10_000
    assert len({q.queue_id for q in queues}) == 10_000
    assert all(QUEUE_ID.fullmatch(q.queue_id) for q in queues[:100])
    assert {q.state for q in queues} == {"Active", "Paused"}
    assert generated_queues(3) == queues[:3]


def test_hostile_set_covers_the_known_attacks() -> None:
    queues = hostile_queues()
    names = [q.name for q in queues]
    texts = "".join(names) + "".join(q.notify_config.url for q in queues if q.notify_config)
    for needle in ("[@click=app.quit]x[/]", "[bold]x[/bold]", "\u009b", "\u0085", "\u202e", "\u0301"):
        assert needle in texts
    assert "[/]" in names and "" in names
    assert any(len(name) == 500 for name in names)
    assert any(re.search("[\uff01-\uff5e]", name) for name in names)  # full-width
    assert any(q.notify_config is None and q.max_size is None and not q.create_time for q in queues)
    assert "\x1b" not in texts  # ESC is not legal XML; the C1 CSI stands in for it


def _api_json(queue: Queue) -> dict:
    """A queue in the API's field names, as `cqtui queues --output json` prints it."""
    config = queue.notify_config
    return {
        "QueueId": queue.queue_id,
        "Name": queue.name,
        "State": queue.state,
        "NotifyConfig": None
        if config is None
        else {
            "Url": config.url,
            "Event": config.event,
            "Type": config.type,
            "State": config.state,
            "ResultFormat": config.result_format,
            "MqMode": config.mq_mode,
            "MqRegion": config.mq_region,
            "MqName": config.mq_name,
        },
        "MaxSize": queue.max_size,
        "MaxConcurrent": queue.max_concurrent,
        "CreateTime": queue.create_time,
        "UpdateTime": queue.update_time,
        "Category": queue.category,
        "BucketId": queue.bucket_id,
    }


def test_load_queues_round_trips_a_list_and_a_listing(tmp_path: Path) -> None:
    queues = demo_queues() + hostile_queues()
    as_list = tmp_path / "list.json"
    as_list.write_text(json.dumps([_api_json(q) for q in queues]), encoding="utf-8")
    assert load_queues(as_list) == queues
    as_listing = tmp_path / "listing.json"
    listing = {"TotalCount": 1, "QueueList": [{"QueueId": "p1", "Name": "only"}]}
    as_listing.write_text(json.dumps(listing), encoding="utf-8")
    assert load_queues(as_listing) == [Queue(queue_id="p1", name="only")]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ('[{"QueueId": "p1"}, {"QueueId": "p2", "MaxSize": "big"}]', r"entry 1 \(QueueId 'p2'\): MaxSize must be an"),
        ('[{"QueueId": "p1", "MaxConcurrent": true}]', "entry 0.*MaxConcurrent"),
        ('[{"QueueId": "p1", "Nmae": "typo"}]', "entry 0.*unknown field 'Nmae'"),
        ('[{"QueueId": "p1", "NotifyConfig": {"Uri": "x"}}]', "NotifyConfig has unknown field 'Uri'"),
        ('[{"QueueId": "p1", "NotifyConfig": "On"}]', "NotifyConfig must be an object"),
        ('[{"Name": "no id"}]', "entry 0: QueueId is missing"),
        ('[{"QueueId": "p1"}, {"QueueId": "p1"}]', "entry 1: duplicate QueueId 'p1'"),
        ('[{"QueueId": "p1", "Name": "esc\\u001b"}]', "entry 0.*Name.*U\\+001B"),
        ('["p1"]', "entry 0: must be an object"),
        ('{"queues": []}', "expected a JSON list"),
        ('[{"QueueId": "p1",}]', "not valid JSON"),
    ],
)
def test_load_queues_names_the_file_and_the_bad_entry(tmp_path: Path, document: str, expected: str) -> None:
    path = tmp_path / "queues.json"
    path.write_text(document, encoding="utf-8")
    with pytest.raises(ConfigError, match=expected) as caught:
        load_queues(path)
    assert caught.value.path == str(path)
    assert str(path) in str(caught.value)


def test_load_queues_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read") as caught:
        load_queues(tmp_path / "absent.json")
    assert "absent.json" in str(caught.value)
