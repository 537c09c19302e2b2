"""A profile after every source has been applied: what the client and screens use."""

from __future__ import annotations

from dataclasses import dataclass, field

from cqtui.ci.credentials import Credentials
from cqtui.ci.endpoint import default_endpoint

DEFAULT_PAGE_SIZE = 10


@dataclass(frozen=True, slots=True)
class ResolvedProfile:
    name: str
    region: str
    bucket: str
    credentials: Credentials
    endpoint: str = ""
    page_size: int = DEFAULT_PAGE_SIZE
    refresh_seconds: int = 0
    # field name -> where its value came from ("--region", "profile", "TENCENTCLOUD_REGION", ...)
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def base_url(self) -> str:
        return self.endpoint or default_endpoint(self.bucket, self.region)
