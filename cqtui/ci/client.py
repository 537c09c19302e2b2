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
from cqtui.ci.network import Network, proxy_refused, tls_context
from cqtui.ci.parsing import too_many
from cqtui.ci.protocol import BASE_HEADERS, Answer, ClientBase, Held, Request, list_request, update_request

if TYPE_CHECKING:
    from cqtui.profiles.model import ResolvedProfile

# Pages of one listing in flight at once for --all: paging 10,000 queues by 100 takes
# 11 round trips instead of 100 (with 4 at once --all stayed latency-bound: bench/README.md).
DEFAULT_CONCURRENCY = 10
# Requests in flight for the whole client, and for one CI host (the account overview:
# 60 buckets in two round trips; a bucket or a region host never more than --all's 10).
DEFAULT_MAX_IN_FLIGHT = 32
DEFAULT_MAX_IN_FLIGHT_PER_HOST = 10

Result = TypeVar("Result")


def _transport_error(error: httpx.HTTPError, where: str, proxy: str, target: str) -> TransportError:
    kinds = {
        httpx.ConnectTimeout: "ConnectTimeout",
        httpx.ReadTimeout: "ReadTimeout",
        httpx.WriteTimeout: "WriteTimeout",
        httpx.PoolTimeout: "PoolTimeout",
        httpx.ConnectError: "ConnectError",
        httpx.ReadError: "ReadError",
        httpx.RemoteProtocolError: "ProtocolError",
    }
    if isinstance(error, httpx.ProxyError):  # the proxy answered CONNECT with another status than 200
        return proxy_refused(proxy, target, str(error))
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


def _tls_settings(endpoint: str, network: Network) -> ssl.SSLContext:
    """Verified TLS by network.py's rules, unless every request goes to a plain-http endpoint.

    A plain-http endpoint (loopback only, see endpoint.py) never does TLS, and this
    client follows no redirect, so the context is never used: it exists only to skip
    loading the CA bundle, ~20-40 ms of every start. Should it ever be used, it fails
    closed: no certificate passes.
    """
    if not endpoint.startswith("http://"):
        return tls_context(network.ca_bundle)
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
        settings = {
            "timeout": httpx.Timeout(self._timeouts.read, connect=self._timeouts.connect),
            "limits": httpx.Limits(max_connections=max_in_flight, max_keepalive_connections=max_in_flight),
            "follow_redirects": False,
            "verify": _tls_settings(self.endpoint, self._network),
            "trust_env": False,  # only network.py's rules: no variable of httpx's own changes a thing
            "headers": BASE_HEADERS,
        }
        self._http = httpx.AsyncClient(**settings)  # type: ignore[arg-type]
        # Hosts NO_PROXY names go direct: a second pool, through the proxy, for the others.
        proxy = self._network.proxy
        self._proxied = httpx.AsyncClient(proxy=proxy, **settings) if proxy else None  # type: ignore[arg-type]

    async def __aenter__(self) -> CiClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()
        if self._proxied is not None:
            await self._proxied.aclose()

    # -- one page -----------------------------------------------------------

    async def list(self, kind: Kind, where: Where, query: ListQuery) -> Page:
        """One page of `kind` from `where`, retried per the read rules."""
        return await self._list(kind, where, query, None)

    async def _list(self, kind: Kind, where: Where, query: ListQuery, held: Held | None) -> Page:
        request = list_request(kind, where, query)
        started = time.perf_counter()
        page = await self._with_retries(lambda: self._list_once(kind, request, held))
        self.last_latency = time.perf_counter() - started
        return page

    async def _list_once(self, kind: Kind, request: Request, held: Held | None) -> Page:
        return self._page(kind, await self._send(request, held), held)

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

    async def _send(self, request: Request, held: Held | None = None) -> Answer:
        """Send `request` once: (status, reason, headers, body), or TransportError; the body's bytes counted in
        `held` as they arrive when it is a page of a listing."""
        origin = self._origin(request)
        proxy = self._network.proxy_for(origin)
        http = self._proxied if proxy and self._proxied is not None else self._http
        async with self._gate.slot(request.host):
            url, headers = origin + request.target, self._signed_headers(request)
            built = http.build_request(request.method, url, headers=headers, content=request.body or None)
            deadline = self._deadline()  # connect, status line, headers and body: as the one-shot client's
            try:
                async with asyncio.timeout(deadline.left()):
                    response = await http.send(built, stream=True)
                    try:
                        reader = self._body_reader(response.status_code, response.headers, held)
                        async for chunk in response.aiter_raw():  # raw: decoded by the reader, within the cap
                            reader.feed(chunk)
                        body = reader.body()
                    finally:
                        await response.aclose()
            except TimeoutError:
                raise deadline.error(self._described(request)) from None
            except httpx.HTTPError as error:
                raise _transport_error(error, self._described(request), proxy, built.url.netloc.decode()) from None
        return response.status_code, response.reason_phrase, response.headers, body

    # -- every page ---------------------------------------------------------

    async def iter_pages(
        self,
        kind: Kind,
        where: Where,
        query: ListQuery,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        held: Held | None = None,
    ) -> AsyncIterator[Page]:
        """Yield every page from page 1 in order, fetching up to `concurrency` at once.

        Stops at the first short page, and at the first page's TotalCount; without
        one, pages one at a time until a short page. Ends with an error when the
        server repeats itself, claims more than `held` allows, or sends more entries
        or bytes than it allows (`held`: this listing's own bounds unless shared).
        """
        held = held or self.new_held()
        first = await self._list(kind, where, replace(query, page_number=1), held)
        yield first
        total = first.total_count
        if total is not None and total > held.max_items:
            raise too_many(kind, total, held.max_items, request_id=first.request_id, claimed=True)
        if len(first.items) < query.page_size:
            return
        last_page = None if total is None else -(-total // query.page_size)
        seen = {item.id for item in first.items}
        pending: deque[asyncio.Task[Page]] = deque()
        next_number = 2
        try:
            while True:
                # Up to the last page TotalCount gives; without one, the next page once this one was full.
                more = next_number <= last_page if last_page is not None else not pending
                while more and len(pending) < concurrency:
                    page_query = replace(query, page_number=next_number)
                    pending.append(asyncio.create_task(self._list(kind, where, page_query, held)))
                    next_number += 1
                    more = last_page is not None and next_number <= last_page
                if not pending:
                    return
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
    options.setdefault("network", profile.network)
    return CiClient(profile.credentials, endpoint=profile.endpoint, **options)  # type: ignore[arg-type]


def load_event_loop_backend() -> None:
    """Load now what a first request would load on the event loop: httpx's I/O goes
    through anyio, whose asyncio backend is imported on first use (~30 ms, the first
    page flip's delay). Run in a thread: it runs anyio once, on a loop of its own."""
    import anyio  # httpx's own dependency

    anyio.run(anyio.sleep, 0)
