"""The fault matrix for `cqtui queues`: real child processes against in-process emulators.

Each row of reliability_matrix.ROWS gets its own emulator and its own
`python -m cqtui queues` process; the processes run a few at a time (most of
their time is retry backoff), then each row's outcome is checked by its own
test: the exit code, stderr naming the code, HTTP status and RequestId, no
traceback, nothing half-printed on stdout, the retries the server saw, a hang
guard and the child's own peak memory.
"""

from __future__ import annotations

import json
import re
import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from cqtui.emulator.data import demo_queues
from cqtui.emulator.server import Emulator
from reliability_helpers import HANG_GUARD_SECONDS, CliRun, cli_env, queues_args, run_cli
from reliability_matrix import ROWS, FaultRow, inject

PEAK_RSS_LIMIT = 200 * 1024 * 1024
REQUEST_ID = re.compile(r"RequestId [A-Za-z0-9+/=]{8,}")
FIRST_PAGE_IDS = [queue.queue_id for queue in demo_queues()[:10]]
ALL_IDS = [queue.queue_id for queue in demo_queues()]
STDERR_LIMIT = 4096  # whatever the server sent: a few capped lines
AT_ONCE = 10


@dataclass(frozen=True)
class Outcome:
    run: CliRun
    requests: int  # requests the row's emulator received


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the with ends: nothing listens there


def _run_row(row: FaultRow, config_folder) -> Outcome:
    with Emulator() as emulator:
        endpoint = f"http://127.0.0.1:{_closed_port()}" if row.refused else emulator.base_url
        inject(emulator, row)
        run = run_cli(*queues_args(endpoint, "-o", "json", *row.cli_args), env=cli_env(config_folder / "config.toml"))
        return Outcome(run, len(emulator.requests))


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, Outcome]:
    folder = tmp_path_factory.mktemp("matrix-cli")
    with ThreadPoolExecutor(AT_ONCE) as pool:
        futures = {row.id: pool.submit(_run_row, row, folder) for row in ROWS}
        return {row_id: future.result() for row_id, future in futures.items()}


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_cqtui_queues_under_fault(row: FaultRow, outcomes):
    run, requests = outcomes[row.id].run, outcomes[row.id].requests
    assert run.seconds < HANG_GUARD_SECONDS and run.returncode != -9, "hung"
    assert "Traceback" not in run.stderr, run.stderr
    assert run.peak_rss_bytes < PEAK_RSS_LIMIT, run.peak_rss_bytes
    assert len(run.stderr) < STDERR_LIMIT, run.stderr[:STDERR_LIMIT]
    if row.attempts is not None:
        assert requests == row.attempts
    expect = row.cli
    if expect.code is None:
        assert run.returncode == 0, run.stderr
        expected = ALL_IDS if "--all" in row.cli_args else FIRST_PAGE_IDS
        assert [queue["QueueId"] for queue in json.loads(run.stdout)["QueueList"]] == expected
        return
    assert run.returncode == 1, (run.returncode, run.stderr)
    assert run.stdout == "", "nothing half-printed for a script to mistake for data"
    assert expect.code in run.stderr, run.stderr
    if expect.status is not None:
        assert f"HTTP {expect.status}" in run.stderr, run.stderr
    if expect.request_id:
        assert REQUEST_ID.search(run.stderr), run.stderr
    assert "hint:" in run.stderr, "every failure in the matrix comes with a hint"
    assert "root:" not in run.stderr, "no file content leaks through an entity"
