"""Terminal cell widths without importing rich (the CLI path stays light)."""

from __future__ import annotations

import unicodedata


def char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_width(text: str) -> int:
    return sum(char_width(char) for char in text)


def fit(text: str, width: int) -> str:
    """`text` cut to `width` cells (ending in `…` when cut) and padded to exactly `width`."""
    if cell_width(text) <= width:
        return text + " " * (width - cell_width(text))
    kept, used = [], 0
    for char in text:
        size = char_width(char)
        if used + size > width - 1:
            break
        kept.append(char)
        used += size
    return "".join(kept) + "…" + " " * (width - 1 - used)
