"""A profile after every source has been applied: what the client and screens use."""

from __future__ import annotations

from dataclasses import dataclass, field

from cqtui.ci.credentials import Credentials
from cqtui.ci.endpoint import Where
from cqtui.profiles.fields import DEFAULT_TIMEZONE

DEFAULT_PAGE_SIZE = 10


@dataclass(frozen=True, slots=True)
class ResolvedProfile:
    name: str
    region: str
    bucket: str  # "" for a profile that lists the whole account
    credentials: Credentials
    endpoint: str = ""
    page_size: int = DEFAULT_PAGE_SIZE
    refresh_seconds: int = 0
    timezone: str = DEFAULT_TIMEZONE  # how the TUI shows times: "server", "local" or a zone name (tui/formatting.py)
    # field name -> where its value came from ("--region", "profile", "TENCENTCLOUD_REGION", ...)
    sources: dict[str, str] = field(default_factory=dict, compare=False)
    warnings: tuple[str, ...] = ()  # worth saying, not worth stopping for (a region cqtui does not know)

    @property
    def where(self) -> Where:
        """Who is asked: the profile's region, and its bucket when it has one."""
        return Where(self.region, self.bucket)
