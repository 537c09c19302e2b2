"""The profile file under faults: a full disk, a read-only folder, symlinks, two editors at once
(the TUI's form and the CLI on one profile too), nesting 500 deep, a secret_key_command that
floods its output.

Every failure is a ConfigError naming the file (exit 2 from the CLI, no
traceback), the old file stays byte for byte, and no temp file is left behind.
"""

from __future__ import annotations

import asyncio
import errno
import io
import os
import shlex
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
import tomli_w
from textual.widgets import Input, Static

from cqtui.ci.errors import ConfigError
from cqtui.cli import main, parse_args
from cqtui.emulator.data import DEMO_BUCKET
from cqtui.emulator.server import DEMO_SECRET_ID, DEMO_SECRET_KEY
from cqtui.profiles import document, store
from cqtui.tui.launch import app_for
from cqtui.tui.screens.profile_form import ProfileForm
from cqtui.tui.stills import settle
from reliability_helpers import cli_env, run_cli
from tui_helpers import SIZE

ORIGINAL = (
    '[profiles.old]\nregion = "ap-beijing"\nbucket = "old-1250000000"\n'
    'secret_id = "AKIDOLD"\nsecret_key = "old-key-1"\n'
)


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cqtui"
    folder.mkdir(mode=0o700)
    folder.chmod(0o700)
    path = folder / "config.toml"
    path.write_text(ORIGINAL)
    path.chmod(0o600)
    for name in list(os.environ):
        if name.startswith("TENCENTCLOUD_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CQTUI_CONFIG", str(path))
    return path


def add(name: str):
    return lambda data: document.add_profile(data, name, {"region": "ap-guangzhou"})


def leftovers(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir() if entry.name not in ("config.toml", "config.toml.lock"))


def cli_add(monkeypatch, capsys, name: str = "new") -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("new-secret-key\n"))
    code = main(["profiles", "add", name, "--region", "ap-guangzhou", "--bucket", "new-1250000000",
                 "--secret-id", "AKIDNEW", "--secret-key-stdin"])  # fmt: skip
    return code, capsys.readouterr().err


def _fail_with(code: int):
    def fail(*_args: object, **_kwargs: object):
        raise OSError(code, os.strerror(code))

    return fail


@pytest.mark.parametrize(
    "module, name, code",
    [
        (os, "fsync", errno.ENOSPC),  # the disk filled while the temp file was written
        (tempfile, "mkstemp", errno.ENOSPC),  # no room (or no inode) for a temp file at all
        (tempfile, "mkstemp", errno.EROFS),  # a read-only file system
        (tempfile, "mkstemp", errno.EACCES),  # a folder we may not write
        (os, "replace", errno.EIO),
    ],
    ids=["fsync-ENOSPC", "mkstemp-ENOSPC", "mkstemp-EROFS", "mkstemp-EACCES", "replace-EIO"],
)
def test_a_failed_write_is_a_clear_error_and_the_old_file_stays(config, monkeypatch, capsys, module, name, code):
    before = config.read_bytes()
    monkeypatch.setattr(module, name, _fail_with(code))
    with pytest.raises(ConfigError) as raised:
        store.edit_config(config, add("new"))
    assert os.strerror(code) in str(raised.value) and str(config) in str(raised.value)
    assert config.read_bytes() == before and leftovers(config.parent) == []

    exit_code, err = cli_add(monkeypatch, capsys)
    assert exit_code == 2 and os.strerror(code) in err and "config.toml" in err
    assert config.read_bytes() == before and leftovers(config.parent) == []


def test_a_config_path_under_a_file_is_a_clear_error(tmp_path, monkeypatch, capsys):
    """`--config ~/notes.txt/cqtui/config.toml`: the folder cannot be made."""
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder")
    path = blocker / "cqtui" / "config.toml"
    with pytest.raises(ConfigError) as raised:
        store.edit_config(path, add("new"))
    assert "cannot create" in str(raised.value)
    monkeypatch.setenv("CQTUI_CONFIG", str(path))
    exit_code, err = cli_add(monkeypatch, capsys)
    assert exit_code == 2 and "cannot create" in err and blocker.read_text() == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders anyway; simulated above")
def test_a_read_only_folder_is_a_clear_error(config, monkeypatch, capsys):
    store.edit_config(config, add("lock-file-exists-now"))
    before = config.read_bytes()
    config.parent.chmod(0o500)
    try:
        exit_code, err = cli_add(monkeypatch, capsys)
    finally:
        config.parent.chmod(0o700)
    assert exit_code == 2 and "config.toml" in err and config.read_bytes() == before


def test_a_config_replaced_by_a_symlink_is_never_written_through(config, monkeypatch, capsys):
    target = config.parent / "elsewhere.toml"
    target.write_text(ORIGINAL)
    target.chmod(0o600)
    config.unlink()
    config.symlink_to(target)
    exit_code, err = cli_add(monkeypatch, capsys)
    assert exit_code == 2 and "symbolic link" in err
    assert config.is_symlink() and target.read_text() == ORIGINAL


def test_a_symlink_swapped_in_while_waiting_for_the_lock_is_refused(config):
    """The check is repeated under the lock: the swap happens while the editor waits."""
    target = config.parent / "victim.toml"
    target.write_text(ORIGINAL)
    target.chmod(0o600)
    errors: list[BaseException] = []
    started = threading.Event()

    def edit() -> None:
        started.set()
        try:
            store.edit_config(config, add("new"))
        except BaseException as problem:  # noqa: BLE001 - checked below
            errors.append(problem)

    with store.locked(config):
        editor = threading.Thread(target=edit)
        editor.start()
        assert started.wait(5)
        config.unlink()
        config.symlink_to(target)
    editor.join(10)
    assert len(errors) == 1 and isinstance(errors[0], ConfigError) and "symbolic link" in str(errors[0])
    assert target.read_text() == ORIGINAL


def test_a_lock_file_that_is_a_symlink_is_refused(config):
    victim = config.parent / "victim"
    victim.write_text("keep me")
    config.with_name("config.toml.lock").symlink_to(victim)
    with pytest.raises(ConfigError) as raised:
        store.edit_config(config, add("new"))
    assert "lock file" in str(raised.value)
    assert victim.read_text() == "keep me" and config.read_text() == ORIGINAL


EDITOR = """
import sys
from pathlib import Path
from cqtui.profiles import document, store
path, prefix = Path(sys.argv[1]), sys.argv[2]
print("ready", flush=True)
sys.stdin.readline()
for index in range(15):
    store.edit_config(path, lambda data: document.add_profile(data, f"{prefix}{index:02d}", {"region": "ap-guangzhou"}))
"""


def test_two_editors_at_once_keep_every_profile(config):
    """Two TUIs (processes) and two threads each add profiles to one file at the same moment."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", EDITOR, str(config), prefix],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for prefix in ("tuiA", "tuiB")
    ]
    for process in processes:
        assert process.stdout.readline() == "ready\n"

    def thread_edits(prefix: str) -> None:
        for index in range(15):
            store.edit_config(config, add(f"{prefix}{index:02d}"))

    threads = [threading.Thread(target=thread_edits, args=(prefix,)) for prefix in ("thrA", "thrB")]
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.close()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(process.wait(timeout=60) == 0 for process in processes)
    names = sorted(store.read_config(config).data["profiles"])
    expected = ["old"] + [f"{prefix}{index:02d}" for prefix in ("thrA", "thrB", "tuiA", "tuiB") for index in range(15)]
    assert names == sorted(expected)
    assert leftovers(config.parent) == []


# The key on stdout after 200 MB on stderr: read and dropped, the listing works.
FLOOD_SCRIPT = f"import sys\nfor _ in range(400): sys.stderr.write('x' * 500_000)\nprint({DEMO_SECRET_KEY!r})"
FLOOD_STDERR = shlex.join([sys.executable, "-c", FLOOD_SCRIPT])
CHILD_PEAK_LIMIT = 100 * 1024 * 1024  # a bare cqtui run peaks near 30 MiB


@pytest.mark.parametrize(
    "command, code, said",
    [
        ("yes", 2, "'yes' printed more than 64 KiB on stdout (a key is one short line), so it was stopped"),
        (FLOOD_STDERR, 0, ""),
    ],
    ids=["stdout", "stderr"],
)
def test_a_secret_key_command_that_floods_its_output_is_read_within_a_bound(config, emulator, command, code, said):
    """`yes` as the command once took 9.5 GB in its 10 s: everything it printed was kept."""
    flood = {"region": "ap-guangzhou", "bucket": DEMO_BUCKET, "endpoint": emulator.base_url}
    flood.update(secret_id=DEMO_SECRET_ID, secret_key_command=command)
    config.write_text(tomli_w.dumps({"profiles": {"flood": flood}}))
    run = run_cli("queues", "-p", "flood", env=cli_env(config))
    assert run.returncode == code, run.stderr
    assert said in run.stderr and "Traceback" not in run.stderr
    assert 0 < run.peak_rss_bytes < CHILD_PEAK_LIMIT


# ---- the TUI's form and the CLI editing one profile ---------------------------------


@pytest.fixture
def two_profiles(config, emulator):
    """`prod` (the default, on the emulator) and `spare`, the one the form edits."""
    profile = f'secret_id = "{DEMO_SECRET_ID}"\nsecret_key = "{DEMO_SECRET_KEY}"\nendpoint = "{emulator.base_url}"\n'
    config.write_text(
        f'default_profile = "prod"\n[profiles.prod]\nregion = "ap-guangzhou"\nbucket = "{DEMO_BUCKET}"\n{profile}'
        f'[profiles.spare]\nregion = "ap-beijing"\nbucket = "spare-1250000000"\n{profile}'
    )
    return config


async def cli_edits_spare(config, *options: str) -> None:
    """`cqtui profiles edit spare OPTIONS` in its own process, while the form is open."""
    command = [sys.executable, "-m", "cqtui", "profiles", "edit", "spare", *options]
    done = await asyncio.to_thread(subprocess.run, command, env=cli_env(config), capture_output=True, timeout=30)
    assert done.returncode == 0, done.stderr


async def open_spare_form(pilot) -> ProfileForm:
    await settle(pilot)
    await pilot.press("P", "down", "e")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ProfileForm)
    return pilot.app.screen


async def type_into(form: ProfileForm, pilot, **fields: str) -> None:
    for key, text in fields.items():
        form.query_one(f"#field-{key}", Input).value = text
    await pilot.pause()


def spare_in(config) -> dict:
    return store.read_config(config).data["profiles"]["spare"]


async def test_saving_the_form_keeps_what_the_cli_changed_meanwhile(two_profiles):
    """Saving the form wrote back every field it had read: the CLI's new bucket went back."""
    app = app_for(parse_args(["--config", str(two_profiles)]))
    async with app.run_test(size=SIZE) as pilot:
        form = await open_spare_form(pilot)
        await type_into(form, pilot, page_size="20")
        await cli_edits_spare(two_profiles, "--bucket", "moved-1250000000")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ProfileForm)  # saved
    spare = spare_in(two_profiles)
    assert (spare["bucket"], spare["page_size"], spare["region"]) == ("moved-1250000000", 20, "ap-beijing")


async def test_a_field_both_changed_is_not_overwritten_unseen(two_profiles):
    app = app_for(parse_args(["--config", str(two_profiles)]))
    async with app.run_test(size=SIZE) as pilot:
        form = await open_spare_form(pilot)
        await type_into(form, pilot, bucket="mine-1250000000")
        await cli_edits_spare(two_profiles, "--bucket", "theirs-1250000000", "--region", "ap-shanghai")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # not saved, and says why
        said = str(form.query_one("#form-result", Static).render())
        assert "changed in the file since this form opened: bucket (now 'theirs-1250000000')" in said
        assert spare_in(two_profiles)["bucket"] == "theirs-1250000000"
        # The form now edits the file's profile: the region the user left shows the CLI's.
        assert form.query_one("#field-region", Input).value == "ap-shanghai"
        assert form.query_one("#field-bucket", Input).value == "mine-1250000000"
        await pilot.press("ctrl+s")  # seen: saving again writes the user's bucket
        await pilot.pause()
        assert app.screen is not form
    spare = spare_in(two_profiles)
    assert (spare["bucket"], spare["region"]) == ("mine-1250000000", "ap-shanghai")


# ---- files nested deeper than any parser's recursion ------------------------------------

DEEP_FILES = {
    "arrays": "a = " + "[" * 500 + "]" * 500 + "\n",  # tomllib's recursion fails
    "inline-tables": "a = " + "{b = " * 500 + "1" + "}" * 500 + "\n",
    "arrays-tomllib-reads": "a = " + "[" * 400 + "]" * 400 + "\n",  # parsed; writing it back (tomli_w) fails
    "arrays-on-lines": '[profiles.p]\nregion = "ap-guangzhou"\nother = ' + "[\n" * 500 + "]\n" * 500,
}
# The line with the deepest bracket.
DEEP_LINE = {"arrays": 1, "inline-tables": 1, "arrays-tomllib-reads": 1, "arrays-on-lines": 502}


DEEP_READERS = {
    "list": ["profiles", "list"],
    "queues": ["queues"],
    "tui": [],
    "add": ["profiles", "add", "n", "--region", "ap-guangzhou", "--bucket", "b-1", "--secret-key-command", "k"],
}


@pytest.mark.parametrize("command", DEEP_READERS)
@pytest.mark.parametrize("name", DEEP_FILES)
def test_a_config_nested_500_deep_is_a_config_error_naming_file_and_line(config, capsys, name, command):
    """tomllib raised RecursionError: exit 1 with a traceback naming neither file nor line."""
    config.write_text(DEEP_FILES[name])
    assert main(DEEP_READERS[command]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith(f"cqtui: {config}:{DEEP_LINE[name]}")
    assert "nested too deeply" in err
    assert config.read_text() == DEEP_FILES[name]


def test_an_emulator_queue_file_nested_deep_is_a_config_error(tmp_path, capsys):
    path = tmp_path / "queues.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert main(["emulator", "--data", str(path)]) == 2
    assert capsys.readouterr().err == f"cqtui: {path}: not a queue file: nested too deeply\n"
