"""Textual 8.2.8's Linux/macOS driver, made to leave the terminal as it found it whatever ends the app.

Two things the stock LinuxDriver does not do:

- SIGTERM and SIGHUP end the app the normal way (exit code 128 + signal), so the
  driver's own clean-up restores the terminal: cooked mode and echo, the main
  screen, the cursor, mouse reporting off. By default either signal kills the
  process at once and leaves the terminal raw, on the alternate screen, with the
  mouse reporting. A SIGHUP ignored when cqtui started (`nohup cqtui`) stays ignored.
- End of input ends the app. LinuxDriver.run_input_thread reads `b""` at EOF
  (a terminal that hung up while SIGHUP is ignored, stdin at its end), leaves its
  inner loop, and selects again: the descriptor is still readable, so the thread
  spins at 100% CPU forever. `run_input_thread` below is Textual's loop with that
  one difference (and EIO, what some terminals give instead, treated as EOF).
"""

from __future__ import annotations

import asyncio
import os
import selectors
import signal
from codecs import getincrementaldecoder
from typing import TYPE_CHECKING

from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

if TYPE_CHECKING:
    from textual.app import App

# Signal N ends the app with 128 + N, the code a shell reports for a process N killed;
# a terminal that is gone ends it as its hang-up would.
EXIT_HANGUP = 128 + signal.SIGHUP


class CqtuiDriver(LinuxDriver):
    def __init__(
        self, app: App, *, debug: bool = False, mouse: bool = True, size: tuple[int, int] | None = None
    ) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self._loop = asyncio.get_running_loop()  # drivers are made by the running app
        self._signals: list[int] = []

    # -- signals: handled while the terminal is in application mode ---------------------------

    def start_application_mode(self) -> None:
        super().start_application_mode()
        for signum in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(signum) is not signal.SIG_IGN:
                self._loop.add_signal_handler(signum, self._end_app, 128 + signum)
                self._signals.append(signum)

    def stop_application_mode(self) -> None:
        # The handlers go first: once the terminal is restored (at exit, or stopped by ctrl+z)
        # the signals may act as they always do.
        while self._signals:
            self._loop.remove_signal_handler(self._signals.pop())
        super().stop_application_mode()

    def _end_app(self, exit_code: int) -> None:
        self._app.exit(return_code=exit_code)

    # -- input ----------------------------------------------------------------------------

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events, as LinuxDriver does, until the app stops or input ends."""
        selector = selectors.SelectSelector()  # as Textual: macOS cannot poll a tty
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        try:
            while not self.exit_event.is_set():
                if selector.select(0.1):
                    try:
                        data = os.read(self.fileno, 4096)
                    except OSError:
                        data = b""
                    if not data:  # the terminal is gone (or stdin ended): nobody can use the app
                        self._loop.call_soon_threadsafe(self._end_app, EXIT_HANGUP)
                        return
                    for event in parser.feed(decode(data)):
                        self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()
