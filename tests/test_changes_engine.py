"""The read-modify-write engine (ci/changes.py) against the emulator: what is sent, what is not, what each outcome says.

Every test checks what the emulator received. The journal is the real audit log in a temporary folder.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from cqtui.audit import AuditLog
from cqtui.ci.changes import (
    CHANGED_MEANWHILE,
    DONE,
    FAILED,
    SKIPPED,
    UNCHANGED,
    Change,
    apply,
    callback_change,
    make_plan,
    read_queues,
    replan,
)
from cqtui.ci.client import CiClient
from cqtui.ci.endpoint import Where
from cqtui.ci.errors import ConfigError
from cqtui.ci.kinds import KINDS, PIC
from cqtui.ci.models import NotifyConfig, QueueSettings
from cqtui.ci.timing import RetryPolicy, Timeouts
from cqtui.emulator.account import demo_account
from cqtui.emulator.data import DEMO_BUCKET, generated_queues
from cqtui.emulator.server import Emulator
from cqtui.emulator.updates import read_body

WHERE = Where("ap-guangzhou", DEMO_BUCKET)
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)
PAUSE = Change(state="Paused")
HOSTILE = "a<b&c]]>d\"e'f 图片</Name><State>Active</State>"


@pytest.fixture
async def client(emulator, emulator_credentials):
    timeouts = Timeouts(connect=2, read=0.5, total=2)
    async with CiClient(emulator_credentials, endpoint=emulator.base_url, retry=FAST_RETRY, timeouts=timeouts) as made:
        yield made


@pytest.fixture
def journal(tmp_path) -> AuditLog:
    return AuditLog(tmp_path / "state" / "audit.jsonl")


def lines(journal: AuditLog) -> list[dict]:
    return [json.loads(line) for line in journal.path.read_text().splitlines()] if journal.path.exists() else []


async def planned(client, emulator, change, ids=None, kind=PIC, where=WHERE):
    ids = ids or [emulator.queues[0].queue_id]
    queues, missing = await read_queues(client, kind, where, ids)
    assert not missing
    emulator.clear_requests()  # from here on: what applying it sends
    return make_plan(kind, where, "prod", queues, change)


def sent(emulator) -> list[tuple[str, str]]:
    return [(request.method, request.path) for request in emulator.requests]


def puts(emulator):
    return [request for request in emulator.requests if request.method == "PUT"]


async def test_pause_reads_again_then_sends_the_current_fields_with_the_change(client, emulator, journal):
    queue = emulator.queues[0]
    plan = await planned(client, emulator, PAUSE)
    (item,) = plan.items
    assert item.target == replace(item.target, profile="prod", region="ap-guangzhou", bucket=DEMO_BUCKET, family="pic",
                                  queue_id=queue.queue_id, queue_name=queue.name)  # fmt: skip
    assert [(f.field, f.before, f.after) for f in item.fields] == [("State", "Active", "Paused")]
    report = await apply(client, plan, journal)
    (result,) = report.results
    assert (result.outcome, result.applied) == (DONE, True) and report.fine
    assert sent(emulator) == [("GET", "/picqueue"), ("PUT", f"/picqueue/{queue.queue_id}")]
    assert emulator.requests[0].params["queueIds"] == queue.queue_id
    assert read_body(puts(emulator)[0].body) == QueueSettings(queue.name, "Paused", queue.notify_config)
    assert result.queue == emulator.queues[0] and result.queue.state == "Paused"
    attempted, done = lines(journal)
    assert (attempted["outcome"], done["outcome"]) == ("attempted", "done") and attempted["attempt"] == done["attempt"]
    assert len(result.request_ids) == 1 and done["request_ids"] == list(result.request_ids) != [""]


async def test_resume(client, emulator, journal):
    emulator.queues = [replace(emulator.queues[0], state="Paused"), *emulator.queues[1:]]
    report = await apply(client, await planned(client, emulator, Change(state="Active")), journal)
    assert report.results[0].outcome == DONE and emulator.queues[0].state == "Active"
    assert read_body(puts(emulator)[0].body).state == "Active"


async def test_a_change_that_changes_nothing_sends_nothing(client, emulator, journal):
    emulator.queues = [replace(emulator.queues[0], state="Paused"), *emulator.queues[1:]]
    plan = await planned(client, emulator, PAUSE)
    assert not plan.changing
    report = await apply(client, plan, journal)
    assert report.results[0].outcome == UNCHANGED and emulator.requests == [] and lines(journal) == []


async def test_a_hostile_current_name_is_sent_back_exactly(client, emulator, journal):
    emulator.queues = [replace(emulator.queues[0], name=HOSTILE), *emulator.queues[1:]]
    report = await apply(client, await planned(client, emulator, PAUSE), journal)
    assert report.results[0].outcome == DONE
    assert read_body(puts(emulator)[0].body).name == HOSTILE
    assert emulator.queues[0].name == HOSTILE and report.results[0].queue.name == HOSTILE
    assert lines(journal)[0]["queue_name"] == HOSTILE


async def test_rename_with_cjk_and_the_allowed_signs(client, emulator, journal):
    name = "图片处理-队列_*" + "字" * 35 + "ab"  # 128 bytes
    report = await apply(client, await planned(client, emulator, Change(name=name)), journal)
    assert report.results[0].outcome == DONE and emulator.queues[0].name == name
    assert read_body(puts(emulator)[0].body).name == name
    assert lines(journal)[0]["after"] == {"Name": name}


@pytest.mark.parametrize(
    "change, words",
    [
        (Change(name="a<b"), "'<' at position 2"),
        (Change(name="图" * 43), "129 bytes"),
        (Change(state="Stopped"), "Active or Paused"),
        (Change(notify=callback_change(url="http://10.1.2.3/cb")), "private-network"),
        (Change(notify=callback_change(url="https://[::ffff:192.168.0.1]/cb")), "private-network"),
        (Change(notify=callback_change(url="http://0x7f.0.0.1/")), "private-network"),
        (Change(notify=callback_change(url="http://api.localhost/")), "private-network"),
        (Change(notify=callback_change(url="https://x.example.com/a b")), "space"),
        (Change(notify=callback_change(url="x.example.com/cb")), "https://host/path"),
        (Change(notify=callback_change(tdmq=("Queue", "tokyo", "q"))), "MqRegion"),
        (Change(notify=callback_change(events="TaskFinish,TaskFinish")), "twice"),
        (Change(), "nothing to change"),
    ],
)
async def test_a_change_the_rules_refuse_sends_nothing(client, emulator, change, words):
    with pytest.raises(ConfigError) as refused:
        await planned(client, emulator, change)
    assert words in str(refused.value)
    assert puts(emulator) == []


def test_a_familys_callback_rules():
    queue = generated_queues(1)[0]
    with pytest.raises(ConfigError, match="Type 'TDMQ' must be one of Url for AI"):
        make_plan(KINDS["ai"], WHERE, "p", [queue], Change(notify=callback_change(tdmq=("Queue", "gz", "q"))))
    with pytest.raises(ConfigError, match="ResultFormat: document-processing queues have no such field"):
        make_plan(KINDS["doc"], WHERE, "p", [queue], Change(notify=callback_change(result_format="XML")))
    bare = replace(queue, notify_config=None)
    with pytest.raises(ConfigError, match=f"queue {queue.queue_id} .*Event is required"):
        make_plan(PIC, WHERE, "p", [bare], Change(notify=callback_change(url="https://x.example.com/")))


@pytest.mark.parametrize(
    "notify, expected",
    [
        (
            callback_change(url="https://hooks.example.com/cb?x=1&y=2", events="TaskFinish,WorkflowFinish"),
            NotifyConfig(
                url="https://hooks.example.com/cb?x=1&y=2",
                event="TaskFinish,WorkflowFinish",
                type="Url",
                state="On",
                result_format="JSON",
            ),  # fmt: skip
        ),
        (
            callback_change(tdmq=("Topic", "sh", "ci-events"), result_format="XML"),
            NotifyConfig(
                event="TaskFinish,WorkflowFinish",
                type="TDMQ",
                state="On",
                result_format="XML",
                mq_mode="Topic",
                mq_region="sh",
                mq_name="ci-events",
            ),  # fmt: skip
        ),
        (
            callback_change(off=True),
            NotifyConfig(
                url="http://callback.demo.com",
                event="TaskFinish,WorkflowFinish",
                type="Url",
                state="Off",
                result_format="JSON",
            ),  # fmt: skip
        ),
    ],
    ids=["url", "tdmq", "off"],
)
async def test_each_callback_form_is_sent_whole(client, emulator, journal, notify, expected):
    queue = emulator.queues[0]  # a Url callback, both events, JSON
    report = await apply(client, await planned(client, emulator, Change(notify=notify)), journal)
    assert report.results[0].outcome == DONE, report.results[0]
    assert read_body(puts(emulator)[0].body) == QueueSettings(queue.name, queue.state, expected)
    assert emulator.queues[0].notify_config == expected == report.results[0].queue.notify_config


async def test_a_bulk_change_stops_at_the_first_access_denied(emulator, emulator_credentials, journal):
    emulator.queues = [replace(queue, state="Active") for queue in generated_queues(50)]
    denied = emulator.queues[19]
    emulator.set_fault("put_access_denied", queue=denied.queue_id)
    async with CiClient(emulator_credentials, endpoint=emulator.base_url, retry=FAST_RETRY) as client:
        ids = [queue.queue_id for queue in emulator.queues]
        plan = await planned(client, emulator, PAUSE, ids=ids)
        assert len(plan.changing) == 50
        seen: list = []
        report = await apply(client, plan, journal, on_result=seen.append)
    outcomes = [result.outcome for result in report.results]
    assert outcomes == [DONE] * 19 + [FAILED] + [SKIPPED] * 30 and seen == list(report.results)
    failed = report.results[19]
    assert failed.code == "AccessDenied" and failed.applied is False and failed.request_ids
    assert "ci:UpdatePicProcessQueue" in failed.error
    for skipped in report.results[20:]:
        assert (
            skipped.code == "AccessDenied" and denied.queue_id in skipped.note and failed.request_ids[0] in skipped.note
        )
    assert len(puts(emulator)) == 20 and puts(emulator)[-1].path.endswith(denied.queue_id)
    assert len(emulator.requests) == 40  # a read and a PUT for each of the first 20; nothing after the refusal
    assert [queue.state for queue in emulator.queues] == ["Paused"] * 19 + ["Active"] * 31
    entries = lines(journal)
    assert len(entries) == 40 and entries[-1]["outcome"] == "failed" and entries[-1]["code"] == "AccessDenied"


async def test_a_queue_changed_meanwhile_is_not_sent_and_its_new_state_is_returned(client, emulator, journal):
    plan = await planned(client, emulator, PAUSE)
    changed = emulator.change_queue(emulator.queues[0].queue_id, notify_config=NotifyConfig(state="Off"))
    report = await apply(client, plan, journal)
    (result,) = report.results
    assert (result.outcome, result.applied, result.queue) == (CHANGED_MEANWHILE, False, changed)
    assert puts(emulator) == [] and emulator.queues[0] == changed
    again = replan(plan, report.changed_meanwhile)
    assert again.items[0].seen == changed and [f.field for f in again.items[0].fields] == ["State"]
    assert [line["outcome"] for line in lines(journal)] == [CHANGED_MEANWHILE]  # nothing attempted
    assert lines(journal)[0]["attempt"] == ""


async def test_a_timeout_after_the_change_applied_is_reported_applied_and_not_repeated(client, emulator, journal):
    emulator.set_fault("put_timeout_after_apply")
    report = await apply(client, await planned(client, emulator, PAUSE), journal)
    (result,) = report.results
    assert (result.outcome, result.applied, result.code) == (DONE, True, "ReadTimeout")
    assert "shows the change applied" in result.note
    assert len(puts(emulator)) == 1 and sent(emulator)[-1] == ("GET", "/picqueue")  # the read that told
    assert emulator.queues[0].state == "Paused" == result.queue.state
    assert [line["outcome"] for line in lines(journal)] == ["attempted", "done"]


async def test_a_reset_before_the_change_is_reported_not_applied(client, emulator, journal):
    emulator.set_fault("put_reset_before_apply")
    report = await apply(client, await planned(client, emulator, PAUSE), journal)
    (result,) = report.results
    assert (result.outcome, result.applied, result.code) == (FAILED, False, "ReadError")
    assert "shows it not applied" in result.note and len(puts(emulator)) == 1
    assert emulator.queues[0].state == "Active"


async def test_a_5xx_is_followed_by_a_read_not_by_a_second_put(client, emulator, journal):
    def fail_the_put(request):
        if request.method == "PUT":
            emulator.set_fault("http500", times=1)  # served to this request, before the change is applied

    plan = await planned(client, emulator, PAUSE)
    emulator.on_request = fail_the_put
    report = await apply(client, plan, journal)
    emulator.on_request = None
    (result,) = report.results
    assert (result.outcome, result.applied, result.code) == (FAILED, False, "InternalError")
    assert result.request_ids and len(puts(emulator)) == 1


async def test_nothing_is_sent_when_the_audit_log_cannot_be_written(client, emulator, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")
    ids = [queue.queue_id for queue in emulator.queues[:3]]
    report = await apply(client, await planned(client, emulator, PAUSE, ids=ids), AuditLog(blocked / "audit.jsonl"))
    assert [result.outcome for result in report.results] == [FAILED, SKIPPED, SKIPPED]
    assert report.results[0].code == "AuditLogFailed" and "nothing sent" in report.results[0].note
    assert puts(emulator) == []


async def test_a_queue_gone_meanwhile_is_not_sent(client, emulator, journal):
    plan = await planned(client, emulator, PAUSE)
    emulator.queues = emulator.queues[1:]
    report = await apply(client, plan, journal)
    assert (report.results[0].outcome, report.results[0].code) == (FAILED, "NoSuchQueue") and puts(emulator) == []


async def test_media_queues_of_every_category_are_found_by_id(emulator_credentials, journal):
    with Emulator(account=demo_account()) as emulator:
        media = emulator.account.first.catalogue("media").queues
        speed = next(queue for queue in media if queue.category == "SpeedTranscoding")
        async with CiClient(emulator_credentials, endpoint=emulator.base_url) as client:
            queues, missing = await read_queues(client, KINDS["media"], WHERE, [queue.queue_id for queue in media])
            assert missing == [] and [queue.queue_id for queue in queues] == [queue.queue_id for queue in media]
            assert [len(r.params["queueIds"].split(",")) for r in emulator.requests] == [9]
            flip = Change(state="Active" if speed.state == "Paused" else "Paused")
            plan = make_plan(KINDS["media"], WHERE, "p", [speed], flip)
            report = await apply(client, plan, journal)
        assert report.results[0].outcome == DONE and puts(emulator)[0].path == f"/queue/{speed.queue_id}"
        assert all(
            request.params.get("category") == "CateAll" for request in emulator.requests if request.method == "GET"
        )
