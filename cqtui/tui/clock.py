"""Where the app gets "now" from: the system, or a frozen clock for snapshots and screenshots."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Aware "now" in the time zone screens display times in."""

    def monotonic(self) -> float:
        """Seconds for measuring latency."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now().astimezone()

    def monotonic(self) -> float:
        return time.monotonic()


class FrozenClock:
    """Always the same "now"; every latency measures exactly `latency` seconds.

    Each fetch reads `monotonic()` once before and once after, and a cancelled
    fetch reads it only before, so consecutive readings `latency` apart give
    the same figure every run.
    """

    def __init__(self, now: datetime, latency: float = 0.012) -> None:
        if now.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._now = now
        self._latency = latency
        self._ticks = 0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        self._ticks += 1
        return self._ticks * self._latency
