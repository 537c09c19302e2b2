"""Facts about a TOML file's text that `tomllib` does not report.

`tomllib` gives a dict: no comments, no line numbers. Error messages must name
a line, and a rewrite must warn before it drops comments, so this module scans
the text itself, tracking string state so that a `#` or `[` inside a string
is not mistaken for a comment or a table header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)$")


@dataclass(frozen=True, slots=True)
class SourceLine:
    number: int  # 1-based
    code: str  # the line without its comment; "" for a line inside a multi-line string
    has_comment: bool


def scan(text: str) -> list[SourceLine]:
    """Every physical line with its comment removed, string contents respected."""
    lines: list[SourceLine] = []
    open_multiline = ""  # '"""' or "'''" while inside a multi-line string
    for number, line in enumerate(text.splitlines(), start=1):
        starts_inside = bool(open_multiline)
        index, code_end, has_comment = 0, len(line), False
        quote = ""  # '"' or "'" while inside a single-line string
        while index < len(line):
            char = line[index]
            if open_multiline:
                if open_multiline == '"""' and char == "\\":
                    index += 2
                    continue
                if line.startswith(open_multiline, index):
                    index += 3
                    # up to two more quotes still belong to the string ("""a"""" ends in a quote)
                    while index < len(line) and line[index] == open_multiline[0]:
                        index += 1
                    open_multiline = ""
                    continue
            elif quote:
                if quote == '"' and char == "\\":
                    index += 2
                    continue
                if char == quote:
                    quote = ""
            elif line.startswith('"""', index) or line.startswith("'''", index):
                open_multiline = line[index : index + 3]
                index += 3
                continue
            elif char in "\"'":
                quote = char
            elif char == "#":
                code_end, has_comment = index, True
                break
            index += 1
        code = "" if starts_inside else line[:code_end]
        lines.append(SourceLine(number, code, has_comment))
    return lines


def count_comment_lines(text: str) -> int:
    return sum(line.has_comment for line in scan(text))


def split_dotted(key: str) -> tuple[str, ...] | None:
    """`profiles."a.b"` -> ("profiles", "a.b"); None for anything not a plain dotted key."""
    parts: list[str] = []
    rest = key.strip()
    while rest:
        if rest[0] in "\"'":
            end = rest.find(rest[0], 1)
            if end < 0:
                return None
            part = rest[1:end]
            if rest[0] == '"' and "\\" in part:
                return None  # escaped keys are rare; the caller just gets no line number
            parts.append(part)
            rest = rest[end + 1 :].lstrip()
        else:
            match = _BARE_KEY.match(rest)
            if not match:
                return None
            parts.append(match.group())
            rest = rest[match.end() :].lstrip()
        if rest:
            if rest[0] != ".":
                return None
            rest = rest[1:].lstrip()
    return tuple(parts) or None


def _header(code: str) -> tuple[str, ...] | None:
    stripped = code.strip()
    if stripped.startswith("[[") or not (stripped.startswith("[") and stripped.endswith("]")):
        return None
    return split_dotted(stripped[1:-1])


def _assigned_key(code: str) -> tuple[str, ...] | None:
    if "=" not in code or code.lstrip().startswith("["):
        return None
    return split_dotted(code.split("=", 1)[0]) if code.split("=", 1)[0].strip() else None


def key_path_at(text: str, line_number: int) -> str:
    """The full dotted key defined on `line_number` (e.g. "profiles.prod.page_size"), or ""."""
    table: tuple[str, ...] = ()
    for line in scan(text):
        header = _header(line.code)
        if header is not None:
            table = header
        if line.number == line_number:
            key = header if header is not None else _assigned_key(line.code)
            if key is None:
                return ".".join(table)
            return ".".join(key if header is not None else table + key)
    return ""


def find_line(text: str, table: tuple[str, ...], key: str | None = None) -> int | None:
    """Line where `key` is set inside `[table]` (or the header itself when key is None)."""
    current: tuple[str, ...] | None = ()
    for line in scan(text):
        header = _header(line.code)
        if header is not None:
            current = header
            if key is None and header == table:
                return line.number
            continue
        assigned = _assigned_key(line.code)
        if key is not None and assigned is not None and current is not None:
            if current + assigned == table + (key,):
                return line.number
    return None


_STRING = re.compile(r""""(?:[^"\\]|\\.)*"|'[^']*'""")


def deepest_line(text: str) -> int:
    """The line where arrays and inline tables are nested deepest (the first such line)."""
    depth, deepest, deepest_at = 0, 0, 1
    for line in scan(text):
        for char in _STRING.sub("", line.code):
            if char in "[{":
                depth += 1
                if depth > deepest:
                    deepest, deepest_at = depth, line.number
            elif char in "]}":
                depth -= 1
    return deepest_at


def error_position(message: str, text: str) -> tuple[int, int | None, str]:
    """(line, column or None, message without the position) from a TOMLDecodeError."""
    match = _POSITION.search(message)
    if match:
        return int(match.group(1)), int(match.group(2)), message[: match.start()].rstrip()
    line_count = max(1, len(text.splitlines()))
    return line_count, None, message.replace("(at end of document)", "at end of file").strip()
