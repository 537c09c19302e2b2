"""Credential sources outside the config file: the environment and secret_key_command."""

from __future__ import annotations

import os

from cqtui.ci.errors import ConfigError
from cqtui.safetext import visible

# typing.TYPE_CHECKING without importing typing (~3 ms of a one-shot run); type checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import subprocess

ENV_SECRET_ID = "TENCENTCLOUD_SECRET_ID"
ENV_SECRET_KEY = "TENCENTCLOUD_SECRET_KEY"
ENV_TOKEN = "TENCENTCLOUD_TOKEN"
ENV_REGION = "TENCENTCLOUD_REGION"
# profile field -> the variable it falls back to
ENV_FALLBACKS = {
    "secret_id": ENV_SECRET_ID,
    "secret_key": ENV_SECRET_KEY,
    "token": ENV_TOKEN,
    "region": ENV_REGION,
}

SECRET_COMMAND_TIMEOUT = 10.0
# Bytes read from the command: a key is one short line. More is a wrong command (`yes`
# filled 9.5 GB in its 10 s), stopped before it fills the memory.
SECRET_COMMAND_OUTPUT_LIMIT = 64 * 1024
_STDERR_SHOWN = 500  # characters of a failing command's stderr put in the message


def _stderr_excerpt(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip()
    if len(text) > _STDERR_SHOWN:
        text = text[:_STDERR_SHOWN] + "…"
    return visible(text) if text else "(nothing on stderr)"


def run_secret_key_command(command: str, *, timeout: float = SECRET_COMMAND_TIMEOUT) -> str:
    """Run `command` without a shell and return its stdout, stripped; kept in memory only.

    Failures raise ConfigError with the command's stderr (never its stdout,
    which may hold part of a secret).
    """
    import shlex  # here, like subprocess below: only for profiles that use a command

    key = "secret_key_command"
    try:
        argv = shlex.split(command)
    except ValueError as problem:
        raise ConfigError(f"cannot split the command: {problem}", key=key) from None
    if not argv:
        raise ConfigError("is empty", key=key)
    shown = visible(argv[0])
    import subprocess  # here: most profiles store the key, and this import is ~3 ms of every start

    try:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise ConfigError(f"program {shown!r} not found", key=key) from None
    except OSError as problem:
        raise ConfigError(f"cannot run {shown!r}: {problem.strerror}", key=key) from None
    with process:
        try:
            stdout, stderr = _read_output(process, timeout)
        except (subprocess.TimeoutExpired, _TooMuchOutput) as problem:
            # Kill it and stop reading: a grandchild holding the pipe must not keep us waiting.
            process.kill()
            process.wait()
            if isinstance(problem, _TooMuchOutput):
                limit = f"{SECRET_COMMAND_OUTPUT_LIMIT // 1024} KiB"
                message = f"{shown!r} printed more than {limit} on stdout (a key is one short line), so it was stopped"
            else:
                message = f"{shown!r} did not finish within {timeout:g} s"
            raise ConfigError(message, key=key) from None
    if process.returncode != 0:
        raise ConfigError(
            f"{shown!r} failed with exit status {process.returncode}: {_stderr_excerpt(stderr)}",
            key=key,
        )
    try:
        secret = stdout.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise ConfigError(f"{shown!r} printed something that is not UTF-8 text", key=key) from None
    if not secret:
        raise ConfigError(f"{shown!r} printed nothing on stdout", key=key)
    return secret


class _TooMuchOutput(Exception):
    pass


def _read_output(process: subprocess.Popen[bytes], timeout: float) -> tuple[bytes, bytes]:
    """(stdout, stderr) once the command has exited, as Popen.communicate gives them, but no more than
    SECRET_COMMAND_OUTPUT_LIMIT bytes of either: more on stdout raises _TooMuchOutput, more on stderr
    is read and dropped."""
    import selectors
    import subprocess
    import time

    deadline = time.monotonic() + timeout
    assert process.stdout is not None and process.stderr is not None
    stdout, stderr = process.stdout.fileno(), process.stderr.fileno()
    kept = {stdout: bytearray(), stderr: bytearray()}
    with selectors.DefaultSelector() as selector:
        for descriptor in kept:
            selector.register(descriptor, selectors.EVENT_READ)
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired(process.args, timeout)
            for ready, _ in selector.select(left):
                chunk = os.read(ready.fd, 65536)
                if not chunk:
                    selector.unregister(ready.fd)
                    continue
                output = kept[ready.fd]
                if ready.fd == stdout and len(output) + len(chunk) > SECRET_COMMAND_OUTPUT_LIMIT:
                    raise _TooMuchOutput
                output += chunk[: SECRET_COMMAND_OUTPUT_LIMIT - len(output)]
    process.wait(max(0.0, deadline - time.monotonic()))
    return bytes(kept[stdout]), bytes(kept[stderr])
