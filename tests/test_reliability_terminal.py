"""The TUI on a real pseudo-terminal: signals, a terminal that goes away, job control, the page-1 child.

Each test starts `python -m cqtui` as the session leader of a new pty, as a shell
would, waits for the first screen, then does what a user, tmux or systemd does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from cqtui.emulator.data import DEMO_BUCKET
from reliability_helpers import TerminalSession, children_of, cli_env, is_running, modes_left_on

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="pty and /proc as on Linux")

LIST_DRAWN = b"Page 1/"  # the status line, once page 1 is in
FORM_DRAWN = b"Welcome to cqtui"


@pytest.fixture
def first_run_env(tmp_path):
    """No profile anywhere: `cqtui` opens the first-run form."""
    env = cli_env(tmp_path / "cqtui" / "config.toml")
    for name in ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_REGION"):
        del env[name]
    return env


def start(app: str, tmp_path, first_run_env, **options) -> tuple[TerminalSession, bytes]:
    """The list (`cqtui --demo`) or the first-run form, drawn on a new terminal."""
    if app == "list":
        session = TerminalSession("--demo", env=cli_env(tmp_path / "none.toml"), **options)
        return session, session.read_until(LIST_DRAWN)
    session = TerminalSession(env=first_run_env, **options)
    return session, session.read_until(FORM_DRAWN)


@pytest.mark.parametrize("app", ["list", "form"])
@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_ends_the_tui_and_restores_the_terminal(app, signum, code, tmp_path, first_run_env):
    session, _ = start(app, tmp_path, first_run_env)
    with session:
        assert not session.cooked()  # Textual's raw mode, to be undone
        session.signal(signum)
        assert session.wait() == code
        assert session.cooked()
        assert modes_left_on(session.output) == []
        assert b"Traceback" not in session.output


@pytest.mark.parametrize("args", [("--demo",), ()], ids=["demo", "profile"])
def test_without_a_terminal_the_tui_says_so_and_exits(args, emulator, tmp_path):
    if not args:
        args = ("--endpoint", emulator.base_url, "--bucket", "examplebucket-1250000000")
    result = subprocess.run(
        [sys.executable, "-m", "cqtui", *args],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=cli_env(tmp_path / "none.toml"), timeout=30,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "cqtui: the TUI needs a terminal, and stdin is not one (for scripts: cqtui queues, cqtui profiles)"
    ]
    assert emulator.requests == []  # refused before page 1 was asked for


@pytest.mark.parametrize("app", ["list", "form"])
def test_the_tui_ends_when_its_terminal_goes_away_without_a_sighup(app, tmp_path, first_run_env):
    """`nohup cqtui`, then the terminal closes: end of input, which Textual read in a busy loop forever."""
    session, _ = start(app, tmp_path, first_run_env, ignore_sighup=True)
    with session:
        session.hang_up()
        assert session.wait() == 129


@pytest.mark.parametrize("app", ["list", "form"])
def test_ctrl_z_suspends_to_the_shell_and_the_tui_comes_back(app, tmp_path, first_run_env):
    session, _ = start(app, tmp_path, first_run_env)
    with session:
        session.send(b"\x1a")
        session.wait_for_state("T")
        assert session.cooked()
        assert modes_left_on(session.output) == []
        session.signal(signal.SIGCONT)  # what `fg` sends
        session.read_until(LIST_DRAWN if app == "list" else FORM_DRAWN)  # drawn again
        assert not session.cooked()
        # It still answers keys: q quits the list (exit 0); escape leaves the form without a profile (exit 2).
        session.send(b"q" if app == "list" else b"\x1b")
        assert session.wait() == (0 if app == "list" else 2)
        assert session.cooked() and modes_left_on(session.output) == []


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="page 1 comes from a forked child with 2+ CPUs only")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL], ids=lambda signum: signum.name)
def test_no_child_outlives_the_tui(signum, emulator, tmp_path):
    """The child asking for page 1 (tui/prefetch.py) was left running, with PPID 1. Started as a job of
    a shell: a session leader's death would send SIGHUP to the child anyway, and hide the bug."""
    emulator.latency_ms = 20_000  # page 1 is still on its way when the signal comes
    args = ("--endpoint", emulator.base_url, "--bucket", DEMO_BUCKET)
    with TerminalSession(*args, env=cli_env(tmp_path / "none.toml"), session_leader=False) as session:
        session.read_until(b"Loading queues")
        (child,) = children_of(session.pid)
        session.signal(signum)
        assert session.wait() == (-signum if signum == signal.SIGKILL else 128 + signum)
        deadline = time.monotonic() + 10
        while is_running(child) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not is_running(child)
