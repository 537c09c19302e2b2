"""The audit log: every change attempted on a queue, as JSON lines in the user state dir.

A change that is sent leaves two lines with the same `attempt` id: `attempted`, written
(and fsynced) before the PUT goes out, so a process killed mid-request, or a machine
that goes down, still leaves the record; then the outcome (done, failed, unknown, …).
A change stopped before sending (the queue changed meanwhile, reading it failed) is
one line with that outcome and no attempt id. If the `attempted` line cannot be
written, the change is not sent (ci/changes.py).

The file is `$CQTUI_STATE_DIR/audit.jsonl`, else `audit.jsonl` in
platformdirs.user_state_dir("cqtui"): mode 0600 in a 0700 folder, never written
through a symlink. Each line is appended in one write under an exclusive lock, so
concurrent cqtui processes interleave whole lines. Lines are ASCII (JSON escapes), so
`tail` on a terminal shows no raw control character. No secret is ever given to it
(no keys, tokens or headers), and a password in a callback URL is masked as ***.

Textual-free: the CLI writes and prints it (`cqtui audit`); the TUI will write it too.
"""

from __future__ import annotations

import fcntl
import getpass
import json
import os
import socket
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cqtui.ci.changes import Plan, PlannedChange, Result
from cqtui.ci.errors import ConfigError
from cqtui.ci.queuerules import api_name
from cqtui.safetext import masked_url, visible

STATE_ENV = "CQTUI_STATE_DIR"
FILE_NAME = "audit.jsonl"
FILE_MODE = 0o600
FOLDER_MODE = 0o700
ATTEMPTED = "attempted"
_URL_FIELD = api_name("url")
_APPEND = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC


def audit_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get(STATE_ENV):
        return Path(env[STATE_ENV]).expanduser() / FILE_NAME
    import platformdirs

    return Path(platformdirs.user_state_dir("cqtui")) / FILE_NAME


def who() -> str:
    """`user@host` of this process."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        user = f"uid{os.getuid()}"
    return f"{user}@{socket.gethostname()}"


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


def _shown(field: str, value: str) -> str:
    return masked_url(value) if field == _URL_FIELD else value


class AuditLog:
    """The journal of ci/changes.py on the audit file (`path`, default audit_path())."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = audit_path() if path is None else path
        self._who = who()

    def attempted(self, plan: Plan, item: PlannedChange) -> str:
        attempt = os.urandom(8).hex()
        self.append(self._entry(plan, item, ATTEMPTED, attempt))
        return attempt

    def finished(self, plan: Plan, item: PlannedChange, result: Result, attempt: str) -> None:
        entry = self._entry(plan, item, result.outcome, attempt)
        entry |= {
            "applied": result.applied,
            "request_ids": list(result.request_ids),
            "code": result.code,
            "error": result.error,
            "note": result.note,
        }
        self.append(entry)

    def _entry(self, plan: Plan, item: PlannedChange, outcome: str, attempt: str) -> dict[str, Any]:
        target = item.target
        return {
            "time": _now(),
            "outcome": outcome,
            "attempt": attempt,
            "by": self._who,
            "profile": target.profile,
            "region": target.region,
            "bucket": target.bucket,
            "family": target.family,
            "queue_id": target.queue_id,
            "queue_name": target.queue_name,
            "before": {change.field: _shown(change.field, change.before) for change in item.fields},
            "after": {change.field: _shown(change.field, change.after) for change in item.fields},
        }

    def append(self, entry: Mapping[str, Any]) -> None:
        """Append `entry` as one line, under the lock, synced to disk; ConfigError naming the file when it cannot."""
        line = (json.dumps(entry, ensure_ascii=True, separators=(",", ":")) + "\n").encode("ascii")
        try:
            self._create_folder()
            descriptor = os.open(self.path, _APPEND, FILE_MODE)
        except OSError as problem:
            raise self._error("cannot open it", problem) from None
        try:
            info = os.fstat(descriptor)
            if not stat.S_ISREG(info.st_mode):
                raise ConfigError("is not a regular file; not written", path=visible(str(self.path)))
            if stat.S_IMODE(info.st_mode) != FILE_MODE:
                os.fchmod(descriptor, FILE_MODE)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            written = 0
            while written < len(line):
                written += os.write(descriptor, line[written:])
            os.fsync(descriptor)
        except OSError as problem:
            raise self._error("cannot write it", problem) from None
        finally:
            os.close(descriptor)  # also releases the lock

    def _create_folder(self) -> None:
        folder = self.path.parent
        if not folder.is_dir():
            folder.mkdir(parents=True, mode=FOLDER_MODE)
            os.chmod(folder, FOLDER_MODE)  # mkdir's mode is filtered by the umask

    def _error(self, what: str, problem: OSError) -> ConfigError:
        if problem.errno == getattr(os, "ELOOP", None) or self.path.is_symlink():
            what = "it is a symbolic link; cqtui does not write through symlinks"
            return ConfigError(what, path=visible(str(self.path)))
        return ConfigError(f"{what}: {problem.strerror or problem}", path=visible(str(self.path)))


# ---- reading it ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Record:
    """One change as the log tells it: its first line, with the outcome of its last."""

    entry: dict[str, Any]
    when: datetime

    @property
    def outcome(self) -> str:
        return str(self.entry.get("outcome", ""))


def read_lines(path: Path) -> tuple[list[tuple[dict[str, Any], datetime]], list[str]]:
    """Every line of the log that makes sense, and a problem ("file:line: why; skipped") for each that does not."""
    entries: list[tuple[dict[str, Any], datetime]] = []
    problems: list[str] = []
    try:
        with open(path, "rb") as log:
            lines = list(log)
    except FileNotFoundError:
        return [], []
    except OSError as problem:
        raise ConfigError(f"cannot read it: {problem.strerror or problem}", path=visible(str(path))) from None
    for number, raw in enumerate(lines, 1):
        where = f"{visible(str(path))}:{number}"
        try:
            entry = json.loads(raw)
        except (ValueError, RecursionError):
            problems.append(f"{where}: not a JSON line; skipped")
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("outcome"), str):
            problems.append(f"{where}: not an audit entry (no outcome); skipped")
            continue
        try:
            when = datetime.fromisoformat(str(entry.get("time")))
        except ValueError:
            problems.append(f"{where}: its time {visible(str(entry.get('time'))[:40])!r} is not a time; skipped")
            continue
        if when.tzinfo is None:
            when = when.astimezone()
        entries.append((entry, when))
    return entries, problems


def records(lines: Iterable[tuple[dict[str, Any], datetime]]) -> list[Record]:
    """One record per change: an attempt's lines merged (its first line's time and fields, its last line's outcome)."""
    merged: dict[str, Record] = {}
    found: list[Record] = []
    for entry, when in lines:
        attempt = entry.get("attempt")
        earlier = merged.get(attempt) if isinstance(attempt, str) and attempt else None
        if earlier is None:
            record = Record(dict(entry), when)
            found.append(record)
            if isinstance(attempt, str) and attempt:
                merged[attempt] = record
        else:
            earlier.entry.update({key: value for key, value in entry.items() if key != "time"})
    return found
