"""`[keys]`: an unknown id, a key Textual cannot read, or a remap that takes another binding's key
(quit's included) is a config error naming file, line and key, before the TUI starts."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys

import pytest
from textual.screen import Screen

import cqtui.tui.screens
from cqtui.ci.errors import ConfigError
from cqtui.cli import parse_args
from cqtui.profiles.store import Keymap, keymap_of, read_config
from cqtui.tui.keymap import checked, key_name, scopes
from cqtui.tui.launch import app_for
from reliability_helpers import TerminalSession, cli_env
from tui_helpers import SIZE, make_app, press, settle

PROFILE = """\
[profiles.prod]
secret_id = "AKIDKEYMAPTEST0000000"
secret_key = "keymap-test-secret-key"
region = "ap-guangzhou"
bucket = "examplebucket-1250000000"
endpoint = "{endpoint}"

[keys]
"""


def config_with(tmp_path, keys: str, endpoint: str = "http://127.0.0.1:9") -> str:
    folder = tmp_path / "cfg"
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(PROFILE.format(endpoint=endpoint) + keys)
    path.chmod(0o600)
    return str(path)


@pytest.mark.parametrize(
    "keys, blamed, words",
    [
        ('next_pgae = "j"', "next_pgae", "no key binding has this id; did you mean next_page?"),
        ('next_page = "ctrl+foo"', "next_page", "'foo' is not a key name Textual knows"),
        ('next_page = "jj"', "next_page", "'jj' is not a key name Textual knows"),
        ('next_page = "shift+j"', "next_page", 'a shifted character is the character itself (write "J")'),
        ('next_page = "j,"', "next_page", "an empty key"),
        # quit's key taken: there would be no way to quit from the list
        ('next_page = "q"', "next_page", 'on the queue list, "q" would be both next_page and quit'),
        ('quit = "n"', "quit", 'on the queue list, "n" would be both next_page and quit'),
        ('quit = "down"', "quit", "both quit and cursor_down (the queue table's, while it has the focus)"),
        ('next_page = "x"\nprev_page = "x"', "next_page", '"x" would be both next_page and prev_page'),
        ('next_page = "ctrl+z"', "next_page", "both suspend and next_page"),
        ('save_profile = "s"', "save_profile", '"s" would be typed into the fields of the profile form'),
        ('save_profile = "ctrl+c"', "save_profile", 'on the profile form, "ctrl+c" would be both quit_app and'),
        ('open_pager = "n"', "open_pager", 'on the raw view, "n" would be both next_match and open_pager'),
    ],
)
def test_a_bad_remap_names_file_line_and_key(tmp_path, keys, blamed, words):
    path = config_with(tmp_path, keys + "\n")
    line = PROFILE.count("\n") + next(i for i, text in enumerate(keys.split("\n")) if text.startswith(blamed)) + 1
    with pytest.raises(ConfigError) as raised:
        app_for(parse_args(["--config", path]))
    error = raised.value
    assert (error.path, error.line, error.key) == (path, line, f"keys.{blamed}")
    assert words in error.reason and "\n" not in str(error)


@pytest.mark.parametrize(
    "keys",
    [
        {"next_page": "j", "prev_page": "k"},
        {"next_page": "p", "prev_page": "n"},  # swapped: each still has a key of its own
        {"quit": "x", "cycle_state": "q"},
        {"refresh": "ctrl+r"},
        {"help": "?,f1"},
        {"raw_xml": "v", "copy_id": "C"},
        {"quit": "ctrl+q"},  # Textual's own quit key: both quit
    ],
)
def test_remaps_that_leave_every_key_one_job_are_accepted(keys):
    assert set(checked(Keymap(keys))) == set(keys)


def test_keys_are_given_to_textual_in_its_own_names():
    assert key_name("?") == ("question_mark", None)
    assert key_name("shift+ctrl+up") == ("ctrl+shift+up", None)
    assert key_name(" f5 ") == ("f5", None)
    assert checked(Keymap({"help": "?,f1", "next_page": "ctrl+shift+n"})) == {
        "help": "question_mark,f1",
        "next_page": "ctrl+shift+n",
    }


def test_every_screen_is_checked():
    known = {scope.screen for scope in scopes()}
    for info in pkgutil.iter_modules(cqtui.tui.screens.__path__, "cqtui.tui.screens."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Screen) and cls.__module__ == module.__name__ and "BINDINGS" in vars(cls):
                assert any(issubclass(screen, cls) for screen in known), f"{cls.__name__} is not in keymap.scopes()"


def test_a_good_keymap_goes_to_the_app(tmp_path):
    path = config_with(tmp_path, 'next_page = "j"\nprev_page = "k"\nhelp = "?,f1"\n')
    app = app_for(parse_args(["--config", path]))
    assert app._keymap == {"next_page": "j", "prev_page": "k", "help": "question_mark,f1"}


def test_the_file_is_read_once_per_start(tmp_path, monkeypatch):
    path = config_with(tmp_path, 'next_page = "j"\n')
    reads: list[str] = []
    import cqtui.profiles.resolve as resolve

    def counting(file):
        reads.append(str(file))
        return read_config(file)

    monkeypatch.setattr(resolve, "read_config", counting)
    app_for(parse_args(["--config", path]))
    assert reads == [path]
    assert keymap_of(read_config(tmp_path / "cfg" / "config.toml")).keys == {"next_page": "j"}


@pytest.mark.skipif(sys.platform != "linux", reason="a pty as on Linux")
def test_on_a_terminal_the_error_is_one_line_and_exit_2_before_the_tui_starts(tmp_path):
    path = config_with(tmp_path, 'next_page = "q"\n')
    with TerminalSession("--config", path, env=cli_env(tmp_path / "cfg" / "config.toml")) as session:
        assert session.wait() == 2
    shown = session.output.decode(errors="replace").strip()
    assert shown == (
        f'cqtui: {path}:9 [keys.next_page]: on the queue list, "q" would be both next_page and quit: '
        "give one of them another key"
    )  # one line, and no escape sequence: the TUI never started


async def test_remapped_search_keys_work_in_the_raw_view(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials, keymap=checked(Keymap({"find_text": "f", "next_match": "j"})))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "y", "f", "w", "a", "t", "e", "r", "enter", "j")
        assert "match 2 of 2" in app.screen.query_one("#raw-info").render().plain
