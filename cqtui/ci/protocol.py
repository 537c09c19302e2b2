"""What a CI request is and what its answer means, without a transport.

Two clients carry the bytes: `client.py` (httpx, async: the TUI, `--all` and the
account) and `oneshot.py` (stdlib http.client: one page from the command line, and
the TUI's first page). Both build requests, sign them, decide on retries and read
answers here, so signing, limits, retries and errors are the same whichever is used:
each feeds the raw body to a BodyReader (decoding, the size cap), keeps to one
Deadline per answer, counts a listing's pages in a Held, and follows network.py's
proxy and CA rules.

A Request names the real CI host: it is sent as Host and signed. Where the bytes
go is the client's endpoint when it has one (as `curl --connect-to`), else that host.

Reads (GET) are retried after any failure that may be transient. A change (PUT) is
retried only when it certainly never reached the server: the connection could not
be made (ConnectError, ConnectTimeout: no byte of the request was sent). After any
other failure the caller reads the queue again to learn what happened (ci/changes.py).
"""

from __future__ import annotations

import email.utils
import re
import time
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from cqtui import __version__
from cqtui.ci.credentials import Credentials
from cqtui.ci.endpoint import Where, check_endpoint
from cqtui.ci.errors import ConfigError, CqtuiError, ResponseFormatError, ServiceError, TransportError
from cqtui.ci.kinds import Kind
from cqtui.ci.models import NOTIFY_CONFIG_API_NAMES, ListQuery, Page, QueueSettings, Updated
from cqtui.ci.network import DIRECT, Network
from cqtui.ci.parsing import EXCERPT_CHARS, parse_error, parse_page, parse_updated
from cqtui.ci.signing import sign_request
from cqtui.ci.timing import MAX_RETRY_AFTER, RetryPolicy, Timeouts
from cqtui.ci.xmltext import xml_problem
from cqtui.safetext import capped, visible, visible_url

# typing.TYPE_CHECKING without importing typing; type checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from cqtui.ci.parsing import Headers

DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024  # of one answer, as the parser gets it (decoded)
# What one listing may hold over all its pages (iter_pages), counted as received: entries, and
# the decoded bytes they came in. 10,000 queues are ~5 MB; a server ignoring pageSize stops here.
DEFAULT_MAX_ITEMS = 20_000
DEFAULT_MAX_HELD_BYTES = 32 * 1024 * 1024
ACCEPT_ENCODING = "gzip, deflate"  # both clients; BodyReader decodes them
BASE_HEADERS = {"User-Agent": f"cqtui/{__version__}", "Accept": "application/xml", "Accept-Encoding": ACCEPT_ENCODING}
# A request line longer than ~8 KB is refused by common servers and proxies (nginx, Apache:
# 8190 bytes); refused here, before sending, naming the parameter that made it long.
MAX_TARGET_BYTES = 8000
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Failures where the request may never have reached the service, or the answer was
# cut off: safe to repeat a read-only GET. A read timeout is not retried, so a slow
# server costs the user one timeout, not three; a TLS failure is not transient.
RETRIED_TRANSPORT_KINDS = frozenset({"ConnectError", "ConnectTimeout", "ReadError", "ProtocolError"})
# Failures before any byte of a request was sent: the only ones after which a change is sent again.
UNSENT_TRANSPORT_KINDS = frozenset({"ConnectError", "ConnectTimeout"})
XML_BODY_TYPE = "application/xml"
# A queue id goes into the update's path: ids are `p` and 32 hex digits; nothing that could end the path.
_QUEUE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# The update body's NotifyConfig fields, in the API documentation's order.
_NOTIFY_ORDER = ("state", "event", "type", "url", "result_format", "mq_mode", "mq_region", "mq_name")


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    host: str  # the real CI host: the Host header, and signed
    path: str
    params: dict[str, str]
    body: bytes = b""
    content_type: str = ""

    def __post_init__(self) -> None:
        length = len(self.target)
        if length > MAX_TARGET_BYTES:
            longest = max(self.params, key=lambda name: len(self.params[name]), default="")
            cause = f" ({longest} is {len(self.params[longest]):,} characters)" if longest else ""
            raise ConfigError(
                f"the request would be {length:,} bytes long{cause}; servers take at most {MAX_TARGET_BYTES:,}: "
                "ask for fewer or shorter values",
                key=longest or "path",
            )

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


def update_request(kind: Kind, where: Where, queue_id: str, settings: QueueSettings) -> Request:
    """The PUT that sets a queue's Name, State and NotifyConfig (all three, as the API requires).

    The body is built by ElementTree, so any text arrives as it was given (`<`, `&`, `]]>`);
    text XML cannot carry (most C0 controls) is a ConfigError naming the field, before sending.
    NotifyConfig holds the non-empty fields the family has (its ChangeRules).
    """
    if kind.change is None:
        raise ConfigError(f"{kind.title} cannot be changed", key="family")
    if not _QUEUE_ID.fullmatch(queue_id):
        raise ConfigError(f"queue id {visible(queue_id)!r} is not a queue id (letters, digits, _ and -)", key="QueueId")
    root = ET.Element("Request")
    _text_element(root, "Name", settings.name, "Name")
    _text_element(root, "State", settings.state, "State")
    notify = ET.SubElement(root, "NotifyConfig")
    for attribute in _NOTIFY_ORDER:
        value = getattr(settings.notify_config, attribute)
        if value and attribute in kind.change.notify_fields:
            tag = NOTIFY_CONFIG_API_NAMES[attribute]
            _text_element(notify, tag, value, f"NotifyConfig.{tag}")
    # ElementTree leaves CR as it is in text, which a parser reads as LF: send it as a reference.
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True).replace(b"\r", b"&#13;")
    return Request("PUT", where.host_for(kind.host), kind.change.path_for(queue_id), {}, body, XML_BODY_TYPE)


def _text_element(parent: ET.Element, tag: str, text: str, field: str) -> None:
    problem = xml_problem(text)
    if problem is not None:
        raise ConfigError(f"{field}: {problem}, so it cannot be sent", key=field)
    ET.SubElement(parent, tag).text = text


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
    """The retry decisions of one call: what is tried again, and after how long.

    A wait ends within `budget` seconds of the call's start (the whole-answer time), or
    there is no retry. A server's Retry-After (429, 503) replaces the backoff when it asks
    for at most MAX_RETRY_AFTER seconds; a longer one ends the call at once, and the hint
    says what the server asked.

    `resend=False` for a change: tried again only when it never left (UNSENT_TRANSPORT_KINDS),
    or was refused for the clock before anything was done (RequestTimeTooSkewed, a signature check).
    """

    def __init__(
        self,
        policy: RetryPolicy,
        skew: ClockSkew,
        budget: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        resend: bool = True,
    ) -> None:
        self._policy = policy
        self._skew = skew
        self._clock = clock
        self._ends = clock() + budget
        self._resend = resend
        self._retries = 0
        self._corrected_skew = False

    def delay_before_retry(self, error: CqtuiError) -> float:
        """Seconds to wait before the next attempt; raises `error` when there is none."""
        asked = None
        if isinstance(error, ServiceError):
            if error.code == "RequestTimeTooSkewed" and not self._corrected_skew and self._skew.adopt(error):
                self._corrected_skew = True
                return 0.0
            worth_another = error.transient and self._resend
            asked = error.retry_after
        else:
            retried = RETRIED_TRANSPORT_KINDS if self._resend else UNSENT_TRANSPORT_KINDS
            worth_another = isinstance(error, TransportError) and error.kind in retried
        if not worth_another or self._retries + 1 >= self._policy.attempts:
            raise error
        delay = self._policy.delay(self._retries) if asked is None else asked
        if delay > MAX_RETRY_AFTER or self._clock() + delay > self._ends:
            raise error
        self._retries += 1
        return delay


class Deadline:
    """The time one whole answer may take, from before connecting to the body's last byte (both clients)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._ends = clock() + seconds

    def left(self) -> float:
        return self._ends - self._clock()

    def wait_at_most(self, seconds: float) -> float:
        """`seconds`, or what is left of the deadline when that is less; TimeoutError once it has passed."""
        left = self.left()
        if left <= 0:
            raise TimeoutError
        return min(seconds, left)

    @property
    def passed(self) -> bool:
        return self.left() <= 0

    def error(self, where: str) -> TransportError:
        """Not retried, like a read timeout: a trickling server costs one wait, not three."""
        return TransportError("TotalTimeout", f"no complete answer within {self.seconds:g} s ({where})")


class Held:
    """What one listing holds so far, over all its pages: the entries parsed, and the decoded bytes received.

    Counts what was received, not what the server claimed: a server that ignores
    pageSize, or sends entries of megabytes, ends the listing with an error once it
    holds more than the bounds. Bytes are counted as they arrive, so the pages still
    in flight count too. One Held may be shared by several listings (the account
    overview) to bound what they hold together.
    """

    def __init__(self, max_items: int = DEFAULT_MAX_ITEMS, max_bytes: int = DEFAULT_MAX_HELD_BYTES) -> None:
        self.max_items = max_items
        self.max_bytes = max_bytes
        self.items = 0
        self.bytes = 0

    def receive(self, size: int, *, status: int, request_id: str) -> None:
        """Count `size` more decoded bytes; ListingTooLarge past the bound."""
        self.bytes += size
        if self.bytes > self.max_bytes:
            raise ServiceError(
                "ListingTooLarge",
                f"the pages of this listing add up to more than {self.max_bytes // (1024 * 1024)} MiB; "
                "refusing to hold more",
                http_status=status,
                request_id=request_id,
            )

    def take(self, page: Page) -> None:
        self.items += len(page.items)


class ClientBase:
    """What both clients are given and keep; each adds its own sockets.

    `endpoint` ("" for none) is where every request is sent, whatever host it is for;
    `network` the proxy and CAs (network.py; default: direct, the default CAs).
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
        max_items: int = DEFAULT_MAX_ITEMS,
        max_held_bytes: int = DEFAULT_MAX_HELD_BYTES,
        keep_raw: bool = True,
        network: Network = DIRECT,
    ) -> None:
        self.endpoint = check_endpoint(endpoint)
        self._credentials = credentials
        self._timeouts = timeouts
        self._retry = retry
        self._skew = ClockSkew(clock)
        self._max_body_bytes = max_body_bytes
        self._max_items = max_items
        self._max_held_bytes = max_held_bytes
        self._keep_raw = keep_raw
        self._network = network
        self.last_latency: float | None = None

    @property
    def clock_offset(self) -> float:
        """Seconds added to the local clock after the server said it was skewed."""
        return self._skew.offset

    def _retrying(self, *, resend: bool = True) -> Retrying:
        return Retrying(self._retry, self._skew, self._timeouts.total, resend=resend)

    def _deadline(self) -> Deadline:
        return Deadline(self._timeouts.total)

    def new_held(self) -> Held:
        """The bounds of one listing (iter_pages), to share between listings that are held together."""
        return Held(self._max_items, self._max_held_bytes)

    def _origin(self, request: Request) -> str:
        """`scheme://host[:port]` to connect to for `request`."""
        return self.endpoint or f"https://{request.host}"

    def _signed_headers(self, request: Request) -> dict[str, str]:
        return {**BASE_HEADERS, **signed_headers(request, self._credentials, self._skew.now())}

    def _described(self, request: Request) -> str:
        """Where a request went, for error messages: the URL, the host asked when that differs, the proxy."""
        origin = self._origin(request)
        url = f"{origin}{request.path}"
        described = url if origin == f"https://{request.host}" else f"{url}, Host {request.host}"
        proxy = self._network.proxy_for(origin)
        return f"{described}, via proxy {visible_url(proxy)}" if proxy else described

    def _body_reader(self, status: int, headers: Headers, held: Held | None) -> BodyReader:
        return BodyReader(status, headers, self._max_body_bytes, held)

    def _page(self, kind: Kind, answer: Answer, held: Held | None = None) -> Page:
        """The page in `answer`, its entries counted in `held` (a listing's bounds; a single page has its own)."""
        status, reason, headers, body = answer
        held = held or self.new_held()
        page = page_from_answer(kind, status, reason, headers, body, keep_raw=self._keep_raw, held=held)
        held.take(page)
        return page

    def _updated(self, kind: Kind, answer: Answer) -> Updated:
        status, reason, headers, body = answer
        return updated_from_answer(kind, status, reason, headers, body, keep_raw=self._keep_raw)


# (status, reason, headers, body): what a client's send primitive returns.
Answer = tuple[int, str, "Headers", bytes]


# ---- answers ------------------------------------------------------------------------


def request_id_of(headers: Headers) -> str:
    return headers.get("x-ci-request-id") or headers.get("x-cos-request-id") or ""


def declared_too_large(headers: Headers, max_bytes: int) -> bool:
    declared = headers.get("content-length") or ""
    return declared.isdigit() and int(declared) > max_bytes


# ---- bodies -----------------------------------------------------------------------

# The most bytes one decompressor gives at a time: a gzip bomb never holds more than this
# beyond the bytes already counted, however well it compresses.
DECODE_STEP = 64 * 1024
# Layers of Content-Encoding decoded (`gzip, gzip, gzip` is three); each costs a decompressor.
MAX_ENCODINGS = 4
_GZIP_WBITS, _ZLIB_WBITS, _RAW_DEFLATE_WBITS = 16 + zlib.MAX_WBITS, zlib.MAX_WBITS, -zlib.MAX_WBITS


@contextmanager
def _refusals_name(action: str, body: bytes) -> Iterator[None]:
    """A ServiceError raised inside names the CAM action the call needs (for its hint) and keeps the
    answer it came with (what `y` on the error shows)."""
    try:
        yield
    except ServiceError as error:
        error.action = action
        error.answer = body.decode("utf-8", errors="replace")
        raise


class _Undecodable(Exception):
    """A compressed body that is broken or cut short; BodyReader reports it as MalformedEncoding."""


class _Layer:
    """One layer of gzip or deflate, decoded a step at a time."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._inflater = zlib.decompressobj(_GZIP_WBITS) if name == "gzip" else None
        self._head = b""  # deflate: the first bytes, until they tell zlib from raw deflate

    def decode(self, data: bytes) -> Iterator[bytes]:
        """What `data` decodes to, in pieces of at most DECODE_STEP bytes."""
        if self._inflater is None:  # "deflate" should be zlib (RFC 9110); some servers send it raw
            self._head += data
            if len(self._head) < 2:
                return
            zlib_header = self._head[0] & 0x0F == 8 and int.from_bytes(self._head[:2], "big") % 31 == 0
            self._inflater = zlib.decompressobj(_ZLIB_WBITS if zlib_header else _RAW_DEFLATE_WBITS)
            data, self._head = self._head, b""
        while not self._inflater.eof:  # what comes after the end of the stream is ignored, as httpx does
            try:
                out = self._inflater.decompress(data, DECODE_STEP)
            except zlib.error as error:
                raise _Undecodable(f"the {self.name} data is broken ({error})") from None
            data = self._inflater.unconsumed_tail
            if out:
                yield out
            if not data and len(out) < DECODE_STEP:
                return

    def end(self) -> Iterator[bytes]:
        if self._inflater is None:
            raise _Undecodable(f"the {self.name} data ends before it starts")
        rest = self._inflater.flush()  # at most a match's length: everything else was taken in steps
        if rest:
            yield rest
        if not self._inflater.eof:
            raise _Undecodable(f"the {self.name} data ends before its stream does")


def content_encodings(headers: Headers) -> list[str]:
    """The codings applied to the body, in the order they were applied; identity left out."""
    names = [name.strip().lower() for name in (headers.get("content-encoding") or "").split(",")]
    return [{"x-gzip": "gzip"}.get(name, name) for name in names if name and name != "identity"]


class BodyReader:
    """A body as it arrives: raw bytes in (after the transfer coding), the decoded bytes counted as they come out.

    Both clients feed it what the socket gave them (httpx's `aiter_raw`, http.client's
    reads), so the cap counts the bytes the parser gets whatever the Content-Encoding
    (gzip, deflate, stacked, identity; anything else is refused), and decoding stops
    at the cap instead of decompressing first and checking after.
    """

    def __init__(self, status: int, headers: Headers, max_bytes: int, held: Held | None = None) -> None:
        self._status = status
        self._headers = headers
        self._max_bytes = max_bytes
        self._held = held  # the listing this body belongs to, when it is one of several pages
        if declared_too_large(headers, max_bytes):
            raise self._too_large()
        names = content_encodings(headers)
        unknown = [name for name in names if name not in ("gzip", "deflate")]
        if unknown:
            raise self._refused(
                "UnsupportedEncoding",
                f"the body is encoded as {visible(capped(unknown[0], 40))!r}, which cqtui cannot read "
                f"(it asks for {ACCEPT_ENCODING})",
            )
        if len(names) > MAX_ENCODINGS:
            raise self._refused(
                "UnsupportedEncoding",
                f"the body is encoded {len(names)} times over; cqtui decodes at most {MAX_ENCODINGS} layers",
            )
        self._layers = [_Layer(name) for name in reversed(names)]  # the last applied is undone first
        self._raw = 0
        self._size = 0
        self._chunks: list[bytes] = []

    def feed(self, raw: bytes) -> None:
        self._raw += len(raw)
        if self._raw > self._max_bytes:
            raise self._too_large()
        self._through(raw, 0)

    def body(self) -> bytes:
        """The whole decoded body, once every raw byte was fed."""
        if not self._raw:  # an empty body says nothing in any coding (httpx reads it so too)
            return b""
        for index, layer in enumerate(self._layers):
            try:
                for piece in layer.end():
                    self._through(piece, index + 1)
            except _Undecodable as error:
                raise self._refused("MalformedEncoding", str(error)) from None
        return b"".join(self._chunks)

    def _through(self, data: bytes, index: int) -> None:
        """`data` through layers `index`… (one step at a time, so nothing grows past the cap), then kept."""
        if index == len(self._layers):
            self._size += len(data)
            if self._size > self._max_bytes:
                raise self._too_large()
            if self._held is not None:
                self._held.receive(len(data), status=self._status, request_id=request_id_of(self._headers))
            self._chunks.append(data)
            return
        try:
            for piece in self._layers[index].decode(data):
                self._through(piece, index + 1)
        except _Undecodable as error:
            raise self._refused("MalformedEncoding", str(error)) from None

    def _too_large(self) -> ResponseFormatError:
        encodings = content_encodings(self._headers)
        encoded = f" (decoded from {', '.join(encodings)})" if encodings else ""
        return self._refused(
            "ResponseTooLarge", f"the body is larger than {self._max_bytes // (1024 * 1024)} MiB{encoded}; refused"
        )

    def _refused(self, code: str, message: str) -> ResponseFormatError:
        return ResponseFormatError(code, message, http_status=self._status, request_id=request_id_of(self._headers))


def page_from_answer(
    kind: Kind,
    status: int,
    reason: str,
    headers: Headers,
    body: bytes,
    *,
    keep_raw: bool,
    held: Held | None = None,
) -> Page:
    """The page in a 200 answer (no more entries than `held` has room for); any other answer as the ServiceError
    it stands for."""
    with _refusals_name(kind.list_action, body):
        if status != 200:
            raise _error_answer(status, reason, headers, body)
        bounds = {"max_items": held.max_items, "already": held.items} if held is not None else {}
        return parse_page(kind, body, http_status=200, request_id=request_id_of(headers), keep_raw=keep_raw, **bounds)


def updated_from_answer(
    kind: Kind, status: int, reason: str, headers: Headers, body: bytes, *, keep_raw: bool
) -> Updated:
    """The queue in a 200 answer to an update; any other answer as the ServiceError it stands for."""
    with _refusals_name(kind.change.action if kind.change else "", body):
        if status != 200:
            raise _error_answer(status, reason, headers, body)
        return parse_updated(body, http_status=200, request_id=request_id_of(headers), keep_raw=keep_raw)


def _error_answer(status: int, reason: str, headers: Headers, body: bytes) -> ServiceError:
    location = headers.get("location")
    if status in REDIRECT_STATUSES and location is not None:
        return ServiceError(
            "Redirect",
            f"refused to follow a redirect to {capped(visible_url(location), EXCERPT_CHARS)}",
            http_status=status,
            request_id=request_id_of(headers),
        )
    return parse_error(body, http_status=status, headers=headers, reason=reason)
