"""Both clients behind one async interface, so the shared behaviour is tested on each.

`CiClient` (httpx, async) and `OneShotClient` (http.client, blocking) build requests
and read answers through cqtui/ci/protocol.py; each test that holds for both runs
twice. The blocking one runs in a thread, as it never shares the event loop.
"""

from __future__ import annotations

import asyncio

from cqtui.ci.client import CiClient
from cqtui.ci.endpoint import Where
from cqtui.ci.kinds import Kind
from cqtui.ci.models import ListQuery, Page, QueueSettings, Updated
from cqtui.ci.oneshot import OneShotClient
from cqtui.emulator.data import DEMO_BUCKET

KINDS = ["async", "oneshot"]
# The emulator's default bucket, as a profile names it.
WHERE = Where("ap-guangzhou", DEMO_BUCKET)


class BlockingInAThread:
    def __init__(self, client: OneShotClient) -> None:
        self._client = client

    async def __aenter__(self) -> BlockingInAThread:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._client.close()

    async def list(self, kind: Kind, where: Where, query: ListQuery) -> Page:
        return await asyncio.to_thread(self._client.list, kind, where, query)

    async def update(self, kind: Kind, where: Where, queue_id: str, settings: QueueSettings) -> Updated:
        return await asyncio.to_thread(self._client.update, kind, where, queue_id, settings)

    @property
    def last_latency(self) -> float | None:
        return self._client.last_latency

    @property
    def clock_offset(self) -> float:
        return self._client.clock_offset


def client_maker(kind: str):
    """`make(endpoint, credentials, **options)` for one kind of client."""
    if kind == "async":
        return lambda endpoint, credentials, **options: CiClient(credentials, endpoint=endpoint, **options)
    return lambda endpoint, credentials, **options: BlockingInAThread(
        OneShotClient(credentials, endpoint=endpoint, **options)
    )
