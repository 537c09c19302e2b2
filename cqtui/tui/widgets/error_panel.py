"""The error panel: what failed, the ids support asks for, and a hint. The data above it stays.

It takes focus when an error appears on the screen on top (and when a screen it appeared on
comes back on top), so `Y` copies the error's RequestId, `y` shows the error's own answer and
`r` asks again; `escape` hides it and gives focus back.
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


def retryable(error: CqtuiError | None) -> bool:
    """Asking again may help: anything but a bad setting (a profile that would not resolve)."""
    return error is not None and not isinstance(error, ConfigError)


def answer_of(error: CqtuiError | None) -> str:
    """What the server answered to the failed request (its body, else the excerpt kept), or ""."""
    if isinstance(error, ServiceError):
        return error.answer or error.excerpt
    return ""


class ErrorPanel(Widget, can_focus=True):
    """While it has focus its keys are about the error, whatever the screen's keys are: `y` and `Y`
    never fall through to the page or queue behind it, even when the error has nothing to show."""

    BINDINGS = [
        Binding("Y", "copy_request_id", "Copy RequestId", show=False, id="copy_id"),
        Binding("y", "show_answer", "Show answer", show=False, id="raw_xml"),
        Binding("r", "retry", "Retry", tooltip="ask again for what failed", id="refresh"),
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
        self._focused_for: CqtuiError | None = None

    def show(self, error: CqtuiError | None) -> bool:
        """Show `error` (None hides the panel). True while it is shown and has not had the focus
        yet on this screen: the screen gives it the focus when it is the one on top."""
        shown = error is not None and error is not self._dismissed
        if error is not self.error or shown != self.display:  # unchanged: no relayout on every page
            self.error = error
            self.display = shown
            self.refresh(layout=True)
        return shown and error is not self._focused_for

    def render(self) -> Text:
        if self.error is None:
            return Text("")
        lines = error_lines(self.error)
        lines.append(Text(self._keys_line(), style="dim"))
        return Text("\n").join(lines)

    def _key(self, binding_id: str) -> str | None:
        """The key that runs `binding_id` here now (remapped or not), or None when it does nothing."""
        for active in self.screen.active_bindings.values():
            if active.binding.id == binding_id and active.enabled:
                return self.app.get_key_display(active.binding)
        return None

    def _keys_line(self) -> str:
        retry = self._key("refresh") if retryable(self.error) else None
        if not self.has_focus:
            return " · ".join([*([f"{retry} retry"] if retry else []), "tab: focus this panel"])
        keys = [f"{retry} retry"] if retry else []
        if isinstance(self.error, ServiceError) and self.error.request_id:
            keys.append(f"{self._key('copy_id')} copy RequestId")
        if answer_of(self.error):
            keys.append(f"{self._key('raw_xml')} answer")
        keys.append(f"{self._key('back')} hide")
        return " · ".join(keys)

    def on_focus(self) -> None:
        self._focused_for = self.error
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return retryable(self.error) or None
        return True

    def action_copy_request_id(self) -> None:
        if isinstance(self.error, ServiceError) and self.error.request_id:
            self.app.copy_to_clipboard(self.error.request_id, "RequestId")
        else:
            self.notify("This error has no RequestId: no answer came from the service.", markup=False)

    def action_show_answer(self) -> None:
        answer = answer_of(self.error)
        if answer and isinstance(self.error, ServiceError):
            self.app.show_raw(f"Error answer · {visible(self.error.code)}", answer)
        else:
            self.notify("This error has no answer to show: none came, or it was not kept.", markup=False)

    def action_retry(self) -> None:
        self.screen.action_refresh()

    def action_dismiss(self) -> None:
        self._dismissed = self.error
        self.display = False
        self.screen.focus_main()
