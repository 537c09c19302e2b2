"""Credential sources outside the config file: the environment and secret_key_command."""

from __future__ import annotations

from cqtui.ci.errors import ConfigError
from cqtui.safetext import visible

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
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            # Kill it and stop reading: a grandchild holding the pipe must not keep us waiting.
            process.kill()
            process.wait()
            raise ConfigError(f"{shown!r} did not finish within {timeout:g} s", key=key) from None
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
