"""Config problems a caller may want to tell apart from a plain ConfigError."""

from __future__ import annotations

from cqtui.ci.errors import ConfigError


class ConfigSyntaxError(ConfigError):
    """The file is not valid TOML (or not UTF-8). It is never overwritten."""

    def __init__(self, message: str, *, path: str, line: int, column: int | None, key: str = "") -> None:
        where = f"column {column}: " if column is not None else ""
        super().__init__(f"{where}{message}", path=path, line=line, key=key)
        self.column = column


class CommentsWouldBeLost(ConfigError):
    """A rewrite would drop hand-written comments; the caller must confirm first.

    The TUI catches this to ask; the CLI asks on a terminal or wants `--yes`.
    """

    def __init__(self, path: str, comment_lines: int) -> None:
        plural = "line" if comment_lines == 1 else "lines"
        super().__init__(
            f"has {comment_lines} comment {plural} that rewriting the file would lose "
            "(cqtui cannot keep TOML comments)",
            path=path,
        )
        self.comment_lines = comment_lines


class NoProfileError(ConfigError):
    """Nothing to connect with: no profile in the file and not enough in the environment.

    The TUI catches this to offer its first-run form.
    """
