"""Server-side check of a COS v5 signature: a pure function of the request, the keys and the clock.

It reuses the client's signer, recomputing the signature over exactly the
headers and parameters the Authorization names, with values taken from the
request itself. Checks, in order (first failure wins):

| code                   | when                                                              |
|------------------------|-------------------------------------------------------------------|
| AccessDenied           | no Authorization, or it cannot be parsed                          |
| InvalidAccessKeyId     | q-ak is not a known SecretId                                      |
| RequestTimeTooSkewed   | the q-key-time window does not contain the server's now           |
| SignatureDoesNotMatch  | host not signed, a sent param not signed, a signed param/header   |
|                        | missing, or the signature differs                                 |
| AccessDenied           | temporary credentials required but no signed token header         |
| ExpiredToken           | a signed token header that is not the expected token              |
| AccessDenied           | the SecretId is denied (stands in for a missing CAM permission)   |
"""

from __future__ import annotations

import hmac
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from cqtui.ci.signing import compute_signature, parse_authorization

TOKEN_HEADERS = ("x-ci-security-token", "x-cos-security-token")


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a request was refused: a CI error code and a message (never a secret)."""

    code: str
    message: str
    status: int = 403


def _signed_key(name: str) -> str:
    """A parameter name as it appears in q-url-param-list."""
    return quote(name.encode("utf-8"), safe="-_.~").lower()


def check_request(
    *,
    method: str,
    path: str,
    params: Mapping[str, str],
    headers: Mapping[str, str],
    secrets: Mapping[str, str],
    now: float,
    token: str = "",
    denied: Collection[str] = (),
    denied_action: str = "",
) -> Rejection | None:
    """None when the request is properly signed, else the Rejection to answer.

    `params` are the decoded query parameters; `headers` are keyed by lower-case
    name; `secrets` maps SecretId to SecretKey; `token`, when set, is the session
    token the request must carry in a signed security-token header; `denied_action`
    is the CAM action a denied SecretId is said to lack.
    """
    value = headers.get("authorization")
    if not value:
        return Rejection("AccessDenied", "Access Denied: the request carries no Authorization header.")
    try:
        auth = parse_authorization(value)
        start, end = auth.window()
    except ValueError as problem:
        return Rejection("AccessDenied", f"Access Denied: malformed Authorization ({problem}).")

    secret_key = secrets.get(auth.secret_id)
    if secret_key is None:
        return Rejection("InvalidAccessKeyId", "The SecretId you provided does not exist in our records.")
    if not start <= now <= end:
        return Rejection(
            "RequestTimeTooSkewed",
            f"The difference between the request time and the server's time is too large "
            f"(q-key-time {start};{end}, server time {int(now)}).",
        )

    param_list = [key.lower() for key in auth.param_list]
    header_list = [name.lower() for name in auth.header_list]
    sent_params = {_signed_key(name): (name, text) for name, text in params.items()}
    unsigned = sorted(set(sent_params) - set(param_list))
    if unsigned:
        return _mismatch(f"query parameter {unsigned[0]!r} is not in q-url-param-list")
    missing = [key for key in param_list if key not in sent_params]
    if missing:
        return _mismatch(f"signed query parameter {missing[0]!r} is not in the request")
    if "host" not in header_list:
        return _mismatch("the host header must be signed")
    absent = [name for name in header_list if name not in headers]
    if absent:
        return _mismatch(f"signed header {absent[0]!r} is not in the request")

    expected = compute_signature(
        secret_key=secret_key,
        key_time=auth.key_time,
        method=method,
        path=path,
        params=dict(sent_params[key] for key in param_list),
        headers={name: headers[name] for name in header_list},
    )
    if not hmac.compare_digest(expected.signature.encode(), auth.signature.encode("utf-8", "replace")):
        return _mismatch("the signature differs from the one calculated")

    if token:
        sent_tokens = [headers[name] for name in TOKEN_HEADERS if name in header_list]
        if not sent_tokens:
            return Rejection("AccessDenied", "Access Denied: temporary credentials need a signed x-ci-security-token.")
        if not all(hmac.compare_digest(sent.encode("utf-8", "replace"), token.encode()) for sent in sent_tokens):
            return Rejection("ExpiredToken", "The provided token has expired or is invalid.")
    if auth.secret_id in denied:
        return Rejection("AccessDenied", f"Access Denied: this SecretId lacks {denied_action or 'this permission'}.")
    return None


def _mismatch(detail: str) -> Rejection:
    return Rejection(
        "SignatureDoesNotMatch",
        f"The Signature you specified does not match what we calculated: {detail}.",
    )
