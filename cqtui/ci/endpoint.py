"""Where requests go: the CI host of a bucket, or an explicit endpoint.

Plain http:// is allowed only to loopback, so credentials and signatures never
cross a network in clear text.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from cqtui.ci.errors import ConfigError

BUCKET_PATTERN = re.compile(r"^[a-z0-9-]+-[0-9]+$")
REGION_PATTERN = re.compile(r"^[a-z0-9-]+$")


def default_endpoint(bucket: str, region: str) -> str:
    return f"https://{bucket}.ci.{region}.myqcloud.com"


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
    """Return the endpoint without a trailing slash, or raise ConfigError."""
    problem = endpoint_problem(url)
    if problem:
        raise ConfigError(problem, key=key)
    return url.rstrip("/")
