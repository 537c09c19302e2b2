"""How the app reports its own crash: a traceback without local variables.

Textual renders a fatal error with every frame's locals; a local can be a
secret (the signer's `secret_key`, a profile form's values). Fetches run in
workers and never get here, but a bug elsewhere must not print a key.
"""

from __future__ import annotations

from textual.app import App


class NoLocalsOnCrash(App):
    def _fatal_error(self) -> None:  # overrides Textual 8.2.8's, which sets show_locals=True
        # Imported here: rich.traceback is ~16 ms of every start, needed only on a crash.
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()
