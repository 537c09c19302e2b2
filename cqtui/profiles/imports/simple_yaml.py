"""A deliberately small YAML reader for COSCLI's `~/.cos.yaml`, so PyYAML is not needed.

Understood: block mappings (`key: value`, `key:` followed by an indented
block), block sequences (`- item`, `- key: value` starting a mapping, with the
dash either indented under its key or level with it, as Go's yaml.v2 writes),
plain, 'single-quoted' and "double-quoted" scalars, `#` comments, blank lines
and a leading `---`. Every scalar stays a string (`true` is "true").

Refused with a message naming the line: tabs in indentation, flow collections
(`{…}`, `[…]`), block scalars (`|`, `>`), anchors, aliases, tags, `?` keys,
multi-line quoted strings, several documents. That is far more than COSCLI
writes; a file outside this subset is reported, never guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NoReturn

from cqtui.ci.errors import ConfigError

_KEY = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_.\-/ ]*?)\s*:(?:\s+|$)")
_UNSUPPORTED_START = "{[|>&*!%@`?"
_ESCAPES = {"\\": "\\", '"': '"', "/": "/", "n": "\n", "t": "\t", "r": "\r", "0": "\0", " ": " "}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


@dataclass(slots=True)
class _Line:
    number: int
    indent: int
    text: str  # without indentation; comments are removed later, with quotes in mind


class YamlSubsetError(ConfigError):
    pass


class _Parser:
    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.lines: list[_Line] = []
        for number, raw in enumerate(text.splitlines(), start=1):
            stripped = raw.lstrip(" ")
            if raw.startswith("\t") or stripped.startswith("\t"):
                self.fail(number, "tabs are not allowed in indentation")
            if not stripped or stripped.startswith("#"):
                continue
            if stripped.rstrip() in ("---", "..."):
                if self.lines:
                    self.fail(number, "only one YAML document is supported")
                continue
            self.lines.append(_Line(number, len(raw) - len(stripped), stripped.rstrip()))
        self.index = 0

    def fail(self, line: int, message: str) -> NoReturn:
        raise YamlSubsetError(
            f"{message} (cqtui reads only the simple YAML that COSCLI writes)", path=self.path, line=line
        )

    def parse(self) -> Any:
        if not self.lines:
            return {}
        node = self.block(self.lines[0].indent)
        if self.index < len(self.lines):
            self.fail(self.lines[self.index].number, "line does not fit the block around it")
        return node

    def block(self, indent: int) -> Any:
        line = self.lines[self.index]
        if _is_item(line.text):
            return self.sequence(indent)
        return self.mapping(indent)

    def mapping(self, indent: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while self.index < len(self.lines):
            line = self.lines[self.index]
            if line.indent < indent or (line.indent == indent and _is_item(line.text)):
                break
            if line.indent > indent:
                self.fail(line.number, "unexpected indentation")
            match = _KEY.match(line.text)
            if not match:
                self.fail(line.number, "expected `key: value`")
            key = match.group(1)
            if key in result:
                self.fail(line.number, f"duplicate key {key!r}")
            rest = line.text[match.end() :]
            self.index += 1
            if _strip_comment(rest):
                result[key] = self.scalar(rest, line.number)
            else:
                result[key] = self.nested(indent)
        return result

    def nested(self, parent_indent: int) -> Any:
        """The value of `key:` with nothing after it: an indented block, a level list, or empty."""
        if self.index < len(self.lines):
            following = self.lines[self.index]
            if following.indent > parent_indent:
                return self.block(following.indent)
            if following.indent == parent_indent and _is_item(following.text):
                return self.sequence(parent_indent)
        return ""

    def sequence(self, indent: int) -> list[Any]:
        items: list[Any] = []
        while self.index < len(self.lines):
            line = self.lines[self.index]
            if line.indent != indent or not _is_item(line.text):
                if line.indent > indent:
                    self.fail(line.number, "unexpected indentation")
                break
            content = line.text[1:].lstrip(" ")
            if not content or content.startswith("#"):
                self.index += 1
                items.append(self.nested(indent))
                continue
            if _KEY.match(content):
                # `- key: value` opens a mapping whose keys line up with `key`.
                line.indent += len(line.text) - len(content)
                line.text = content
                items.append(self.mapping(line.indent))
            else:
                self.index += 1
                items.append(self.scalar(content, line.number))
        return items

    def scalar(self, text: str, number: int) -> str:
        if text[0] in _UNSUPPORTED_START:
            self.fail(number, f"values starting with {text[0]!r} are not supported")
        if text[0] == "'":
            end = _closing_single_quote(text)
            if end < 0:
                self.fail(number, "unterminated 'quoted' value (multi-line values are not supported)")
            value, rest = text[1:end].replace("''", "'"), text[end + 1 :]
        elif text[0] == '"':
            value, rest = self.double_quoted(text, number)
        else:
            return _strip_comment(text)
        if _strip_comment(rest):
            self.fail(number, "unexpected text after a quoted value")
        return value

    def double_quoted(self, text: str, number: int) -> tuple[str, str]:
        out: list[str] = []
        index = 1
        while index < len(text):
            char = text[index]
            if char == '"':
                return "".join(out), text[index + 1 :]
            if char == "\\":
                code = text[index + 1 : index + 2]
                if code in _ESCAPES:
                    out.append(_ESCAPES[code])
                    index += 2
                    continue
                width = _HEX_ESCAPES.get(code)
                digits = text[index + 2 : index + 2 + width] if width else ""
                if not width or len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits):
                    self.fail(number, f"unsupported escape \\{code} in a quoted value")
                out.append(chr(int(digits, 16)))
                index += 2 + width
                continue
            out.append(char)
            index += 1
        self.fail(number, 'unterminated "quoted" value (multi-line values are not supported)')
        raise AssertionError("unreachable")


def _is_item(text: str) -> bool:
    return text == "-" or text.startswith("- ")


def _closing_single_quote(text: str) -> int:
    index = 1
    while index < len(text):
        if text[index] == "'":
            if text[index + 1 : index + 2] == "'":
                index += 2
                continue
            return index
        index += 1
    return -1


def _strip_comment(text: str) -> str:
    """A plain value without its trailing ` # comment`."""
    if text.startswith("#"):
        return ""
    cut = re.search(r"\s#", text)
    return (text[: cut.start()] if cut else text).rstrip()


def parse_yaml(text: str, path: str = "") -> Any:
    """Nested dicts, lists and strings from `text`; YamlSubsetError outside the subset."""
    try:
        return _Parser(text, path).parse()
    except RecursionError:  # the parser recurses per level; COSCLI files are three deep
        raise YamlSubsetError("nested too deeply to be a COSCLI file", path=path) from None
