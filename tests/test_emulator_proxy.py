"""The emulator as an HTTP proxy target: the official SDK (`Proxies={'http': url}`, Scheme='http')
sends absolute-form request lines, `GET http://<bucket>.ci.<region>.myqcloud.com/picqueue?… HTTP/1.1`,
with Host naming the real service. The emulator serves them, checking the signature against Host."""

from __future__ import annotations

import http.client
import time
import xml.etree.ElementTree as ET
from urllib.parse import urlencode, urlsplit

from cqtui.ci.signing import sign_request
from cqtui.emulator.data import DEMO_BUCKET, demo_queues

SERVICE_HOST = f"{DEMO_BUCKET}.ci.ap-guangzhou.myqcloud.com"
SDK_PARAMS = {"queueIds": "", "state": "All", "pageNumber": "2", "pageSize": "5"}  # what the SDK sends


def absolute_form_get(emulator, credentials, params, *, signed_host: str = SERVICE_HOST):
    """Send `GET http://SERVICE_HOST/picqueue?… HTTP/1.1` to the emulator as a client talks to a proxy."""
    authorization = sign_request(
        secret_id=credentials.secret_id,
        secret_key=credentials.secret_key,
        method="GET",
        path="/picqueue",
        params=params,
        headers={"Host": signed_host},
        now=time.time(),
    )
    address = urlsplit(emulator.base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.putrequest("GET", f"http://{SERVICE_HOST}/picqueue?{urlencode(params)}", skip_host=True)
        connection.putheader("Host", SERVICE_HOST)
        connection.putheader("Authorization", authorization)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_absolute_form_request_is_served_and_recorded_with_its_path(emulator, emulator_credentials):
    status, body = absolute_form_get(emulator, emulator_credentials, SDK_PARAMS)

    assert status == 200, body
    root = ET.fromstring(body)
    assert [element.findtext("QueueId") for element in root.findall("QueueList")] == [
        queue.queue_id for queue in demo_queues()[5:10]
    ]
    recorded = emulator.requests[-1]
    assert recorded.path == "/picqueue"
    assert recorded.params == SDK_PARAMS
    assert recorded.headers["host"] == SERVICE_HOST


def test_signature_is_checked_against_the_host_header_not_the_emulator_address(emulator, emulator_credentials):
    emulator_netloc = urlsplit(emulator.base_url).netloc
    status, body = absolute_form_get(emulator, emulator_credentials, SDK_PARAMS, signed_host=emulator_netloc)

    assert status == 403
    assert ET.fromstring(body).findtext("Code") == "SignatureDoesNotMatch"


def test_official_sdk_lists_queues_through_the_proxy_setting(emulator, emulator_credentials):
    import qcloud_cos  # the official SDK: in the test extra, as in the bench extra

    config = qcloud_cos.CosConfig(
        Region="ap-guangzhou",
        SecretId=emulator_credentials.secret_id,
        SecretKey=emulator_credentials.secret_key,
        Scheme="http",
        Proxies={"http": emulator.base_url},
    )
    answer = qcloud_cos.CosS3Client(config).ci_get_media_pic_queue(Bucket=DEMO_BUCKET, PageNumber="1", PageSize="3")

    assert int(answer["TotalCount"]) == len(demo_queues())
    assert [queue["QueueId"] for queue in answer["QueueList"]] == [queue.queue_id for queue in demo_queues()[:3]]
    assert emulator.requests[-1].headers["host"] == SERVICE_HOST
