"""Messages a fetch worker posts back to the app. `seq` tells a stale answer from the newest."""

from __future__ import annotations

from datetime import datetime

from textual.message import Message

from cqtui.ci.errors import CqtuiError
from cqtui.ci.models import ListQuery, Page


class PageLoaded(Message):
    def __init__(self, seq: int, query: ListQuery, page: Page, fetched_at: datetime, latency_ms: int) -> None:
        super().__init__()
        self.seq = seq
        self.query = query
        self.page = page
        self.fetched_at = fetched_at
        self.latency_ms = latency_ms


class FetchFailed(Message):
    def __init__(self, seq: int, query: ListQuery, error: CqtuiError) -> None:
        super().__init__()
        self.seq = seq
        self.query = query
        self.error = error


class UnexpectedError(CqtuiError):
    """A fetch failed in a way cqtui does not expect (a bug): shown like any error, never fatal."""
