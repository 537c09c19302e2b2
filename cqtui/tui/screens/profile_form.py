"""Add or edit a profile: validated as you type, secrets masked, test connection, safe save."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Static

from cqtui.ci.client import client_for
from cqtui.ci.credentials import Credentials
from cqtui.ci.errors import ConfigError, CqtuiError, ServiceError
from cqtui.ci.hints import hint_for
from cqtui.ci.models import ListQuery
from cqtui.profiles import document, store
from cqtui.profiles.model import DEFAULT_PAGE_SIZE, ResolvedProfile
from cqtui.profiles.sources import run_secret_key_command
from cqtui.safetext import visible
from cqtui.tui.config_writes import write_config
from cqtui.tui.profile_fields import FORM_FIELDS, KEEP_PLACEHOLDER, file_values, form_problems

TEST_GROUP = "test-connection"


class ProfileForm(Screen[str | None]):
    """Dismisses with the saved profile's name, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save_profile"),
        Binding("ctrl+t", "test_connection", "Test", id="test_connection"),
        Binding("ctrl+r", "reveal", "Reveal secrets", id="reveal_secrets"),
        Binding("escape", "cancel", "Cancel", id="back"),
    ]

    def __init__(self, path: Path, name: str | None = None, *, first_run: bool = False) -> None:
        super().__init__()
        self._path = path
        self._editing = name
        self._first_run = first_run
        config = store.read_config(path)
        data = config.data if config is not None else {}
        self._taken = set(document.profiles_table(data))
        self._existing: dict[str, Any] = dict(document.profiles_table(data).get(name, {})) if name else {}
        self._revealed = False
        # Problems show for fields typed in, and for all after a save or test attempt:
        # a fresh form is not a wall of red.
        self._touched: set[str] = set()
        self._show_all = False

    # -- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        if self._editing:
            title = f"Edit profile {visible(self._editing)}"
        else:
            title = "Welcome to cqtui: create your first profile" if self._first_run else "Add a profile"
        yield Static(Text(f"{title}  ·  {visible(str(self._path))}", no_wrap=True, overflow="ellipsis"), id="context")
        with VerticalScroll(id="form"):
            for field in FORM_FIELDS:
                yield Label(field.label, classes="field-label", markup=False)
                yield Input(
                    value=self._initial(field.key),
                    placeholder=KEEP_PLACEHOLDER if self._editing and field.secret else field.placeholder,
                    password=field.secret,
                    disabled=field.key == "name" and self._editing is not None,
                    id=f"field-{field.key}",
                )
                yield Static("", id=f"problem-{field.key}", classes="problem")
            yield Checkbox("Make this the default profile", value=not self._taken, id="default")
            with Horizontal(id="form-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Test connection", id="test")
                yield Button("Cancel", id="cancel")
            yield Static("", id="form-result")
        yield Footer()

    def _initial(self, key: str) -> str:
        if key == "name":
            return self._editing or ""
        if key == "secret_key" or key == "token":
            return ""  # never put a stored secret on screen, even masked
        value = self._existing.get(key)
        return "" if value is None else str(value)

    def on_mount(self) -> None:
        self._validate()
        next(field for field in self.query(Input) if not field.disabled).focus()

    # -- validation as you type ----------------------------------------------------

    def texts(self) -> dict[str, str]:
        return {field.key: self.query_one(f"#field-{field.key}", Input).value for field in FORM_FIELDS}

    def _validate(self) -> dict[str, str]:
        problems = form_problems(
            self.texts(),
            editing=self._editing is not None,
            taken_names=self._taken,
            has_secret=bool(self._existing.get("secret_key") or self._existing.get("secret_key_command")),
        )
        for field in FORM_FIELDS:
            shown = self.query_one(f"#problem-{field.key}", Static)
            shown.update(Text(problems.get(field.key, "")))
            shown.display = field.key in problems and (self._show_all or field.key in self._touched)
        self.query_one("#save", Button).disabled = bool(problems)
        return problems

    def on_input_changed(self, event: Input.Changed) -> None:
        self._touched.add((event.input.id or "").removeprefix("field-"))
        self._validate()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"save": self.action_save, "test": self.action_test_connection, "cancel": self.action_cancel}
        actions[event.button.id or "cancel"]()

    def _say(self, message: str | Text) -> None:
        self.query_one("#form-result", Static).update(message if isinstance(message, Text) else Text(message))

    # -- actions -------------------------------------------------------------------

    def action_reveal(self) -> None:
        self._revealed = not self._revealed
        for field in FORM_FIELDS:
            if field.secret:
                self.query_one(f"#field-{field.key}", Input).password = not self._revealed
        self.notify("Secrets shown" if self._revealed else "Secrets hidden", markup=False)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        self._show_all = True
        if self._validate():
            self._say("Fix the fields marked above first.")
            return
        texts = self.texts()
        name = self._editing or texts["name"].strip()
        values = file_values(texts, editing=self._editing is not None)
        make_default = self.query_one("#default", Checkbox).value

        def change(data: dict[str, Any]) -> None:
            if self._editing:
                document.update_profile(data, name, values)
                if make_default:
                    document.set_default(data, name)
            else:
                document.add_profile(data, name, values, make_default=make_default)

        def done(problem: ConfigError | None) -> None:
            if problem is None:
                self.dismiss(name)
            else:
                self._say(Text.assemble(("Not saved: ", "bold"), visible(str(problem))))

        write_config(self.app, self._path, change, done)

    def action_test_connection(self) -> None:
        self._show_all = True
        problems = {key: text for key, text in self._validate().items() if key != "name"}
        if problems:
            self._say("Fix the fields marked above before testing.")
            return
        self._say("Testing: one signed list call…")
        self.run_worker(self._test(self.texts()), group=TEST_GROUP, exclusive=True, exit_on_error=False)

    async def _test(self, texts: dict[str, str]) -> None:
        try:
            profile = await asyncio.to_thread(self._profile_from, texts)
            client = client_for(profile)
            try:
                page = await client.list_queues(ListQuery(page_size=1))
            finally:
                await client.aclose()
        except CqtuiError as error:
            self._say(_failure_text(error))
            return
        latency = round((client.last_latency or 0) * 1000)
        self._say(
            Text.assemble(
                ("Connected. ", "bold"),
                f"{page.total_count if page.total_count is not None else '?'} queues · {latency} ms · "
                f"RequestId {visible(page.request_id) or '-'}",
            )
        )

    def _profile_from(self, texts: dict[str, str]) -> ResolvedProfile:
        """The profile the form describes; runs the key command if that is where the key is."""
        values = file_values(texts, editing=False)
        secret_key = values.get("secret_key") or self._existing.get("secret_key", "")
        command = values.get("secret_key_command") or self._existing.get("secret_key_command")
        if not secret_key and command:
            secret_key = run_secret_key_command(command)
        token = values.get("token") or self._existing.get("token", "")
        return ResolvedProfile(
            name=self._editing or texts["name"].strip() or "new",
            region=values["region"],
            bucket=values["bucket"],
            credentials=Credentials(values.get("secret_id", ""), secret_key, token),
            endpoint=values.get("endpoint", ""),
            page_size=values.get("page_size", DEFAULT_PAGE_SIZE),
        )


def _failure_text(error: CqtuiError) -> Text:
    if isinstance(error, ServiceError):
        status = error.http_status if error.http_status is not None else "-"
        headline = f"{error.code}: {error.message} (HTTP {status}, RequestId {error.request_id or '-'})"
    else:
        headline = str(error)
    hint = hint_for(error)
    return Text.assemble(("Failed: ", "bold"), visible(headline), f"\n{hint}" if hint else "")
