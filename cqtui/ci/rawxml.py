"""An answer's text laid out for reading: one element per line, indented by depth.

Layout only, and nothing but layout: every tag, attribute, reference and text run
keeps exactly the characters it came with (no entity is expanded, no namespace or
quote rewritten, so nothing a DTD could declare is ever acted on); only the
whitespace between elements changes. A body that is not well-formed (an HTML page,
a truncated answer, an excerpt) comes back as it came, split at its own line breaks.
"""

from __future__ import annotations

import re

INDENT = "  "

# A comment or CDATA section first (they may hold `<` and `>`), then any other markup,
# then a run of text. What none of them matches (a `<` with no `>`) is left out, so the
# tokens then fall short of the whole text: not well-formed.
_TOKEN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[^<>]*>|[^<]+", re.DOTALL)


def layout(text: str) -> tuple[list[str], bool]:
    """(lines, laid_out): `text` one element per line when it is well-formed XML
    (laid_out True), else its own lines."""
    lines = _pretty(text)
    if lines is None:
        return text.split("\n"), False
    return lines, True


def _pretty(text: str) -> list[str] | None:
    """The indented lines, or None when `text` is not a well-formed document.

    One pass over the tokens, each a few string operations (6 MB: ~0.3 s); `pad` is
    the indentation of the depth the next line starts at.
    """
    tokens = _TOKEN.findall(text)
    if sum(map(len, tokens)) != len(text):
        return None
    out: list[str] = []
    line = out.append
    open_names: list[str] = []
    pad = ""
    # The text of the element whose start tag ends the last line, while it holds only
    # text: that text and then its end tag join the line (`<Name>text</Name>`).
    leaf: str | None = None
    roots = 0
    for token in tokens:
        kind = token[1] if token[0] == "<" else ""  # markup is 2 characters or more
        if not kind or kind == "!" and token.startswith("<![CDATA["):
            if leaf is not None:
                leaf += token
            elif not token.isspace():
                if not open_names:
                    return None  # text outside the root element
                line(pad + token.strip())
            continue
        if kind == "/":
            if not open_names or open_names.pop() != token[2:-1].rstrip():
                return None
            pad = pad[: -len(INDENT)]
            if leaf is None:
                line(pad + token)
            else:
                # Whitespace with a line break in it is the indentation of an empty element.
                out[-1] += ("" if leaf.isspace() and "\n" in leaf else leaf) + token
                leaf = None
            continue
        if leaf:  # mixed content: the text so far gets a line of its own
            if not leaf.isspace():
                line(pad + leaf.strip())
        leaf = None
        if kind == "!" or kind == "?":
            if not token.startswith("<!--") if kind == "!" else not token.endswith("?>"):
                return None  # a DTD, or a broken processing instruction
            line(pad + token)
            continue
        empty = token.endswith("/>")
        name = token[1 : -2 if empty else -1].split(None, 1)
        if not name:
            return None
        if not open_names:
            roots += 1
        line(pad + token)
        if not empty:
            open_names.append(name[0])
            pad += INDENT
            leaf = ""
    if open_names or roots != 1:
        return None
    # A leaf's text may hold line breaks of its own: each becomes a line.
    return [piece for joined in out for piece in joined.split("\n")] if "\n" in text else out
