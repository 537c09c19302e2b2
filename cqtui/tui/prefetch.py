"""Page 1, fetched while Textual is still being imported.

Importing Textual and composing the first screen take ~200 ms, and the first request
needs no UI: `cqtui` starts it first, and the app draws the answer as soon as it
mounts. The request goes through the stdlib one-shot client (signing, parsing,
retries and limits shared with the async client): httpx is loaded only later, for
the requests after the first.

On Linux with two CPUs or more, while the process has no other thread yet, the
request runs in a forked child that sends the page back pickled through a pipe: its
imports (HTTP, signing, XML: ~15 ms) and its work then use another core instead of
delaying Textual's import, which a thread would (the GIL). The kernel kills the child
when cqtui ends, however it ends (PR_SET_PDEATHSIG). Elsewhere a thread makes it.
Imports no Textual, nor anything the request alone needs.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from concurrent.futures import Future

from cqtui.ci.errors import CqtuiError
from cqtui.ci.kinds import Kind
from cqtui.ci.models import ListQuery, Page
from cqtui.ci.timing import Timeouts
from cqtui.profiles.model import ResolvedProfile

# typing.TYPE_CHECKING without importing typing; type checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

# A page or an error, and the request's own seconds: what the child sends back.
Outcome = tuple[Page | BaseException, float]
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def fetch(profile: ResolvedProfile, kind: Kind, query: ListQuery, timeouts: Timeouts) -> Outcome:
    """Make the request here and now; an error is returned, not raised."""
    from cqtui.ci.oneshot import oneshot_client_for

    try:
        with oneshot_client_for(profile, timeouts=timeouts) as client:
            page = client.list(kind, profile.where, query)
            return page, client.last_latency or 0.0
    except Exception as error:  # the app shows it like any failed fetch
        return error, 0.0


def may_fork() -> bool:
    """A child is worth it with a second CPU to run on (on one, forking and copy-on-write
    cost more than a thread: bench/README.md), and safe while no other thread could
    hold a lock the child would need. Linux only: macOS's system libraries are not
    safe to use in a forked child."""
    return sys.platform == "linux" and len(os.sched_getaffinity(0)) > 1 and threading.active_count() == 1


class FirstPage:
    """The answer to `query` for `kind`, on its way from the moment this object exists."""

    def __init__(
        self,
        profile: ResolvedProfile,
        kind: Kind,
        query: ListQuery,
        timeouts: Timeouts,
        *,
        in_child: bool | None = None,
    ) -> None:
        """`in_child`: make the request in a forked child (default: where `may_fork()`)."""
        self.kind = kind
        self.query = query
        self.seconds = 0.0  # how long the request took, once answered
        self.in_child = may_fork() if in_child is None else in_child
        self._answer: Future[Page] = Future()
        self._child_pid: int | None = None
        self._child_lock = threading.Lock()
        target: Callable[..., None] = self._fetch_here
        args: tuple[object, ...] = (profile, timeouts)
        if self.in_child:
            try:
                target, args = self._receive, (self._start_child(profile, timeouts),)
            except OSError:  # no process or pipe to spare: a thread will do
                self.in_child = False
        threading.Thread(target=target, args=args, name="cqtui-first-page", daemon=True).start()

    async def page(self) -> Page:
        import asyncio  # loaded by Textual by the time the app awaits this

        try:
            return await asyncio.wrap_future(self._answer)
        except asyncio.CancelledError:  # a key asked for another page, or the app is closing
            self._stop_child()
            raise

    # -- in a thread of this process -------------------------------------------

    def _fetch_here(self, profile: ResolvedProfile, timeouts: Timeouts) -> None:
        if self._answer.set_running_or_notify_cancel():
            self._settle(fetch(profile, self.kind, self.query, timeouts))

    # -- in a forked child -------------------------------------------------------

    def _start_child(self, profile: ResolvedProfile, timeouts: Timeouts) -> int:
        """Fork; the child makes the request and exits. Returns the pipe's read end."""
        read_end, write_end = os.pipe()
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            raise
        if pid == 0:
            os.close(read_end)
            _answer_from_child(write_end, parent, profile, self.kind, self.query, timeouts)  # never returns
        os.close(write_end)
        self._child_pid = pid
        return read_end

    def _receive(self, read_end: int) -> None:
        """Wait for the child's answer (the GIL is released while reading), then reap it."""
        with open(read_end, "rb") as pipe:
            data = pipe.read()
        with self._child_lock:
            if self._child_pid is not None:  # set by _start_child before this thread started
                os.waitpid(self._child_pid, 0)
            self._child_pid = None
        if not self._answer.set_running_or_notify_cancel():
            return  # the app no longer waits for it
        try:
            outcome = pickle.loads(data)  # our own child's bytes; server strings are mere values in it
        except Exception:  # noqa: BLE001 - a child killed mid-write; EOF at once
            outcome = (CqtuiError("the first request ended without an answer"), 0.0)
        self._settle(outcome)

    def _stop_child(self) -> None:
        with self._child_lock:
            if self._child_pid is not None:
                os.kill(self._child_pid, signal.SIGKILL)  # nothing to clean up: it only reads

    def _settle(self, outcome: Outcome) -> None:
        answer, self.seconds = outcome
        if isinstance(answer, BaseException):
            self._answer.set_exception(answer)
        else:
            self._answer.set_result(answer)


def _answer_from_child(
    write_end: int, parent: int, profile: ResolvedProfile, kind: Kind, query: ListQuery, timeouts: Timeouts
) -> None:
    """The forked child's whole life: request, send the outcome, exit without the parent's clean-up."""
    try:
        _die_with(parent)
        outcome = fetch(profile, kind, query, timeouts)
        try:
            data = pickle.dumps(outcome)
        except Exception as problem:  # noqa: BLE001 - an error that cannot travel: send its words
            data = pickle.dumps((CqtuiError(f"{type(outcome[0]).__name__}: {outcome[0]} ({problem})"), 0.0))
        with open(write_end, "wb") as pipe:
            pipe.write(data)
    finally:  # also after Ctrl-C or a closed pipe: never return into the parent's code
        os._exit(0)


def _die_with(parent: int) -> None:
    """Have the kernel kill this child when `parent` ends, however it ends.

    The parent's own clean-up (a cancelled first page kills the child) runs only when
    the app ends normally; SIGKILL, a crash, or SIGTERM while Textual is still being
    imported (before tui/driver.py handles it) would leave the child waiting for its
    answer, a process with PPID 1. The death signal is sent when the forking thread
    ends: the main thread, the only one when the child is forked (may_fork()).
    """
    import ctypes  # here: only the child pays for it, on its own CPU

    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent was gone before prctl: no signal will come
        os._exit(0)
