"""A forwarding proxy on 127.0.0.1 for the tests: HTTP CONNECT only, as company proxies carry HTTPS.

It opens a real TCP tunnel to the target the client names and copies bytes both
ways, so TLS runs end to end between the client and the server behind it.
`tunnels` lists each CONNECT target it opened ("127.0.0.1:8443"), `authorizations`
each Proxy-Authorization it was sent. `answer=407` or `403` refuses every CONNECT
with that status; `password` makes it ask for Basic credentials (407 without them).
"""

from __future__ import annotations

import base64
import select
import socket
import socketserver
import threading

_REASONS = {200: "Connection established", 403: "Forbidden", 407: "Proxy Authentication Required"}
_MAX_HEAD = 64 * 1024


class ConnectProxy:
    def __init__(self, *, answer: int = 200, user: str = "", password: str = "") -> None:
        self.answer = answer
        self.credentials = base64.b64encode(f"{user}:{password}".encode()).decode() if password else ""
        self.tunnels: list[str] = []
        self.refused: list[str] = []
        self.authorizations: list[str] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.proxy = self
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> ConnectProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _note(self, into: list[str], value: str) -> None:
        with self._lock:
            into.append(value)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    proxy: ConnectProxy


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        proxy: ConnectProxy = self.server.proxy  # type: ignore[attr-defined]
        head = self._read_head()
        if head is None:
            return
        request_line, *header_lines = head.split("\r\n")
        method, _, rest = request_line.partition(" ")
        target = rest.partition(" ")[0]
        headers = {name.strip().lower(): value.strip() for name, _, value in (h.partition(":") for h in header_lines)}
        if "proxy-authorization" in headers:
            proxy._note(proxy.authorizations, headers["proxy-authorization"])
        if method != "CONNECT":
            return self._answer(405)
        if proxy.answer != 200:
            proxy._note(proxy.refused, target)
            return self._answer(proxy.answer)
        if proxy.credentials and headers.get("proxy-authorization") != f"Basic {proxy.credentials}":
            proxy._note(proxy.refused, target)
            return self._answer(407)
        host, _, port = target.rpartition(":")
        try:
            upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=5)
        except (OSError, ValueError):
            return self._answer(502)
        proxy._note(proxy.tunnels, target)
        self._answer(200)
        with upstream:
            _pipe(self.request, upstream)

    def _read_head(self) -> str | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(4096)
            if not chunk or len(data) > _MAX_HEAD:
                return None
            data += chunk
        return data.partition(b"\r\n\r\n")[0].decode("latin-1")

    def _answer(self, status: int) -> None:
        extra = 'Proxy-Authenticate: Basic realm="tests"\r\n' if status == 407 else ""
        reason = _REASONS.get(status, "Bad Gateway")
        self.request.sendall(f"HTTP/1.1 {status} {reason}\r\n{extra}Content-Length: 0\r\n\r\n".encode())


def _pipe(client: socket.socket, upstream: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""
    sockets = [client, upstream]
    while True:
        ready, _, _ = select.select(sockets, [], [], 30)
        if not ready:
            return
        for source in ready:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                return
            (upstream if source is client else client).sendall(data)
