"""Every fault kind does what faults.FAULTS says, for as many requests as asked."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
import pytest

from cqtui.emulator.data import demo_queues
from cqtui.emulator.faults import (
    ERROR_FAULTS,
    FAULTS,
    HUGE_BODY_BYTES,
    FaultPlan,
    FaultSpec,
    huge_body_pieces,
    parse_fault,
)
from cqtui.emulator.server import Emulator

DEMO_IDS = [queue.queue_id for queue in demo_queues()]


def _code(response: httpx.Response) -> str | None:
    return ET.fromstring(response.content).findtext("Code")


@pytest.mark.parametrize("kind", sorted(ERROR_FAULTS))
def test_error_faults_answer_ci_errors_whatever_the_signature(
    emulator: Emulator, kind: str, http_client: httpx.Client
) -> None:
    status, code, _ = ERROR_FAULTS[kind]
    emulator.set_fault(kind, times=1)
    response = http_client.get(emulator.base_url + "/picqueue")  # unsigned: the fault wins anyway
    assert (response.status_code, _code(response)) == (status, code)
    assert response.headers["x-ci-request-id"] and response.headers["x-ci-trace-id"]
    # times=1: the next request is judged normally again (unsigned -> AccessDenied).
    assert _code(http_client.get(emulator.base_url + "/picqueue")) == "AccessDenied"


def test_http502_is_an_html_gateway_page(emulator: Emulator, signed_get) -> None:
    emulator.set_fault("http502_html", times=1)
    response = signed_get()
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert b"502 Bad Gateway" in response.content


def test_html_body_is_200_html(emulator: Emulator, signed_get) -> None:
    emulator.set_fault("html_body", times=1)
    response = signed_get()
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert response.content.startswith(b"<!DOCTYPE html>")


@pytest.mark.parametrize("kind", ["malformed_xml", "entity_expansion", "external_entity"])
def test_xml_that_a_safe_parser_must_refuse(emulator: Emulator, signed_get, kind: str) -> None:
    emulator.set_fault(kind, times=1)
    response = signed_get()
    assert response.status_code == 200 and response.headers["content-type"] == "application/xml"
    if kind == "malformed_xml":
        assert b"\x1b" in response.content
        with pytest.raises(ET.ParseError):
            ET.fromstring(response.content)
    elif kind == "entity_expansion":
        assert b'<!ENTITY lol9 "&lol8;&lol8;' in response.content and b"<Name>&lol9;</Name>" in response.content
    else:
        assert b'SYSTEM "file:///etc/passwd"' in response.content and b"<Name>&xxe;</Name>" in response.content


def test_dtd_prefixes_a_real_listing(emulator: Emulator, signed_get) -> None:
    emulator.set_fault("dtd", times=1)
    body = signed_get().content
    assert body.startswith(b"<!DOCTYPE Response")
    assert DEMO_IDS[0].encode() in body


def test_json_error(emulator: Emulator, signed_get) -> None:
    emulator.set_fault("json_error", times=1)
    response = signed_get()
    assert response.status_code == 400 and response.headers["content-type"] == "application/json"
    assert response.json()["Response"]["Error"]["Code"] == "InvalidParameter"
    assert response.json()["Response"]["RequestId"] == response.headers["x-ci-request-id"]


def test_empty_body(emulator: Emulator, signed_get) -> None:
    emulator.set_fault("empty_body", times=1)
    response = signed_get()
    assert (response.status_code, response.content, response.headers["content-length"]) == (200, b"", "0")


def test_truncated_body_breaks_the_read(emulator: Emulator, signed_get) -> None:
    emulator.set_fault("truncated_body", times=1)
    with pytest.raises(httpx.RemoteProtocolError):
        signed_get()
    assert ET.fromstring(signed_get().content).findtext("TotalCount") == str(len(DEMO_IDS))


def test_connection_reset_gives_no_answer(emulator: Emulator, signed_get) -> None:
    emulator.set_fault("connection_reset", times=1)
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        signed_get()
    assert signed_get().status_code == 200


def test_huge_body_streams_past_any_sane_cap(
    emulator: Emulator, sign_headers, emulator_credentials, http_client: httpx.Client
) -> None:
    emulator.set_fault("huge_body", times=1)
    headers = sign_headers(emulator.base_url, emulator_credentials)
    received = 0
    with http_client.stream("GET", emulator.base_url + "/picqueue", headers=headers) as response:
        assert response.status_code == 200 and "content-length" not in response.headers
        for chunk in response.iter_raw(1024 * 1024):
            received += len(chunk)
            if received > 9 * 1024 * 1024:
                break
    assert received > 9 * 1024 * 1024
    # The server shrugs off the client hanging up mid-stream.
    assert http_client.get(emulator.base_url + "/picqueue", headers=headers).status_code == 200


def test_huge_body_totals_fifty_mebibytes_without_holding_them() -> None:
    pieces = huge_body_pieces("rid", b"<QueueList><QueueId>p1</QueueId></QueueList>")
    sizes = [len(piece) for piece in pieces]
    assert sum(sizes) >= HUGE_BODY_BYTES == 50 * 1024 * 1024
    assert max(sizes) <= 1024 * 1024


def test_endless_total_keeps_pages_full(emulator: Emulator, signed_get) -> None:
    emulator.set_fault("endless_total")
    root = ET.fromstring(signed_get({"pageNumber": "5000", "pageSize": "100"}).content)
    assert root.findtext("TotalCount") == str(10**9)
    ids = [element.findtext("QueueId") for element in root.findall("QueueList")]
    assert len(ids) == 100 == len(set(ids))
    emulator.clear_faults()
    assert ET.fromstring(signed_get().content).findtext("TotalCount") == str(len(DEMO_IDS))


def test_same_page_repeats_page_one(emulator: Emulator, signed_get) -> None:
    emulator.set_fault("same_page", times=2)
    first = ET.fromstring(signed_get({"pageNumber": "1"}).content)
    third = ET.fromstring(signed_get({"pageNumber": "3"}).content)
    ids = lambda root: [element.findtext("QueueId") for element in root.findall("QueueList")]  # noqa: E731
    assert ids(first) == ids(third) == DEMO_IDS[:10]
    assert third.findtext("PageNumber") == "3" and third.findtext("TotalCount") == str(len(DEMO_IDS))
    assert ids(ET.fromstring(signed_get({"pageNumber": "3"}).content)) == DEMO_IDS[20:30]


def test_data_faults_still_check_the_signature(emulator: Emulator, http_client: httpx.Client) -> None:
    emulator.set_fault("same_page")
    assert _code(http_client.get(emulator.base_url + "/picqueue")) == "AccessDenied"


def test_faults_are_served_in_order_then_clear(emulator: Emulator, signed_get) -> None:
    emulator.set_fault("http500", times=2)
    emulator.set_fault("http503_slowdown", times=1)
    assert [signed_get().status_code for _ in range(4)] == [500, 500, 503, 200]


def test_a_fault_without_times_lasts_until_cleared(emulator: Emulator, signed_get) -> None:
    emulator.set_fault("no_such_bucket")
    assert [_code(signed_get()) for _ in range(3)] == ["NoSuchBucket"] * 3
    emulator.clear_faults()
    assert signed_get().status_code == 200


def test_latency_applies_with_faults(emulator: Emulator, signed_get) -> None:
    emulator.latency_ms = 20
    emulator.set_fault("http500", times=1)
    assert signed_get().status_code == 500
    assert signed_get().status_code == 200


def test_fault_names_and_counts_are_checked() -> None:
    assert parse_fault("http500") == FaultSpec("http500", None)
    assert parse_fault("truncated_body:3") == FaultSpec("truncated_body", 3)
    assert parse_fault("access_denied@videos-1250000000") == FaultSpec("access_denied", None, "videos-1250000000")
    assert parse_fault("no_answer:2@ap-beijing") == FaultSpec("no_answer", 2, "ap-beijing")
    for bad in ("nope", "http500:0", "http500:x", "http500:-1", "latency", "http500@"):
        with pytest.raises(ValueError):
            parse_fault(bad)
    plan = FaultPlan()
    with pytest.raises(ValueError):
        plan.add("http500", times=0)
    with pytest.raises(ValueError):
        plan.add("unknown")


def test_every_documented_fault_is_served(emulator: Emulator, signed_get) -> None:
    """No fault in the table lacks an answer: a missing one would surface as 500 InternalError."""
    for kind in FAULTS:
        if kind in ("connection_reset", "reset_mid_body", "slow_body", "truncated_body", "huge_body", "no_answer"):
            continue  # covered above and in test_emulator_account.py: they break the connection on purpose
        emulator.set_fault(kind, times=1)
        assert (signed_get().status_code == 500) == (kind == "http500"), kind
