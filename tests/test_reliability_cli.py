"""`cqtui` commands at the edges: output that cannot be written, the --timeout option."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cqtui.cli import main, parse_args
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
