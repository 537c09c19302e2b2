"""The emulator's queue updates over real HTTP: every family's path, the API's checks, UpdateTime, the PUT faults."""

from __future__ import annotations

import time
from dataclasses import replace

import httpx
import pytest

from cqtui.ci.endpoint import Where
from cqtui.ci.kinds import KINDS, QUEUE_FAMILIES
from cqtui.ci.models import NotifyConfig, Queue, QueueSettings
from cqtui.ci.parsing import parse_updated
from cqtui.ci.protocol import Request, signed_headers, update_request
from cqtui.emulator.account import demo_account
from cqtui.emulator.data import DEMO_BUCKET
from cqtui.emulator.server import Emulator

MAIN = Where("ap-guangzhou", DEMO_BUCKET)
HOST = f"{DEMO_BUCKET}.ci.ap-guangzhou.myqcloud.com"
URL_ON = NotifyConfig(url="https://hooks.example.com/cb", event="TaskFinish", type="Url", state="On")


@pytest.fixture
def account_emulator():
    with Emulator(account=demo_account()) as running:
        yield running


def send(emulator: Emulator, client: httpx.Client, credentials, path: str, body: bytes, host: str = HOST):
    """A signed PUT of `body` (any bytes) to `path` on `host`."""
    headers = signed_headers(Request("PUT", host, path, {}, body, "application/xml"), credentials, time.time())
    return client.put(emulator.base_url + path, content=body, headers=headers)


def update(emulator, client, credentials, family: str, queue_id: str, settings: QueueSettings, where=MAIN):
    request = update_request(KINDS[family], where, queue_id, settings)
    return send(emulator, client, credentials, request.path, request.body, request.host)


def first(emulator: Emulator, family: str) -> Queue:
    return emulator.account.first.catalogue(family).queues[0]


def stored(emulator: Emulator, family: str, queue_id: str) -> Queue:
    return emulator.account.first.catalogue(family).by_id[queue_id]


def refusal(response: httpx.Response) -> tuple[int, str, str]:
    from defusedxml.ElementTree import fromstring

    root = fromstring(response.content)
    return response.status_code, root.findtext("Code") or "", root.findtext("Message") or ""


@pytest.mark.parametrize("family", QUEUE_FAMILIES)
def test_every_family_is_paused_on_its_own_path_and_answers_with_the_queue(
    family, account_emulator, http_client, emulator_credentials
):
    queue = first(account_emulator, family)
    response = update(account_emulator, http_client, emulator_credentials, family, queue.queue_id,
                      replace(queue.settings, state="Paused" if queue.state == "Active" else "Active"))  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.headers["x-ci-request-id"]
    answer = parse_updated(response.content)
    assert answer.request_id == response.headers["x-ci-request-id"]
    assert answer.queue == stored(account_emulator, family, queue.queue_id)
    assert answer.queue.state != queue.state and answer.queue.update_time != queue.update_time
    assert replace(answer.queue, state=queue.state, update_time=queue.update_time) == queue  # nothing else moved
    assert account_emulator.requests[-1].path == KINDS[family].change.path_for(queue.queue_id)


def test_an_update_that_changes_nothing_leaves_update_time(account_emulator, http_client, emulator_credentials):
    queue = first(account_emulator, "pic")
    response = update(account_emulator, http_client, emulator_credentials, "pic", queue.queue_id, queue.settings)
    assert response.status_code == 200 and parse_updated(response.content).queue == queue


@pytest.mark.parametrize(
    "body, code, words",
    [
        (b"<Request><State>Active</State><NotifyConfig/></Request>", "InvalidArgument", "Name is required"),
        (b"<Request><Name>n</Name><NotifyConfig/></Request>", "InvalidArgument", "State is required"),
        (b"<Request><Name>n</Name><State>Active</State></Request>", "InvalidArgument", "NotifyConfig is required"),
        (b"<Request><Name>n</Name><State>Sleeping</State><NotifyConfig/></Request>", "InvalidArgument", "State"),
        (b"<Request><Name>n", "MalformedXML", "not well-formed"),
        (b"<Queue><Name>n</Name></Queue>", "InvalidArgument", "<Request>"),
    ],
)
def test_a_body_the_api_refuses_is_400_with_a_message(
    body, code, words, account_emulator, http_client, emulator_credentials
):
    queue = first(account_emulator, "pic")
    response = send(account_emulator, http_client, emulator_credentials, f"/picqueue/{queue.queue_id}", body)
    status, got_code, message = refusal(response)
    assert (status, got_code) == (400, code) and words in message
    assert stored(account_emulator, "pic", queue.queue_id) == queue


@pytest.mark.parametrize(
    "family, name, accepted",
    [
        ("pic", "图" * 42 + "ab", True),  # 128 bytes
        ("pic", "图" * 42 + "abc", False),  # 129
        ("asr", "a" * 100, True),
        ("asr", "a" * 101, False),
        ("doc", "队" * 34, False),  # 102 bytes
        ("pic", "ok_-*Name9", True),
        ("pic", "has space", False),
        ("pic", "a<b", False),
        ("pic", "", False),
    ],
)
def test_a_new_name_follows_the_familys_rules(family, name, accepted, account_emulator, http_client,
                                              emulator_credentials):  # fmt: skip
    queue = first(account_emulator, family)
    response = update(account_emulator, http_client, emulator_credentials, family, queue.queue_id,
                      replace(queue.settings, name=name))  # fmt: skip
    assert (response.status_code == 200) == accepted, response.text
    if not accepted:
        assert refusal(response)[1] == "InvalidArgument" and "Name" in refusal(response)[2]
    assert (stored(account_emulator, family, queue.queue_id).name == name) == accepted


@pytest.mark.parametrize(
    "family, notify, words",
    [
        ("pic", NotifyConfig(url="http://10.0.0.1/cb", event="TaskFinish", type="Url", state="On"), "private"),
        ("pic", NotifyConfig(url="https://192.168.1.9/cb", event="TaskFinish", type="Url", state="On"), "private"),
        ("pic", NotifyConfig(url="http://localhost:8080/", event="TaskFinish", type="Url", state="On"), "private"),
        ("pic", NotifyConfig(url="http://169.254.169.254/", event="TaskFinish", type="Url", state="On"), "private"),
        ("pic", NotifyConfig(url="http://127.1/", event="TaskFinish", type="Url", state="On"), "private"),
        ("pic", NotifyConfig(url="ftp://x.example.com/", event="TaskFinish", type="Url", state="On"), "https://"),
        ("pic", NotifyConfig(type="Url", state="On", url="https://x.example.com/"), "Event is required"),
        ("pic", NotifyConfig(event="TaskFinish", state="On"), "Type is required"),
        ("pic", NotifyConfig(event="TaskFinish", state="On", type="TDMQ", mq_mode="Queue"), "MqName is required"),
        ("pic", NotifyConfig(event="TaskDone", state="On", type="Url", url="https://x.example.com/"), "not an event"),
        (
            "ai",
            NotifyConfig(event="TaskFinish", state="On", type="TDMQ", mq_mode="Queue", mq_region="gz", mq_name="q"),
            "Type",
        ),  # fmt: skip
    ],
)
def test_a_callback_the_api_refuses_is_400_naming_it(family, notify, words, account_emulator, http_client,
                                                     emulator_credentials):  # fmt: skip
    queue = first(account_emulator, family)
    response = update(account_emulator, http_client, emulator_credentials, family, queue.queue_id,
                      replace(queue.settings, notify_config=notify))  # fmt: skip
    status, code, message = refusal(response)
    assert (status, code) == (400, "InvalidArgument") and words in message, message
    assert stored(account_emulator, family, queue.queue_id) == queue


def test_a_field_the_family_lacks_is_refused(account_emulator, http_client, emulator_credentials):
    """cqtui never sends it (update_request keeps to the family's fields): a hand-made body does."""
    queue = first(account_emulator, "doc")
    body = (
        b"<Request><Name>doc</Name><State>Active</State><NotifyConfig><State>Off</State>"
        b"<ResultFormat>JSON</ResultFormat></NotifyConfig></Request>"
    )
    response = send(account_emulator, http_client, emulator_credentials, f"/docqueue/{queue.queue_id}", body)
    status, code, message = refusal(response)
    assert (status, code) == (400, "InvalidArgument") and "ResultFormat: document-processing queues" in message


def test_what_is_sent_back_unchanged_is_not_checked_again(emulator, http_client, emulator_credentials):
    """A queue whose name breaks the rules, or whose callback is a private address, can still be paused."""
    odd = replace(emulator.queues[0], name="a<b&c]]>\"'", notify_config=replace(URL_ON, url="http://10.0.0.12/x"))
    emulator.queues = [odd, *emulator.queues[1:]]
    response = update(emulator, http_client, emulator_credentials, "pic", odd.queue_id,
                      replace(odd.settings, state="Paused"))  # fmt: skip
    assert response.status_code == 200, response.text
    assert emulator.queues[0] == replace(odd, state="Paused", update_time=emulator.queues[0].update_time)


def test_an_unknown_queue_is_404(account_emulator, http_client, emulator_credentials):
    response = update(account_emulator, http_client, emulator_credentials, "pic", "pnothere",
                      QueueSettings("n", "Active", NotifyConfig()))  # fmt: skip
    assert refusal(response)[:2] == (404, "NoSuchResource")


def test_a_put_on_a_list_path_or_a_bucket_not_bound_is_refused(account_emulator, http_client, emulator_credentials):
    assert send(account_emulator, http_client, emulator_credentials, "/picqueue", b"<Request/>").status_code == 405
    logs = Where("ap-guangzhou", "logs-1250000000")  # not bound to CI
    response = update(account_emulator, http_client, emulator_credentials, "pic", "p1",
                      QueueSettings("n", "Active", NotifyConfig()), where=logs)  # fmt: skip
    assert refusal(response)[:2] == (404, "NoSuchBucket")


def test_the_body_length_is_signed(account_emulator, http_client, emulator_credentials):
    queue = first(account_emulator, "pic")
    request = update_request(KINDS["pic"], MAIN, queue.queue_id, replace(queue.settings, state="Paused"))
    headers = signed_headers(request, emulator_credentials, time.time())
    tampered = request.body.replace(b"Paused", b"Active ")  # one byte longer than what was signed
    headers["Content-Length"] = str(len(tampered))
    response = http_client.put(account_emulator.base_url + request.path, content=tampered, headers=headers)
    assert refusal(response)[:2] == (403, "SignatureDoesNotMatch")
    assert stored(account_emulator, "pic", queue.queue_id) == queue


def test_a_denied_key_lacks_the_update_permission(account_emulator, http_client, emulator_credentials):
    account_emulator.denied_secret_ids.add(emulator_credentials.secret_id)
    queue = first(account_emulator, "pic")
    response = update(account_emulator, http_client, emulator_credentials, "pic", queue.queue_id, queue.settings)
    assert refusal(response)[:2] == (403, "AccessDenied") and "ci:UpdatePicProcessQueue" in refusal(response)[2]


def test_put_access_denied_is_scoped_to_one_queue_and_spares_reads(account_emulator, http_client,
                                                                   emulator_credentials, signed_get):  # fmt: skip
    one, other = account_emulator.account.first.catalogue("pic").queues[:2]
    account_emulator.set_fault("put_access_denied", queue=one.queue_id)
    assert refusal(update(account_emulator, http_client, emulator_credentials, "pic", one.queue_id,
                          one.settings))[:2] == (403, "AccessDenied")  # fmt: skip
    assert update(account_emulator, http_client, emulator_credentials, "pic", other.queue_id,
                  other.settings).status_code == 200  # fmt: skip
    with pytest.raises(ValueError, match="take a queue"):
        account_emulator.set_fault("http500", queue=one.queue_id)


def test_put_access_denied_scoped_to_a_bucket(account_emulator, http_client, emulator_credentials):
    account_emulator.set_fault("put_access_denied", bucket="staging-1250000000")
    staging = Where("ap-guangzhou", "staging-1250000000")
    queue = account_emulator.account.buckets[4].catalogue("pic").queues[0]
    assert refusal(update(account_emulator, http_client, emulator_credentials, "pic", queue.queue_id,
                          queue.settings, where=staging))[:2] == (403, "AccessDenied")  # fmt: skip
    main = first(account_emulator, "pic")
    assert update(account_emulator, http_client, emulator_credentials, "pic", main.queue_id,
                  main.settings).status_code == 200  # fmt: skip


def test_change_queue_is_another_client_changing_it(emulator):
    queue = emulator.queues[0]
    changed = emulator.change_queue(queue.queue_id, name="renamed-elsewhere")
    assert emulator.queues[0] == changed and changed.name == "renamed-elsewhere"
    assert changed.update_time != queue.update_time
