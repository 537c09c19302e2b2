"""`cqtui` commands at the edges: output that cannot be written or encoded, closed standard
streams, the --timeout option."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cqtui.cli import main, parse_args
from cqtui.emulator.data import hostile_queues
from cqtui.emulator.server import DEMO_SECRET_ID, DEMO_SECRET_KEY
from reliability_helpers import cli_env, queues_args

FULL_DISK = "/dev/full"


@pytest.mark.skipif(not os.path.exists(FULL_DISK), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize(
    "args",
    [("-o", "json", "--page-size", "50"), ("-o", "csv"), ("-o", "table", "--page-size", "1")],
    ids=["json-large", "csv", "table-small"],
)
def test_output_to_a_full_disk_fails_loudly_without_a_traceback(emulator, tmp_path, args):
    """`cqtui queues > out.json` on a full disk must not exit 0, and must not print a traceback."""
    with open(FULL_DISK, "wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "cqtui", *queues_args(emulator.base_url, *args)],
            stdout=full, stderr=subprocess.PIPE, env=cli_env(tmp_path / "config.toml"), timeout=30,
        )  # fmt: skip
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert "No space left on device" in stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


@pytest.mark.skipif(not os.path.exists(FULL_DISK), reason="needs /dev/full (Linux)")
def test_profiles_list_to_a_full_disk_fails_loudly(tmp_path):
    with open(FULL_DISK, "wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "cqtui", "profiles", "list"],
            stdout=full, stderr=subprocess.PIPE, env=cli_env(tmp_path / "config.toml"), timeout=30,
        )  # fmt: skip
    assert result.returncode == 1 and b"No space left on device" in result.stderr
    assert b"Traceback" not in result.stderr and b"Exception ignored" not in result.stderr


def test_timeout_option_is_global_and_checked(capsys):
    assert parse_args(["queues", "--timeout", "2.5"]).timeout == 2.5
    assert parse_args(["--timeout", "0.1", "queues"]).timeout == 0.1
    assert parse_args(["queues"]).timeout is None
    for bad in ("0", "-1", "nan", "inf", "soon", "3601"):
        with pytest.raises(SystemExit) as raised:
            main(["queues", "--timeout", bad])
        assert raised.value.code == 2
        assert "--timeout" in capsys.readouterr().err


def test_timeout_option_bounds_a_slow_server(emulator, tmp_path):
    emulator.latency_ms = 3000
    result = subprocess.run(
        [sys.executable, "-m", "cqtui", "--timeout", "0.3", *queues_args(emulator.base_url)],
        capture_output=True, text=True, env=cli_env(tmp_path / "config.toml"), timeout=30,
    )  # fmt: skip
    assert result.returncode == 1 and "ReadTimeout" in result.stderr and "did not answer in time" in result.stderr
    assert len(emulator.requests) == 1


# ---- a terminal that cannot encode what cqtui prints ----------------------------------

NARROW_STDOUT = {
    "latin-1": {"PYTHONIOENCODING": "latin-1"},
    "ascii": {"PYTHONIOENCODING": "ascii"},
    # The C locale without Python's coercion to UTF-8: stdout is ASCII.
    "C-locale": {"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
}
# Each prints `…` (help, masked SecretIds, cut cells) or the hostile queues' CJK and `—`.
COMMANDS = {"help": ("--help",), "profiles-list": ("profiles", "list"), "queues-table": ("-o", "table")}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("encoding", NARROW_STDOUT)
def test_output_a_terminal_cannot_encode_is_escaped_not_a_traceback(emulator, tmp_path, encoding, command):
    emulator.queues = hostile_queues()
    config = tmp_path / "cqtui" / "config.toml"
    config.parent.mkdir(mode=0o700)
    config.write_text(f'[profiles.p]\nsecret_id = "{DEMO_SECRET_ID}"\nsecret_key = "{DEMO_SECRET_KEY}"\n')
    config.chmod(0o600)
    env = {key: value for key, value in cli_env(config).items() if not key.startswith(("PYTHONIO", "LC_", "LANG"))}
    env.update(NARROW_STDOUT[encoding])
    args = COMMANDS[command]
    if command == "queues-table":
        args = queues_args(emulator.base_url, *args)
    result = subprocess.run([sys.executable, "-m", "cqtui", *args], capture_output=True, env=env, timeout=30)
    assert result.returncode == 0, result.stderr.decode()
    assert b"Traceback" not in result.stderr and b"Error" not in result.stderr
    assert b"\\u" in result.stdout  # e.g. `…` as \u2026


# ---- closed standard streams ------------------------------------------------------------


def run_with(redirect: str, *args: str, env) -> subprocess.CompletedProcess[str]:
    """`python -m cqtui ARGS REDIRECT` as a shell runs it (`>&-` closes stdout, `<&-` stdin, `2>&-` stderr)."""
    shell = f'exec "$0" -m cqtui "$@" {redirect}'
    return subprocess.run(
        ["sh", "-c", shell, sys.executable, *args], capture_output=True, text=True, env=env, timeout=30
    )


CLOSED = {
    "queues-stdout": (">&-", ("queues",), 2, "cqtui: stdout is closed (>&-): there is nowhere to print to"),
    "tui-stdin": ("<&-", ("--demo",), 2, "cqtui: the TUI needs a terminal, and stdin is not one"),
    "list-stdin": ("<&-", ("profiles", "list"), 0, ""),  # needs no stdin
    "add-stdin": (
        "<&-",
        ("profiles", "add", "p", "--region", "ap-guangzhou", "--bucket", "b-1250000000", "--secret-key-stdin"),
        2,
        "cqtui: --secret-key-stdin: stdin should hold one line",
    ),
}


@pytest.mark.parametrize("case", CLOSED)
def test_a_closed_standard_stream_is_a_one_line_error_or_no_matter(case, emulator, tmp_path):
    redirect, args, code, said = CLOSED[case]
    if args == ("queues",):
        args = queues_args(emulator.base_url)
    result = run_with(redirect, *args, env=cli_env(tmp_path / "cqtui" / "config.toml"))
    assert result.returncode == code, result.stderr
    assert len(result.stderr.splitlines()) <= 1 and result.stderr.startswith(said), result.stderr


def test_with_stderr_closed_the_exit_code_still_tells(emulator, tmp_path):
    emulator.set_fault("access_denied")
    result = run_with("2>&-", *queues_args(emulator.base_url), env=cli_env(tmp_path / "config.toml"))
    assert result.returncode == 1 and result.stdout == ""
