"""What a queue-list request is and what its answer means, without a transport.

Two clients carry the bytes: `client.py` (httpx, async: the TUI and `--all`) and
`oneshot.py` (stdlib http.client: one page from the command line, and the TUI's
first page). Both build requests, decide on retries and read answers here, so
signing, limits, retries and errors are the same whichever one is used.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping

from cqtui import __version__
from cqtui.ci.credentials import Credentials
from cqtui.ci.endpoint import check_endpoint
from cqtui.ci.errors import CqtuiError, ResponseFormatError, ServiceError, TransportError
from cqtui.ci.models import ListQuery, QueuePage
from cqtui.ci.parsing import excerpt, parse_error, parse_queue_page
from cqtui.ci.signing import sign_request
from cqtui.ci.timing import RetryPolicy, Timeouts

LIST_PATH = "/picqueue"
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
BASE_HEADERS = {"User-Agent": f"cqtui/{__version__}", "Accept": "application/xml"}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Failures where the request may never have reached the service, or the answer was
# cut off: safe to repeat a read-only GET. A read timeout is not retried, so a slow
# server costs the user one timeout, not three; a TLS failure is not transient.
RETRIED_TRANSPORT_KINDS = frozenset({"ConnectError", "ConnectTimeout", "ReadError", "ProtocolError"})


class ClockSkew:
    """The local clock, corrected once the server said it was off."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.offset = 0.0

    def now(self) -> float:
        return self._clock() + self.offset

    def adopt(self, error: ServiceError) -> bool:
        """Take the server's time from its Date header; False when it gave none."""
        try:
            server_time = email.utils.parsedate_to_datetime(error.server_date).timestamp()
        except (TypeError, ValueError):
            return False
        self.offset = server_time - self._clock()
        return True


class Retrying:
    """The retry decisions of one call: what is tried again, and after how long."""

    def __init__(self, policy: RetryPolicy, skew: ClockSkew) -> None:
        self._policy = policy
        self._skew = skew
        self._retries = 0
        self._corrected_skew = False

    def delay_before_retry(self, error: CqtuiError) -> float:
        """Seconds to wait before the next attempt; raises `error` when there is none."""
        if isinstance(error, ServiceError):
            if error.code == "RequestTimeTooSkewed" and not self._corrected_skew and self._skew.adopt(error):
                self._corrected_skew = True
                return 0.0
            worth_another = error.transient
        else:
            worth_another = isinstance(error, TransportError) and error.kind in RETRIED_TRANSPORT_KINDS
        if not worth_another or self._retries + 1 >= self._policy.attempts:
            raise error
        delay = self._policy.delay(self._retries)
        self._retries += 1
        return delay


class ClientBase:
    """What both clients are given and keep; each adds its own sockets."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        timeouts: Timeouts = Timeouts(),
        retry: RetryPolicy = RetryPolicy(),
        clock: Callable[[], float] = time.time,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        keep_raw: bool = True,
    ) -> None:
        self.base_url = check_endpoint(base_url)
        self._credentials = credentials
        self._timeouts = timeouts
        self._retry = retry
        self._skew = ClockSkew(clock)
        self._max_body_bytes = max_body_bytes
        self._keep_raw = keep_raw
        self.last_latency: float | None = None

    @property
    def clock_offset(self) -> float:
        """Seconds added to the local clock after the server said it was skewed."""
        return self._skew.offset

    def _retrying(self) -> Retrying:
        return Retrying(self._retry, self._skew)

    def _auth_headers(self, host: str, params: Mapping[str, str]) -> dict[str, str]:
        return auth_headers(
            self._credentials, host=host, method="GET", path=LIST_PATH, params=params, now=self._skew.now()
        )


def list_params(query: ListQuery) -> dict[str, str]:
    params: dict[str, str] = {}
    if query.queue_ids:
        params["queueIds"] = ",".join(query.queue_ids)
    if query.state:  # no `state` means every state; the SDK's "All" is unverified
        params["state"] = query.state
    params["pageNumber"] = str(query.page_number)
    params["pageSize"] = str(query.page_size)
    return params


def auth_headers(
    credentials: Credentials, *, host: str, method: str, path: str, params: Mapping[str, str], now: float
) -> dict[str, str]:
    """Authorization (and the session token) for a request whose Host header is exactly `host`."""
    signed = {"host": host}
    if credentials.token:
        signed["x-ci-security-token"] = credentials.token
    authorization = sign_request(
        secret_id=credentials.secret_id,
        secret_key=credentials.secret_key,
        method=method,
        path=path,
        params=params,
        headers=signed,
        now=now,
    )
    headers = {"Authorization": authorization}
    if credentials.token:
        headers["x-ci-security-token"] = credentials.token
    return headers


def request_id_of(headers: Mapping[str, str]) -> str:
    return headers.get("x-ci-request-id") or headers.get("x-cos-request-id") or ""


def declared_too_large(headers: Mapping[str, str], max_bytes: int) -> bool:
    declared = headers.get("content-length") or ""
    return declared.isdigit() and int(declared) > max_bytes


def too_large(max_bytes: int, status: int, headers: Mapping[str, str]) -> ResponseFormatError:
    return ResponseFormatError(
        "ResponseTooLarge",
        f"the body is larger than {max_bytes // (1024 * 1024)} MiB; refused",
        http_status=status,
        request_id=request_id_of(headers),
    )


def page_from_answer(status: int, reason: str, headers: Mapping[str, str], body: bytes, *, keep_raw: bool) -> QueuePage:
    """The page in a 200 answer; any other answer as the ServiceError it stands for."""
    request_id = request_id_of(headers)
    if status != 200:
        location = headers.get("location")
        if status in REDIRECT_STATUSES and location is not None:
            raise ServiceError(
                "Redirect",
                f"refused to follow a redirect to {excerpt(location.encode())}",
                http_status=status,
                request_id=request_id,
            )
        raise parse_error(body, http_status=status, headers=headers, reason=reason)
    return parse_queue_page(body, http_status=200, request_id=request_id, keep_raw=keep_raw)
