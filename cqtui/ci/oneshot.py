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
from urllib.parse import quote, urlencode, urlsplit

from cqtui.ci.credentials import Credentials
from cqtui.ci.errors import ServiceError, TransportError
from cqtui.ci.models import ListQuery, QueuePage
from cqtui.ci.protocol import (
    BASE_HEADERS,
    LIST_PATH,
    ClientBase,
    declared_too_large,
    list_params,
    page_from_answer,
    too_large,
)

# typing.TYPE_CHECKING without importing typing (~3 ms of a one-shot run); type checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from cqtui.profiles.model import ResolvedProfile

CHUNK_BYTES = 64 * 1024


def _host_header(https: bool, hostname: str, port: int | None) -> str:
    """The Host header as httpx sends it (and the signature covers): no default port."""
    host = f"[{hostname}]" if ":" in hostname else hostname
    return host if port in (None, 443 if https else 80) else f"{host}:{port}"


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
    """Options: see ClientBase."""

    def __init__(self, base_url: str, credentials: Credentials, **options: object) -> None:
        super().__init__(base_url, credentials, **options)  # type: ignore[arg-type]
        parts = urlsplit(self.base_url)
        self._https = parts.scheme == "https"
        self._hostname = parts.hostname or ""
        self._port = parts.port
        self._host = _host_header(self._https, self._hostname, self._port)
        self._connection: http.client.HTTPConnection | None = None

    def __enter__(self) -> OneShotClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def list_queues(self, query: ListQuery) -> QueuePage:
        started = time.perf_counter()
        retrying = self._retrying()
        while True:
            try:
                page = self._get_page(query)
                break
            except (ServiceError, TransportError) as error:
                delay = retrying.delay_before_retry(error)  # raises when it was the last try
            time.sleep(delay)
        self.last_latency = time.perf_counter() - started
        return page

    # -- one attempt -----------------------------------------------------------

    def _get_page(self, query: ListQuery) -> QueuePage:
        params = list_params(query)
        target = f"{LIST_PATH}?{urlencode(params, quote_via=quote, safe='-_.~')}"
        headers = {
            "Host": self._host,
            **BASE_HEADERS,
            **self._auth_headers(self._host, params),
        }
        deadline = _Deadline(self._timeouts.total, self._timeouts.read)
        connection = self._connect()
        # Kept: http.client lets go of the socket when the server closes after this answer.
        sock = connection.sock
        try:
            sock.settimeout(deadline.next_read_timeout())
            connection.request("GET", target, headers=headers)
            response = connection.getresponse()
            body = self._read_capped(response, deadline, sock)
            response.close()  # read to the end: frees the connection for the next request
        except BaseException as error:
            self.close()  # a connection with half an exchange on it is never reused
            raise self._read_failure(error, deadline) from None
        return page_from_answer(response.status, response.reason, response.headers, body, keep_raw=self._keep_raw)

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is not None and self._connection.sock is not None:
            return self._connection
        self.close()
        if self._https:
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                self._hostname, self._port, timeout=self._timeouts.connect, context=_tls_context()
            )
        else:
            connection = http.client.HTTPConnection(self._hostname, self._port, timeout=self._timeouts.connect)
        try:
            connection.connect()  # TCP, and for https the TLS handshake
        except ssl.SSLError as error:
            raise TransportError("TLSError", f"{error} ({self.base_url})") from None
        except TimeoutError:
            waited = f"no connection within {self._timeouts.connect:g} s ({self.base_url})"
            raise TransportError("ConnectTimeout", waited) from None
        except OSError as error:
            raise TransportError("ConnectError", f"{error.strerror or error} ({self.base_url})") from None
        self._connection = connection
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

    def _read_failure(self, error: BaseException, deadline: _Deadline) -> BaseException:
        """What went wrong after connecting, in the async client's terms."""
        where = f"{self.base_url}{LIST_PATH}"
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
    return OneShotClient(profile.base_url, profile.credentials, **options)
