"""Make untrusted text safe to show: control characters become visible escapes.

Rich and Textual strip neither ESC nor C1 controls (U+0080-U+009F, which XML
allows) nor bidi overrides, so every string from the server or a file goes
through `visible()` before it is drawn or printed to a terminal.
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
