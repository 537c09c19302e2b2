"""The error panel: what failed, the ids support asks for, and a hint. The data above it stays.

It takes focus when a new error appears, so `Y` copies the RequestId and `y`
shows the answer's excerpt; `escape` hides it and gives focus back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget

from cqtui.ci.errors import ConfigError, CqtuiError, ResponseFormatError, ServiceError, TransportError
from cqtui.ci.hints import hint_for
from cqtui.safetext import visible

if TYPE_CHECKING:
    from textual import getters

    from cqtui.tui.app import CqtuiApp
    from cqtui.tui.screens.base import CqtuiScreen

EXCERPT_CHARS = 240


def _field(label: str, value: str) -> Text:
    return Text.assemble((f"{label}: ", "bold"), visible(value) if value else "—")


def error_lines(error: CqtuiError) -> list[Text]:
    """The panel's lines for any error cqtui reports."""
    if isinstance(error, ServiceError):
        status = f"HTTP {error.http_status}" if error.http_status is not None else "no HTTP status"
        lines = [
            Text.assemble(("✖ ", "bold"), (visible(error.code) or "Error", "bold"), f" · {status}"),
            _field("Message", error.message),
            _field("RequestId", error.request_id),
            _field("TraceId", error.trace_id),
        ]
        # The server's time matters only for clock skew, and the hint says it there.
        if isinstance(error, ResponseFormatError) and error.excerpt:
            lines.append(_field("Answer starts", error.excerpt[:EXCERPT_CHARS]))
    elif isinstance(error, TransportError):
        lines = [
            Text.assemble(("✖ Network problem", "bold"), f" · {visible(error.kind)}"),
            _field("Detail", error.detail),
        ]
    elif isinstance(error, ConfigError):
        lines = [Text("✖ Configuration problem", style="bold"), Text(visible(str(error)))]
    else:
        lines = [Text(f"✖ {type(error).__name__}", style="bold"), Text(visible(str(error)))]
    hint = hint_for(error)
    if hint:
        lines.append(Text.assemble(("Hint: ", "bold"), hint))
    return lines


def _whole_answer(error: CqtuiError | None) -> tuple[str, str]:
    """What `y` shows: the server's whole message when the panel shows it cut, else the answer's start."""
    if not isinstance(error, ServiceError):
        return "", ""
    if error.full_message != error.message:
        return "The server's whole message", error.full_message
    return "Start of the server's answer", error.excerpt


class ErrorPanel(Widget, can_focus=True):
    BINDINGS = [
        Binding("Y", "copy_request_id", "Copy RequestId", id="copy_id"),
        Binding("y", "show_excerpt", "Show answer", id="raw_xml"),
        Binding("escape", "dismiss", "Hide error", id="back"),
    ]

    if TYPE_CHECKING:  # what the type checker knows of where the panel lives (base.py composes it)
        app = getters.app(CqtuiApp)

        @property
        def screen(self) -> CqtuiScreen: ...

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.error: CqtuiError | None = None
        self._dismissed: CqtuiError | None = None

    def show(self, error: CqtuiError | None) -> bool:
        """Show `error` (None hides the panel). True when it is a new error the user hasn't seen here."""
        is_new = error is not None and error is not self.error
        shown = error is not None and error is not self._dismissed
        if error is not self.error or shown != self.display:  # unchanged: no relayout on every page
            self.error = error
            self.display = shown
            self.refresh(layout=True)
        return is_new

    def render(self) -> Text:
        if self.error is None:
            return Text("")
        lines = error_lines(self.error)
        lines.append(Text(self._keys_line(), style="dim"))
        return Text("\n").join(lines)

    def _keys_line(self) -> str:
        if not self.has_focus:
            return "r retry · tab: focus this panel"
        keys = ["r retry"]
        if self.check_action("copy_request_id", ()):
            keys.append("Y copy RequestId")
        if self.check_action("show_excerpt", ()):
            keys.append("y answer")
        keys.append("esc hide")
        return " · ".join(keys)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy_request_id":
            return isinstance(self.error, ServiceError) and bool(self.error.request_id) or None
        if action == "show_excerpt":
            return bool(_whole_answer(self.error)[1]) or None
        return True

    def action_copy_request_id(self) -> None:
        if isinstance(self.error, ServiceError) and self.error.request_id:
            self.app.copy_to_clipboard(self.error.request_id, "RequestId")

    def action_show_excerpt(self) -> None:
        title, text = _whole_answer(self.error)
        if text:
            self.app.show_raw(title, text)

    def action_dismiss(self) -> None:
        self._dismissed = self.error
        self.display = False
        self.screen.focus_main()
