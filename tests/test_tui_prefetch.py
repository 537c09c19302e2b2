"""Page 1 made in a forked child while Textual loads (cqtui/tui/prefetch.py).

The child is only forked from a process with no other thread, which a pytest process
with an emulator thread is not: each test runs a small script in a fresh interpreter,
as `cqtui` itself starts, against the emulator in this process.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys

import pytest

from cqtui.ci.errors import ConfigError, CqtuiError, ResponseFormatError, ServiceError, TransportError
from cqtui.ci.kinds import PIC
from cqtui.ci.models import ListQuery
from cqtui.ci.timing import Timeouts
from cqtui.profiles.errors import CommentsWouldBeLost, ConfigSyntaxError, NoProfileError
from cqtui.tui.launch import demo_profile
from cqtui.tui.prefetch import FirstPage, may_fork

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the forked child is used on Linux only")
with_two_cpus = pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="the child is forked with 2+ CPUs only")

# Prints one JSON line: how the page came, and what came.
SCRIPT = """
import asyncio, json, sys, threading
from cqtui.ci.kinds import PIC
from cqtui.ci.models import ListQuery
from cqtui.ci.timing import Timeouts
from cqtui.tui.launch import demo_profile
from cqtui.tui.prefetch import FirstPage

url, size, cancel_after = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
first = FirstPage(demo_profile(url), PIC, ListQuery(page_size=size), Timeouts(read=30, total=60))

async def main():
    report = {"in_child": first.in_child}
    task = asyncio.ensure_future(first.page())
    if cancel_after:
        await asyncio.sleep(cancel_after)
        task.cancel()
    try:
        page = await task
        report.update(names=[queue.name for queue in page.items], total=page.total_count, seconds=first.seconds)
    except asyncio.CancelledError:
        report["cancelled"] = True
    except Exception as error:
        report.update(error=type(error).__name__, words=str(error), attrs=getattr(error, "__dict__", {}))
    # The thread that waits for the child ends once the child is gone (and reaped).
    waiting = [thread for thread in threading.enumerate() if thread.name == "cqtui-first-page"]
    for thread in waiting:
        thread.join(timeout=10)
    report["child_gone"] = not any(thread.is_alive() for thread in waiting)
    print(json.dumps(report))

asyncio.run(main())
"""


def first_page_in_a_fresh_process(url: str, *, size: int = 10, cancel_after: float = 0, cpus: int = 2) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, url, str(size), str(cancel_after)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
        preexec_fn=lambda: os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:cpus]),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@with_two_cpus
def test_page_one_comes_from_a_forked_child(emulator):
    report = first_page_in_a_fresh_process(emulator.base_url, size=7)
    assert report["in_child"] is True
    assert report["names"] == [queue.name for queue in emulator.queues[:7]]
    assert report["total"] == len(emulator.queues)
    assert report["seconds"] > 0  # the request's own latency, measured in the child
    assert report["child_gone"]
    assert [request.params for request in emulator.requests] == [{"pageNumber": "1", "pageSize": "7"}]


@with_two_cpus
def test_a_service_error_in_the_child_arrives_whole(emulator):
    emulator.set_fault("access_denied")
    report = first_page_in_a_fresh_process(emulator.base_url)
    assert report["in_child"] is True
    assert report["error"] == "ServiceError"
    assert report["attrs"]["code"] == "AccessDenied" and report["attrs"]["http_status"] == 403
    assert report["attrs"]["request_id"]  # what a user quotes to support
    assert report["child_gone"]


@with_two_cpus
def test_a_network_error_in_the_child_arrives_as_a_transport_error(emulator):
    emulator.set_fault("connection_reset", times=3)  # every attempt
    report = first_page_in_a_fresh_process(emulator.base_url)
    assert report["error"] == "TransportError", report
    assert report["attrs"]["kind"] in ("ReadError", "ProtocolError", "ConnectError")


@with_two_cpus
def test_a_cancelled_first_page_stops_its_child(emulator):
    """A key pressed before page 1 arrived, or quitting: the child must not live on."""
    emulator.latency_ms = 30_000
    report = first_page_in_a_fresh_process(emulator.base_url, cancel_after=0.5)
    assert report == {"in_child": True, "cancelled": True, "child_gone": True}


def test_with_one_cpu_page_one_comes_from_a_thread(emulator):
    """On one CPU a child only competes with Textual's import, and costs more than a thread."""
    report = first_page_in_a_fresh_process(emulator.base_url, size=3, cpus=1)
    assert report["in_child"] is False
    assert report["names"] == [queue.name for queue in emulator.queues[:3]]


def test_with_other_threads_running_page_one_comes_from_a_thread(emulator):
    assert not may_fork()  # the emulator serves from a thread of this process
    first = FirstPage(demo_profile(emulator.base_url), PIC, ListQuery(page_size=3), Timeouts())
    assert first.in_child is False


@pytest.mark.parametrize(
    "error",
    [
        ServiceError("SlowDown", "Please reduce", http_status=503, request_id="NjE=", server_date="Mon"),
        ResponseFormatError("MalformedXML", "cut short", http_status=200, excerpt="<Resp"),
        TransportError("ReadTimeout", "no answer in 15 s"),
        ConfigError("not a URL", path="/etc/cqtui.toml", line=3, key="endpoint"),
        ConfigSyntaxError("bad value", path="c.toml", line=2, column=9),
        CommentsWouldBeLost("c.toml", 2),
        NoProfileError("no profile"),
        CqtuiError("plain"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_every_error_kind_survives_pickling(error):
    """Errors cross from the child pickled: kind, words and every attribute must arrive."""
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert (str(copy), copy.args, copy.__dict__) == (str(error), error.args, error.__dict__)


async def test_when_fork_fails_a_thread_makes_the_request(emulator, monkeypatch):
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")  # what EAGAIN from fork() raises

    monkeypatch.setattr(os, "fork", no_fork)
    first = FirstPage(demo_profile(emulator.base_url), PIC, ListQuery(page_size=4), Timeouts(), in_child=True)
    assert first.in_child is False
    page = await first.page()
    assert [queue.name for queue in page.items] == [queue.name for queue in emulator.queues[:4]]
