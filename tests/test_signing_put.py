"""Queue updates (PUT with an XML body) are signed as the official SDK signs them, byte for byte.

The vectors (tests/cos-put-signature-vectors.json) were made by cos-python-sdk-v5 with a
frozen clock, offline, by tests/make_put_signature_vectors.py; the last test runs it again.
"""

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from cqtui.ci.credentials import Credentials
from cqtui.ci.endpoint import Where
from cqtui.ci.kinds import KINDS
from cqtui.ci.models import NOTIFY_CONFIG_API_NAMES, NotifyConfig, QueueSettings
from cqtui.ci.protocol import Request, signed_headers, update_request
from cqtui.ci.signing import compute_signature, headers_to_sign, key_time_for, sign_request
from cqtui.emulator.updates import read_body

HERE = Path(__file__).parent
DOCUMENT = json.loads((HERE / "cos-put-signature-vectors.json").read_text())
VECTORS = DOCUMENT["vectors"]
IDS = [vector["name"] for vector in VECTORS]
SIGNED = {"content-type", "content-length", "x-ci-security-token"}


def _credentials(vector) -> Credentials:
    config = vector["inputs"]["config"]
    return Credentials(config["SecretId"], config["SecretKey"], config.get("Token", ""))


def _wire(vector) -> tuple[str, str, dict[str, str], bytes]:
    """Host, path, the signed headers and the body the SDK sent."""
    wire = vector["expected"]["wire"]
    url = urlsplit(wire["url"])
    headers = {"host": url.hostname, **{k: v for k, v in wire["headers"].items() if k.lower() in SIGNED}}
    return url.hostname, url.path, headers, wire["body"].encode("utf-8")


def _settings(body: dict) -> QueueSettings:
    by_tag = {tag: attribute for attribute, tag in NOTIFY_CONFIG_API_NAMES.items()}
    notify = NotifyConfig(**{by_tag[tag]: value for tag, value in body["NotifyConfig"].items()})
    return QueueSettings(body["Name"], body["State"], notify)


def _family(path: str):
    return next(kind for kind in KINDS.values() if kind.change and path.startswith(kind.change.path_for("")))


def test_six_put_vectors_every_family():
    assert len(VECTORS) == 6
    assert {_family(_wire(vector)[1]).key for vector in VECTORS} == {"pic", "media", "ai", "asr", "file", "doc"}


@pytest.mark.parametrize("vector", VECTORS, ids=IDS)
def test_signer_reproduces_the_sdk_and_its_intermediate_strings(vector):
    _, path, headers, _ = _wire(vector)
    credentials, expected = _credentials(vector), vector["expected"]
    assert {"content-length", "content-type", "host"} <= {name.lower() for name in headers_to_sign(headers)}
    parts = compute_signature(
        secret_key=credentials.secret_key,
        key_time=key_time_for(vector["inputs"]["now"], vector["inputs"]["expire"]),
        method="PUT",
        path=path,
        params={},
        headers=headers_to_sign(headers),
    )
    assert parts.http_string == expected["http_string"]
    assert parts.string_to_sign == expected["string_to_sign"]
    assert parts.sign_key == expected["sign_key"]
    assert parts.signature == expected["signature"]
    authorization = sign_request(
        secret_id=credentials.secret_id,
        secret_key=credentials.secret_key,
        method="PUT",
        path=path,
        params={},
        headers=headers,
        now=vector["inputs"]["now"],
        expire=vector["inputs"]["expire"],
    )
    assert authorization == expected["authorization"]


@pytest.mark.parametrize("vector", VECTORS, ids=IDS)
def test_cqtuis_request_path_signs_the_same_request_as_the_sdk(vector):
    """protocol.signed_headers on the SDK's own body: the same Content-Type, Content-Length and token,
    and the Authorization the SDK's signer gives the same request with cqtui's 300 s window."""
    host, path, sdk_headers, body = _wire(vector)
    sent = signed_headers(Request("PUT", host, path, {}, body, "application/xml"), _credentials(vector), 1700000000)
    assert sent["Authorization"] == vector["expected"]["authorization_expire_300"]
    assert {name.lower(): value for name, value in sent.items() if name.lower() in SIGNED} == {
        name.lower(): value for name, value in sdk_headers.items() if name != "host"
    }


@pytest.mark.parametrize("vector", VECTORS, ids=IDS)
def test_cqtuis_body_says_what_the_sdks_says(vector):
    """The same update built by cqtui (ElementTree) and by the SDK (xmltodict) reads back the same,
    hostile name included, in the emulator's reader; only the family's NotifyConfig fields are sent."""
    host, path, _, sdk_body = _wire(vector)
    kind = _family(path)
    wanted = _settings(vector["inputs"]["request"])
    request = update_request(kind, Where("ap-guangzhou", host.split(".")[0]), path.rsplit("/", 1)[1], wanted)
    assert request.path == path and request.host == host
    assert read_body(request.body) == read_body(sdk_body) == wanted


def test_the_vectors_are_what_the_sdk_makes_now():
    pytest.importorskip("qcloud_cos")
    import make_put_signature_vectors

    assert make_put_signature_vectors._sdk_vectors() == DOCUMENT
