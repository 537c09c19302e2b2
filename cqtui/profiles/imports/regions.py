"""Region names as older Tencent tools write them."""

from __future__ import annotations

import re

from cqtui.ci.regions import ALIASES

# cos.<region>.myqcloud.com, optionally behind a bucket name
_COS_HOST = re.compile(r"(?:^|\.)cos\.([a-z0-9-]+)\.myqcloud\.com$")


def normalize_region(region: str) -> str:
    """`cos.ap-guangzhou` -> `ap-guangzhou`, `gz` -> `ap-guangzhou`; others unchanged."""
    region = region.strip()
    if region.startswith("cos."):
        region = region[len("cos.") :]
    return ALIASES.get(region, region)


def region_from_endpoint(endpoint: str) -> str:
    """The region in a COS endpoint such as `cos.ap-beijing.myqcloud.com`, or ""."""
    host = endpoint.strip().removeprefix("https://").removeprefix("http://").split("/", 1)[0]
    match = _COS_HOST.search(host.lower())
    if not match or match.group(1) == "accelerate":  # the global acceleration host names no region
        return ""
    return match.group(1)
