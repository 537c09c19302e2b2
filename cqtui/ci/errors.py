"""The only exceptions the protocol layer raises. Messages never contain secrets.

Server text in an error (a message, an id, a proxy's reason) is capped here, where
every error is built: a 5 MB <Message> must not reach a terminal or a log whole.
`ServiceError.full_message` keeps the whole message for where a user asks for it.
"""

from __future__ import annotations

from cqtui.safetext import capped

MESSAGE_CHARS = 200  # a real CI message is a sentence; the TUI panel has a few lines for it
ID_CHARS = 100  # a RequestId or TraceId is ~40
DETAIL_CHARS = 500


class CqtuiError(Exception):
    """Base of every error cqtui reports to a user instead of a traceback."""

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled as it is, without calling __init__ again (subclasses take other
        # arguments): the TUI's first page may come from a child process.
        return _restored, (type(self), self.args, self.__dict__)


def _restored(kind: type[CqtuiError], args: tuple[object, ...], state: dict[str, object]) -> CqtuiError:
    error = kind.__new__(kind, *args)  # sets .args
    error.__dict__.update(state)
    return error


class ServiceError(CqtuiError):
    """The service (or something in front of it) answered with an error.

    Also used for answers that could not be understood (malformed XML, a DTD, a
    body over the size cap), so screens and the CLI handle one shape.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        http_status: int | None = None,
        request_id: str = "",
        trace_id: str = "",
        excerpt: str = "",
        server_date: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.full_message = message  # the whole text, for a view the user asks for (the raw view)
        code, message = capped(code, ID_CHARS), capped(message, MESSAGE_CHARS)
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status
        self.request_id = capped(request_id, ID_CHARS)
        self.trace_id = capped(trace_id, ID_CHARS)
        self.excerpt = excerpt
        self.server_date = capped(server_date, ID_CHARS)
        self.retry_after = retry_after  # seconds the server asked to wait (Retry-After), when it said
        self.action = ""  # the CAM action the refused call needs, when known (set by protocol.py, for hints)
        self.answer = ""  # the body of the answer as received, decoded (set by protocol.py; "" when none was read)

    @property
    def transient(self) -> bool:
        """Worth retrying: server errors and throttling (SlowDown, 429), never other 4xx."""
        return self.code == "SlowDown" or self.http_status == 429 or (self.http_status or 0) >= 500

    def __str__(self) -> str:
        status = self.http_status if self.http_status is not None else "-"
        return f"{self.code}: {self.message} (HTTP {status}, RequestId {self.request_id or '-'})"


class ResponseFormatError(ServiceError):
    """A body that is not the XML we expect (malformed, truncated, DTD, too large)."""


class TransportError(CqtuiError):
    """The request never got an HTTP answer: refused, reset, timed out, TLS."""

    def __init__(self, kind: str, detail: str) -> None:
        detail = capped(detail, DETAIL_CHARS)  # may quote a proxy or a TLS library, who may quote the server
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


class ConfigError(CqtuiError):
    """A bad config file or setting; names the file, line and key where known."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None, key: str = "") -> None:
        where = path
        if line is not None:
            where += f":{line}"
        if key:
            where += f" [{key}]" if where else key
        super().__init__(f"{where}: {message}" if where else message)
        self.path = path
        self.line = line
        self.key = key
        self.reason = message
