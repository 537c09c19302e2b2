"""The terminal's width, as shutil.get_terminal_size finds it, without importing shutil.

shutil brings its archive modules (bz2, lzma, zlib: ~2 ms), and argparse sizes a
help formatter with it for every option it adds, even when no help is shown.
"""

from __future__ import annotations

import os
import sys

FALLBACK_COLUMNS = 80


def terminal_columns() -> int:
    """$COLUMNS if set, else the width of the terminal on stdout, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    stdout = sys.__stdout__
    if stdout is None:  # no stdout at all
        return FALLBACK_COLUMNS
    try:
        return os.get_terminal_size(stdout.fileno()).columns or FALLBACK_COLUMNS
    except (AttributeError, ValueError, OSError):  # not a terminal, or closed
        return FALLBACK_COLUMNS
