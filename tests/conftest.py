"""Shared fixtures: a real emulator on 127.0.0.1 and a way to send it signed requests."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from urllib.parse import urlsplit

import httpx
import pytest

from client_kinds import KINDS, client_maker
from cqtui.ci.credentials import Credentials
from cqtui.ci.signing import sign_request
from cqtui.emulator.server import DEMO_SECRET_ID, DEMO_SECRET_KEY, Emulator


@pytest.fixture
def emulator_credentials() -> Credentials:
    return Credentials(DEMO_SECRET_ID, DEMO_SECRET_KEY)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A started emulator serving the demo data; stopped after the test."""
    with Emulator() as running:
        yield running


def signed_headers(
    base_url: str,
    credentials: Credentials,
    *,
    method: str = "GET",
    path: str = "/picqueue",
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    now: float | None = None,
) -> dict[str, str]:
    """Request headers with an Authorization signing `params`, host and any x-ci-* header."""
    headers = dict(headers or {})
    if credentials.token:
        headers["x-ci-security-token"] = credentials.token
    to_sign = {"Host": urlsplit(base_url).netloc, **headers}
    headers["Authorization"] = sign_request(
        secret_id=credentials.secret_id,
        secret_key=credentials.secret_key,
        method=method,
        path=path,
        params=dict(params or {}),
        headers=to_sign,
        now=time.time() if now is None else now,
    )
    return headers


@pytest.fixture
def http_client() -> Iterator[httpx.Client]:
    """A plain keep-alive client for loopback http (verify=False only skips loading the CA bundle, ~40 ms)."""
    with httpx.Client(timeout=10, verify=False) as client:
        yield client


@pytest.fixture
def signed_get(
    emulator: Emulator, emulator_credentials: Credentials, http_client: httpx.Client
) -> Callable[..., httpx.Response]:
    """`signed_get(params, path=..., credentials=..., now=..., headers=...)` -> httpx.Response
    from the `emulator` fixture, over `http_client`."""

    def get(
        params: Mapping[str, str] | None = None,
        *,
        path: str = "/picqueue",
        credentials: Credentials | None = None,
        now: float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        params = dict(params or {})
        sent = signed_headers(
            emulator.base_url, credentials or emulator_credentials, path=path, params=params, headers=headers, now=now
        )
        return http_client.get(emulator.base_url + path, params=params, headers=sent)

    return get


@pytest.fixture
def sign_headers() -> Callable[..., dict[str, str]]:
    """The `signed_headers(base_url, credentials, method=, path=, params=, headers=, now=)` helper."""
    return signed_headers


@pytest.fixture(params=KINDS)
def make_client(request):
    """`make(base_url, credentials, **options)`: each test using it runs on both clients."""
    return client_maker(request.param)
