"""What a CI request is and what its answer means, without a transport.

Two clients carry the bytes: `client.py` (httpx, async: the TUI, `--all` and the
account) and `oneshot.py` (stdlib http.client: one page from the command line, and
the TUI's first page). Both build requests, sign them, decide on retries and read
answers here, so signing, limits, retries and errors are the same whichever is used.

A Request names the real CI host: it is sent as Host and signed. Where the bytes
go is the client's endpoint when it has one (as `curl --connect-to`), else that host.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from cqtui import __version__
from cqtui.ci.credentials import Credentials
from cqtui.ci.endpoint import Where, check_endpoint
from cqtui.ci.errors import ConfigError, CqtuiError, ResponseFormatError, ServiceError, TransportError
from cqtui.ci.kinds import Kind
from cqtui.ci.models import ListQuery, Page
from cqtui.ci.parsing import excerpt, parse_error, parse_page
from cqtui.ci.signing import sign_request
from cqtui.ci.timing import RetryPolicy, Timeouts
from cqtui.safetext import visible

# typing.TYPE_CHECKING without importing typing; type checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from cqtui.ci.parsing import Headers

DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
BASE_HEADERS = {"User-Agent": f"cqtui/{__version__}", "Accept": "application/xml"}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Failures where the request may never have reached the service, or the answer was
# cut off: safe to repeat a read-only GET. A read timeout is not retried, so a slow
# server costs the user one timeout, not three; a TLS failure is not transient.
RETRIED_TRANSPORT_KINDS = frozenset({"ConnectError", "ConnectTimeout", "ReadError", "ProtocolError"})


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    host: str  # the real CI host: the Host header, and signed
    path: str
    params: dict[str, str]
    body: bytes = b""
    content_type: str = ""

    @property
    def target(self) -> str:
        """Path and query as sent on the request line (both clients send the same bytes)."""
        if not self.params:
            return self.path
        return f"{self.path}?{urlencode(self.params, quote_via=quote, safe='-_.~')}"


# ---- requests ---------------------------------------------------------------------


def _no_controls(name: str, value: str) -> None:
    if visible(value) != value:
        raise ConfigError(f"{name} {visible(value)!r} contains control characters", key=name)


def check_query(kind: Kind, query: ListQuery) -> None:
    """Refuse what `kind` does not take, before anything is sent: ConfigError keyed by the API's parameter name."""
    if not 1 <= query.page_size <= kind.max_page_size:
        raise ConfigError(
            f"pageSize {query.page_size} is outside 1-{kind.max_page_size} for {kind.title}", key="pageSize"
        )
    if query.page_number < 1:
        raise ConfigError(f"pageNumber {query.page_number} must be 1 or more", key="pageNumber")
    if query.state is not None and query.state not in kind.states:
        offered = f"one of {', '.join(kind.states)}" if kind.states else "not available"
        raise ConfigError(f"state {visible(query.state)!r}: for {kind.title} it is {offered}", key="state")
    if query.ids:
        if kind.lookup is None:
            raise ConfigError(f"{kind.title} cannot be looked up by id", key="ids")
        if kind.lookup.max_ids and len(query.ids) > kind.lookup.max_ids:
            raise ConfigError(
                f"{len(query.ids)} ids, but {kind.title} take at most {kind.lookup.max_ids} per request",
                key=kind.lookup.param,
            )
        for queue_id in query.ids:
            _no_controls(kind.lookup.param, queue_id)
    for name, value in query.options:
        param = kind.param(name)
        if param is None:
            known = ", ".join(param.name for param in kind.params) or "none"
            raise ConfigError(f"{kind.title} take no {name!r} parameter (they take: {known})", key=name)
        if param.choices and value not in param.choices:
            raise ConfigError(f"{name} {visible(value)!r} is not one of {', '.join(param.choices)}", key=name)
        _no_controls(name, value)


def list_request(kind: Kind, where: Where, query: ListQuery) -> Request:
    """The GET for one page of `kind`; ConfigError when the query does not suit the kind."""
    check_query(kind, query)
    params: dict[str, str] = {}
    if query.ids and kind.lookup is not None:
        params[kind.lookup.param] = ",".join(query.ids)
    if query.state:  # no `state` means every state; the SDK's "All" is unverified
        params["state"] = query.state
    params.update(query.options)
    params["pageNumber"] = str(query.page_number)
    params["pageSize"] = str(query.page_size)
    return Request("GET", where.host_for(kind.host), kind.path, params)


def signed_headers(request: Request, credentials: Credentials, now: float) -> dict[str, str]:
    """Host, Authorization and the session token; the signature covers the host (and a body's type and length)."""
    headers = {"Host": request.host}
    if request.body:
        headers["Content-Type"] = request.content_type
        headers["Content-Length"] = str(len(request.body))
    if credentials.token:
        headers["x-ci-security-token"] = credentials.token
    headers["Authorization"] = sign_request(
        secret_id=credentials.secret_id,
        secret_key=credentials.secret_key,
        method=request.method,
        path=request.path,
        params=request.params,
        headers=headers,
        now=now,
    )
    return headers


# ---- retries ------------------------------------------------------------------------


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
    """What both clients are given and keep; each adds its own sockets.

    `endpoint` ("" for none) is where every request is sent, whatever host it is for.
    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        endpoint: str = "",
        timeouts: Timeouts = Timeouts(),
        retry: RetryPolicy = RetryPolicy(),
        clock: Callable[[], float] = time.time,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        keep_raw: bool = True,
    ) -> None:
        self.endpoint = check_endpoint(endpoint)
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

    def _origin(self, request: Request) -> str:
        """`scheme://host[:port]` to connect to for `request`."""
        return self.endpoint or f"https://{request.host}"

    def _signed_headers(self, request: Request) -> dict[str, str]:
        return {**BASE_HEADERS, **signed_headers(request, self._credentials, self._skew.now())}

    def _described(self, request: Request) -> str:
        """Where a request went, for error messages: the URL, and the host asked when that differs."""
        origin = self._origin(request)
        url = f"{origin}{request.path}"
        return url if origin == f"https://{request.host}" else f"{url}, Host {request.host}"

    def _page(self, kind: Kind, answer: Answer) -> Page:
        status, reason, headers, body = answer
        return page_from_answer(kind, status, reason, headers, body, keep_raw=self._keep_raw)


# (status, reason, headers, body): what a client's send primitive returns.
Answer = tuple[int, str, "Headers", bytes]


# ---- answers ------------------------------------------------------------------------


def request_id_of(headers: Headers) -> str:
    return headers.get("x-ci-request-id") or headers.get("x-cos-request-id") or ""


def declared_too_large(headers: Headers, max_bytes: int) -> bool:
    declared = headers.get("content-length") or ""
    return declared.isdigit() and int(declared) > max_bytes


def too_large(max_bytes: int, status: int, headers: Headers) -> ResponseFormatError:
    return ResponseFormatError(
        "ResponseTooLarge",
        f"the body is larger than {max_bytes // (1024 * 1024)} MiB; refused",
        http_status=status,
        request_id=request_id_of(headers),
    )


def page_from_answer(kind: Kind, status: int, reason: str, headers: Headers, body: bytes, *, keep_raw: bool) -> Page:
    """The page in a 200 answer; any other answer as the ServiceError it stands for."""
    try:
        if status != 200:
            raise _error_answer(status, reason, headers, body)
        return parse_page(kind, body, http_status=200, request_id=request_id_of(headers), keep_raw=keep_raw)
    except ServiceError as error:
        error.action = kind.list_action  # the hint names the CAM permission the call needs
        error.answer = body.decode("utf-8", errors="replace")  # what `y` on the error shows
        raise


def _error_answer(status: int, reason: str, headers: Headers, body: bytes) -> ServiceError:
    location = headers.get("location")
    if status in REDIRECT_STATUSES and location is not None:
        return ServiceError(
            "Redirect",
            f"refused to follow a redirect to {excerpt(location.encode())}",
            http_status=status,
            request_id=request_id_of(headers),
        )
    return parse_error(body, http_status=status, headers=headers, reason=reason)
