"""How long a request may take and how often it is tried: settings, no transport.

Apart from protocol.py so that the TUI can carry them (`--timeout`) without loading
signing, parsing and HTTP before Textual (tui/prefetch.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass


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


# A server's Retry-After (429, 503) is honoured up to this long, and only within the call's whole-answer time.
MAX_RETRY_AFTER = 30.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter, as the official SDK retries (3 attempts)."""

    attempts: int = 3
    base_delay: float = 0.25
    max_delay: float = 4.0

    def delay(self, retry_number: int) -> float:
        ceiling = min(self.max_delay, self.base_delay * 2**retry_number)
        return random.uniform(ceiling / 2, ceiling)
