"""`[keys]` checked against cqtui's bindings before the TUI starts.

A remap is refused (a config error naming file, line and key) when its binding id is
unknown, when Textual could not read its key, when its key is one another binding of
the same screen already answers to (one of the two would be lost: `next_page = "q"`
takes quit's key), or when a widget that has the focus on that screen takes the key
first (`quit = "down"` on the list: the table moves its cursor). Loaded only when the
config has a `[keys]` table: it imports every screen.
"""

from __future__ import annotations

import difflib
from itertools import combinations
from typing import NamedTuple

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys, _character_to_key, key_to_character
from textual.screen import ModalScreen

from cqtui.profiles.store import Keymap

# Modifiers as Textual names them, in the order it puts them in a key event's name.
MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")
NAMED_KEYS = frozenset(key.value.rpartition("+")[2] for key in Keys)


class Scope(NamedTuple):
    """A screen, and the widgets that have the focus on it (their keys come first there)."""

    name: str
    screen: type[DOMNode]
    focused: tuple[tuple[str, type[DOMNode]], ...]
    typing: bool = False  # its fields have the focus: a printable key is typed into them, not a binding


def scopes() -> list[Scope]:
    """Every screen cqtui shows (tests/test_tui_keymap.py checks none is missing)."""
    from textual.containers import VerticalScroll
    from textual.widgets import Button, Checkbox, Input

    from cqtui.tui.screens.confirm import ConfirmDialog
    from cqtui.tui.screens.help import HelpScreen
    from cqtui.tui.screens.lookup import LookupDialog
    from cqtui.tui.screens.notify_config import NotifyConfigScreen
    from cqtui.tui.screens.profile_form import ProfileForm
    from cqtui.tui.screens.profile_picker import ProfileList, ProfilePicker
    from cqtui.tui.screens.queue_detail import QueueDetailScreen
    from cqtui.tui.screens.queue_list import QueueListScreen
    from cqtui.tui.screens.raw_xml import RawXmlScreen
    from cqtui.tui.screens.save_dialog import SaveDialog
    from cqtui.tui.widgets.error_panel import ErrorPanel
    from cqtui.tui.widgets.queue_table import QueueTable
    from cqtui.tui.widgets.raw_view import RawView

    panel = ("the error panel", ErrorPanel)
    text = ("the text", VerticalScroll)
    field = ("a text field", Input)
    return [
        Scope("the queue list", QueueListScreen, (("the queue table", QueueTable), panel)),
        Scope("a queue's detail", QueueDetailScreen, (text, panel)),
        Scope("the NotifyConfig screen", NotifyConfigScreen, (text, panel)),
        Scope("the raw view", RawXmlScreen, (("the text", RawView), panel)),
        Scope("help", HelpScreen, (text, panel)),
        Scope("the id lookup", LookupDialog, (field,), typing=True),
        Scope("the profile picker", ProfilePicker, (("the profile list", ProfileList),)),
        Scope("the profile form", ProfileForm, (field, ("a checkbox", Checkbox), ("a button", Button)), typing=True),
        Scope("a yes/no question", ConfirmDialog, ()),
        Scope("the save dialog", SaveDialog, (field,), typing=True),
    ]


def checked(keymap: Keymap) -> dict[str, str]:
    """The keymap to give Textual (keys in its own names), or a ConfigError for the first problem."""
    if not keymap.keys:
        return {}
    from cqtui.tui.app import CqtuiApp

    every = scopes()
    nodes: list[type[DOMNode]] = [CqtuiApp, *(s.screen for s in every), *(w for s in every for _, w in s.focused)]
    known = {binding.id for node in nodes for binding in _bindings_of(node) if binding.id}
    normalized: dict[str, str] = {}
    for binding_id, keys in keymap.keys.items():
        if binding_id not in known:
            close = difflib.get_close_matches(binding_id, known, n=1)
            guess = f"did you mean {close[0]}? " if close else ""
            raise keymap.error(f"no key binding has this id; {guess}(README.md, Profiles, lists the ids)", binding_id)
        names = []
        for key in keys.split(","):
            name, problem = key_name(key)
            if problem:
                raise keymap.error(problem, binding_id)
            names.append(name)
        normalized[binding_id] = ",".join(names)
    for scope in every:
        conflict = _conflict(scope, CqtuiApp, normalized)
        if conflict is not None:
            raise keymap.error(*conflict)
    return normalized


def key_name(text: str) -> tuple[str, str | None]:
    """(Textual's name for the key `text`, None) or ("", why Textual could never see it)."""
    text = text.strip()
    if not text:
        return "", 'an empty key (keys are separated by commas, e.g. "j,down")'
    if len(text) == 1:
        return _character_to_key(text), None  # `?` is question_mark
    *modifiers, base = text.split("+")
    if not base:
        return "", f'{text!r}: write "plus" for the + key (e.g. "ctrl+plus")'
    unknown = [modifier for modifier in modifiers if modifier not in MODIFIERS]
    if unknown or len(set(modifiers)) != len(modifiers):
        return "", f"{text!r}: modifiers are {', '.join(MODIFIERS)}, each once"
    if len(base) == 1:
        if modifiers == ["shift"] and base.isprintable():
            return "", f'{text!r}: a shifted character is the character itself (write "{base.upper()}")'
        base = _character_to_key(base)
    elif base not in NAMED_KEYS and key_to_character(base) is None:
        return "", f"{text!r}: {base!r} is not a key name Textual knows (e.g. j, ctrl+n, f5, pagedown, question_mark)"
    return "+".join([*sorted(modifiers), base]), None


def _bindings_of(node: type[DOMNode]) -> list[Binding]:
    merged = node._merged_bindings  # Textual merges each class's BINDINGS (and its bases') when it is defined
    return [] if merged is None else [binding for bindings in merged.key_to_bindings.values() for binding in bindings]


def _keys_after(keymap: dict[str, str], *nodes: type[DOMNode]) -> dict[str, list[Binding]]:
    """Key -> the bindings it runs once the keymap applies, for `nodes` merged as Textual merges
    them (per key, a later node's over an earlier one's: a screen's over the app's)."""
    merged: dict[str, list[Binding]] = {}
    for node in nodes:
        if node._merged_bindings is not None:  # Textual merges each class's BINDINGS when it is defined
            merged.update(node._merged_bindings.key_to_bindings)
    after: dict[str, list[Binding]] = {}
    for key, bindings in merged.items():
        for binding in bindings:
            for new_key in keymap[binding.id].split(",") if binding.id in keymap else [key]:
                after.setdefault(new_key, []).append(binding)
    return after


def _named(binding: Binding) -> str:
    return binding.id or binding.action


def _conflict(scope: Scope, app: type[DOMNode], keymap: dict[str, str]) -> tuple[str, str] | None:
    """(why, the binding id to blame) for the first key a remap leaves doing two things on `scope`."""

    def both(key: str, one: Binding, other: Binding, where: str = "") -> tuple[str, str]:
        blame = one.id if one.id in keymap else other.id
        assert blame is not None  # a binding without an id is never remapped
        return (
            f'on {scope.name}, "{key}" would be both {_named(one)} and {_named(other)}{where}: '
            "give one of them another key",
            blame,
        )

    # A modal screen's keys stop there: the app's are not reached.
    screen = (
        _keys_after(keymap, scope.screen)
        if issubclass(scope.screen, ModalScreen)
        else _keys_after(keymap, app, scope.screen)
    )
    for key, bindings in screen.items():
        for one, other in combinations(bindings, 2):
            if _named(one) != _named(other) and {one.id, other.id} & set(keymap):
                return both(key, one, other)
    for widget_name, widget in scope.focused:
        for key, taken_first in _keys_after(keymap, widget).items():
            for mine in screen.get(key, ()):
                for theirs in taken_first:
                    if not mine.priority and _named(mine) != _named(theirs) and {mine.id, theirs.id} & set(keymap):
                        return both(key, mine, theirs, f" ({widget_name}'s, while it has the focus)")
    if scope.typing:
        for key, bindings in _keys_after(keymap, scope.screen).items():
            for binding in bindings:
                if binding.id in keymap and not binding.priority and (key_to_character(key) or "").isprintable():
                    return (
                        f'"{key}" would be typed into the fields of {scope.name}: use a ctrl+ or function key',
                        binding.id,
                    )
    return None
