"""Async client for the CI API (httpx): the TUI's fetches, `--all` and the account's many buckets.

One client holds one keep-alive connection pool and one RequestGate (bounds on
requests in flight, per CI host and in total); create it once and share it. What a
request is and what an answer means lives in protocol.py, shared with the one-shot
client. It raises only ServiceError (and its ResponseFormatError), TransportError,
and ConfigError for a query the kind does not take.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

import httpx

from cqtui.ci.credentials import Credentials
from cqtui.ci.endpoint import Where
from cqtui.ci.errors import ServiceError, TransportError
from cqtui.ci.gate import RequestGate
from cqtui.ci.kinds import Kind
from cqtui.ci.models import ListQuery, Page, QueueSettings, Updated
from cqtui.ci.protocol import (
    BASE_HEADERS,
    Answer,
    ClientBase,
    Request,
    declared_too_large,
    list_request,
    too_large,
    update_request,
)

if TYPE_CHECKING:
    from cqtui.profiles.model import ResolvedProfile

# iter_pages stops here even if the server keeps claiming more: a lying TotalCount
# must not turn into an endless loop.
DEFAULT_MAX_ITEMS = 200_000
# Pages of one listing in flight at once for --all: paging 10,000 queues by 100 takes
# 11 round trips instead of 100 (with 4 at once --all stayed latency-bound: bench/README.md).
DEFAULT_CONCURRENCY = 10
# Requests in flight for the whole client, and for one CI host (the account overview:
# 60 buckets in two round trips; a bucket or a region host never more than --all's 10).
DEFAULT_MAX_IN_FLIGHT = 32
DEFAULT_MAX_IN_FLIGHT_PER_HOST = 10

Result = TypeVar("Result")


def _transport_error(error: httpx.HTTPError, where: str) -> TransportError:
    kinds = {
        httpx.ConnectTimeout: "ConnectTimeout",
        httpx.ReadTimeout: "ReadTimeout",
        httpx.WriteTimeout: "WriteTimeout",
        httpx.PoolTimeout: "PoolTimeout",
        httpx.ConnectError: "ConnectError",
        httpx.ReadError: "ReadError",
        httpx.RemoteProtocolError: "ProtocolError",
    }
    kind = next((name for cls, name in kinds.items() if isinstance(error, cls)), type(error).__name__)
    if _tls_failure(error):
        kind = "TLSError"
    return TransportError(kind, f"{str(error) or 'no detail'} ({where})")


def _tls_failure(error: BaseException) -> bool:
    """True when a TLS error (an untrusted certificate, a failed handshake) is behind `error`."""
    seen: BaseException | None = error
    for _ in range(8):  # httpx -> httpcore -> ssl: chains are short
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _tls_settings(endpoint: str) -> ssl.SSLContext | bool:
    """Verified TLS with httpx's CA bundle, unless every request goes to a plain-http endpoint.

    A plain-http endpoint (loopback only, see endpoint.py) never does TLS, and this
    client follows no redirect, so the context is never used: it exists only to skip
    loading the CA bundle, ~20-40 ms of every start. Should it ever be used, it fails
    closed: no certificate passes.
    """
    if not endpoint.startswith("http://"):
        return True
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class CiClient(ClientBase):
    """Options: see ClientBase; `max_in_flight` and `max_in_flight_per_host` bound concurrent requests."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        max_in_flight_per_host: int = DEFAULT_MAX_IN_FLIGHT_PER_HOST,
        **options: object,
    ) -> None:
        super().__init__(credentials, **options)  # type: ignore[arg-type]
        self._gate = RequestGate(max_in_flight, max_in_flight_per_host)
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(self._timeouts.read, connect=self._timeouts.connect),
            limits=httpx.Limits(max_connections=max_in_flight, max_keepalive_connections=max_in_flight),
            follow_redirects=False,
            verify=_tls_settings(self.endpoint),
            trust_env=False,
            headers=BASE_HEADERS,
        )

    async def __aenter__(self) -> CiClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- one page -----------------------------------------------------------

    async def list(self, kind: Kind, where: Where, query: ListQuery) -> Page:
        """One page of `kind` from `where`, retried per the read rules."""
        request = list_request(kind, where, query)
        started = time.perf_counter()
        page = await self._with_retries(lambda: self._list_once(kind, request))
        self.last_latency = time.perf_counter() - started
        return page

    async def _list_once(self, kind: Kind, request: Request) -> Page:
        return self._page(kind, await self._send(request))

    async def update(self, kind: Kind, where: Where, queue_id: str, settings: QueueSettings) -> Updated:
        """Send one queue update (PUT); sent again only if it never left (protocol.Retrying, resend=False)."""
        request = update_request(kind, where, queue_id, settings)
        return await self._with_retries(lambda: self._update_once(kind, request), resend=False)

    async def _update_once(self, kind: Kind, request: Request) -> Updated:
        return self._updated(kind, await self._send(request))

    async def _with_retries(self, call: Callable[[], Awaitable[Result]], *, resend: bool = True) -> Result:
        retrying = self._retrying(resend=resend)
        while True:
            try:
                return await call()
            except (ServiceError, TransportError) as error:
                delay = retrying.delay_before_retry(error)  # raises when it was the last try
            await asyncio.sleep(delay)

    async def _send(self, request: Request) -> Answer:
        """Send `request` once: (status, reason, headers, body), or TransportError."""
        async with self._gate.slot(request.host):
            built = self._http.build_request(
                request.method,
                self._origin(request) + request.target,
                headers=self._signed_headers(request),
                content=request.body or None,
            )
            try:
                async with asyncio.timeout(self._timeouts.total):
                    response = await self._http.send(built, stream=True)
                    try:
                        body = await self._read_capped(response)
                    finally:
                        await response.aclose()
            except TimeoutError:  # not retried, like a read timeout: a slow server costs one wait
                raise TransportError(
                    "TotalTimeout", f"no complete answer within {self._timeouts.total:g} s ({self._described(request)})"
                ) from None
            except httpx.HTTPError as error:
                raise _transport_error(error, self._described(request)) from None
        return response.status_code, response.reason_phrase, response.headers, body

    async def _read_capped(self, response: httpx.Response) -> bytes:
        """Read the body in chunks and give up past the cap, without holding it all."""
        if declared_too_large(response.headers, self._max_body_bytes):
            raise too_large(self._max_body_bytes, response.status_code, response.headers)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self._max_body_bytes:
                raise too_large(self._max_body_bytes, response.status_code, response.headers)
            chunks.append(chunk)
        return b"".join(chunks)

    # -- every page ---------------------------------------------------------

    async def iter_pages(
        self,
        kind: Kind,
        where: Where,
        query: ListQuery,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        max_items: int = DEFAULT_MAX_ITEMS,
    ) -> AsyncIterator[Page]:
        """Yield every page from page 1 in order, fetching up to `concurrency` at once.

        Stops at the first page's TotalCount, at the first short page, and with an
        error when the server repeats itself or claims more than `max_items`.
        """
        first = await self.list(kind, where, replace(query, page_number=1))
        yield first
        total = first.total_count or 0
        if total > max_items:
            raise ServiceError(
                f"TooMany{kind.shape.value.capitalize()}s",
                f"the server reports TotalCount {total}, more than the limit of {max_items}; "
                "refusing to page through it",
                http_status=200,
                request_id=first.request_id,
            )
        last_page = -(-total // query.page_size)
        if len(first.items) < query.page_size:
            return
        seen = {item.id for item in first.items}
        pending: deque[asyncio.Task[Page]] = deque()
        next_number = 2
        try:
            while next_number <= last_page or pending:
                while next_number <= last_page and len(pending) < concurrency:
                    page_query = replace(query, page_number=next_number)
                    pending.append(asyncio.create_task(self.list(kind, where, page_query)))
                    next_number += 1
                page = await pending.popleft()
                ids = {item.id for item in page.items}
                if ids and ids <= seen:
                    raise ServiceError(
                        "RepeatedPage",
                        f"the server returned {kind.shape.value}s it had already sent; stopping instead of looping",
                        http_status=200,
                        request_id=page.request_id,
                    )
                seen |= ids
                yield page
                if len(page.items) < query.page_size:
                    return
        finally:
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)


def client_for(profile: ResolvedProfile, **options: object) -> CiClient:
    return CiClient(profile.credentials, endpoint=profile.endpoint, **options)  # type: ignore[arg-type]


def load_event_loop_backend() -> None:
    """Load now what a first request would load on the event loop: httpx's I/O goes
    through anyio, whose asyncio backend is imported on first use (~30 ms, the first
    page flip's delay). Run in a thread: it runs anyio once, on a loop of its own."""
    import anyio  # httpx's own dependency

    anyio.run(anyio.sleep, 0)
