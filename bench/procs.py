"""Processes for the benchmarks: the emulator in its own process (so it never shares
the GIL with what is measured) and timed runs of cqtui or the peer."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cqtui.emulator.data import DEMO_BUCKET
from cqtui.emulator.server import DEMO_SECRET_ID, DEMO_SECRET_KEY

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REGION = "ap-guangzhou"
BUCKET = DEMO_BUCKET


def compile_bytecode() -> None:
    """Byte-compile cqtui (and the probes it runs under) as pip does when it installs a package.

    With PYTHONDONTWRITEBYTECODE set (some sandboxes and CI set it), a checkout's modules
    would be compiled from source at every start (~20 ms of `cqtui queues`), while the
    peers' packages in site-packages carry the bytecode pip wrote at install.
    """
    import compileall

    for package in ("cqtui", "bench"):
        compileall.compile_dir(ROOT / package, quiet=1)


def cli_env() -> dict[str, str]:
    """cqtui resolves its profile from these; the config file does not exist, so none is read."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TENCENTCLOUD_", "CQTUI_"))}
    env.update(
        TENCENTCLOUD_SECRET_ID=DEMO_SECRET_ID,
        TENCENTCLOUD_SECRET_KEY=DEMO_SECRET_KEY,
        TENCENTCLOUD_REGION=REGION,
        CQTUI_CONFIG=str(ROOT / "bench" / "no-such-config.toml"),
    )
    return env


class EmulatorProcess:
    """`cqtui emulator` in a child process; `.url` once entered."""

    def __init__(self, *, queues: int, latency_ms: float = 0) -> None:
        self.args = [PYTHON, "-m", "cqtui", "emulator", "--port", "0", "--queues", str(queues)]
        self.args += ["--latency-ms", str(latency_ms)]
        self.url = ""
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> EmulatorProcess:
        self._process = subprocess.Popen(
            self.args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT, env=cli_env()
        )
        assert self._process.stdout is not None
        self.url = self._process.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.__exit__()
            raise RuntimeError(f"the emulator did not start: {self.url!r}")
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None


@dataclass(frozen=True)
class Run:
    started: float  # perf_counter just before the fork
    seconds: float  # from then until the exit was reaped
    peak_rss_mib: float
    stdout: str
    stderr: str


def timed_run(
    args: list[str], *, env: dict[str, str] | None = None, keep_stdout: bool = False, keep_stderr: bool = False
) -> Run:
    """Run to completion: wall time from just before the fork until the exit is reaped, and the
    child's own peak RSS (wait4 reports this child alone; RUSAGE_CHILDREN would mix in earlier ones)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            args, stdout=out if keep_stdout else subprocess.DEVNULL, stderr=err, cwd=ROOT, env=env or cli_env()
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} exited {process.returncode}: {stderr[-800:]}")
        return Run(started, elapsed, usage.ru_maxrss / 1024, stdout, stderr if keep_stderr else "")
