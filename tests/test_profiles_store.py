"""The config file on disk: safe reads, atomic locked writes, permissions, symlinks, comments."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tomli_w

from cqtui.ci.errors import ConfigError
from cqtui.profiles import document, store, tomltext
from cqtui.profiles.errors import CommentsWouldBeLost, ConfigSyntaxError

DATA = Path(__file__).parent / "data" / "profiles"
PYTHON = Path(sys.executable)

EVERY_FIELD = {
    "secret_id": "AKIDROUNDTRIP000000000000000000000001",
    "secret_key": "RoundTripSecretKey00000000000000001",
    "secret_key_command": "pass show tencent/ci",
    "token": "RoundTripSessionToken0000000000001",
    "region": "ap-guangzhou",
    "bucket": "examplebucket-1250000000",
    "endpoint": "http://127.0.0.1:8765",
    "page_size": 50,
    "refresh_seconds": 30,
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    private = tmp_path / "cqtui"
    private.mkdir(mode=0o700)
    os.chmod(private, 0o700)
    return private


@pytest.fixture
def config(folder: Path) -> Path:
    return folder / "config.toml"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def put(path: Path, text: str) -> None:
    path.write_text(text)
    os.chmod(path, 0o600)


def test_every_field_round_trips(config: Path) -> None:
    store.edit_config(config, lambda data: document.add_profile(data, "prod", EVERY_FIELD))
    written = store.read_config(config)
    assert written is not None
    assert written.data == {"default_profile": "prod", "profiles": {"prod": EVERY_FIELD}}
    assert mode(config) == 0o600 and mode(config.parent) == 0o700


def test_first_write_creates_a_private_folder(tmp_path: Path) -> None:
    config = tmp_path / "new" / "deeper" / "config.toml"
    store.edit_config(config, lambda data: document.add_profile(data, "a", {"region": "ap-beijing"}))
    assert mode(config.parent) == 0o700
    assert mode(config) == 0o600


def test_unknown_keys_survive_an_edit(config: Path) -> None:
    put(config, (DATA / "config-with-comments.toml").read_text())
    store.edit_config(
        config,
        lambda data: document.update_profile(data, "prod", {"region": "ap-beijing"}),
        allow_comment_loss=True,
    )
    data = store.read_config(config).data
    assert data["theme"] == "dark"
    assert data["profiles"]["prod"]["team"] == "media"
    assert data["profiles"]["prod"]["note"] == "a # inside a string is not a comment"
    assert data["profiles"]["prod"]["region"] == "ap-beijing"
    assert data["keys"] == {"next_page": "j"}
    assert mode(config) == 0o600


def test_comments_refuse_a_rewrite_until_confirmed(config: Path) -> None:
    original = (DATA / "config-with-comments.toml").read_text()
    put(config, original)
    with pytest.raises(CommentsWouldBeLost) as refused:
        store.edit_config(config, lambda data: document.set_default(data, "prod") or data.update(theme="light"))
    assert refused.value.comment_lines == 3  # the `#` inside a string does not count
    assert str(config) in str(refused.value)
    assert config.read_text() == original


def test_a_change_that_changes_nothing_writes_nothing(config: Path) -> None:
    original = (DATA / "config-with-comments.toml").read_text()
    put(config, original)
    store.edit_config(config, lambda data: document.set_default(data, "prod"))  # already the default
    assert config.read_text() == original


@pytest.mark.parametrize(
    "broken, line, column, key",
    [
        ('[profiles.prod]\nregion = "ap-guangzhou"\npage_size = 1O\n', 3, 14, "profiles.prod.page_size"),
        ("[profiles.prod]\nregion = \n", 2, 10, "profiles.prod.region"),
        ('default_profile = "a"\ndefault_profile = "b"\n', 2, 22, "default_profile"),
    ],
)
def test_broken_toml_is_reported_and_never_overwritten(
    config: Path, broken: str, line: int, column: int, key: str
) -> None:
    put(config, broken)
    before = config.read_bytes()
    with pytest.raises(ConfigSyntaxError) as failure:
        store.edit_config(config, lambda data: document.add_profile(data, "other", {"region": "ap-beijing"}))
    error = failure.value
    assert (error.path, error.line, error.column, error.key) == (str(config), line, column, key)
    assert f"{config}:{line}" in str(error) and f"column {column}" in str(error)
    assert config.read_bytes() == before
    assert sorted(p.name for p in config.parent.iterdir()) == ["config.toml", "config.toml.lock"]


def test_not_utf8_is_a_syntax_error_with_position(config: Path) -> None:
    config.write_bytes(b'[profiles.prod]\nregion = "\xff"\n')
    os.chmod(config, 0o600)
    with pytest.raises(ConfigSyntaxError) as failure:
        store.read_config(config)
    assert (failure.value.line, failure.value.column) == (2, 11)


@pytest.mark.parametrize("file_mode", [0o640, 0o604, 0o620])
def test_file_open_to_group_or_others_is_refused_with_the_fix(config: Path, file_mode: int) -> None:
    put(config, '[profiles.a]\nregion = "ap-beijing"\n')
    os.chmod(config, file_mode)
    for attempt in (
        lambda: store.read_config(config),
        lambda: store.edit_config(config, lambda data: document.set_default(data, "a")),
    ):
        with pytest.raises(ConfigError) as refused:
            attempt()
        assert f"chmod 600 {config}" in str(refused.value)
    assert mode(config) == file_mode


def test_folder_open_to_group_or_others_is_refused_with_the_fix(config: Path) -> None:
    put(config, '[profiles.a]\nregion = "ap-beijing"\n')
    os.chmod(config.parent, 0o750)
    try:
        with pytest.raises(ConfigError) as refused:
            store.read_config(config)
        assert f"chmod 700 {config.parent}" in str(refused.value)
        with pytest.raises(ConfigError):
            store.edit_config(config, lambda data: document.set_default(data, "a"))
    finally:
        os.chmod(config.parent, 0o700)


def test_symlinked_config_is_read_but_never_written_through(config: Path, folder: Path) -> None:
    target = folder / "real.toml"
    put(target, '[profiles.a]\nregion = "ap-beijing"\n')
    config.symlink_to(target)
    assert store.read_config(config).data["profiles"]["a"]["region"] == "ap-beijing"
    before = target.read_bytes()
    with pytest.raises(ConfigError) as refused:
        store.edit_config(config, lambda data: document.update_profile(data, "a", {"region": "ap-shanghai"}))
    assert "symbolic link" in str(refused.value)
    assert config.is_symlink() and target.read_bytes() == before


def test_crash_before_rename_leaves_the_old_file_and_no_temp_file(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.edit_config(config, lambda data: document.add_profile(data, "a", {"region": "ap-beijing"}))
    before = config.read_bytes()

    def crash(*_args: object) -> None:
        raise OSError("simulated crash between write and rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(ConfigError, match="simulated crash"):
        store.edit_config(config, lambda data: document.add_profile(data, "b", {"region": "ap-shanghai"}))
    assert config.read_bytes() == before
    assert sorted(p.name for p in config.parent.iterdir()) == ["config.toml", "config.toml.lock"]


def test_lock_is_held_across_read_modify_write(config: Path) -> None:
    """While one process holds the lock, another's edit waits, then keeps both changes."""
    store.edit_config(config, lambda data: document.add_profile(data, "first", {"region": "ap-beijing"}))
    editor = (
        "import sys; from pathlib import Path; from cqtui.profiles import store, document\n"
        "print('ready', flush=True)\n"
        "store.edit_config(Path(sys.argv[1]), lambda d: document.add_profile(d, 'second', {'region': 'ap-chengdu'}))\n"
    )
    with store.locked(config):
        waiter = subprocess.Popen([str(PYTHON), "-c", editor, str(config)], stdout=subprocess.PIPE, text=True)
        assert waiter.stdout.readline() == "ready\n"
        time.sleep(0.3)  # give it every chance to (wrongly) write while we hold the lock
        current = store.read_config(config).data
        assert "second" not in current["profiles"]
        document.add_profile(current, "mine", {"region": "ap-shanghai"})
        store.write_atomically(config, tomli_w.dumps(current))
    assert waiter.wait(timeout=60) == 0
    assert sorted(store.read_config(config).data["profiles"]) == ["first", "mine", "second"]


def test_keymap_is_read_and_checked(config: Path) -> None:
    put(config, (DATA / "config-with-comments.toml").read_text())
    keymap = store.keymap_of(store.read_config(config))
    assert keymap.keys == {"next_page": "j"}
    later = keymap.error("a problem the TUI finds", "next_page")  # names the line of the key
    assert (later.path, later.key) == (str(config), "keys.next_page") and later.line is not None
    put(config, '[keys]\nnext_page = "j"\nquit = 5\n')
    with pytest.raises(ConfigError) as bad:
        store.keymap_of(store.read_config(config))
    assert (bad.value.line, bad.value.key) == (3, "keys.quit")
    assert store.keymap_of(None).keys == {}  # no file


def test_config_path_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert store.config_path(None, {}) == tmp_path / "xdg" / "cqtui" / "config.toml"
    assert store.config_path(None, {"CQTUI_CONFIG": "/x/env.toml"}) == Path("/x/env.toml")
    assert store.config_path("/x/arg.toml", {"CQTUI_CONFIG": "/x/env.toml"}) == Path("/x/arg.toml")


def test_comment_scanner_ignores_hashes_inside_strings() -> None:
    text = '''a = "x # y"  # real
b = 'c # d'
c = """
# inside a multi-line string
"""
# whole-line comment
d = 1
'''
    assert tomltext.count_comment_lines(text) == 2
    assert tomltext.find_line(text, (), "d") == 7
    assert tomltext.find_line('[profiles."a.b"]\nregion = "r"\n', ("profiles", "a.b"), "region") == 2


def test_shared_sticky_folder_gets_no_chmod_advice(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    put(shared / "config.toml", "")
    for attempt in (
        lambda: store.read_config(shared / "config.toml"),
        lambda: store.edit_config(shared / "new.toml", lambda data: data.update(default_profile="a")),
    ):
        with pytest.raises(ConfigError) as refused:
            attempt()
        assert "shared folder" in str(refused.value) and "chmod" not in str(refused.value)
    assert not (shared / "new.toml").exists()


def test_repr_of_a_config_file_shows_no_secret(config: Path) -> None:
    put(config, '[profiles.a]\nsecret_key = "ReprSecretKey000000000000000000001"\n')
    assert "ReprSecretKey" not in repr(store.read_config(config))
