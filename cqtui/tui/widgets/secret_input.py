"""An Input for secrets: while masked, its text never reaches the clipboard.

Textual's Input copies a selection on ctrl+c / ctrl+x even when `password` masks
it, and the copy travels through the terminal (OSC 52) to the system clipboard,
tmux buffers and their histories. Revealed (ctrl+r in the form), it copies as usual.
"""

from __future__ import annotations

from textual.widgets import Input


class SecretInput(Input):
    def action_copy(self) -> None:
        if not self.password:
            super().action_copy()

    def action_cut(self) -> None:
        if not self.password:
            super().action_cut()
