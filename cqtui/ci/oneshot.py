"""A blocking client on the standard library's http.client, for one page at a time.

`cqtui queues` (one page) and the TUI's first page use it: importing asyncio and
httpx costs more than the whole request (~100 ms, bench/README.md). Requests and
answers go through protocol.py like the async client's, so signing, retries,
limits and errors are the same; only the socket work differs. It raises only
ServiceError (and its ResponseFormatError) or TransportError.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from urllib.parse import urlsplit

from cqtui.ci.credentials import Credentials
from cqtui.ci.errors import ServiceError, TransportError
from cqtui.ci.protocol import (
    Answer,
    ClientBase,
    Request,
    Retrying,
    declared_too_large,
    list_request,
    too_large,
    update_request,
)

# typing.TYPE_CHECKING without importing typing (~3 ms of a one-shot run); type checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    from cqtui.ci.endpoint import Where
    from cqtui.ci.kinds import Kind
    from cqtui.ci.models import ListQuery, Page, QueueSettings, Updated
    from cqtui.profiles.model import ResolvedProfile

    Result = TypeVar("Result")

CHUNK_BYTES = 64 * 1024


def _tls_context() -> ssl.SSLContext:
    import certifi  # the CA bundle httpx verifies with: the same trust on both paths

    return ssl.create_default_context(cafile=certifi.where())


class _Deadline:
    """The total time one answer may take, applied to each socket read."""

    def __init__(self, seconds: float, read_timeout: float) -> None:
        self.seconds = seconds
        self._ends = time.monotonic() + seconds
        self._read_timeout = read_timeout

    def next_read_timeout(self) -> float:
        left = self._ends - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return min(self._read_timeout, left)

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self._ends


class OneShotClient(ClientBase):
    """Options: see ClientBase. Keeps one connection, to the address of the last request."""

    def __init__(self, credentials: Credentials, **options: object) -> None:
        super().__init__(credentials, **options)  # type: ignore[arg-type]
        self._connection: http.client.HTTPConnection | None = None
        self._connected_to = ""  # the origin `_connection` is open to

    def __enter__(self) -> OneShotClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def list(self, kind: Kind, where: Where, query: ListQuery) -> Page:
        """One page of `kind` from `where`, retried per the read rules."""
        request = list_request(kind, where, query)
        started = time.perf_counter()
        page = self._with_retries(lambda: self._page(kind, self._send(request)), self._retrying())
        self.last_latency = time.perf_counter() - started
        return page

    def update(self, kind: Kind, where: Where, queue_id: str, settings: QueueSettings) -> Updated:
        """Send one queue update (PUT); sent again only if it never left (protocol.Retrying, resend=False)."""
        request = update_request(kind, where, queue_id, settings)
        return self._with_retries(lambda: self._updated(kind, self._send(request)), self._retrying(resend=False))

    @staticmethod
    def _with_retries(call: Callable[[], Result], retrying: Retrying) -> Result:
        while True:
            try:
                return call()
            except (ServiceError, TransportError) as error:
                delay = retrying.delay_before_retry(error)  # raises when it was the last try
            time.sleep(delay)

    # -- one attempt -----------------------------------------------------------

    def _send(self, request: Request) -> Answer:
        """Send `request` once: (status, reason, headers, body), or TransportError."""
        headers = self._signed_headers(request)
        deadline = _Deadline(self._timeouts.total, self._timeouts.read)
        connection = self._connect(self._origin(request))
        # Kept: http.client lets go of the socket when the server closes after this answer.
        sock = connection.sock
        try:
            sock.settimeout(deadline.next_read_timeout())
            # skip_host: the Host header is the signed CI host, not the address connected to.
            connection.putrequest(request.method, request.target, skip_host=True)
            for name, value in headers.items():
                connection.putheader(name, value)
            connection.endheaders(request.body or None)
            response = connection.getresponse()
            body = self._read_capped(response, deadline, sock)
            response.close()  # read to the end: frees the connection for the next request
        except BaseException as error:
            self.close()  # a connection with half an exchange on it is never reused
            raise self._read_failure(error, deadline, request) from None
        return response.status, response.reason, response.headers, body

    def _connect(self, origin: str) -> http.client.HTTPConnection:
        if self._connection is not None and self._connection.sock is not None and self._connected_to == origin:
            return self._connection
        self.close()
        parts = urlsplit(origin)
        if parts.scheme == "https":  # verified against the host connected to
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                parts.hostname or "", parts.port, timeout=self._timeouts.connect, context=_tls_context()
            )
        else:
            connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=self._timeouts.connect)
        try:
            connection.connect()  # TCP, and for https the TLS handshake
        except ssl.SSLError as error:
            raise TransportError("TLSError", f"{error} ({origin})") from None
        except TimeoutError:
            waited = f"no connection within {self._timeouts.connect:g} s ({origin})"
            raise TransportError("ConnectTimeout", waited) from None
        except OSError as error:
            raise TransportError("ConnectError", f"{error.strerror or error} ({origin})") from None
        self._connection, self._connected_to = connection, origin
        return connection

    def _read_capped(self, response: http.client.HTTPResponse, deadline: _Deadline, sock: socket.socket) -> bytes:
        """Read the body in chunks and give up past the cap, without holding it all."""
        if declared_too_large(response.headers, self._max_body_bytes):
            raise too_large(self._max_body_bytes, response.status, response.headers)
        chunks: list[bytes] = []
        size = 0
        while True:
            sock.settimeout(deadline.next_read_timeout())
            chunk = response.read1(CHUNK_BYTES)  # returns after one socket read: the deadline is checked between
            if not chunk:
                if response.length:  # the server closed before the Content-Length it promised
                    raise http.client.IncompleteRead(b"".join(chunks), response.length)
                return b"".join(chunks)
            size += len(chunk)
            if size > self._max_body_bytes:
                raise too_large(self._max_body_bytes, response.status, response.headers)
            chunks.append(chunk)

    def _read_failure(self, error: BaseException, deadline: _Deadline, request: Request) -> BaseException:
        """What went wrong after connecting, in the async client's terms."""
        where = self._described(request)
        if isinstance(error, (ServiceError, TransportError)):
            return error
        if isinstance(error, TimeoutError):
            if deadline.passed:  # not retried: a trickling server costs one wait
                return TransportError("TotalTimeout", f"no complete answer within {deadline.seconds:g} s ({where})")
            return TransportError("ReadTimeout", f"no answer within {self._timeouts.read:g} s ({where})")
        if isinstance(error, ssl.SSLError):
            return TransportError("TLSError", f"{error} ({where})")
        if isinstance(error, http.client.HTTPException):  # cut short, or not HTTP
            return TransportError("ProtocolError", f"{type(error).__name__}: {error or 'no detail'} ({where})")
        if isinstance(error, OSError):
            return TransportError("ReadError", f"{error.strerror or error} ({where})")
        return error


def oneshot_client_for(profile: ResolvedProfile, **options: object) -> OneShotClient:
    return OneShotClient(profile.credentials, endpoint=profile.endpoint, **options)
