"""What "drawn" means in these benchmarks, the same for cqtui and the bare Textual peer.

Headless Textual composes every update but skips turning it into terminal output.
`TerminalPaint` puts that step back (so its cost counts, as on a real terminal) and
calls `painted()` after each update: the moment a terminal would have been given
the new screen. Bench-only: it overrides Textual's private `App._display`.
"""

from __future__ import annotations

import time


class TerminalPaint:
    """Mix in before textual.app.App."""

    def _display(self, screen, renderable) -> None:
        super()._display(screen, renderable)  # type: ignore[misc]
        if renderable is None:
            return
        if self.is_headless:  # type: ignore[attr-defined]
            renderable.render_segments(self.console)  # type: ignore[attr-defined]
        self.painted(time.perf_counter())

    def painted(self, at: float) -> None:
        """Called after each screen update went out."""


def rows_ready(table, rows: int) -> bool:
    """True once `table` holds `rows` rows ready to draw, so the next update draws them.

    A DataTable measures new rows later, when idle (a private flag says whether it has
    yet); any other widget draws what it holds. Duck-typed: importing DataTable here
    would charge its import (~35 ms) to an app that never uses it.
    """
    if hasattr(table, "_require_update_dimensions"):
        return table.row_count == rows and not table._require_update_dimensions
    return True
