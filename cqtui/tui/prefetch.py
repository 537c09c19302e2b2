"""Page 1, fetched in a thread while Textual is still being imported.

Importing Textual and composing the first screen take ~200 ms, and the first request
needs no UI: `cqtui` starts it first, and the app draws the answer as soon as it
mounts. The request goes through the stdlib one-shot client (signing, parsing,
retries and limits shared with the async client): httpx is loaded only later, for
the requests after the first. Imports no Textual: it runs before Textual is loaded.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future

from cqtui.ci.models import ListQuery, QueuePage
from cqtui.ci.oneshot import oneshot_client_for
from cqtui.ci.protocol import Timeouts
from cqtui.profiles.model import ResolvedProfile


class FirstPage:
    """The answer to `query`, on its way from the moment this object exists."""

    def __init__(self, profile: ResolvedProfile, query: ListQuery, timeouts: Timeouts) -> None:
        self.query = query
        self.seconds = 0.0  # how long the request took, once answered
        self._answer: Future[QueuePage] = Future()
        worker = threading.Thread(target=self._fetch, args=(profile, timeouts), name="cqtui-first-page", daemon=True)
        worker.start()

    def _fetch(self, profile: ResolvedProfile, timeouts: Timeouts) -> None:
        if not self._answer.set_running_or_notify_cancel():
            return  # the app no longer waits for it
        try:
            with oneshot_client_for(profile, timeouts=timeouts) as client:
                page = client.list_queues(self.query)
                self.seconds = client.last_latency or 0.0
            self._answer.set_result(page)
        except Exception as error:  # the app shows it like any failed fetch
            self._answer.set_exception(error)

    async def page(self) -> QueuePage:
        import asyncio  # loaded by Textual by the time the app awaits this

        return await asyncio.wrap_future(self._answer)
