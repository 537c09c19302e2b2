"""A blocking client on the standard library's http.client, for one page at a time.

`cqtui queues` (one page) and the TUI's first page use it: importing asyncio and
httpx costs more than the whole request (~100 ms, bench/README.md). Requests and
answers go through protocol.py like the async client's, so signing, retries,
limits and errors are the same; only the socket work differs. It raises only
ServiceError (and its ResponseFormatError) or TransportError.
"""

from __future__ import annotations

import http.client
import io
import socket
import ssl
import time
from urllib.parse import urlsplit

from cqtui.ci.credentials import Credentials
from cqtui.ci.errors import ServiceError, TransportError
from cqtui.ci.network import proxy_refused, tls_context, tunnel
from cqtui.ci.protocol import Answer, ClientBase, Deadline, Request, Retrying, list_request, update_request
from cqtui.safetext import visible_url

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


class _TimedReads(io.RawIOBase):
    """A socket's reads, each waiting at most the read timeout and what is left of the deadline.

    http.client reads the status line and headers (and a proxy's answer to CONNECT)
    line by line through this: a server trickling them a byte at a time still ends
    at the deadline, not one read timeout after its last byte.
    """

    def __init__(self, sock: socket.socket, deadline: Deadline, read_timeout: float) -> None:
        self._sock = sock
        self._deadline = deadline
        self._read_timeout = read_timeout

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        self._sock.settimeout(self._deadline.wait_at_most(self._read_timeout))
        return self._sock.recv_into(buffer)


class _TimedSocket:
    """What an HTTPResponse is given instead of the socket: it only calls makefile("rb")."""

    def __init__(self, reads: _TimedReads) -> None:
        self._reads = reads

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(self._reads)


def _timed_responses(deadline: Deadline, read_timeout: float) -> type[http.client.HTTPResponse]:
    """An HTTPResponse class whose reads keep to `deadline` (http.client makes one per answer it reads)."""

    class TimedResponse(http.client.HTTPResponse):
        def __init__(self, sock: socket.socket, *args: object, **kwargs: object) -> None:
            super().__init__(_TimedSocket(_TimedReads(sock, deadline, read_timeout)), *args, **kwargs)  # type: ignore[arg-type]

    return TimedResponse


class OneShotClient(ClientBase):
    """Options: see ClientBase. Keeps one connection, to the address of the last request."""

    def __init__(self, credentials: Credentials, **options: object) -> None:
        super().__init__(credentials, **options)  # type: ignore[arg-type]
        self._connection: http.client.HTTPConnection | None = None
        self._connected_to = ""  # the origin `_connection` is open to
        self._tls: ssl.SSLContext | None = None

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
        deadline = self._deadline()  # connect, status line, headers and body: as the async client's
        connection = self._connect(self._origin(request), deadline)
        connection.response_class = _timed_responses(deadline, self._timeouts.read)
        try:
            connection.sock.settimeout(deadline.wait_at_most(self._timeouts.read))
            # skip_host: the Host header is the signed CI host, not the address connected to;
            # skip_accept_encoding: BASE_HEADERS says what both clients accept.
            connection.putrequest(request.method, request.target, skip_host=True, skip_accept_encoding=True)
            for name, value in headers.items():
                connection.putheader(name, value)
            connection.endheaders(request.body or None)
            response = connection.getresponse()
            answer_headers = _joined(response.headers)
            body = self._read_body(response, answer_headers)
            response.close()  # read to the end: frees the connection for the next request
        except BaseException as error:
            self.close()  # a connection with half an exchange on it is never reused
            raise self._read_failure(error, deadline, request) from None
        return response.status, response.reason, answer_headers, body

    def _connect(self, origin: str, deadline: Deadline) -> http.client.HTTPConnection:
        if self._connection is not None and self._connection.sock is not None and self._connected_to == origin:
            return self._connection
        self.close()
        parts = urlsplit(origin)
        proxy = self._network.proxy_for(origin)
        host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
        address, address_port = tunnel(proxy)[:2] if proxy else (host, port)
        timeout = deadline.wait_at_most(self._timeouts.connect)
        if parts.scheme == "https":  # verified against the host connected to (the tunnel's far end)
            if self._tls is None:
                self._tls = tls_context(self._network.ca_bundle)
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                address, address_port, timeout=timeout, context=self._tls
            )
        else:
            connection = http.client.HTTPConnection(address, address_port, timeout=timeout)
        if proxy:  # CONNECT host:port through the proxy, then TLS to the host inside the tunnel
            connection.set_tunnel(host, port, headers={"Host": f"{host}:{port}", **tunnel(proxy)[2]})
            connection.response_class = _timed_responses(deadline, self._timeouts.connect)
        via = f"{origin}, via proxy {visible_url(proxy)}" if proxy else origin
        try:
            connection.connect()  # TCP, the tunnel, and for https the TLS handshake
        except ssl.SSLError as error:
            raise TransportError("TLSError", f"{error} ({via})") from None
        except TimeoutError:
            waited = f"no connection within {self._timeouts.connect:g} s ({via})"
            raise TransportError("ConnectTimeout", waited) from None
        except OSError as error:
            if proxy and str(error).startswith("Tunnel connection failed"):
                raise proxy_refused(proxy, f"{host}:{port}", str(error)) from None
            raise TransportError("ConnectError", f"{error.strerror or error} ({via})") from None
        self._connection, self._connected_to = connection, origin
        return connection

    def _read_body(self, response: http.client.HTTPResponse, headers: dict[str, str]) -> bytes:
        """Read the raw body in chunks through the shared BodyReader (decoding, the cap)."""
        reader = self._body_reader(response.status, headers, None)  # one page: no listing to share bounds with
        while True:
            chunk = response.read1(CHUNK_BYTES)  # one socket read at a time: each keeps to the deadline
            if not chunk:
                if response.length:  # the server closed before the Content-Length it promised
                    raise http.client.IncompleteRead(b"", response.length)
                return reader.body()
            reader.feed(chunk)

    def _read_failure(self, error: BaseException, deadline: Deadline, request: Request) -> BaseException:
        """What went wrong after connecting, in the async client's terms."""
        where = self._described(request)
        if isinstance(error, (ServiceError, TransportError)):
            return error
        if isinstance(error, TimeoutError):
            if deadline.passed:  # not retried: a trickling server costs one wait
                return deadline.error(where)
            return TransportError("ReadTimeout", f"no answer within {self._timeouts.read:g} s ({where})")
        if isinstance(error, ssl.SSLError):
            return TransportError("TLSError", f"{error} ({where})")
        if isinstance(error, http.client.HTTPException):  # cut short, or not HTTP
            return TransportError("ProtocolError", f"{type(error).__name__}: {error or 'no detail'} ({where})")
        if isinstance(error, OSError):
            return TransportError("ReadError", f"{error.strerror or error} ({where})")
        return error


def _joined(message: http.client.HTTPMessage) -> dict[str, str]:
    """An answer's headers by lower-case name, repeated ones joined with ", " as httpx.Headers.get gives them."""
    headers: dict[str, str] = {}
    for name, value in message.items():
        name = name.lower()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def oneshot_client_for(profile: ResolvedProfile, **options: object) -> OneShotClient:
    options.setdefault("network", profile.network)
    return OneShotClient(profile.credentials, endpoint=profile.endpoint, **options)
