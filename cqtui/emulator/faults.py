"""Faults the emulator can inject, and the queue of faults waiting to be served.

Latency and clock skew are not faults: they are the Emulator's `latency_ms`
and `clock_skew_seconds` attributes (`--latency-ms`, `--clock-skew`).
"""

from __future__ import annotations

import functools
import gzip
import struct
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

FLOOD_QUEUES = 10_000
FLOOD_TOTAL = 5_000  # less than one page holds: an old --all took 50 pages of 10,000
HUGE_MESSAGE_CHARS = 5_000_000
LONG_RETRY_AFTER = 120

# kind -> what the client sees. Error and body faults answer before the
# signature is checked; data faults (endless_total, same_page) change a
# properly signed listing.
FAULTS: dict[str, str] = {
    "http500": "500 with a CI error body, Code InternalError",
    "http502_html": "502 with an HTML page, as a gateway would send",
    "http503_slowdown": "503 with a CI error body, Code SlowDown",
    "malformed_xml": "200 with XML that is cut short and holds a raw ESC (not well-formed)",
    "html_body": "200 with an HTML page instead of XML",
    "truncated_body": "200 whose Content-Length promises more than is sent; then the connection closes",
    "connection_reset": "the connection is reset (RST) without any answer",
    "reset_mid_body": "200 with half a listing, then the connection is reset (RST)",
    "slow_body": "200 with a listing sent one byte every 0.1 s: no single read is late, the whole is",
    "dtd": "200 with a listing that starts with a DOCTYPE",
    "entity_expansion": "200 with a billion-laughs entity bomb",
    "external_entity": "200 with an external entity pointing at file:///etc/passwd",
    "huge_body": "200 with a 50 MiB listing, sent with chunked encoding (no Content-Length)",
    "json_error": "400 with a JSON error body (Tencent Cloud API 3.0 shape)",
    "empty_body": "200 with an empty body",
    "access_denied": "403 AccessDenied, whatever the signature",
    "invalid_access_key": "403 InvalidAccessKeyId, whatever the signature",
    "signature_mismatch": "403 SignatureDoesNotMatch, whatever the signature",
    "expired_token": "403 ExpiredToken, whatever the signature",
    "no_such_bucket": "404 NoSuchBucket",
    "endless_total": "listings report TotalCount 1000000000 and every page is full",
    "same_page": "listings always hold page 1's queues, echoing the requested PageNumber",
    "no_answer": "no answer at all until the client gives up (a read timeout), then the connection closes",
    # Served to queue updates (PUT) only, so the reads around them are answered as usual.
    "put_access_denied": "queue updates only: 403 AccessDenied (scoped to a bucket, a region or one queue)",
    "put_timeout_after_apply": "queue updates only: the change is applied, then no answer until the client gives up",
    "put_reset_before_apply": "queue updates only: the connection is reset (RST) before the change is applied",
    "gzip_bomb": "200 with 281 bytes of `Content-Encoding: gzip, gzip, gzip` that decode to 2 GiB",
    "gzip_unasked": "200 with page 1 gzip-compressed (Content-Encoding: gzip), asked for or not",
    "slow_headers": "the status line and headers sent one byte every 0.2 s, then page 1",
    "flood_pages": f"listings hold {FLOOD_QUEUES} new (small) queues a page, whatever pageSize asks; "
    f"TotalCount {FLOOD_TOTAL}",
    "no_total": "listings (queues and buckets) without TotalCount; pages as usual",
    "huge_message": f"403 AccessDenied whose Message is {HUGE_MESSAGE_CHARS // 10**6} MB long",
    "too_many_requests": "429 Too Many Requests with Retry-After: 1 (Code TooManyRequests)",
    "retry_after_long": f"503 SlowDown with Retry-After: {LONG_RETRY_AFTER}",
}

# Faults answered with a CI error body: kind -> (status, code, message); RETRY_AFTER adds that header.
ERROR_FAULTS: dict[str, tuple[int, str, str]] = {
    "http500": (500, "InternalError", "We encountered an internal error. Please try again."),
    "http503_slowdown": (503, "SlowDown", "Please reduce your request rate."),
    "access_denied": (403, "AccessDenied", "Access Denied."),
    "invalid_access_key": (403, "InvalidAccessKeyId", "The SecretId you provided does not exist in our records."),
    "signature_mismatch": (
        403,
        "SignatureDoesNotMatch",
        "The Signature you specified does not match what we calculated.",
    ),
    "expired_token": (403, "ExpiredToken", "The provided token has expired."),
    "no_such_bucket": (404, "NoSuchBucket", "The specified bucket does not exist."),
    "too_many_requests": (429, "TooManyRequests", "Too many requests; slow down."),
    "retry_after_long": (503, "SlowDown", "Please reduce your request rate."),
}
RETRY_AFTER = {"too_many_requests": 1, "retry_after_long": LONG_RETRY_AFTER}

DATA_FAULTS = frozenset({"endless_total", "same_page"})
UPDATE_FAULTS = frozenset(kind for kind in FAULTS if kind.startswith("put_"))
DATA_FAULTS = frozenset({"endless_total", "same_page", "flood_pages", "no_total"})
ENDLESS_TOTAL = 10**9
HUGE_BODY_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """`KIND[:TIMES][@SCOPE]` from the command line; SCOPE names a bucket or a region."""

    kind: str
    times: int | None = None  # None: every request
    scope: str = ""


def parse_fault(text: str) -> FaultSpec:
    """`KIND`, `KIND:TIMES`, either with `@BUCKET_OR_REGION`; ValueError says what is wrong."""
    spec, _, scope = text.partition("@")
    kind, sep, count = spec.partition(":")
    if kind not in FAULTS:
        raise ValueError(f"unknown fault {kind!r}; known: {', '.join(FAULTS)}")
    if "@" in text and not scope:
        raise ValueError(f"fault {kind!r}: name a bucket or a region after @")
    if not sep:
        return FaultSpec(kind, None, scope)
    if not count.isdigit() or int(count) < 1:
        raise ValueError(f"fault {kind!r}: TIMES must be a positive integer, got {count!r}")
    return FaultSpec(kind, int(count), scope)


@dataclass
class _Pending:
    kind: str
    times: int | None  # None: every request
    bucket: str | None  # only requests for this bucket; None = any
    region: str | None  # only requests for this region; None = any
    queue: str | None = None  # only updates of this queue; None = any

    def applies(self, bucket: str, region: str, queue: str) -> bool:
        return self.bucket in (None, bucket) and self.region in (None, region) and self.queue in (None, queue)


class FaultPlan:
    """Faults waiting to be served, oldest first; each request takes at most one.

    `add("http500", 2); add("truncated_body", 1)` serves two 500s, then one
    truncated body, then normal answers. A fault with times=None never runs out,
    so faults added after it wait until `clear()`. A fault scoped to a bucket or a
    region is served only to requests for it; other requests pass it by.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[_Pending] = []

    def add(
        self,
        kind: str,
        times: int | None = None,
        *,
        bucket: str | None = None,
        region: str | None = None,
        queue: str | None = None,
    ) -> None:
        if kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r}; known: {', '.join(FAULTS)}")
        if times is not None and times < 1:
            raise ValueError("times must be None (always) or a positive integer")
        with self._lock:
            self._pending.append(_Pending(kind, times, bucket, region, queue))

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()

    def take(self, bucket: str = "", region: str = "", queue: str = "") -> str | None:
        """The fault for the next request for `bucket` in `region` (about `queue`), if any, counting it as served."""
        with self._lock:
            pending = next((entry for entry in self._pending if entry.applies(bucket, region, queue)), None)
            if pending is None:
                return None
            if pending.times is not None:
                pending.times -= 1
                if pending.times == 0:
                    self._pending.remove(pending)
            return pending.kind


# ---- canned bodies ----------------------------------------------------------

HTML_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>stgw</center>\r\n</body>\r\n</html>\r\n"
)

HTML_PAGE = (
    b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Sign in</title></head>"
    b"<body><h1>Captive portal</h1><p>Please sign in to continue.</p></body></html>"
)

MALFORMED_XML = (
    b"<Response><RequestId>bWFsZm9ybWVk</RequestId><TotalCount>3</TotalCount>"
    b"<QueueList><QueueId>p0000000000000000000000000000000a</QueueId>"
    b"<Name>esc\x1b[31mred</Name><State>Active</Sta"
)

ENTITY_EXPANSION = (
    b'<?xml version="1.0"?>\n<!DOCTYPE Response [\n'
    b'<!ENTITY lol "lol">\n'
    + b"".join(
        f'<!ENTITY lol{level} "{("&lol" + (str(level - 1) if level > 1 else "") + ";") * 10}">\n'.encode()
        for level in range(1, 10)
    )
    + b"]>\n<Response><RequestId>bG9s</RequestId><TotalCount>1</TotalCount>"
    b"<QueueList><QueueId>p00000000000000000000000000000001</QueueId><Name>&lol9;</Name>"
    b"<State>Active</State></QueueList></Response>"
)

EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE Response [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
    b"<Response><RequestId>eHhl</RequestId><TotalCount>1</TotalCount>"
    b"<QueueList><QueueId>p00000000000000000000000000000002</QueueId><Name>&xxe;</Name>"
    b"<State>Active</State></QueueList></Response>"
)

DOCTYPE = b"<!DOCTYPE Response [\n<!ELEMENT Response ANY>\n]>\n"


def json_error(request_id: str) -> bytes:
    return (
        '{"Response": {"Error": {"Code": "InvalidParameter", '
        '"Message": "The request is not a Tencent Cloud API 3.0 call."}, '
        f'"RequestId": "{request_id}"}}}}'
    ).encode()


def huge_body_pieces(request_id: str, queue_element: bytes, piece_bytes: int = 256 * 1024) -> Iterator[bytes]:
    """A well-formed listing of at least HUGE_BODY_BYTES, made piece by piece.

    Only one piece exists at a time, so serving it costs no memory.
    """
    yield f"<Response><RequestId>{request_id}</RequestId><TotalCount>{ENDLESS_TOTAL}</TotalCount>".encode()
    piece = queue_element * max(1, piece_bytes // len(queue_element))
    for _ in range(-(-HUGE_BODY_BYTES // len(piece))):
        yield piece
    yield b"</Response>"


def huge_message() -> str:
    return ("Access Denied. " * (HUGE_MESSAGE_CHARS // 15 + 1))[:HUGE_MESSAGE_CHARS]


# CRC-32 of 2 GiB of zeros (tests/test_reliability_transport.py computes it again).
BOMB_CRC = 0x4DBDF21C


@functools.cache
def gzip_bomb() -> bytes:
    """2 GiB of zeros, gzip-compressed three times over: 281 bytes, made in a few milliseconds.

    The first layer is built from one compressed MiB repeated: a full flush resets the
    compressor, so every MiB after the first compresses to the same bytes.
    """
    mib, count = 1 << 20, 2048
    zeros = bytes(mib)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = BOMB_CRC
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip, deflate, no name, no time
    trailer = struct.pack("<II", crc, (count * mib) & 0xFFFFFFFF)
    layer = header + first + again * (count - 1) + compressor.flush() + trailer
    for _ in range(2):
        layer = gzip.compress(layer, 9, mtime=0)
    return layer
