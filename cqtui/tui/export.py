"""Where an answer goes beyond the screen: a private file, or the user's pager (Textual-free).

Only response bodies go through here: they carry no secret.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from cqtui.ci.errors import ConfigError
from cqtui.profiles.store import FILE_MODE, write_atomically
from cqtui.safetext import visible

DEFAULT_PAGER = "less"  # without -R: the text is visible() already, it holds no escape to pass through


class ExportProblem(Exception):
    """Why the text did not get there, in one line."""


def save_private(path: Path, text: str, *, overwrite: bool = False) -> None:
    """Write `text` to `path`, mode 0600. An existing file raises FileExistsError unless
    `overwrite`: it is then replaced whole (a new file renamed over it, never written into,
    never through a symlink)."""
    shown = visible(str(path))
    if path.is_dir():
        raise ExportProblem(f"{shown} is a folder: give a file name")
    if overwrite:
        try:
            write_atomically(path, text)
        except ConfigError as problem:
            raise ExportProblem(str(problem)) from None
        return
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags, FILE_MODE)
    except FileExistsError:
        raise
    except OSError as problem:
        raise ExportProblem(f"{shown}: cannot create it ({problem.strerror or problem})") from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            os.fchmod(out.fileno(), FILE_MODE)  # the mode given to open() is filtered by the umask
            out.write(text)
    except OSError as problem:
        path.unlink(missing_ok=True)  # a half-written file is worse than none
        raise ExportProblem(f"{shown}: cannot write it ({problem.strerror or problem}); nothing was kept") from None


def pager_command(environ: Mapping[str, str]) -> list[str]:
    """$PAGER split into words as a shell would (no shell runs it), else `less`; the program
    must be found on PATH."""
    setting = environ.get("PAGER", "").strip()
    try:
        words = shlex.split(setting)
    except ValueError as problem:
        raise ExportProblem(f"$PAGER ({visible(setting)}) cannot be split into words: {problem}") from None
    if not words:
        if shutil.which(DEFAULT_PAGER) is None:
            raise ExportProblem(f"no pager: $PAGER is not set and {DEFAULT_PAGER} is not installed")
        return [DEFAULT_PAGER]
    if shutil.which(words[0]) is None:
        raise ExportProblem(f"$PAGER names {visible(words[0])}, which is not installed or not on PATH")
    return words


def page_text(command: list[str], text: str, *, suffix: str = ".txt") -> int:
    """Run the pager on a private temp file holding `text`; its exit status. The file is gone
    afterwards, whatever the pager did. Call it from the main thread, with the terminal handed over."""
    descriptor, name = tempfile.mkstemp(prefix="cqtui-", suffix=suffix)  # mode 0600
    # ctrl+c in the pager reaches the whole foreground process group: it is the pager's to
    # handle, not a reason for cqtui to end. A handler (unlike SIG_IGN) is not inherited by
    # the pager, which gets the default.
    previous = signal.signal(signal.SIGINT, _pager_owns_ctrl_c)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(text)
        return subprocess.run([*command, name], check=False).returncode
    except OSError as problem:
        raise ExportProblem(f"cannot run {visible(command[0])}: {problem.strerror or problem}") from None
    finally:
        signal.signal(signal.SIGINT, previous)
        os.unlink(name)


def _pager_owns_ctrl_c(signum: int, frame: object) -> None:
    """SIGINT while the pager runs: nothing to do here."""
