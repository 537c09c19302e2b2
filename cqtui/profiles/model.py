"""A profile after every source has been applied: what the client and screens use."""

from __future__ import annotations

from dataclasses import dataclass, field

from cqtui.ci.credentials import Credentials
from cqtui.ci.endpoint import HostKind, Where
from cqtui.ci.errors import ConfigError
from cqtui.ci.network import DIRECT, Network
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
    read_only: bool = False  # no change may be sent (the profile's read_only, or --read-only)
    network: Network = DIRECT  # the proxy and CAs both clients follow (the profile's, else the environment's)
    timezone: str = DEFAULT_TIMEZONE  # how the TUI shows times: "server", "local" or a zone name (tui/formatting.py)
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

    @property
    def proxy_in_use(self) -> str:
        """The proxy this profile's requests go through ("" for none), for the screens to say."""
        if not self.network.proxy or self.endpoint:
            return self.network.proxy_for(self.endpoint)
        try:
            host = self.where.host_for(HostKind.BUCKET if self.bucket else HostKind.REGION)
        except ConfigError:  # no request can be made; the proxy is what would be used
            return self.network.proxy
        return self.network.proxy_for(f"https://{host}")
