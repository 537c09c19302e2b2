"""Bounds on requests in flight, in total and per CI host, for a client shared by many callers.

The account overview asks dozens of buckets at once and `--all` keeps pages in
flight: every request waits here for a slot, so neither one host (a region's
bucket lists, a bucket's pages) nor the whole account is sent more at once than
these bounds allow. A retry's back-off waits outside: it holds no slot.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class RequestGate:
    def __init__(self, total: int, per_host: int) -> None:
        if total < 1 or per_host < 1:
            raise ValueError("the bounds on requests in flight must be 1 or more")
        self.total = total
        self.per_host = per_host
        self._all = asyncio.Semaphore(total)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of `host`'s slots and one of the total's while the body runs."""
        for_host = self._hosts.setdefault(host, asyncio.Semaphore(self.per_host))
        # The host's slot first: a request waiting for its host must not hold one of the total's.
        async with for_host, self._all:
            yield
