"""Make tests/cos-put-signature-vectors.json with the official SDK, offline, with a frozen clock.

    .venv/bin/python tests/make_put_signature_vectors.py > tests/cos-put-signature-vectors.json

The same method as tests/cos-signature-vectors.json: cos-python-sdk-v5 1.9.44 (the test
extra installs it) is called as a user calls it (`ci_update_*_queue`) with the clock of
its signer (qcloud_cos.cos_auth) frozen at 1700000000. Nothing goes on the network: the
client's requests session has an adapter that records the prepared request and answers
200 with a canned `<Response>`. The signer's intermediate strings are its own debug log
lines ("format str", "str_to_sign", "sign_key", "sign"). Each vector also holds the SDK
signer's Authorization for the same request with expire=300 (cqtui's signing window),
so cqtui's whole request path can be compared with it byte for byte.

Not part of the package; test_signing.py runs it again to check the file is what the SDK makes.
"""

from __future__ import annotations

import json
import logging
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

NOW = 1700000000
SECRET_ID = "AKIDEXAMPLE1234567890"
SECRET_KEY = "SecretKeyEXAMPLE1234567890abcdef"
TOKEN = "tmp-session-token-EXAMPLE"
BUCKET = "examplebucket-1250000000"
QUEUE_ID = "p8366c460c67b4c65a9bf81b41eaa3c4b"
HOSTILE_NAME = "图片<队列>&]]>\"'*_-"

URL_CALLBACK = {
    "State": "On",
    "Event": "TaskFinish,WorkflowFinish",
    "Type": "Url",
    "Url": "https://hooks.example.com/ci?src=queue&v=2",
    "ResultFormat": "JSON",
}
TDMQ_CALLBACK = {
    "State": "On",
    "Event": "TaskFinish",
    "Type": "TDMQ",
    "ResultFormat": "XML",
    "MqMode": "Queue",
    "MqRegion": "gz",
    "MqName": "ci-results",
}

# name, note, SDK method, UrlPath (for ci_update_media_queue), token?, Request body
CASES: tuple[tuple[str, str, str, str | None, bool, dict[str, Any]], ...] = (
    (
        "P1_pic_pause_with_token",
        "PUT /picqueue/<id>: pause, Url callback kept; temporary credentials, so x-ci-security-token is signed",
        "ci_update_media_pic_queue",
        None,
        True,
        {"Name": "queue-pic-process-1", "State": "Paused", "NotifyConfig": URL_CALLBACK},
    ),
    (
        "P2_media_hostile_cjk_name",
        "PUT /queue/<id>: a name with CJK, <, &, ]]> and quotes; Content-Length counts the escaped UTF-8 bytes",
        "ci_update_media_queue",
        None,
        False,
        {"Name": HOSTILE_NAME, "State": "Active", "NotifyConfig": {"State": "Off"}},
    ),
    (
        "P3_ai_queue_url_callback",
        "PUT /ai_queue/<id>: the AI family's own path",
        "ci_update_ai_queue",
        None,
        False,
        {"Name": "ai-queue", "State": "Active", "NotifyConfig": URL_CALLBACK},
    ),
    (
        "P4_asr_queue_tdmq_callback",
        "PUT /asrqueue/<id> with a TDMQ callback and a token",
        "ci_update_asr_queue",
        None,
        True,
        {"Name": "语音队列", "State": "Active", "NotifyConfig": TDMQ_CALLBACK},
    ),
    (
        "P5_file_queue",
        "PUT /file_queue/<id>: the SDK has no method of its own; ci_update_media_queue with UrlPath",
        "ci_update_media_queue",
        "/file_queue/",
        False,
        {"Name": "file-queue", "State": "Paused", "NotifyConfig": {"State": "Off"}},
    ),
    (
        "P6_doc_queue",
        "PUT /docqueue/<id>: the document family's NotifyConfig (Url, State, Type, Event only)",
        "ci_update_doc_queue",
        None,
        False,
        {
            "Name": "doc-queue",
            "State": "Active",
            "NotifyConfig": {"State": "On", "Event": "TaskFinish", "Type": "Url", "Url": "https://doc.example.com/cb"},
        },
    ),
)


@contextmanager
def _sdk_signer_recorded() -> Iterator[list[str]]:
    """While inside: the SDK signer's clock frozen at NOW, and its debug lines collected (then all as it was)."""
    from qcloud_cos import cos_auth

    lines: list[str] = []

    class Recorder(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    logger, recorder, clock = logging.getLogger("qcloud_cos.cos_auth"), Recorder(), cos_auth.time
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(recorder)
    cos_auth.time = types.SimpleNamespace(time=lambda: NOW)
    try:
        yield lines
    finally:
        cos_auth.time = clock
        logger.removeHandler(recorder)
        logger.setLevel(level)


def _sdk_vectors() -> dict[str, Any]:
    with _sdk_signer_recorded() as lines:
        return _vectors(lines)


def _vectors(lines: list[str]) -> dict[str, Any]:
    from importlib.metadata import version

    import requests
    from qcloud_cos import CosConfig, CosS3Client, cos_auth

    sent: list[requests.PreparedRequest] = []

    class Offline(requests.adapters.BaseAdapter):
        def send(self, request: requests.PreparedRequest, **_: Any) -> requests.Response:
            sent.append(request)
            response = requests.Response()
            response.status_code = 200
            response._content = b"<Response><RequestId>offline</RequestId><Queue/></Response>"
            response.request = request
            return response

        def close(self) -> None:
            pass

    def intermediate(prefix: str) -> str:
        return next(line[len(prefix) :] for line in lines if line.startswith(prefix))

    vectors = []
    for name, note, method, url_path, with_token, body in CASES:
        config = {"Region": "ap-guangzhou", "SecretId": SECRET_ID, "SecretKey": SECRET_KEY, "Scheme": "https"}
        if with_token:
            config["Token"] = TOKEN
        client = CosS3Client(CosConfig(**config))
        client._session.mount("https://", Offline())
        lines.clear()
        sent.clear()
        call = {"Bucket": BUCKET, "QueueId": QUEUE_ID, "Request": body, "ContentType": "application/xml"}
        if url_path:
            call["UrlPath"] = url_path
        getattr(client, method)(**call)
        request = sent[-1]
        headers = {
            name: value.decode() if isinstance(value, bytes) else value for name, value in request.headers.items()
        }
        path = urlsplit(request.url).path
        # The same prepared request signed again by the SDK's signer with cqtui's window (300 s).
        again = request.copy()
        cos_auth.CosS3Auth(client._conf, path, params={}, expire=300)(again)
        vectors.append(
            {
                "name": name,
                "note": note,
                "sdk_call": f"qcloud_cos.CosS3Client.{method}(Bucket={BUCKET!r}, QueueId={QUEUE_ID!r}, "
                f"Request={{...}}, ContentType='application/xml'" + (f", UrlPath={url_path!r})" if url_path else ")"),
                "inputs": {"config": config, "request": body, "now": NOW, "expire": 10000},
                "expected": {
                    "http_string": intermediate("format str: "),
                    "string_to_sign": intermediate("str_to_sign: "),
                    "sign_key": intermediate("sign_key: "),
                    "signature": intermediate("sign: "),
                    "authorization": headers["Authorization"],
                    "authorization_expire_300": str(again.headers["Authorization"]),
                    "wire": {
                        "method": request.method,
                        "url": request.url,
                        "headers": headers,
                        "body": request.body.decode("utf-8"),
                    },
                },
            }
        )
    return {
        "about": f"COS request signatures of queue updates (PUT with an XML body), made by the official Python SDK "
        f"cos-python-sdk-v5 {version('cos-python-sdk-v5')} with its signer's clock frozen at now={NOW}, "
        "offline (no request left the process): see tests/make_put_signature_vectors.py. 'expected' holds "
        "the SDK's own intermediate strings (its debug log), the Authorization it sent (expire 10000, its "
        "default for these calls), the same request signed by its signer with expire 300, and what went on the wire.",
        "vectors": vectors,
    }


def main() -> None:
    json.dump(_sdk_vectors(), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
