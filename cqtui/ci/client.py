"""Async client for the CI queue API: signs, retries what is transient, parses.

One client holds one keep-alive connection pool; create it once and share it.
It raises only ServiceError (and its ResponseFormatError) or TransportError.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import ssl
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import httpx

from cqtui import __version__
from cqtui.ci.credentials import Credentials
from cqtui.ci.endpoint import check_endpoint
from cqtui.ci.errors import ResponseFormatError, ServiceError, TransportError
from cqtui.ci.models import ListQuery, QueuePage
from cqtui.ci.parsing import excerpt, parse_error, parse_queue_page
from cqtui.ci.signing import sign_request

if TYPE_CHECKING:
    from cqtui.profiles.model import ResolvedProfile

LIST_PATH = "/picqueue"
DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
# --all stops here even if the server keeps claiming more: a lying TotalCount
# must not turn into an endless loop.
DEFAULT_MAX_QUEUES = 200_000
# Pages in flight at once for --all: paging 10,000 queues by 100 takes 11 round
# trips instead of 100 (with 4 at once --all stayed latency-bound: bench/README.md).
DEFAULT_CONCURRENCY = 10


@dataclass(frozen=True, slots=True)
class Timeouts:
    connect: float = 5.0
    read: float = 15.0  # for each read: a silent server
    total: float = 60.0  # for one whole answer: a server trickling bytes, each read on time

    @classmethod
    def waiting(cls, seconds: float | None) -> Timeouts:
        """The defaults, or `seconds` per read and 4x that per answer (`--timeout`)."""
        if seconds is None:
            return cls()
        return cls(connect=min(cls().connect, seconds), read=seconds, total=4 * seconds)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter, as the official SDK retries (3 attempts)."""

    attempts: int = 3
    base_delay: float = 0.25
    max_delay: float = 4.0

    def delay(self, retry_number: int) -> float:
        ceiling = min(self.max_delay, self.base_delay * 2**retry_number)
        return random.uniform(ceiling / 2, ceiling)


# Errors where the request may never have reached the service, or the answer was
# cut off: safe to repeat a read-only GET. A read timeout is not retried, so a
# slow server costs the user one timeout, not three.
_RETRIED_TRANSPORT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadError, httpx.RemoteProtocolError)


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
    """True when a TLS error (an untrusted certificate, a failed handshake) is behind `error`.

    Such a failure is not transient and not a network problem: it is not retried.
    """
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


class CiClient:
    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        timeouts: Timeouts = Timeouts(),
        retry: RetryPolicy = RetryPolicy(),
        clock: Callable[[], float] = time.time,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        keep_raw: bool = True,
    ) -> None:
        self.base_url = check_endpoint(base_url)
        self._credentials = credentials
        self._retry = retry
        self._clock = clock
        self._clock_offset = 0.0
        self._max_body_bytes = max_body_bytes
        self._total_timeout = timeouts.total
        self._keep_raw = keep_raw
        self.last_latency: float | None = None
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeouts.read, connect=timeouts.connect),
            follow_redirects=False,
            verify=_tls_settings(self.base_url),
            trust_env=False,
            headers={"User-Agent": f"cqtui/{__version__}", "Accept": "application/xml"},
        )

    async def __aenter__(self) -> CiClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def clock_offset(self) -> float:
        """Seconds added to the local clock after the server said it was skewed."""
        return self._clock_offset

    # -- one page -----------------------------------------------------------

    async def list_queues(self, query: ListQuery) -> QueuePage:
        started = time.perf_counter()
        page = await self._with_retries(lambda: self._get_page(query))
        self.last_latency = time.perf_counter() - started
        return page

    async def _with_retries(self, call: Callable[[], object]) -> QueuePage:
        retry_number = 0
        corrected_skew = False
        while True:
            try:
                return await call()  # type: ignore[misc]
            except ServiceError as error:
                if error.code == "RequestTimeTooSkewed" and not corrected_skew and self._correct_skew(error):
                    corrected_skew = True
                    continue
                if not error.transient or retry_number + 1 >= self._retry.attempts:
                    raise
            except _RETRIED_TRANSPORT as error:
                if retry_number + 1 >= self._retry.attempts or _tls_failure(error):
                    raise _transport_error(error) from None
            except httpx.HTTPError as error:
                raise _transport_error(error) from None
            await asyncio.sleep(self._retry.delay(retry_number))
            retry_number += 1

    def _correct_skew(self, error: ServiceError) -> bool:
        """Adopt the server's clock from its Date header; False when it gave none."""
        try:
            server_time = email.utils.parsedate_to_datetime(error.server_date).timestamp()
        except (TypeError, ValueError):
            return False
        self._clock_offset = server_time - self._clock()
        return True

    def _request_params(self, query: ListQuery) -> dict[str, str]:
        params: dict[str, str] = {}
        if query.queue_ids:
            params["queueIds"] = ",".join(query.queue_ids)
        if query.state:  # no `state` means every state; the SDK's "All" is unverified
            params["state"] = query.state
        params["pageNumber"] = str(query.page_number)
        params["pageSize"] = str(query.page_size)
        return params

    def _signed_request(self, method: str, path: str, params: dict[str, str]) -> httpx.Request:
        request = self._http.build_request(method, path, params=params)
        if self._credentials.token:
            request.headers["x-ci-security-token"] = self._credentials.token
        signed_headers = {"host": request.headers["host"]}
        if self._credentials.token:
            signed_headers["x-ci-security-token"] = self._credentials.token
        request.headers["Authorization"] = sign_request(
            secret_id=self._credentials.secret_id,
            secret_key=self._credentials.secret_key,
            method=method,
            path=path,
            params=params,
            headers=signed_headers,
            now=self._clock() + self._clock_offset,
        )
        return request

    async def _get_page(self, query: ListQuery) -> QueuePage:
        request = self._signed_request("GET", LIST_PATH, self._request_params(query))
        try:
            async with asyncio.timeout(self._total_timeout):
                response = await self._http.send(request, stream=True)
                try:
                    body = await self._read_capped(response)
                finally:
                    await response.aclose()
        except TimeoutError:  # not retried, like a read timeout: a slow server costs one wait
            raise TransportError(
                "TotalTimeout",
                f"no complete answer within {self._total_timeout:g} s ({request.url.copy_with(query=None)})",
            ) from None
        request_id = response.headers.get("x-ci-request-id") or response.headers.get("x-cos-request-id") or ""
        if response.status_code != 200:
            if response.is_redirect:
                raise ServiceError(
                    "Redirect",
                    f"refused to follow a redirect to {excerpt(response.headers.get('location', '').encode())}",
                    http_status=response.status_code,
                    request_id=request_id,
                )
            raise parse_error(
                body, http_status=response.status_code, headers=response.headers, reason=response.reason_phrase
            )
        return parse_queue_page(body, http_status=200, request_id=request_id, keep_raw=self._keep_raw)

    async def _read_capped(self, response: httpx.Response) -> bytes:
        """Read the body in chunks and give up past the cap, without holding it all."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_body_bytes:
            raise self._too_large(response)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self._max_body_bytes:
                raise self._too_large(response)
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, response: httpx.Response) -> ResponseFormatError:
        return ResponseFormatError(
            "ResponseTooLarge",
            f"the body is larger than {self._max_body_bytes // (1024 * 1024)} MiB; refused",
            http_status=response.status_code,
            request_id=response.headers.get("x-ci-request-id", ""),
        )

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
                f"the server reports TotalCount {total}, more than the limit of {max_queues}; refusing to page through it",
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
    return CiClient(profile.base_url, profile.credentials, **options)  # type: ignore[arg-type]
