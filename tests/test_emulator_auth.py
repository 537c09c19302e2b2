"""The emulator's signature check, as a pure function: SDK-signed vectors pass, tampering fails."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest

from cqtui.ci.signing import sign_request
from cqtui.emulator.auth import check_request

VECTORS = json.loads((Path(__file__).parent / "cos-signature-vectors.json").read_text(encoding="utf-8"))["vectors"]
BY_NAME = {vector["name"][:2]: vector for vector in VECTORS}
NOW = 1700000000
SECRET_ID, SECRET_KEY = "AKIDEXAMPLE1234567890", "SecretKeyEXAMPLE1234567890abcdef"
HOST = "examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com"


def _wire_request(vector: dict) -> dict:
    """The request parts the server sees for a vector's wire request."""
    wire = vector["expected"]["wire"]
    url = urlsplit(wire["url"])
    headers = {name.lower(): value for name, value in wire["headers"].items()}
    headers.setdefault("host", url.netloc)
    return {
        "method": wire["method"],
        "path": unquote(url.path),
        "params": dict(parse_qsl(url.query, keep_blank_values=True)),
        "headers": headers,
    }


def _credentials(vector: dict) -> tuple[str, str, str]:
    inputs = vector["inputs"]
    config = inputs.get("config", {})
    return (
        inputs.get("secret_id") or config["SecretId"],
        inputs.get("secret_key") or config["SecretKey"],
        config.get("Token") or "",
    )


@pytest.mark.parametrize("name", ["B1", "B2"])
def test_official_sdk_requests_verify(name: str) -> None:
    vector = BY_NAME[name]
    secret_id, secret_key, token = _credentials(vector)
    request = _wire_request(vector)
    assert check_request(**request, secrets={secret_id: secret_key}, now=NOW, token=token) is None


def test_b2_with_another_session_token_is_expired() -> None:
    vector = BY_NAME["B2"]
    secret_id, secret_key, _ = _credentials(vector)
    rejection = check_request(**_wire_request(vector), secrets={secret_id: secret_key}, now=NOW, token="other-token")
    assert rejection is not None and rejection.code == "ExpiredToken"


def test_b1_without_the_required_session_token_is_denied() -> None:
    rejection = check_request(**_wire_request(BY_NAME["B1"]), secrets={SECRET_ID: SECRET_KEY}, now=NOW, token="needed")
    assert rejection is not None and rejection.code == "AccessDenied"


@pytest.mark.parametrize("vector", [v for v in VECTORS if v["expected"].get("wire")], ids=lambda v: v["name"])
def test_every_sdk_wire_request_verifies_unless_host_is_unsigned(vector: dict) -> None:
    secret_id, secret_key, _ = _credentials(vector)
    rejection = check_request(**_wire_request(vector), secrets={secret_id: secret_key}, now=NOW)
    if "host" in vector["expected"]["authorization"].split("q-header-list=")[1].split("&")[0].split(";"):
        assert rejection is None
    else:
        assert rejection is not None and rejection.code == "SignatureDoesNotMatch" and "host" in rejection.message


def _signed(
    params: dict[str, str], *, headers: dict[str, str] | None = None, now: int = NOW, key: str = SECRET_KEY
) -> dict:
    headers = {"host": HOST, **(headers or {})}
    headers["authorization"] = sign_request(
        secret_id=SECRET_ID, secret_key=key, method="GET", path="/picqueue", params=params, headers=headers, now=now
    )
    return {"method": "GET", "path": "/picqueue", "params": dict(params), "headers": headers}


def _code(request: dict, **options: object) -> str | None:
    options.setdefault("secrets", {SECRET_ID: SECRET_KEY})
    options.setdefault("now", NOW)
    rejection = check_request(**request, **options)
    return None if rejection is None else rejection.code


def test_a_fresh_signature_passes() -> None:
    assert _code(_signed({"pageSize": "5", "queueIds": "p1,p2"})) is None


def test_missing_or_malformed_authorization() -> None:
    request = _signed({})
    del request["headers"]["authorization"]
    assert _code(request) == "AccessDenied"
    request["headers"]["authorization"] = "q-sign-algorithm=md5&q-ak=x"
    assert _code(request) == "AccessDenied"
    request["headers"]["authorization"] = _signed({})["headers"]["authorization"].replace(f"{NOW - 60};", "soon;")
    assert _code(request) == "AccessDenied"


def test_unknown_secret_id() -> None:
    assert _code(_signed({}), secrets={"AKIDOTHER": SECRET_KEY}) == "InvalidAccessKeyId"


def test_wrong_secret_key() -> None:
    assert _code(_signed({}, key="not-the-key")) == "SignatureDoesNotMatch"


@pytest.mark.parametrize(
    ("server_now", "expected"),
    [(NOW - 61, "RequestTimeTooSkewed"), (NOW - 60, None), (NOW + 300, None), (NOW + 301, "RequestTimeTooSkewed")],
)
def test_key_time_window(server_now: int, expected: str | None) -> None:
    assert _code(_signed({}), now=server_now) == expected


def test_tampering_with_params_or_headers() -> None:
    changed = _signed({"pageNumber": "1"})
    changed["params"]["pageNumber"] = "2"
    assert _code(changed) == "SignatureDoesNotMatch"

    extra = _signed({"pageNumber": "1"})
    extra["params"]["state"] = "Paused"  # sent but not in q-url-param-list
    assert _code(extra) == "SignatureDoesNotMatch"

    dropped = _signed({"pageNumber": "1", "state": "Active"})
    del dropped["params"]["state"]  # listed but not sent
    assert _code(dropped) == "SignatureDoesNotMatch"

    other_host = _signed({})
    other_host["headers"]["host"] = "evil.example.com"
    assert _code(other_host) == "SignatureDoesNotMatch"

    header_gone = _signed({}, headers={"x-ci-security-token": "t"})
    del header_gone["headers"]["x-ci-security-token"]
    assert _code(header_gone) == "SignatureDoesNotMatch"

    forged = _signed({})
    forged["headers"]["authorization"] = forged["headers"]["authorization"].rsplit("=", 1)[0] + "=签名"
    assert _code(forged) == "SignatureDoesNotMatch"


def test_session_token_rules() -> None:
    assert _code(_signed({}, headers={"x-ci-security-token": "tok"}), token="tok") is None
    assert _code(_signed({}, headers={"x-cos-security-token": "tok"}), token="tok") is None
    assert _code(_signed({}, headers={"x-ci-security-token": "old"}), token="tok") == "ExpiredToken"
    assert _code(_signed({}), token="tok") == "AccessDenied"
    unsigned = _signed({})
    unsigned["headers"]["x-ci-security-token"] = "tok"  # present but not signed
    assert _code(unsigned, token="tok") == "AccessDenied"


def test_denied_secret_id_stands_for_missing_cam_permission() -> None:
    rejection = check_request(
        **_signed({}), secrets={SECRET_ID: SECRET_KEY}, now=NOW, denied={SECRET_ID},
        denied_action="ci:DescribePicProcessQueues",
    )  # fmt: skip
    assert rejection is not None and rejection.code == "AccessDenied"
    assert "ci:DescribePicProcessQueues" in rejection.message
    assert rejection.status == 403


def test_messages_never_contain_the_secret_key() -> None:
    for request, options in [
        (_signed({}, key="wrong"), {}),
        (_signed({}), {"now": NOW + 10_000}),
        (_signed({}), {"denied": {SECRET_ID}}),
    ]:
        rejection = check_request(
            **request, secrets={SECRET_ID: SECRET_KEY}, now=options.get("now", NOW), denied=options.get("denied", ())
        )
        assert rejection is not None and SECRET_KEY not in rejection.message
