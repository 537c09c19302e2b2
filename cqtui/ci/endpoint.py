"""Who is asked and where the bytes go: the real CI host of a request, and the address it is sent to.

A request is always for a real CI host (`<bucket>.ci.<region>.myqcloud.com`, or
`ci.<region>.myqcloud.com` for bucket lists): that is the Host header sent and
signed. An endpoint (`--endpoint`, a profile's `endpoint`) only says where to
connect, as `curl --connect-to` does, so one emulator or forwarding proxy serves
every bucket and region. Plain http:// endpoints are allowed only to loopback, so
credentials and signatures never cross a network in clear text.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

from cqtui.ci.errors import ConfigError
from cqtui.safetext import visible

BUCKET_PATTERN = re.compile(r"^[a-z0-9-]+-[0-9]+$")
REGION_PATTERN = re.compile(r"^[a-z0-9-]+$")
# A bucket and a region are each one DNS label of the host; longer ones cannot be
# looked up at all (and Python's IDNA codec raises UnicodeError on them).
MAX_LABEL = 63


class HostKind(Enum):
    BUCKET = "bucket"  # <BucketId>.ci.<region>.myqcloud.com
    REGION = "region"  # ci.<region>.myqcloud.com


def region_problem(region: str) -> str | None:
    """Why `region` cannot name a CI host, or None."""
    if not REGION_PATTERN.match(region):
        return f"region {visible(region[:80])!r} must look like ap-guangzhou (lower-case letters, digits and '-')"
    if len(region) > MAX_LABEL:
        return f"region {region[:20]}… is {len(region)} characters long; a region has at most {MAX_LABEL}"
    return None


def bucket_problem(bucket: str) -> str | None:
    """Why `bucket` cannot name a CI host, or None."""
    if not BUCKET_PATTERN.match(bucket):
        return f"bucket {visible(bucket[:80])!r} must look like BucketName-APPID, e.g. examplebucket-1250000000"
    if len(bucket) > MAX_LABEL:
        return f"bucket {bucket[:20]}… is {len(bucket)} characters long; a bucket has at most {MAX_LABEL}"
    return None


@dataclass(frozen=True, slots=True)
class Where:
    """Who is asked: a region, and a bucket for everything about one bucket."""

    region: str
    bucket: str = ""

    def __post_init__(self) -> None:
        problem = region_problem(self.region)
        if problem:
            raise ConfigError(problem, key="region")
        problem = bucket_problem(self.bucket) if self.bucket else None
        if problem:
            raise ConfigError(problem, key="bucket")

    def host_for(self, host: HostKind) -> str:
        """The real CI host: sent as Host and signed, whatever address is connected to."""
        if host is HostKind.REGION:
            return f"ci.{self.region}.myqcloud.com"
        if not self.bucket:
            raise ConfigError("no bucket: pass --bucket BucketName-APPID", key="bucket")
        return f"{self.bucket}.ci.{self.region}.myqcloud.com"


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def endpoint_problem(url: str) -> str | None:
    """Why `url` is not an acceptable endpoint, or None when it is."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as error:
        return f"not a valid URL ({error})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must look like https://host[:port]"
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        return "plain http:// is allowed only for loopback addresses (127.0.0.1, ::1, localhost); use https://"
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return "must not have a path, query or fragment"
    if parts.username or parts.password:
        return "must not contain a user name or password"
    return None


def check_endpoint(url: str, *, key: str = "endpoint") -> str:
    """Return the endpoint without a trailing slash ("" for none), or raise ConfigError."""
    if not url:
        return ""
    problem = endpoint_problem(url)
    if problem:
        raise ConfigError(problem, key=key)
    return url.rstrip("/")
