"""What a profile table may hold, and what makes each value acceptable."""

from __future__ import annotations

import re

from cqtui.ci.credentials import mask
from cqtui.ci.endpoint import bucket_problem, endpoint_problem, region_problem
from cqtui.ci.network import ca_bundle_problem, proxy_problem
from cqtui.ci.regions import region_mistake
from cqtui.safetext import visible, visible_url

STRING_FIELDS = (
    "secret_id",
    "secret_key",
    "secret_key_command",
    "token",
    "region",
    "bucket",
    "endpoint",
    "proxy",  # "" turns proxies off for the profile, whatever HTTPS_PROXY says
    "ca_bundle",  # CAs trusted besides the default bundle; "" ignores SSL_CERT_FILE
    "timezone",
)
INT_FIELDS = ("page_size", "refresh_seconds")
BOOL_FIELDS = ("read_only",)  # read_only: no change can be sent with the profile
PROFILE_FIELDS = STRING_FIELDS + INT_FIELDS + BOOL_FIELDS
# Values never shown, logged or put in a message.
SECRET_FIELDS = frozenset({"secret_key", "token"})

PAGE_SIZE_RANGE = (1, 100)
# How the TUI shows times: in the offset each came with (as the web console does), this
# machine's zone, or a named zone (IANA, e.g. Asia/Shanghai).
SERVER_ZONE, LOCAL_ZONE = "server", "local"
DEFAULT_TIMEZONE = SERVER_ZONE
PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
# A credential is one printable token: whitespace or a control character means a
# paste went wrong, and would break the Authorization header.
_CREDENTIAL = re.compile(r"^[\x21-\x7e]+$")


def name_problem(name: str) -> str | None:
    if PROFILE_NAME.match(name):
        return None
    return (
        f"profile name {visible(name)!r} must start with a letter or digit and use only "
        "letters, digits, '_', '-' and '.' (at most 64)"
    )


def field_problem(field: str, value: object) -> str | None:
    """Why `value` is not acceptable for `field`, or None. Never quotes a secret."""
    if field in BOOL_FIELDS:
        return None if isinstance(value, bool) else f"{field} must be true or false, not {type(value).__name__}"
    if field in INT_FIELDS:
        # bool is an int in Python; `page_size = true` is still a mistake.
        if not isinstance(value, int) or isinstance(value, bool):
            return f"{field} must be a whole number, not {type(value).__name__}"
        if field == "page_size" and not PAGE_SIZE_RANGE[0] <= value <= PAGE_SIZE_RANGE[1]:
            return f"page_size must be between {PAGE_SIZE_RANGE[0]} and {PAGE_SIZE_RANGE[1]}, not {value}"
        if field == "refresh_seconds" and value < 0:
            return f"refresh_seconds must be 0 (off) or more, not {value}"
        return None
    if not isinstance(value, str):
        return f"{field} must be a string, not {type(value).__name__}"
    if field == "region":  # `gz` is well-formed, but plainly meant ap-guangzhou
        return region_mistake(value) or region_problem(value)
    if field == "bucket":
        return bucket_problem(value)
    if field == "endpoint" and value:
        problem = endpoint_problem(value)
        return f"endpoint {visible_url(value)!r}: {problem}" if problem else None
    if field == "proxy":
        return proxy_problem(value)
    if field == "ca_bundle":
        return ca_bundle_problem(value)
    if field in ("secret_id", "secret_key", "token") and not _CREDENTIAL.match(value):
        shown = f"{visible(mask(value))!r}" if field == "secret_id" else "the value"
        return f"{field}: {shown} is empty or contains spaces or control characters"
    if field == "secret_key_command" and not value.strip():
        return "secret_key_command is empty"
    if field == "timezone":
        return timezone_problem(value)
    return None


def timezone_problem(value: str) -> str | None:
    """Why `value` is not "server", "local" or a time zone name, or None."""
    if value in (SERVER_ZONE, LOCAL_ZONE):
        return None
    import zoneinfo  # only for a named zone (~5 ms)

    try:
        zoneinfo.ZoneInfo(value)
        return None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        pass
    problem = f'timezone {visible(value)!r} is not "server", "local" or a time zone name such as "Asia/Shanghai"'
    known = zoneinfo.available_timezones()
    if not known:
        return problem + " (this system has no time zone database: install tzdata)"
    import difflib

    close = difflib.get_close_matches(value, known, n=1) or [name for name in known if name.lower() == value.lower()]
    return problem + (f"; did you mean {close[0]}?" if close else "")
