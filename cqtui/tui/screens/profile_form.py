"""Add or edit a profile: validated as you type, secrets masked, test connection, safe save."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.events import DescendantFocus
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Static
from textual.worker import Worker, WorkerState

from cqtui.ci.credentials import Credentials
from cqtui.ci.errors import ConfigError, CqtuiError
from cqtui.ci.hints import hint_for
from cqtui.ci.oneshot import oneshot_client_for
from cqtui.ci.probe import ProbeResult, probe
from cqtui.ci.timing import Timeouts
from cqtui.profiles import document, store
from cqtui.profiles.model import DEFAULT_PAGE_SIZE, ResolvedProfile
from cqtui.profiles.resolve import network_of
from cqtui.profiles.sources import run_secret_key_command
from cqtui.safetext import visible, visible_url
from cqtui.tui.config_writes import write_config
from cqtui.tui.profile_fields import (
    FORM_FIELDS,
    SECRET_KEYS,
    changed_meanwhile,
    file_changes,
    form_problems,
    merged,
    placeholder,
)
from cqtui.tui.screens.confirm import ConfirmDialog
from cqtui.tui.widgets.secret_input import SecretInput

TEST_GROUP = "test-connection"


class StateCheckbox(Checkbox):
    """A checkbox whose mark is X or blank, not only a colour (NO_COLOR, screen readers)."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 - Checkbox reads this class string per render
        return "X" if self.value else " "


FIRST_RUN_INTRO = "No profile yet: fill this in; ctrl+s saves it and opens the queue list."


class ChangedMeanwhile(ConfigError):
    """Fields the form would save were changed in the file since the form opened; nothing was written."""

    def __init__(self, fields: list[str], now: dict[str, Any]) -> None:
        super().__init__(f"changed in the file meanwhile: {', '.join(fields)}")
        self.fields = fields
        self.now = now  # the profile as the file has it (secrets included: never shown)


class ProfileForm(Screen[str | None]):
    """Dismisses with the saved profile's name, or None when cancelled.

    Raises ConfigError when the file cannot be read (a broken file is never edited).
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save_profile"),
        Binding("ctrl+t", "test_connection", "Test", id="test_connection"),
        Binding("ctrl+r", "reveal", "Reveal secrets", id="reveal_secrets"),
        Binding("escape", "cancel", "Cancel", id="back"),
        # Priority: before a field takes it as "copy". Asks first when the form has changes.
        Binding("ctrl+c", "quit_app", "Quit", show=False, priority=True),
        # Priority: the app moves the focus before it hands on the next key. Without it, keys
        # arriving in one burst (a laggy SSH link, a paste) after tab land in the field left.
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
    ]

    def __init__(
        self, path: Path, name: str | None = None, *, first_run: bool = False, timeouts: Timeouts = Timeouts()
    ) -> None:
        super().__init__()
        self._path = path
        self._timeouts = timeouts
        self._editing = name
        self._first_run = first_run
        config = store.read_config(path)
        data = config.data if config is not None else {}
        profiles = document.profiles_table(data, config)
        self._taken = set(profiles)
        self._default = document.default_name(data, config)
        # The profile as stored when the form opened (secrets included: used for "keep" and the
        # test, never shown). Saving writes only what the user changed from it.
        self._stored: dict[str, Any] | None = dict(profiles.get(name, {})) if name else None
        self._was_default = name is not None and name == self._default
        self._revealed = False
        # Problems show for fields typed in, and for all after a save or test attempt:
        # a fresh form is not a wall of red.
        self._touched: set[str] = set()
        self._show_all = False
        self._unchanged: dict[str, object] = {}  # what each field and the checkbox held when shown

    # -- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        if self._editing:
            title = f"Edit profile {visible(self._editing)}"
        else:
            title = "Welcome to cqtui: create your first profile" if self._first_run else "Add a profile"
        yield Static(Text(f"{title}  ·  {visible(str(self._path))}", no_wrap=True, overflow="ellipsis"), id="context")
        with VerticalScroll(id="form"):
            if self._first_run:
                yield Static(Text(FIRST_RUN_INTRO), id="form-intro")
            for field in FORM_FIELDS:
                with Horizontal(classes="field-row"):
                    yield Label(field.label, classes="field-label", markup=False)
                    yield (SecretInput if field.secret else Input)(
                        value=self._initial(field.key),
                        placeholder=placeholder(field, self._stored),
                        password=field.secret,
                        disabled=field.key == "name" and self._editing is not None,
                        select_on_focus=False,  # tab puts the cursor at the end (on_descendant_focus)
                        id=f"field-{field.key}",
                    )
                yield Static("", id=f"problem-{field.key}", classes="problem")
            yield self._default_checkbox()
            with Horizontal(id="form-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Test connection", id="test", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        # Outside the scroll: a test's answer or a save problem is seen wherever the focus is.
        yield Static("", id="form-result")
        yield Footer()

    def _default_checkbox(self) -> StateCheckbox:
        if self._editing is not None and self._editing == self._default:
            # Unsetting it would leave no default; making another one the default moves it.
            return StateCheckbox("This is the default profile", value=True, disabled=True, id="default", compact=True)
        first = self._editing is None and self._default is None
        return StateCheckbox("Make this the default profile", value=first, id="default", compact=True)

    def _initial(self, key: str) -> str:
        if key == "name":
            return visible(self._editing or "")
        if key in ("secret_key", "token") or self._stored is None:
            return ""  # never put a stored secret on screen, even masked
        value = self._stored.get(key)
        if value is None:
            return ""
        return visible_url(str(value)) if key == "endpoint" else visible(str(value))

    def on_mount(self) -> None:
        self._validate()
        self.query_one("#form-result").display = False
        self._unchanged = self._values()
        next(field for field in self.query(Input) if not field.disabled).focus()

    def _values(self) -> dict[str, object]:
        values: dict[str, object] = {
            field.key: self.query_one(f"#field-{field.key}", Input).value for field in FORM_FIELDS
        }
        return {**values, "default": self.query_one("#default", Checkbox).value}

    def has_unsaved_changes(self) -> bool:
        """True when a field or the checkbox differs from what the form showed (or last reset to)."""
        return self.is_mounted and self._values() != self._unchanged

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        if isinstance(event.widget, Input):
            event.widget.cursor_position = len(event.widget.value)  # to add to the value, not replace it

    # -- validation as you type ----------------------------------------------------

    def texts(self) -> dict[str, str]:
        """What each field holds. A field still as pre-filled stands for the stored value
        itself: pre-filled text is made visible, so a stored tab would come back as `\\x09`
        (and an endpoint's password is shown as `***`)."""
        texts = {field.key: self.query_one(f"#field-{field.key}", Input).value for field in FORM_FIELDS}
        for key, text in texts.items():
            stored = (self._stored or {}).get(key)
            if stored is not None and key != "name" and text and text == self._initial(key):
                texts[key] = str(stored)
        return texts

    def _validate(self) -> dict[str, str]:
        problems = form_problems(self.texts(), stored=self._stored, taken_names=self._taken)
        for field in FORM_FIELDS:
            shown = self.query_one(f"#problem-{field.key}", Static)
            shown.update(Text(visible(problems.get(field.key, ""))))
            shown.display = field.key in problems and (self._show_all or field.key in self._touched)
        self.query_one("#save", Button).disabled = bool(problems)
        return problems

    def on_input_changed(self, event: Input.Changed) -> None:
        self._touched.add((event.input.id or "").removeprefix("field-"))
        self._validate()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()  # enter moves on, as in most forms; saving is ctrl+s

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"save": self.action_save, "test": self.action_test_connection, "cancel": self.action_cancel}
        actions[event.button.id or "cancel"]()

    def _say(self, message: str | Text) -> None:
        result = self.query_one("#form-result", Static)
        result.update(message if isinstance(message, Text) else Text(message))
        result.display = bool(str(message))

    # -- actions -------------------------------------------------------------------

    def action_reveal(self) -> None:
        self._revealed = not self._revealed
        for field in FORM_FIELDS:
            if field.secret:
                self.query_one(f"#field-{field.key}", Input).password = not self._revealed
        self.notify("Secrets shown (ctrl+r hides them)" if self._revealed else "Secrets hidden", markup=False)

    CANCEL_QUESTION = "Discard the changes made in this form?"

    def action_cancel(self) -> None:
        self._after_asking(self.CANCEL_QUESTION, lambda: self.dismiss(None))

    def action_quit_app(self) -> None:
        self._after_asking("Quit cqtui? The changes made in this form are not saved.", self.app.exit)

    def _after_asking(self, question: str, leave: Callable[[], object]) -> None:
        """`leave` at once when nothing changed, else after a yes to `question`."""
        if not self.has_unsaved_changes():
            leave()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                leave()

        self.app.push_screen(ConfirmDialog(question), answered)

    def action_save(self) -> None:
        self._show_all = True
        if self._validate():
            self._say("Not saved: fix the fields marked in red first.")
            return
        texts = self.texts()
        name = self._editing or texts["name"].strip()
        changes = file_changes(texts, stored=self._stored)
        make_default = self.query_one("#default", Checkbox).value

        def change(data: dict[str, Any]) -> None:  # under the file's lock, on the file as it is now
            if self._editing:
                now = document.require_profile(data, name)
                clashes = changed_meanwhile(changes, opened=self._stored or {}, now=now)
                if clashes:
                    raise ChangedMeanwhile(clashes, dict(now))
                document.update_profile(data, name, changes)
                if make_default and not self._was_default:
                    document.set_default(data, name)
            else:
                document.add_profile(data, name, changes, make_default=make_default)

        def done(problem: ConfigError | None) -> None:
            if problem is None:
                self.dismiss(name)
            elif isinstance(problem, ChangedMeanwhile):
                self._rebase(problem)
            else:
                self._say(Text.assemble(("Not saved: ", "bold"), visible(str(problem))))

        write_config(self.app, self._path, change, done)

    def _rebase(self, meanwhile: ChangedMeanwhile) -> None:
        """Edit the profile as the file now has it: the fields the user left show the file's
        values, the changed ones keep the user's text. Saving again writes those over the file's."""
        changed = file_changes(self.texts(), stored=self._stored)
        self._stored = meanwhile.now
        for field in FORM_FIELDS:
            shown = self.query_one(f"#field-{field.key}", Input)
            shown.placeholder = placeholder(field, self._stored)
            if field.key not in changed and field.key != "name" and not field.secret:
                shown.value = self._unchanged[field.key] = self._initial(field.key)
        now = ", ".join(f"{key} (now {_stored_text(key, meanwhile.now.get(key))})" for key in meanwhile.fields)
        self._say(
            Text.assemble(
                ("Not saved: ", "bold"),
                f"changed in the file since this form opened: {now}. The form now shows the file's other "
                "values and keeps your changes: ctrl+s writes yours over the file's, escape keeps the file's.",
            )
        )

    def action_test_connection(self) -> None:
        self._show_all = True
        problems = {key: text for key, text in self._validate().items() if key != "name"}
        if problems:
            self._say("Not tested: fix the fields marked in red first.")
            return
        self._say("Testing: one signed list call…")
        self.run_worker(self._test(self.texts()), group=TEST_GROUP, exclusive=True, exit_on_error=False)

    async def _test(self, texts: dict[str, str]) -> None:
        try:
            result = await asyncio.to_thread(self._probe, texts)
        except CqtuiError as error:
            self._say(_failure_text(error))
            return
        latency = round(result.latency * 1000)
        self._say(
            Text.assemble(
                ("Connected. ", "bold"),
                f"{result.count_text} · {latency} ms · RequestId {result.request_id or '-'}",
            )
        )

    def _probe(self, texts: dict[str, str]) -> ProbeResult:
        """One signed list call with what the form holds (off the event loop: a key command may run)."""
        profile = self._profile_from(texts)
        with oneshot_client_for(profile, timeouts=self._timeouts) as client:
            return probe(client, profile.where)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == TEST_GROUP and event.state == WorkerState.ERROR:
            # A bug, not a service answer: say so instead of "Testing…" forever.
            self._say(Text.assemble(("Test failed unexpectedly: ", "bold"), type(event.worker.error).__name__))

    def _profile_from(self, texts: dict[str, str]) -> ResolvedProfile:
        """The profile as it would be saved; runs the key command if that is where the key is."""
        table = merged(self._stored, file_changes(texts, stored=self._stored))
        secret_key = table.get("secret_key", "")
        if not secret_key and table.get("secret_key_command"):
            secret_key = run_secret_key_command(table["secret_key_command"])
        return ResolvedProfile(
            name=self._editing or texts["name"].strip() or "new",
            region=table["region"],
            bucket=table["bucket"],
            credentials=Credentials(table.get("secret_id", ""), secret_key, table.get("token", "")),
            endpoint=table.get("endpoint", "").rstrip("/"),
            page_size=table.get("page_size", DEFAULT_PAGE_SIZE),
            network=network_of(table, os.environ),  # the proxy and CAs the saved profile would use
        )


def _stored_text(key: str, value: object) -> str:
    """A value from the file for a message: quoted and made visible (an endpoint's password hidden);
    a secret is never shown."""
    if value is None:
        return "removed"
    if key in SECRET_KEYS:
        return "another one"
    return repr(visible_url(str(value)) if key == "endpoint" else visible(str(value)))


def _failure_text(error: CqtuiError) -> Text:
    # ServiceError's str already names code, message, HTTP status and RequestId.
    hint = hint_for(error)
    return Text.assemble(("Failed: ", "bold"), visible(str(error)), f"\n{hint}" if hint else "")
