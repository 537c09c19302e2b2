"""A profile after every source has been applied: what the client and screens use."""

from __future__ import annotations

from dataclasses import dataclass, field

from cqtui.ci.credentials import Credentials
from cqtui.ci.endpoint import Where

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
    read_only: bool = False  # no change may be sent (the profile's read_only, or --read-only)
    # field name -> where its value came from ("--region", "profile", "TENCENTCLOUD_REGION", ...)
    sources: dict[str, str] = field(default_factory=dict, compare=False)
    warnings: tuple[str, ...] = ()  # worth saying, not worth stopping for (a region cqtui does not know)

    @property
    def read_only_reason(self) -> str:
        """Why no change may be sent with this profile, in words; "" when changes are allowed."""
        if not self.read_only:
            return ""
        if self.sources.get("read_only") == "--read-only":
            return "--read-only is set"
        return f"profile {self.name} has read_only = true"

    @property
    def where(self) -> Where:
        """Who is asked: the profile's region, and its bucket when it has one."""
        return Where(self.region, self.bucket)
