"""Make untrusted text safe to show: control characters become visible escapes.

Rich and Textual strip neither ESC nor C1 controls (U+0080-U+009F, which XML
allows) nor bidi overrides, so every string from the server or a file goes
through `visible()` before it is drawn or printed to a terminal; every URL
(endpoints, proxies) through `visible_url()`, which also hides its password.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# C0 (except nothing: tab and newline are escaped too, they break table rows),
# DEL, C1, and the bidi embedding/override/isolate controls that reorder text.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control or bidi character shown as `\\xNN` / `\\uNNNN`."""
    return _UNSAFE.sub(lambda match: _escaped(match.group()), text)


_UNSAFE_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def visible_lines(lines: list[str]) -> list[str]:
    """`visible()` of each line, in one pass over the whole text (a 6 MB answer has ~200,000 lines)."""
    joined = "\n".join(lines)
    if joined.count("\n") != len(lines) - 1:
        return [visible(line) for line in lines]  # a line holds a line break of its own
    if _UNSAFE_BUT_NEWLINE.search(joined) is None:
        return list(lines)
    return _UNSAFE_BUT_NEWLINE.sub(lambda match: _escaped(match.group()), joined).split("\n")


# The user information of a URL: after the scheme's `//` (if any), up to the last `@` before
# the path, query or fragment, as urllib.parse reads it. Matched by hand: urlsplit raises on
# some URLs worth showing in an error (a bad port), and they must not show a password either.
_USERINFO = re.compile(r"^((?:[A-Za-z][A-Za-z0-9+.-]*:)?//)?([^/?#]*)@")
MASKED = "***"


def _masked_userinfo(match: re.Match[str]) -> str:
    user, has_password, _password = match.group(2).partition(":")
    # A user name alone is often a token (`https://TOKEN@host`): masked like a password, as pip does.
    return f"{match.group(1) or ''}{user + ':' if has_password else ''}{MASKED}@"


def masked_url(url: str) -> str:
    """`url` with its password (or a lone user name) as `***`: for logs, which escape control characters themselves."""
    return _USERINFO.sub(_masked_userinfo, url, count=1)


def visible_url(url: str) -> str:
    """`url` for display: its password (or a lone user name) as `***`, then made visible."""
    return visible(masked_url(url))


def capped(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, saying how long it was: server text can be megabytes."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters in all)"


def listed(texts: Sequence[str], *, most: int = 10, each: int = 100) -> str:
    """`a, b, c and 7 more`: a list of server strings for one line, each made visible and capped."""
    shown = ", ".join(visible(capped(text, each)) for text in texts[:most])
    return f"{shown} and {len(texts) - most} more" if len(texts) > most else shown


PASTE_LIMIT = 256  # characters; ids are ~40


def paste_problem(text: str) -> str | None:
    """Why `text` is not safe to put on the clipboard, or None.

    Server text ends up pasted into shells and tickets: a line break would run what
    follows it (`p1\\necho PWNED`), and control, bidi or other invisible characters
    would paste something else than what the screen showed.
    """
    if not text:
        return "it is empty"
    if len(text) > PASTE_LIMIT:
        return f"it is {len(text)} characters long (at most {PASTE_LIMIT})"
    if text.splitlines() != [text]:  # any kind of line break
        return "it holds a line break: pasted into a shell, what follows it would run"
    # isprintable(): no control, format (bidi, zero-width), unassigned or private-use
    # character, and no separator but the ASCII space.
    hidden = next((char for char in text if not char.isprintable()), None)
    if hidden is not None:
        return f"it holds an invisible or control character ({_escaped(hidden)})"
    return None
