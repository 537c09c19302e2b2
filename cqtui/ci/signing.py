"""COS XML v5 request signature (q-sign-algorithm=sha1), as pure functions.

The clock is always passed in, so the signer is deterministic and the emulator
can verify a request with the same code. See spec section 3.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

# The official SDK starts the key window a minute in the past to absorb small
# clock differences between client and server.
KEY_TIME_LEAD_SECONDS = 60
DEFAULT_EXPIRE_SECONDS = 300

_SIGNED_HEADER_PREFIXES = ("x-ci-", "x-cos-")
_ALWAYS_SIGNED_HEADERS = frozenset({"host", "content-type", "content-length", "content-md5"})


@dataclass(frozen=True, slots=True)
class SignatureParts:
    """Every intermediate string of one signature, for tests and diagnostics."""

    key_time: str
    sign_key: str
    http_string: str
    string_to_sign: str
    signature: str
    header_list: str
    param_list: str


def _encode(text: str) -> str:
    return quote(text.encode("utf-8"), safe="-_.~")


def _canonical(pairs: Mapping[str, str]) -> tuple[str, str]:
    """Return (`k=v&k=v`, `k;k`) with encoded, lower-cased keys sorted."""
    encoded = sorted((_encode(k).lower(), _encode(v)) for k, v in pairs.items())
    return "&".join(f"{k}={v}" for k, v in encoded), ";".join(k for k, _ in encoded)


def headers_to_sign(headers: Mapping[str, str]) -> dict[str, str]:
    """Pick the headers COS expects in the signature; never User-Agent/Accept/Date."""
    return {
        name: value
        for name, value in headers.items()
        if name.lower() in _ALWAYS_SIGNED_HEADERS or name.lower().startswith(_SIGNED_HEADER_PREFIXES)
    }


def key_time_for(now: float, expire: int = DEFAULT_EXPIRE_SECONDS) -> str:
    now = int(now)
    return f"{now - KEY_TIME_LEAD_SECONDS};{now + expire}"


def compute_signature(
    *,
    secret_key: str,
    key_time: str,
    method: str,
    path: str,
    params: Mapping[str, str],
    headers: Mapping[str, str],
) -> SignatureParts:
    """Sign exactly the given params and headers (the caller chose them)."""
    param_string, param_list = _canonical(params)
    header_string, header_list = _canonical(headers)
    http_string = f"{method.lower()}\n{path}\n{param_string}\n{header_string}\n"
    sign_key = hmac.new(secret_key.encode("utf-8"), key_time.encode("utf-8"), hashlib.sha1).hexdigest()
    digest = hashlib.sha1(http_string.encode("utf-8")).hexdigest()
    string_to_sign = f"sha1\n{key_time}\n{digest}\n"
    signature = hmac.new(sign_key.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha1).hexdigest()
    return SignatureParts(key_time, sign_key, http_string, string_to_sign, signature, header_list, param_list)


def format_authorization(secret_id: str, parts: SignatureParts) -> str:
    return (
        f"q-sign-algorithm=sha1&q-ak={secret_id}"
        f"&q-sign-time={parts.key_time}&q-key-time={parts.key_time}"
        f"&q-header-list={parts.header_list}&q-url-param-list={parts.param_list}"
        f"&q-signature={parts.signature}"
    )


def sign_request(
    *,
    secret_id: str,
    secret_key: str,
    method: str,
    path: str,
    params: Mapping[str, str],
    headers: Mapping[str, str],
    now: float,
    expire: int = DEFAULT_EXPIRE_SECONDS,
) -> str:
    """The Authorization header for a request: signs every param and the signable headers."""
    parts = compute_signature(
        secret_key=secret_key,
        key_time=key_time_for(now, expire),
        method=method,
        path=path,
        params=params,
        headers=headers_to_sign(headers),
    )
    return format_authorization(secret_id, parts)


@dataclass(frozen=True, slots=True)
class ParsedAuthorization:
    secret_id: str
    sign_time: str
    key_time: str
    header_list: tuple[str, ...]
    param_list: tuple[str, ...]
    signature: str

    def window(self) -> tuple[int, int]:
        """(start, end) of the key time; ValueError when malformed."""
        start, _, end = self.key_time.partition(";")
        return int(start), int(end)


def parse_authorization(value: str) -> ParsedAuthorization:
    """Split an Authorization header; ValueError names the missing field."""
    fields: dict[str, str] = {}
    for item in value.split("&"):
        name, sep, content = item.partition("=")
        if sep:
            fields[name] = content
    required = ("q-sign-algorithm", "q-ak", "q-key-time", "q-header-list", "q-url-param-list", "q-signature")
    for name in required:
        if name not in fields:
            raise ValueError(f"Authorization lacks {name}")
    if fields["q-sign-algorithm"] != "sha1":
        raise ValueError("q-sign-algorithm must be sha1")
    split = lambda text: tuple(part for part in text.split(";") if part)  # noqa: E731
    return ParsedAuthorization(
        secret_id=fields["q-ak"],
        sign_time=fields.get("q-sign-time", fields["q-key-time"]),
        key_time=fields["q-key-time"],
        header_list=split(fields["q-header-list"]),
        param_list=split(fields["q-url-param-list"]),
        signature=fields["q-signature"],
    )
