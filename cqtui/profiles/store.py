"""The config file on disk: where it is, reading it safely, rewriting it safely.

Reading refuses files or folders that group or others can read or write (as
ssh does) and reports TOML errors with line, column and key. Writing happens
under an advisory lock held across read-modify-write, goes through a temp file
in the same folder (fsync, rename, fsync the folder), never follows a symlink,
never replaces a file that does not parse, and never drops comments without
the caller's consent.
"""

from __future__ import annotations

import copy
import fcntl
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cqtui.ci.errors import ConfigError
from cqtui.profiles.errors import CommentsWouldBeLost, ConfigSyntaxError
from cqtui.safetext import visible

# typing.TYPE_CHECKING without importing typing (~3 ms of a one-shot run); type checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CONFIG_ENV = "CQTUI_CONFIG"
FILE_MODE = 0o600
FOLDER_MODE = 0o700
# Tables and arrays inside each other, the file itself included: cqtui's settings need 3
# ([profiles.NAME]). Far deeper, the recursion in tomllib and tomli_w fails (RecursionError).
MAX_NESTING = 100


def default_config_path() -> Path:
    import platformdirs  # only needed when no path was given

    return Path(platformdirs.user_config_dir("cqtui")) / "config.toml"


def config_path(explicit: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Path:
    """`--config`, else $CQTUI_CONFIG, else the user config dir's cqtui/config.toml."""
    env = os.environ if env is None else env
    chosen = explicit or env.get(CONFIG_ENV)
    return Path(chosen).expanduser() if chosen else default_config_path()


def shown(path: Path) -> str:
    return visible(str(path))


@dataclass(frozen=True)
class ConfigFile:
    """A parsed config file and the text it came from (for line numbers)."""

    path: Path
    text: str = field(repr=False)  # both may hold secrets
    data: dict[str, Any] = field(repr=False)

    def line_of(self, table: tuple[str, ...], key: str | None = None) -> int | None:
        from cqtui.profiles import tomltext  # like below: only errors and writes read the text itself

        return tomltext.find_line(self.text, table, key)

    def error(self, message: str, table: tuple[str, ...], key: str | None = None) -> ConfigError:
        """A ConfigError pointing at `key` in `[table]` of this file."""
        dotted = ".".join(table + ((key,) if key else ()))
        return ConfigError(message, path=shown(self.path), line=self.line_of(table, key), key=dotted)


def _group_or_other_bits(mode: int) -> bool:
    return bool(stat.S_IMODE(mode) & 0o077)


def check_private(path: Path) -> None:
    """Refuse a config file, or its folder, that group or others can use."""
    real = Path(os.path.realpath(path))
    folder = real.parent
    folder_stat = os.stat(folder)
    folder_mode = folder_stat.st_mode
    if _group_or_other_bits(folder_mode) and (folder_mode & stat.S_ISVTX or folder_stat.st_uid != os.getuid()):
        # /tmp and the like: chmod would be the wrong advice.
        raise ConfigError(
            f"is in a shared folder ({shown(folder)}, mode {stat.S_IMODE(folder_mode):04o}); "
            "keep the config in a folder of your own with mode 700",
            path=shown(path),
        )
    if _group_or_other_bits(folder_mode):
        raise ConfigError(
            f"folder {shown(folder)} is accessible by group or others "
            f"(mode {stat.S_IMODE(folder_mode):04o}); fix it with: chmod 700 {shown(folder)}",
            path=shown(path),
        )
    try:
        file_mode = os.stat(real).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(file_mode):
        raise ConfigError("is not a regular file", path=shown(path))
    if _group_or_other_bits(file_mode):
        raise ConfigError(
            f"is readable or writable by group or others (mode {stat.S_IMODE(file_mode):04o}); "
            f"fix it with: chmod 600 {shown(real)}",
            path=shown(path),
        )


def parse(path: Path, raw: bytes) -> ConfigFile:
    """Decode and parse; a bad file raises ConfigSyntaxError naming line, column and key."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as problem:
        line = raw.count(b"\n", 0, problem.start) + 1
        column: int | None = problem.start - (raw.rfind(b"\n", 0, problem.start) + 1) + 1
        raise ConfigSyntaxError("not UTF-8 text", path=shown(path), line=line, column=column) from None
    import tomllib  # here: a run from the environment alone has no file to parse (~5 ms)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as problem:
        from cqtui.profiles import tomltext

        line, column, message = tomltext.error_position(str(problem), text)
        key = tomltext.key_path_at(text, line)
        raise ConfigSyntaxError(
            f"invalid TOML: {message}", path=shown(path), line=line, column=column, key=visible(key)
        ) from None
    except RecursionError:
        raise _too_deep(path, text) from None
    if _nesting(data) > MAX_NESTING:
        raise _too_deep(path, text)
    return ConfigFile(path, text, data)


def _nesting(data: dict[str, Any]) -> int:
    """How deep tables and arrays go inside each other, the file itself included (counted without recursing)."""
    deepest, pending = 0, [(data, 1)]
    while pending:
        value, depth = pending.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is not None:
            deepest = max(deepest, depth)
            pending.extend((child, depth + 1) for child in children)
    return deepest


def _too_deep(path: Path, text: str) -> ConfigSyntaxError:
    from cqtui.profiles import tomltext

    line = tomltext.deepest_line(text)
    return ConfigSyntaxError(
        f"nested too deeply: tables and arrays more than {MAX_NESTING} levels inside each other",
        path=shown(path),
        line=line,
        column=None,
        key=visible(tomltext.key_path_at(text, line)),
    )


def read_config(path: Path) -> ConfigFile | None:
    """The parsed file, or None when it does not exist."""
    if not os.path.lexists(path):
        return None
    check_private(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as problem:
        raise ConfigError(f"cannot read: {problem.strerror}", path=shown(path)) from None
    return parse(path, raw)


@dataclass(frozen=True)
class Keymap:
    """The optional `[keys]` table (binding id -> key, or keys separated by commas) and the
    file it came from, so a problem found later (the TUI knows what ids and keys mean) can
    name its line."""

    keys: dict[str, str] = field(default_factory=dict)
    config: ConfigFile | None = field(default=None, repr=False)

    def error(self, message: str, binding_id: str) -> ConfigError:
        if self.config is None:
            return ConfigError(message, key=f"keys.{visible(binding_id)}")
        return self.config.error(message, ("keys",), binding_id)


def keymap_of(config: ConfigFile | None) -> Keymap:
    """The `[keys]` table of a file already read (None: no file), its shape checked."""
    if config is None or "keys" not in config.data:
        return Keymap()
    keys = config.data["keys"]
    if not isinstance(keys, dict):
        raise config.error('must be a table of action = "key" lines', (), "keys")
    for action, key in keys.items():
        if not isinstance(key, str) or not key:
            raise config.error('must be a non-empty string such as "j" or "ctrl+n"', ("keys",), action)
    return Keymap(dict(keys), config)


# -- writing -----------------------------------------------------------------


def _ensure_private_folder(folder: Path) -> None:
    if not folder.exists():
        try:
            folder.mkdir(parents=True, mode=FOLDER_MODE)
            os.chmod(folder, FOLDER_MODE)  # mkdir's mode is filtered by the umask
        except OSError as problem:
            raise ConfigError(f"cannot create folder {shown(folder)}: {_reason(problem)}") from None


def _reason(problem: OSError) -> str:
    return problem.strerror or str(problem)


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on a sibling `<name>.lock` file.

    The lock file is never deleted: removing it would let two processes lock
    two different files of the same name.
    """
    lock_path = path.with_name(path.name + ".lock")
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(lock_path, flags, FILE_MODE)
    except OSError as problem:
        raise ConfigError(f"cannot open lock file {shown(lock_path)}: {problem.strerror}", path=shown(path)) from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        except OSError as problem:  # e.g. ENOLCK on a network file system
            raise ConfigError(f"cannot lock {shown(lock_path)}: {_reason(problem)}", path=shown(path)) from None
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text`: temp file (0600) in the same folder, fsync, rename, fsync folder.

    If anything fails before the rename, the old file is untouched and the temp file removed;
    a disk full or read-only folder is a ConfigError saying so.
    """
    import tempfile  # here: only writes need it, and it is ~10 ms of every start (shutil, random)

    try:
        descriptor, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as problem:
        raise _unwritten(path, problem) from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as temp:
            os.fchmod(temp.fileno(), FILE_MODE)
            temp.write(text)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException as problem:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        if isinstance(problem, OSError):
            raise _unwritten(path, problem) from None
        raise
    try:
        _fsync_folder(path.parent)
    except OSError as problem:
        raise ConfigError(
            f"was written, but its folder could not be synced, so a crash may undo it: {_reason(problem)}",
            path=shown(path),
        ) from None


def _unwritten(path: Path, problem: OSError) -> ConfigError:
    return ConfigError(f"cannot write it ({_reason(problem)}); the file is unchanged", path=shown(path))


def _refuse_symlink(path: Path) -> None:
    if path.is_symlink():
        raise ConfigError(
            f"is a symbolic link (to {shown(Path(os.readlink(path)))}); cqtui does not write through "
            "symlinks: edit the target yourself, or point --config / CQTUI_CONFIG at it",
            path=shown(path),
        )


def edit_config(
    path: Path,
    change: Callable[[dict[str, Any]], object],  # what it returns is ignored
    *,
    allow_comment_loss: bool = False,
) -> dict[str, Any]:
    """Read, apply `change` to a copy of the data, write back; all under the lock.

    `change` mutates the dict in place and may raise ConfigError to abort.
    Unknown keys survive because the whole parsed document is written back.
    Raises CommentsWouldBeLost when the file has comments and
    `allow_comment_loss` is false. Returns the data as written.
    """
    path = Path(path)
    _ensure_private_folder(path.parent)
    _refuse_symlink(path)
    check_private(path)
    with locked(path):
        _refuse_symlink(path)  # again: it may have changed while we waited for the lock
        current = read_config(path)
        before = current.data if current else {}
        after = copy.deepcopy(before)
        change(after)
        if current is not None and after == before:
            return after
        if current is not None and not allow_comment_loss:
            from cqtui.profiles import tomltext

            comments = tomltext.count_comment_lines(current.text)
            if comments:
                raise CommentsWouldBeLost(shown(path), comments)
        import tomli_w  # only writers need it; keeps `cqtui queues` lighter

        write_atomically(path, tomli_w.dumps(after))
        return after
