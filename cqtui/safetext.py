"""Make untrusted text safe to show: control characters become visible escapes.

Rich and Textual strip neither ESC nor C1 controls (U+0080-U+009F, which XML
allows) nor bidi overrides, so every string from the server or a file goes
through `visible()` before it is drawn or printed to a terminal; every URL
(endpoints, proxies) through `visible_url()`, which also hides its password.
"""

from __future__ import annotations

import re

# C0 (except nothing: tab and newline are escaped too, they break table rows),
# DEL, C1, and the bidi embedding/override/isolate controls that reorder text.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control or bidi character shown as `\\xNN` / `\\uNNNN`."""
    return _UNSAFE.sub(_escape, text)


# The user information of a URL: after the scheme's `//` (if any), up to the last `@` before
# the path, query or fragment, as urllib.parse reads it. Matched by hand: urlsplit raises on
# some URLs worth showing in an error (a bad port), and they must not show a password either.
_USERINFO = re.compile(r"^((?:[A-Za-z][A-Za-z0-9+.-]*:)?//)?([^/?#]*)@")
MASKED = "***"


def _masked_userinfo(match: re.Match[str]) -> str:
    user, has_password, _password = match.group(2).partition(":")
    # A user name alone is often a token (`https://TOKEN@host`): masked like a password, as pip does.
    return f"{match.group(1) or ''}{user + ':' if has_password else ''}{MASKED}@"


def visible_url(url: str) -> str:
    """`url` for display: its password (or a lone user name) as `***`, then made visible."""
    return visible(_USERINFO.sub(_masked_userinfo, url, count=1))
