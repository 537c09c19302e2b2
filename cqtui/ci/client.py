"""Async client for the CI queue API (httpx): the TUI's fetches and `--all`.

One client holds one keep-alive connection pool; create it once and share it.
What a request is and what an answer means lives in protocol.py, shared with the
one-shot client. It raises only ServiceError (and its ResponseFormatError) or
TransportError.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import httpx

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

if TYPE_CHECKING:
    from cqtui.profiles.model import ResolvedProfile

# --all stops here even if the server keeps claiming more: a lying TotalCount
# must not turn into an endless loop.
DEFAULT_MAX_QUEUES = 200_000
# Pages in flight at once for --all: paging 10,000 queues by 100 takes 11 round
# trips instead of 100 (with 4 at once --all stayed latency-bound: bench/README.md).
DEFAULT_CONCURRENCY = 10


def _transport_error(error: httpx.HTTPError) -> TransportError:
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
    url = error.request.url.copy_with(query=None) if _has_request(error) else ""
    detail = str(error) or "no detail"
    return TransportError(kind, f"{detail} ({url})" if url else detail)


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


def _has_request(error: httpx.HTTPError) -> bool:
    try:
        error.request  # noqa: B018 - raises RuntimeError when unset
    except RuntimeError:
        return False
    return True


def _tls_settings(base_url: str) -> ssl.SSLContext | bool:
    """Verified TLS with httpx's CA bundle for https; for plain http, a context that trusts nothing.

    A plain-http endpoint (loopback only, see endpoint.py) never does TLS, and this
    client only requests paths under its base URL and follows no redirect, so the
    context is never used: it exists only to skip loading the CA bundle, ~20-40 ms of
    every start. Should it ever be used, it fails closed: no certificate passes.
    """
    if base_url.startswith("https://"):
        return True
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class CiClient(ClientBase):
    """Options: see ClientBase."""

    def __init__(self, base_url: str, credentials: Credentials, **options: object) -> None:
        super().__init__(base_url, credentials, **options)  # type: ignore[arg-type]
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(self._timeouts.read, connect=self._timeouts.connect),
            follow_redirects=False,
            verify=_tls_settings(self.base_url),
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

    async def list_queues(self, query: ListQuery) -> QueuePage:
        started = time.perf_counter()
        page = await self._with_retries(lambda: self._get_page(query))
        self.last_latency = time.perf_counter() - started
        return page

    async def _with_retries(self, call: Callable[[], Awaitable[QueuePage]]) -> QueuePage:
        retrying = self._retrying()
        while True:
            try:
                return await call()
            except (ServiceError, TransportError) as error:
                delay = retrying.delay_before_retry(error)  # raises when it was the last try
            await asyncio.sleep(delay)

    def _signed_request(self, query: ListQuery) -> httpx.Request:
        params = list_params(query)
        request = self._http.build_request("GET", LIST_PATH, params=params)
        request.headers.update(self._auth_headers(request.headers["host"], params))
        return request

    async def _get_page(self, query: ListQuery) -> QueuePage:
        request = self._signed_request(query)
        try:
            async with asyncio.timeout(self._timeouts.total):
                response = await self._http.send(request, stream=True)
                try:
                    body = await self._read_capped(response)
                finally:
                    await response.aclose()
        except TimeoutError:  # not retried, like a read timeout: a slow server costs one wait
            raise TransportError(
                "TotalTimeout",
                f"no complete answer within {self._timeouts.total:g} s ({request.url.copy_with(query=None)})",
            ) from None
        except httpx.HTTPError as error:
            raise _transport_error(error) from None
        return page_from_answer(
            response.status_code, response.reason_phrase, response.headers, body, keep_raw=self._keep_raw
        )

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
        self, query: ListQuery, *, concurrency: int = DEFAULT_CONCURRENCY, max_queues: int = DEFAULT_MAX_QUEUES
    ) -> AsyncIterator[QueuePage]:
        """Yield every page from page 1 in order, fetching up to `concurrency` at once.

        Stops at the first page's TotalCount, at the first short page, and with an
        error when the server repeats itself or claims more than `max_queues`.
        """
        first = await self.list_queues(replace(query, page_number=1))
        yield first
        total = first.total_count or 0
        if total > max_queues:
            raise ServiceError(
                "TooManyQueues",
                f"the server reports TotalCount {total}, more than the limit of {max_queues}; "
                "refusing to page through it",
                http_status=200,
                request_id=first.request_id,
            )
        last_page = -(-total // query.page_size)
        if len(first.queues) < query.page_size:
            return
        seen = {queue.queue_id for queue in first.queues}
        pending: deque[asyncio.Task[QueuePage]] = deque()
        next_number = 2
        try:
            while next_number <= last_page or pending:
                while next_number <= last_page and len(pending) < concurrency:
                    pending.append(asyncio.create_task(self.list_queues(replace(query, page_number=next_number))))
                    next_number += 1
                page = await pending.popleft()
                ids = {queue.queue_id for queue in page.queues}
                if ids and ids <= seen:
                    raise ServiceError(
                        "RepeatedPage",
                        "the server returned queues it had already sent; stopping instead of looping",
                        http_status=200,
                        request_id=page.request_id,
                    )
                seen |= ids
                yield page
                if len(page.queues) < query.page_size:
                    return
        finally:
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)


def client_for(profile: ResolvedProfile, **options: object) -> CiClient:
    return CiClient(profile.base_url, profile.credentials, **options)


def load_event_loop_backend() -> None:
    """Load now what a first request would load on the event loop: httpx's I/O goes
    through anyio, whose asyncio backend is imported on first use (~30 ms, the first
    page flip's delay). Run in a thread: it runs anyio once, on a loop of its own."""
    import anyio  # httpx's own dependency

    anyio.run(anyio.sleep, 0)
