"""Turn CI response bodies into models. Refuses DTDs and entities (defusedxml).

Servers and proxies answer with XML, JSON, HTML or nothing at all; every one of
those becomes either a Page or a ServiceError, never another exception. Every
kind's answer has the same envelope (RequestId, TotalCount, PageNumber, PageSize)
around its repeated element; one parser per shape reads the entries.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from cqtui.ci.errors import ResponseFormatError, ServiceError
from cqtui.ci.kinds import Kind, Shape
from cqtui.ci.models import NOTIFY_CONFIG_API_NAMES, Bucket, NotifyConfig, Page, Queue, Updated
from cqtui.safetext import capped, visible

# typing.TYPE_CHECKING without importing typing; type checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol, overload

    class Headers(Protocol):
        """An answer's headers, looked up by name without regard to case: httpx.Headers or
        http.client's HTTPMessage (a dict of lower-case names in tests)."""

        @overload
        def get(self, name: str, /) -> str | None: ...
        @overload
        def get(self, name: str, default: str, /) -> str: ...


EXCERPT_CHARS = 200
# A listing's own entries; what the parser tolerated is reported, but not 20,000 times.
MAX_PROBLEMS = 20
# What the API sends: ASCII digits. int() alone would also take "١٢", "１２" and "1_000".
_INTEGER = re.compile(r"[+-]?[0-9]+")
_ASCII_SPACE = " \t\r\n"
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1  # the API's integers; a larger one is a broken or hostile answer


def excerpt(body: bytes) -> str:
    """The first characters of a body on one line, safe to print."""
    text = body[: EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
    text = visible(" ".join(text.split()))
    return text[:EXCERPT_CHARS] + "…" if len(text) > EXCERPT_CHARS else text


def _parse_xml(body: bytes, *, http_status: int, request_id: str) -> ET.Element:
    def refuse(code: str, message: str) -> ResponseFormatError:
        return ResponseFormatError(code, message, http_status=http_status, request_id=request_id, excerpt=excerpt(body))

    if not body.strip():
        raise refuse("EmptyResponse", "the server answered with an empty body")
    try:
        return fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise refuse("UnsafeXML", f"refused XML with a DTD or entity declaration ({type(error).__name__})") from None
    except (ET.ParseError, ValueError, LookupError) as error:  # LookupError: an encoding Python lacks
        raise refuse("MalformedXML", f"the body is not well-formed XML ({visible(str(error)[:100])})") from None


def _text(element: ET.Element, tag: str) -> str:
    return element.findtext(tag) or ""


def _integer(element: ET.Element, tag: str, where: str, problems: list[str]) -> int | None:
    raw = element.findtext(tag)
    if raw is None or not raw.strip():
        return None
    digits = raw.strip(_ASCII_SPACE)
    if not _INTEGER.fullmatch(digits):
        problems.append(f"{where} {tag}: {visible(raw[:40])!r} is not an integer")
        return None
    # int() of thousands of digits is slow and capped; 19 significant digits hold any int64.
    value = int(digits) if len(digits.lstrip("+-").lstrip("0")) <= 19 else None
    if value is None or not _INT64_MIN <= value <= _INT64_MAX:
        problems.append(f"{where} {tag}: {visible(raw[:40])!r} is out of range for a 64-bit integer")
        return None
    return value


def _notify_config(element: ET.Element | None) -> NotifyConfig | None:
    if element is None:
        return None
    return NotifyConfig(**{field: _text(element, tag) for field, tag in NOTIFY_CONFIG_API_NAMES.items()})


def _raw(element: ET.Element, keep_raw: bool) -> str:
    return ET.tostring(element, encoding="unicode") if keep_raw else ""


def _queue(element: ET.Element, where: str, problems: list[str], keep_raw: bool) -> Queue:
    return Queue(
        queue_id=_text(element, "QueueId"),
        name=_text(element, "Name"),
        state=_text(element, "State"),
        notify_config=_notify_config(element.find("NotifyConfig")),
        max_size=_integer(element, "MaxSize", where, problems),
        max_concurrent=_integer(element, "MaxConcurrent", where, problems),
        update_time=_text(element, "UpdateTime"),
        create_time=_text(element, "CreateTime"),
        category=_text(element, "Category"),
        bucket_id=_text(element, "BucketId"),
        raw_xml=_raw(element, keep_raw),
    )


def _bucket(element: ET.Element, where: str, problems: list[str], keep_raw: bool) -> Bucket:
    return Bucket(
        bucket_id=_text(element, "BucketId"),
        # /cibuckets says BucketName, the per-service lists say Name.
        name=_text(element, "BucketName") or _text(element, "Name"),
        app_id=_text(element, "AppId"),
        region=_text(element, "Region"),
        create_time=_text(element, "CreateTime"),
        status=_text(element, "Status"),
        alias_bucket_id=_text(element, "AliasBucketId"),
        raw_xml=_raw(element, keep_raw),
    )


_ENTRY_PARSERS = {Shape.QUEUE: (_queue, "QueueId"), Shape.BUCKET: (_bucket, "BucketId")}


def _response(body: bytes, *, http_status: int, request_id: str, expected: str) -> ET.Element:
    """The `<Response>` root of a 200 answer; an HTML page, an `<Error>` or another root as a ServiceError."""
    if _looks_like_html(body):
        title = _html_title(body)
        raise ResponseFormatError(
            "UnexpectedXML",
            f"the server answered with an HTML page{f' ({title!r})' if title else ''}, not {expected}",
            http_status=http_status,
            request_id=request_id,
            excerpt=excerpt(body),
        )
    root = _parse_xml(body, http_status=http_status, request_id=request_id)
    if root.tag == "Error":
        raise _error_from_xml(root, http_status=http_status, request_id=request_id)
    if root.tag != "Response":
        raise ResponseFormatError(
            "UnexpectedXML",
            f"expected a <Response> element, got <{visible(root.tag[:40])}>",
            http_status=http_status,
            request_id=request_id,
            excerpt=excerpt(body),
        )
    return root


def _too_deep(tag: str, body: bytes, *, http_status: int, request_id: str) -> ResponseFormatError:
    return ResponseFormatError(
        "UnexpectedXML",
        f"a {tag} element is nested too deeply to be a CI answer",
        http_status=http_status,
        request_id=request_id,
        excerpt=excerpt(body),
    )


def too_many(kind: Kind, count: int, limit: int, *, request_id: str, claimed: bool = False) -> ServiceError:
    """A listing that would hold (or, `claimed`, whose TotalCount says it holds) more entries than cqtui keeps."""
    what = f"reports TotalCount {count}" if claimed else f"sent {count} {kind.shape.value}s for this listing"
    return ServiceError(
        f"TooMany{kind.shape.value.capitalize()}s",
        f"the server {what}, more than the {limit} cqtui holds for one listing; refusing to hold them",
        http_status=200,
        request_id=request_id,
    )


def parse_page(
    kind: Kind,
    body: bytes,
    *,
    http_status: int = 200,
    request_id: str = "",
    keep_raw: bool = True,
    max_items: int | None = None,
    already: int = 0,
) -> Page:
    """Parse a listing of `kind`. Bad integers are reported in `problems`, not fatal.

    `keep_raw=False` skips re-serialising each entry's XML (the CLI doesn't show it).
    More than `max_items` entries with the `already` held by the listing's other pages
    is a TooMany… error, raised before any is built.
    """
    root = _response(body, http_status=http_status, request_id=request_id, expected="the XML listing")
    problems: list[str] = []
    parse_entry, id_element = _ENTRY_PARSERS[kind.shape]
    tag = kind.list_element

    def entry(index: int, element: ET.Element) -> object:
        where = f"{tag}[{index}] ({visible(_text(element, id_element)[:40]) or f'no {id_element}'})"
        return parse_entry(element, where, problems, keep_raw)

    elements = root.findall(tag)
    if max_items is not None and already + len(elements) > max_items:
        sent = already + len(elements)
        raise too_many(kind, sent, max_items, request_id=_text(root, "RequestId") or request_id)
    try:
        items = tuple(entry(index, element) for index, element in enumerate(elements))
    except RecursionError:  # ET.tostring recurses; only a hostile body nests thousands deep
        raise _too_deep(tag, body, http_status=http_status, request_id=request_id) from None
    missing = root.iterfind(kind.lookup.missing_element) if kind.lookup else ()
    return Page(
        request_id=_text(root, "RequestId") or request_id,
        total_count=_integer(root, "TotalCount", "Response", problems),
        page_number=_integer(root, "PageNumber", "Response", problems),
        page_size=_integer(root, "PageSize", "Response", problems),
        items=items,
        missing_ids=tuple(element.text or "" for element in missing),
        problems=_at_most(problems),
        raw_xml=body.decode("utf-8", errors="replace") if keep_raw else "",
    )


def parse_updated(body: bytes, *, http_status: int = 200, request_id: str = "", keep_raw: bool = True) -> Updated:
    """Parse the answer to a queue update, `<Response><RequestId/><Queue>…</Queue></Response>`, with the
    listing's queue parser; an answer without its `<Queue>` is a ResponseFormatError."""
    root = _response(body, http_status=http_status, request_id=request_id, expected="the updated queue")
    request_id = _text(root, "RequestId") or request_id
    element = root.find("Queue")
    if element is None:
        raise ResponseFormatError(
            "UnexpectedXML",
            "the answer holds no <Queue> element",
            http_status=http_status,
            request_id=request_id,
            excerpt=excerpt(body),
        )
    problems: list[str] = []
    where = f"Queue ({visible(_text(element, 'QueueId')[:40]) or 'no QueueId'})"
    try:
        queue = _queue(element, where, problems, keep_raw)
    except RecursionError:
        raise _too_deep("Queue", body, http_status=http_status, request_id=request_id) from None
    raw = body.decode("utf-8", errors="replace") if keep_raw else ""
    return Updated(queue=queue, request_id=request_id, problems=_at_most(problems), raw_xml=raw)


def _at_most(problems: list[str]) -> tuple[str, ...]:
    if len(problems) <= MAX_PROBLEMS:
        return tuple(problems)
    return (*problems[:MAX_PROBLEMS], f"and {len(problems) - MAX_PROBLEMS} more problems")


def _error_from_xml(root: ET.Element, *, http_status: int, request_id: str) -> ServiceError:
    """A well-formed CI/COS error document: its fields say it all, so no excerpt."""
    return ServiceError(
        _text(root, "Code") or f"HTTP{http_status}",
        _text(root, "Message") or "the server gave no message",
        http_status=http_status,
        request_id=_text(root, "RequestId") or request_id,
        trace_id=_text(root, "TraceId"),
    )


def _find_key(data: object, wanted: str) -> str:
    """Depth-first, case-insensitive search for a scalar under key `wanted` in JSON objects.

    With an explicit stack: JSON nested hundreds deep must not exhaust Python's.
    """
    pending = [data]
    while pending:
        current = pending.pop()
        if not isinstance(current, dict):
            continue
        for key, value in current.items():
            if isinstance(key, str) and key.lower() == wanted and isinstance(value, (str, int)):
                return str(value)
        pending.extend(reversed(current.values()))
    return ""


_HTML_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _looks_like_html(body: bytes) -> bool:
    return body.lstrip()[:200].lower().startswith((b"<!doctype html", b"<html"))


def _html_title(body: bytes) -> str:
    found = _HTML_TITLE.search(body[:4096])
    if found is None:
        return ""
    return visible(" ".join(found.group(1).decode("utf-8", errors="replace").split()))[:EXCERPT_CHARS]


def _seconds_of(date: str) -> float | None:
    try:
        return email.utils.parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def retry_after(headers: Headers) -> float | None:
    """The wait a Retry-After header asks for, in seconds (delay-seconds, or an HTTP-date measured from the
    answer's own Date); None without one or when it cannot be read."""
    value = (headers.get("retry-after") or "").strip()
    if value.isascii() and value.isdigit():
        return float(int(value[:12]))  # a dozen digits is already ~30,000 years
    when = _seconds_of(value)
    if when is None:
        return None
    now = _seconds_of(headers.get("date") or "")
    return max(0.0, when - (time.time() if now is None else now))


def parse_error(body: bytes, *, http_status: int, headers: Headers, reason: str = "") -> ServiceError:
    """Build the ServiceError for a non-2xx answer, whatever its body looks like."""
    error = _error_body(body, http_status=http_status, headers=headers, reason=reason)
    error.retry_after = retry_after(headers)
    return error


def _error_body(body: bytes, *, http_status: int, headers: Headers, reason: str) -> ServiceError:
    request_id = headers.get("x-ci-request-id") or headers.get("x-cos-request-id") or ""
    trace_id = headers.get("x-ci-trace-id") or headers.get("x-cos-trace-id") or ""
    server_date = headers.get("date", "")
    fallback_code = f"HTTP{http_status}"
    fallback_message = capped(reason, EXCERPT_CHARS) or "the server answered with an error and no explanation"
    stripped = body.lstrip()

    if stripped.startswith(b"<") and not _looks_like_html(body):
        try:
            root = _parse_xml(body, http_status=http_status, request_id=request_id)
        except ResponseFormatError:
            root = None
        if root is not None and root.tag == "Error":
            error = _error_from_xml(root, http_status=http_status, request_id=request_id)
            error.trace_id = error.trace_id or trace_id
            error.server_date = server_date
            return error
    code, message = fallback_code, fallback_message
    if stripped.startswith((b"{", b"[")):
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than json can go
            data = None
        code = _find_key(data, "code") or code
        message = _find_key(data, "message") or message
        request_id = request_id or _find_key(data, "requestid")
    elif title := _html_title(body):
        message = title
    return ServiceError(
        code,
        message,
        http_status=http_status,
        request_id=request_id,
        trace_id=trace_id,
        excerpt=excerpt(body),
        server_date=server_date,
    )
