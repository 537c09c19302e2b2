"""The emulator over real HTTP on 127.0.0.1: listing, paging, filters, errors, headers, lifecycle."""

from __future__ import annotations

import base64
import http.client
import threading
import time
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx
import pytest

from cqtui.ci.credentials import Credentials
from cqtui.ci.models import Queue
from cqtui.emulator.data import demo_queues, generated_queues
from cqtui.emulator.server import DEMO_SECRET_ID, Emulator


def listing(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    root = ET.fromstring(response.content)
    return {
        "request_id": root.findtext("RequestId"),
        "total": int(root.findtext("TotalCount")),
        "page_number": int(root.findtext("PageNumber")),
        "page_size": int(root.findtext("PageSize")),
        "ids": [element.findtext("QueueId") for element in root.findall("QueueList")],
        "states": [element.findtext("State") for element in root.findall("QueueList")],
        "missing": [element.text for element in root.findall("NonExistPIDs")],
    }


def error_code(response: httpx.Response) -> str:
    return ET.fromstring(response.content).findtext("Code")


DEMO_IDS = [queue.queue_id for queue in demo_queues()]


def test_default_listing_is_page_one_of_ten(signed_get) -> None:
    page = listing(signed_get())
    assert (page["total"], page["page_number"], page["page_size"]) == (len(DEMO_IDS), 1, 10)
    assert page["ids"] == DEMO_IDS[:10]
    assert page["missing"] == []


def test_sdk_default_empty_params_mean_defaults(signed_get) -> None:
    page = listing(signed_get({"queueIds": "", "state": "All", "pageNumber": "", "pageSize": ""}))
    assert (page["total"], page["page_number"], page["page_size"], page["ids"]) == (len(DEMO_IDS), 1, 10, DEMO_IDS[:10])


def test_paging_visits_every_queue_once(signed_get) -> None:
    seen: list[str] = []
    for number in range(1, 8):
        page = listing(signed_get({"pageNumber": str(number), "pageSize": "7"}))
        assert (page["page_number"], page["page_size"], page["total"]) == (number, 7, len(DEMO_IDS))
        seen += page["ids"]
    assert seen == DEMO_IDS


def test_page_past_the_end_is_empty_with_the_true_total(signed_get) -> None:
    page = listing(signed_get({"pageNumber": "99", "pageSize": "100"}))
    assert (page["ids"], page["total"], page["page_number"]) == ([], len(DEMO_IDS), 99)


@pytest.mark.parametrize("state", ["Active", "Paused"])
def test_state_filter(signed_get, state: str) -> None:
    expected = [q.queue_id for q in demo_queues() if q.state == state]
    page = listing(signed_get({"state": state, "pageSize": "100"}))
    assert page["ids"] == expected and set(page["states"]) == {state}
    assert page["total"] == len(expected) < len(DEMO_IDS)


def test_queue_ids_report_unknown_ids(signed_get) -> None:
    wanted = [DEMO_IDS[5], "pUNKNOWN", DEMO_IDS[0], "B"]
    page = listing(signed_get({"queueIds": ",".join(wanted)}))
    assert page["ids"] == [DEMO_IDS[5], DEMO_IDS[0]]
    assert page["missing"] == ["pUNKNOWN", "B"]
    assert page["total"] == 2


def test_queue_ids_combine_with_the_state_filter(signed_get) -> None:
    queues = demo_queues()
    active = next(q.queue_id for q in queues if q.state == "Active")
    paused = next(q.queue_id for q in queues if q.state == "Paused")
    page = listing(signed_get({"queueIds": f"{active},{paused}", "state": "Paused"}))
    assert (page["ids"], page["missing"], page["total"]) == ([paused], [], 1)


@pytest.mark.parametrize(
    "params",
    [
        {"pageSize": "0"},
        {"pageSize": "101"},
        {"pageSize": "abc"},
        {"pageSize": "1.5"},
        {"pageSize": "-1"},
        {"pageNumber": "0"},
        {"pageNumber": "x"},
        {"pageNumber": " 1"},
        {"state": "active"},
        {"state": "Running"},
    ],
)
def test_bad_arguments_are_400_invalid_argument(signed_get, params: dict) -> None:
    response = signed_get(params)
    assert response.status_code == 400
    assert error_code(response) == "InvalidArgument"


def test_every_answer_carries_ci_headers(signed_get) -> None:
    ok, missing = signed_get(), signed_get(path="/nope")
    ids = set()
    for response in (ok, missing):
        request_id = response.headers["x-ci-request-id"]
        assert base64.b64decode(request_id, validate=True)
        ids.add(request_id)
        assert response.headers["content-type"] == "application/xml"
        assert response.headers["server"] == "tencent-ci"
        assert int(response.headers["content-length"]) == len(response.content)
        assert abs(parsedate_to_datetime(response.headers["date"]).timestamp() - time.time()) < 600
    assert len(ids) == 2
    assert listing(ok)["request_id"] == ok.headers["x-ci-request-id"]
    assert "x-ci-trace-id" not in ok.headers
    assert missing.status_code == 404 and error_code(missing) == "NoSuchResource"
    root = ET.fromstring(missing.content)
    assert root.findtext("RequestId") == missing.headers["x-ci-request-id"]
    assert root.findtext("TraceId") == missing.headers["x-ci-trace-id"]


def test_other_methods_on_picqueue(
    emulator: Emulator, sign_headers, emulator_credentials: Credentials, http_client: httpx.Client
) -> None:
    headers = sign_headers(emulator.base_url, emulator_credentials, method="POST")
    response = http_client.post(emulator.base_url + "/picqueue", headers=headers)
    assert response.status_code == 405 and error_code(response) == "MethodNotAllowed"


def test_requests_the_base_server_refuses_still_get_ci_headers(emulator: Emulator, http_client: httpx.Client) -> None:
    response = http_client.head(emulator.base_url + "/picqueue")
    assert response.status_code == 501 and response.headers["x-ci-request-id"] and response.content == b""
    assert http_client.get(emulator.base_url + "/picqueue").status_code == 403  # still serving


def test_missing_authorization_is_access_denied(emulator: Emulator, http_client: httpx.Client) -> None:
    response = http_client.get(emulator.base_url + "/picqueue")
    assert response.status_code == 403 and error_code(response) == "AccessDenied"


def test_unknown_secret_id(signed_get) -> None:
    response = signed_get(credentials=Credentials("AKIDSOMEONEELSE", "key"))
    assert response.status_code == 403 and error_code(response) == "InvalidAccessKeyId"


def test_wrong_secret_key(signed_get) -> None:
    response = signed_get(credentials=Credentials(DEMO_SECRET_ID, "wrong-key"))
    assert response.status_code == 403 and error_code(response) == "SignatureDoesNotMatch"


def test_skewed_server_clock(emulator: Emulator, signed_get) -> None:
    emulator.clock_skew_seconds = 3600
    response = signed_get()
    assert response.status_code == 403 and error_code(response) == "RequestTimeTooSkewed"
    server_time = parsedate_to_datetime(response.headers["date"]).timestamp()
    assert server_time - time.time() > 3000  # Date tells the client the server's (skewed) time
    assert listing(signed_get(now=time.time() + 3600))["total"] == len(DEMO_IDS)


def test_temporary_credentials(emulator: Emulator, signed_get) -> None:
    emulator.token = "session-token"
    assert error_code(signed_get()) == "AccessDenied"
    stale = signed_get(credentials=Credentials(DEMO_SECRET_ID, emulator.secrets[DEMO_SECRET_ID], "old-token"))
    assert stale.status_code == 403 and error_code(stale) == "ExpiredToken"
    good = signed_get(credentials=Credentials(DEMO_SECRET_ID, emulator.secrets[DEMO_SECRET_ID], "session-token"))
    assert listing(good)["total"] == len(DEMO_IDS)


def test_denied_secret_id(emulator: Emulator, signed_get) -> None:
    emulator.denied_secret_ids.add(DEMO_SECRET_ID)
    response = signed_get()
    assert response.status_code == 403 and error_code(response) == "AccessDenied"


def test_unsigned_query_parameter_is_refused(
    emulator: Emulator, sign_headers, emulator_credentials: Credentials, http_client: httpx.Client
) -> None:
    headers = sign_headers(emulator.base_url, emulator_credentials, params={"pageSize": "5"})
    sent = {"pageSize": "5", "state": "Active"}
    response = http_client.get(emulator.base_url + "/picqueue", params=sent, headers=headers)
    assert response.status_code == 403 and error_code(response) == "SignatureDoesNotMatch"


def test_keep_alive_serves_two_requests_on_one_connection(
    emulator: Emulator, sign_headers, emulator_credentials: Credentials
) -> None:
    url = urlsplit(emulator.base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        sockets = []
        for _ in range(2):
            connection.request("GET", "/picqueue", headers=sign_headers(emulator.base_url, emulator_credentials))
            response = connection.getresponse()
            assert response.status == 200 and response.getheader("Connection") == "keep-alive"
            assert ET.fromstring(response.read()).findtext("TotalCount") == str(len(DEMO_IDS))
            sockets.append(connection.sock)
        assert sockets[0] is not None and sockets[0] is sockets[1]
    finally:
        connection.close()


def test_requests_are_recorded_decoded(emulator: Emulator, signed_get) -> None:
    signed_get({"queueIds": "p1,p2", "state": "Active"})
    recorded = emulator.requests[-1]
    assert (recorded.method, recorded.path) == ("GET", "/picqueue")
    assert recorded.params == {"queueIds": "p1,p2", "state": "Active"}
    assert recorded.headers["authorization"].startswith("q-sign-algorithm=sha1&q-ak=" + DEMO_SECRET_ID)
    emulator.clear_requests()
    assert emulator.requests == []


def test_queues_and_latency_can_change_while_running(emulator: Emulator, signed_get) -> None:
    emulator.queues = generated_queues(250)
    emulator.latency_ms = 5
    page = listing(signed_get({"pageNumber": "3", "pageSize": "100"}))
    assert page["total"] == 250 and len(page["ids"]) == 50
    emulator.queues = []
    assert listing(signed_get())["ids"] == []


def test_a_handler_bug_answers_500_and_the_server_lives_on(emulator: Emulator, signed_get, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(emulator._catalogue, "select", broken)
    response = signed_get()
    assert response.status_code == 500 and error_code(response) == "InternalError"
    monkeypatch.undo()
    assert listing(signed_get())["total"] == len(DEMO_IDS)


def test_stop_is_prompt_with_a_latency_sleep_in_flight(
    sign_headers, emulator_credentials: Credentials, http_client: httpx.Client
) -> None:
    emulator = Emulator(latency_ms=600_000)
    base_url = emulator.start()
    outcome: list[object] = []

    def call() -> None:
        try:
            headers = sign_headers(base_url, emulator_credentials)
            outcome.append(http_client.get(base_url + "/picqueue", headers=headers, timeout=30))
        except httpx.TransportError as problem:
            outcome.append(problem)

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    while not emulator.requests:
        time.sleep(0.01)
    emulator.stop()
    caller.join(timeout=20)
    assert not caller.is_alive()
    assert isinstance(outcome[0], httpx.TransportError)
    with pytest.raises(httpx.ConnectError):
        http_client.get(base_url + "/picqueue", timeout=5)


def test_context_manager_and_ipv6_loopback(http_client: httpx.Client) -> None:
    try:
        emulator = Emulator(host="::1", queues=[Queue(queue_id="p1")])
        base_url = emulator.start()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    with emulator:
        assert base_url.startswith("http://[::1]:")
        assert http_client.get(base_url + "/picqueue").status_code == 403
    with Emulator() as running:
        assert running.base_url.startswith("http://127.0.0.1:")
        with pytest.raises(RuntimeError):
            running.start()
    restarted = running.start()  # a stopped emulator can serve again
    try:
        assert http_client.get(restarted + "/picqueue").status_code == 403
    finally:
        running.stop()
