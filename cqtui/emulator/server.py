"""A local Tencent CI server: an account's queue listings and bucket lists over real HTTP on loopback.

Used by the tests, `cqtui --demo` and `cqtui emulator`. Standard library only:
a ThreadingHTTPServer in a daemon thread, HTTP/1.1 keep-alive, and the same
signer as the client for checking signatures (see auth.py) against the Host
header the request carries. Requests are routed by that Host (account.py);
faults are listed in faults.FAULTS and may be scoped to a bucket or a region.
"""

from __future__ import annotations

import base64
import gzip
import itertools
import os
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from cqtui.ci.kinds import KINDS, Kind, Shape
from cqtui.ci.models import Queue
from cqtui.emulator import updates
from cqtui.emulator.account import Account, Target, single_bucket_account, with_queues
from cqtui.emulator.auth import check_request
from cqtui.emulator.data import generated_queue
from cqtui.emulator.faults import (
    DATA_FAULTS,
    DOCTYPE,
    ENTITY_EXPANSION,
    ERROR_FAULTS,
    EXTERNAL_ENTITY,
    HTML_502,
    HTML_PAGE,
    MALFORMED_XML,
    RETRY_AFTER,
    UPDATE_FAULTS,
    FaultPlan,
    gzip_bomb,
    huge_body_pieces,
    huge_message,
    json_error,
)
from cqtui.emulator.listing import (
    InvalidArgument,
    ListRequest,
    page_of,
    parse_bucket_params,
    parse_list_params,
)
from cqtui.emulator.xmlbody import error_xml, page_xml, queue_page_xml, queue_problems, queue_xml

# typing.TYPE_CHECKING without importing typing; type checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import ssl

# Public on purpose: the emulator's demo credentials open nothing but the emulator.
DEMO_SECRET_ID = "AKIDEMULATOR0000000000"
DEMO_SECRET_KEY = "emulator-secret-key-not-a-real-one"

_MAX_REQUEST_BODY = 1024 * 1024
_IDLE_CONNECTION_SECONDS = 120
_NO_ANSWER_SECONDS = 120  # the `no_answer` fault holds a request this long, or until stop()
_TRICKLE_SECONDS = 0.2  # the `slow_headers` fault: one byte of the status line and headers each time
_KIND_AT = {kind.path: kind for kind in KINDS.values()}


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the emulator received it: decoded params, lower-case header names."""

    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    host: str = ""  # the Host header, as sent
    body: bytes = b""  # as received (a queue update's XML)


class Emulator:
    """Start with `.start()` (returns the base URL) or `with Emulator() as emulator:`.

    Serves `account` (account.py); without one, a single bucket (examplebucket-1250000000
    in ap-guangzhou) with `queues` (default: the demo image-processing queues) that
    answers for any bucket host, as the v1 emulator did. `queues` gets and sets the
    first bucket's image-processing queues.

    `latency_ms`, `clock_skew_seconds`, `queues`, `token` and
    `denied_secret_ids` may be changed while it runs. `secrets` maps every
    accepted SecretId to its SecretKey. With `token` set, requests must carry it
    in a signed x-ci-security-token (or x-cos-security-token): missing ->
    403 AccessDenied, different -> 403 ExpiredToken. `stable_ids` makes
    RequestIds and TraceIds count up instead of being random, for pictures that
    come out the same on every run. `on_request`, when set, is called with each
    request as it arrives, before it is answered (a test changes a queue there
    "as another client" between two of cqtui's requests).
    come out the same on every run. `tls` (a server-side SSLContext with its
    certificate loaded) serves HTTPS instead of plain HTTP.
    """

    def __init__(
        self,
        *,
        account: Account | None = None,
        secret_id: str = DEMO_SECRET_ID,
        secret_key: str = DEMO_SECRET_KEY,
        queues: Iterable[Queue] | None = None,
        latency_ms: float = 0,
        clock_skew_seconds: float = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str = "",
        denied_secret_ids: Iterable[str] = (),
        stable_ids: bool = False,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.secrets: dict[str, str] = {secret_id: secret_key}
        self.token = token
        self.denied_secret_ids: set[str] = set(denied_secret_ids)
        self.latency_ms = latency_ms
        self.clock_skew_seconds = clock_skew_seconds
        self.host = host
        self.port = port
        self.base_url = ""
        if account is not None and queues is not None:
            raise ValueError("give an account or queues, not both")
        self.account = account or single_bucket_account()
        if queues is not None:
            self.queues = queues
        self._faults = FaultPlan()
        self._update_faults = FaultPlan()  # faults.UPDATE_FAULTS: served to queue updates only
        self.on_request: Callable[[RecordedRequest], None] | None = None
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._serial = itertools.count(1)
        self._trace_serial = itertools.count(1)
        self.stable_ids = stable_ids
        self._tls = tls

    # ---- data and faults ---------------------------------------------------

    @property
    def queues(self) -> list[Queue]:
        return list(self.account.first.catalogue("pic").queues)

    @queues.setter
    def queues(self, queues: Iterable[Queue]) -> None:
        queues = tuple(queues)
        problems = queue_problems(queues)
        if problems:
            raise ValueError(f"queue text XML cannot carry: {problems[0]}")
        with_queues(self.account, "pic", queues)

    def set_fault(
        self,
        kind: str,
        times: int | None = None,
        *,
        bucket: str | None = None,
        region: str | None = None,
        queue: str | None = None,
    ) -> None:
        """Serve fault `kind` (see faults.FAULTS) to the next `times` requests; None = always.

        With `bucket` or `region`, only to requests for that bucket (its CI host) or that
        region (its bucket hosts and its region host); the others are answered as usual.
        The `put_*` faults are served to queue updates only; `queue` scopes them to one queue.
        """
        if kind in UPDATE_FAULTS:
            self._update_faults.add(kind, times, bucket=bucket, region=region, queue=queue)
        elif queue is not None:
            raise ValueError(f"only the updates' faults ({', '.join(sorted(UPDATE_FAULTS))}) take a queue")
        else:
            self._faults.add(kind, times, bucket=bucket, region=region)

    def clear_faults(self) -> None:
        self._faults.clear()
        self._update_faults.clear()

    def change_queue(self, queue_id: str, *, family: str = "pic", bucket: str | None = None, **fields: object) -> Queue:
        """Change a queue as another client would: `fields` of models.Queue replaced, UpdateTime moved."""
        emulated = next(b for b in self.account.buckets if b.bucket_id == bucket) if bucket else self.account.first
        return updates.change_queue(emulated, family, queue_id, self.now(), **fields)

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def now(self) -> float:
        """The server's clock, skewed by `clock_skew_seconds`."""
        return time.time() + self.clock_skew_seconds

    # ---- lifecycle ---------------------------------------------------------

    def start(self) -> str:
        if self._server is not None:
            raise RuntimeError("emulator already started")
        server_class = _Server6 if ":" in self.host else _Server
        server = server_class((self.host, self.port), _Handler)
        server.emulator = self
        server.tls = self._tls
        self._stopping.clear()  # a stopped emulator may be started again
        self._server = server
        self.port = server.server_address[1]
        shown_host = f"[{self.host}]" if ":" in self.host else self.host
        self.base_url = f"{'https' if self._tls else 'http'}://{shown_host}:{self.port}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="cqtui-emulator", daemon=True
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop promptly: wakes latency sleeps and cuts open keep-alive connections."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Emulator:
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ---- used by the request handler ---------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _track(self, connection: socket.socket, open_: bool) -> None:
        with self._lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def _wait_latency(self) -> bool:
        """Sleep `latency_ms`; False when the emulator is stopping meanwhile."""
        if self.latency_ms > 0:
            self._stopping.wait(self.latency_ms / 1000)
        return not self._stopping.is_set()

    def _new_request_id(self) -> str:
        # Same look as CI's: base64 of `<hex time>_<hex>_<hex>_<serial>`.
        if self.stable_ids:
            raw = f"6955f140_0c0ffee0_7e57_{next(self._serial)}"
        else:
            raw = f"{int(self.now()):x}_{os.urandom(4).hex()}_{os.getpid() & 0xFFFF:x}_{next(self._serial)}"
        return base64.b64encode(raw.encode()).decode()

    def _new_trace_id(self) -> str:
        raw = f"trace-{next(self._trace_serial):08d}" if self.stable_ids else os.urandom(24).hex()
        return base64.b64encode(raw.encode()).decode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # listen() backlog. socketserver's default of 5 drops the SYNs of a client opening
    # more connections at once (`cqtui queues --all` keeps 10 pages in flight), and each
    # dropped SYN costs that connection a 1 s retransmit.
    request_queue_size = 128
    emulator: Emulator
    tls: ssl.SSLContext | None = None

    def get_request(self) -> tuple[socket.socket, object]:
        connection, address = super().get_request()
        if self.tls is not None:  # the handshake happens on the first read, in the connection's own thread
            connection = self.tls.wrap_socket(connection, server_side=True, do_handshake_on_connect=False)
        return connection, address

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn): slow and pointless here.
        TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients dropping connections mid-answer is normal here; say nothing."""


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = _IDLE_CONNECTION_SECONDS
    # Headers and body go out in separate writes; Nagle would hold the body back ~40 ms.
    disable_nagle_algorithm = True
    server: _Server

    # ---- BaseHTTPRequestHandler hooks --------------------------------------

    def setup(self) -> None:
        super().setup()
        self.server.emulator._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.emulator._track(self.connection, False)

    def version_string(self) -> str:
        return "tencent-ci"

    def date_time_string(self, timestamp: float | None = None) -> str:
        return formatdate(self.server.emulator.now() if timestamp is None else timestamp, usegmt=True)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base class signature
        """Quiet: the emulator keeps its own record in `Emulator.requests`."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Requests the base class refuses (bad request line, HEAD…) still get a CI-shaped answer."""
        self._request_id = self.server.emulator._new_request_id()
        self._trace_id = self.server.emulator._new_trace_id()
        self.close_connection = True
        ci_code = {400: "BadRequest", 501: "MethodNotAllowed"}.get(code, "InvalidRequest")
        # The library's message may quote the raw request line: use the fixed reason instead.
        body = error_xml(ci_code, self.responses.get(code, ("Error",))[0], self._request_id, self._trace_id)
        self._start(code, "application/xml", len(body))
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        self._dispatch()

    do_PUT = do_POST = do_DELETE = do_PATCH = do_GET

    # ---- one request ---------------------------------------------------------

    def _dispatch(self) -> None:
        emulator = self.server.emulator
        self._request_id = emulator._new_request_id()
        self._trace_id = emulator._new_trace_id()
        self._answered = False
        try:
            self._serve(emulator)
        except OSError:
            self.close_connection = True  # the client went away; nothing to answer
        except Exception:  # a bug here must cost one answer, never the server
            if self._answered:
                self.close_connection = True
            else:
                try:
                    self._send_error(500, "InternalError", "The emulator failed to handle this request.")
                except OSError:
                    self.close_connection = True

    def _serve(self, emulator: Emulator) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        headers = {name.lower(): value for name, value in self.headers.items()}
        received = self._consume_body(headers)
        host = headers.get("host", "")
        recorded = RecordedRequest(self.command, path, params, headers, host, received)
        emulator._record(recorded)
        if emulator.on_request is not None:
            emulator.on_request(recorded)
        target = emulator.account.target(host)
        self._target = target

        fault = emulator._faults.take(target.bucket_id, target.region)
        if not emulator._wait_latency():
            self.close_connection = True
            return
        if fault is not None and fault not in DATA_FAULTS:
            self._serve_fault(fault, emulator)
            return
        kind = _KIND_AT.get(path)
        update = updates.route(self.command, path)
        if update is not None:
            denied_action = update[0].change.action if update[0].change else ""
        else:
            denied_action = kind.list_action if kind else ""
        rejection = check_request(
            method=self.command,
            path=path,
            params=params,
            headers=headers,
            secrets=emulator.secrets,
            now=emulator.now(),
            token=emulator.token,
            denied=emulator.denied_secret_ids,
            denied_action=denied_action,
        )
        if rejection is not None:
            self._send_error(rejection.status, rejection.code, rejection.message)
        elif update is not None:
            self._update(*update, received, target, emulator)
        elif kind is None:
            self._send_error(404, "NoSuchResource", "The specified resource does not exist.")
        elif self.command != "GET":
            self._send_error(405, "MethodNotAllowed", f"The method {self.command} is not allowed here.")
        else:
            try:
                body = self._listing(kind, params, target, emulator, fault)
            except InvalidArgument as problem:
                self._send_error(400, "InvalidArgument", str(problem))
                return
            if body is not None:
                self._send(200, body)

    def _listing(
        self, kind: Kind, params: dict[str, str], target: Target, emulator: Emulator, fault: str | None
    ) -> bytes | None:
        """The body of a listing of `kind` for `target`; None when an error was sent instead."""
        if kind.shape is Shape.BUCKET:
            request = parse_bucket_params(kind, params, target.region)
            buckets = [bucket.model() for bucket in emulator.account.listed(kind, request)]
            page = page_of(buckets, request.paging, request_id=self._request_id)
        elif target.bucket is None:
            self._send_error(404, "NoSuchBucket", target.refusal or "The request names no bucket.")
            return None
        else:
            queue_request = parse_list_params(kind, params)
            page = target.bucket.catalogue(kind.key).select(queue_request, request_id=self._request_id, fault=fault)
        if fault == "no_total":
            page = replace(page, total_count=None)
        return page_xml(kind, page)

    def _update(self, kind: Kind, queue_id: str, body: bytes, target: Target, emulator: Emulator) -> None:
        """A queue update (updates.py), with the updates' own faults."""
        fault = emulator._update_faults.take(target.bucket_id, target.region, queue_id)
        if fault == "put_access_denied":
            action = kind.change.action if kind.change else ""
            self._send_error(403, "AccessDenied", f"Access Denied: this request needs {action or 'update permission'}.")
            return
        if fault == "put_reset_before_apply":
            self._reset()
            return
        if target.bucket is None:
            self._send_error(404, "NoSuchBucket", target.refusal or "The request names no bucket.")
            return
        try:
            queue = updates.apply(kind, target.bucket, queue_id, body, emulator.now())
        except updates.Refused as refused:
            self._send_error(refused.status, refused.code, refused.message)
            return
        if fault == "put_timeout_after_apply":  # applied; the answer never comes
            emulator._stopping.wait(_NO_ANSWER_SECONDS)
            self.close_connection = True
            return
        self._send(200, updates.answer_xml(queue, self._request_id))

    def _consume_body(self, headers: dict[str, str]) -> bytes:
        """The request body, read when small so the connection stays usable; else b"" and it closes after answering."""
        length = headers.get("content-length", "0")
        if "transfer-encoding" in headers or not length.isdigit() or int(length) > _MAX_REQUEST_BODY:
            self.close_connection = True
            return b""
        return self.rfile.read(int(length)) if int(length) else b""

    # ---- answers -------------------------------------------------------------

    def _start(self, status: int, content_type: str, length: int | None, **extra: str) -> None:
        """Status line and headers; `length=None` means a chunked body; `extra` headers as name_with_underscores."""
        self.send_response(status)  # also sends Server and Date
        self.send_header("Content-Type", content_type)
        for name, value in extra.items():
            self.send_header(name.replace("_", "-").title(), value)
        if length is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length))
        self.send_header("x-ci-request-id", self._request_id)
        if status >= 400:
            self.send_header("x-ci-trace-id", self._trace_id)
        self.send_header("Connection", "close" if self.close_connection else "keep-alive")
        self.end_headers()
        self._answered = True

    def _send(self, status: int, body: bytes, content_type: str = "application/xml", **extra: str) -> None:
        self._start(status, content_type, len(body), **extra)
        self.wfile.write(body)

    def _send_error(self, status: int, code: str, message: str, **extra: str) -> None:
        self._send(status, error_xml(code, message, self._request_id, self._trace_id), **extra)

    def _first_page(self, emulator: Emulator) -> bytes:
        """Page 1 of the asked bucket's image-processing queues (the body of several faults)."""
        request = ListRequest(page_number=1, page_size=10, state=None, queue_ids=())
        bucket = self._target.bucket or emulator.account.first
        return queue_page_xml(bucket.catalogue("pic").select(request, request_id=self._request_id))

    def _serve_fault(self, kind: str, emulator: Emulator) -> None:
        if kind in RETRY_AFTER:
            self._send_error(*ERROR_FAULTS[kind], retry_after=str(RETRY_AFTER[kind]))
        elif kind in ERROR_FAULTS:
            self._send_error(*ERROR_FAULTS[kind])
        elif kind == "huge_message":
            self._send_error(403, "AccessDenied", huge_message())
        elif kind == "gzip_bomb":
            self._send(200, gzip_bomb(), content_encoding="gzip, gzip, gzip")
        elif kind == "gzip_unasked":
            self._send(200, gzip.compress(self._first_page(emulator), mtime=0), content_encoding="gzip")
        elif kind == "slow_headers":
            self._trickle_headers(emulator)
        elif kind == "http502_html":
            self._send(502, HTML_502, "text/html")
        elif kind == "html_body":
            self._send(200, HTML_PAGE, "text/html; charset=utf-8")
        elif kind == "malformed_xml":
            self._send(200, MALFORMED_XML)
        elif kind == "dtd":
            self._send(200, DOCTYPE + self._first_page(emulator))
        elif kind == "entity_expansion":
            self._send(200, ENTITY_EXPANSION)
        elif kind == "external_entity":
            self._send(200, EXTERNAL_ENTITY)
        elif kind == "json_error":
            self._send(400, json_error(self._request_id), "application/json")
        elif kind == "empty_body":
            self._send(200, b"")
        elif kind == "truncated_body":
            body = self._first_page(emulator)
            self._start(200, "application/xml", len(body) + 512)
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
        elif kind == "connection_reset":
            self._reset()
        elif kind == "slow_body":
            body = self._first_page(emulator)
            self._start(200, "application/xml", len(body))
            for index in range(len(body)):
                self.wfile.write(body[index : index + 1])
                if emulator._stopping.wait(0.1):
                    self.close_connection = True
                    return
        elif kind == "reset_mid_body":
            body = self._first_page(emulator)
            self._start(200, "application/xml", len(body))
            self.wfile.write(body[: len(body) // 2])
            # Let the client read what was sent, so the reset lands mid-body, not before it.
            emulator._stopping.wait(0.05)
            self._reset()
        elif kind == "huge_body":
            self._stream_huge(emulator)
        elif kind == "no_answer":
            emulator._stopping.wait(_NO_ANSWER_SECONDS)
            self.close_connection = True
        else:
            raise AssertionError(f"fault {kind!r} has no answer")

    def _trickle_headers(self, emulator: Emulator) -> None:
        """Page 1, its status line and headers one byte at a time: no read is late, the answer is."""
        body = self._first_page(emulator)
        head = (
            f"HTTP/1.1 200 OK\r\nServer: {self.version_string()}\r\nDate: {self.date_time_string()}\r\n"
            f"Content-Type: application/xml\r\nContent-Length: {len(body)}\r\n"
            f"x-ci-request-id: {self._request_id}\r\nConnection: close\r\n\r\n"
        ).encode()
        self.close_connection = True
        self._answered = True
        for index in range(len(head)):
            self.wfile.write(head[index : index + 1])
            if emulator._stopping.wait(_TRICKLE_SECONDS):
                return
        self.wfile.write(body)

    def _reset(self) -> None:
        """Abort the connection: SO_LINGER 0 makes close() send RST instead of FIN."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()  # the fd really closes (RST) when finish() drops the last file

    def _stream_huge(self, emulator: Emulator) -> None:
        queues = emulator.account.first.catalogue("pic").queues
        element = queue_xml(queues[0] if queues else generated_queue(0)).encode("utf-8")
        self._start(200, "application/xml", None)
        for piece in huge_body_pieces(self._request_id, element):
            if emulator._stopping.is_set():
                self.close_connection = True
                return
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")
