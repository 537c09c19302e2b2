"""How `cqtui` gets to the TUI: no profile, a config file with a keymap, --demo, import hygiene."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from cqtui.cli import main, parse_args
from cqtui.emulator.data import DEMO_BUCKET
from cqtui.emulator.server import DEMO_SECRET_ID
from cqtui.tui import formatting as fmt
from cqtui.tui.launch import app_for, demo_profile
from cqtui.tui.screens.queue_list import QueueListScreen
from tui_helpers import SIZE, column, error_text, press, settle

ENV_NAMES = (
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "TENCENTCLOUD_TOKEN",
    "TENCENTCLOUD_REGION",
    "CQTUI_CONFIG",
)


@pytest.fixture
def clean_env(monkeypatch):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


def write_config(tmp_path, text: str):
    folder = tmp_path / "cqtui"
    folder.mkdir(mode=0o700)
    path = folder / "config.toml"
    path.write_text(text)
    path.chmod(0o600)
    return path


def test_no_profile_tells_how_to_create_one(tmp_path, clean_env, capsys):
    code = main(["--config", str(tmp_path / "missing.toml")])
    assert code == 2
    err = capsys.readouterr().err
    assert "cqtui profiles add" in err and "cqtui --demo" in err


def test_a_broken_config_is_a_usage_error(tmp_path, clean_env, capsys):
    path = write_config(tmp_path, "default_profile = \n")
    assert main(["--config", str(path)]) == 2
    assert str(path.name) in capsys.readouterr().err


def test_app_from_config_with_profiles_and_keymap(tmp_path, clean_env):
    path = write_config(
        tmp_path,
        'default_profile = "prod"\n'
        "[profiles.prod]\n"
        'secret_id = "AKIDPROD00000000000000"\nsecret_key = "prod-key"\n'
        'region = "ap-shanghai"\nbucket = "prod-1250000000"\npage_size = 20\n'
        "[profiles.test]\n"
        'secret_id = "AKIDTEST00000000000000"\nsecret_key = "test-key"\n'
        'region = "ap-beijing"\nbucket = "test-1250000000"\n'
        "[keys]\n"
        'next_page = "j"\n',
    )
    # The endpoint keeps the first page's request (sent by app_for) on this machine.
    app = app_for(parse_args(["--config", str(path), "--region", "ap-nanjing", "--endpoint", "http://127.0.0.1:9"]))
    assert (app.profile.name, app.profile.region, app.listing.wanted.page_size) == ("prod", "ap-nanjing", 20)
    assert app._keymap == {"next_page": "j"}
    assert [row.name for row in app.profiles.rows()] == ["prod", "test"]
    switched = app.profiles.resolve("test")
    assert (switched.name, switched.region) == ("test", "ap-beijing")  # the start's --region was for prod


def test_demo_profile_needs_no_file():
    profile = demo_profile("http://127.0.0.1:9")
    assert profile.name == "demo" and profile.region == "ap-guangzhou" and profile.bucket == DEMO_BUCKET
    assert profile.credentials.secret_id == DEMO_SECRET_ID
    assert profile.base_url == "http://127.0.0.1:9"


def test_launch_and_prefetch_do_not_import_textual():
    """Both run before Textual is loaded: that is what lets page 1 travel while it loads."""
    code = "import sys, cqtui.tui.launch, cqtui.tui.prefetch; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert result.stdout.strip() == "False"


def test_the_app_leaves_the_first_requests_modules_to_the_child():
    """HTTP, signing and XML are the forked child's (prefetch.py): none is loaded by the
    process that imports Textual before page 1 is drawn."""
    request_only = ["cqtui.ci.protocol", "cqtui.ci.oneshot", "http.client", "hashlib", "xml.etree.ElementTree"]
    code = f"import sys, cqtui.tui.launch, cqtui.tui.prefetch, cqtui.tui.app; print([m for m in {request_only} if m in sys.modules])"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert result.stdout.strip() == "[]"


# ---- page 1 is asked for before Textual is loaded ------------------------------------


@pytest.fixture
def env_profile(clean_env, monkeypatch, tmp_path, emulator, emulator_credentials):
    """`cqtui` command-line arguments for the emulator, credentials from the environment."""
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", emulator_credentials.secret_id)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", emulator_credentials.secret_key)
    monkeypatch.setenv("TENCENTCLOUD_REGION", "ap-guangzhou")
    return ["--config", str(tmp_path / "none.toml"), "--bucket", DEMO_BUCKET, "--endpoint", emulator.base_url]


def wait_for_requests(emulator, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(emulator.requests) < count and time.monotonic() < deadline:
        time.sleep(0.01)


async def test_page_one_is_requested_before_the_app_runs_and_drawn_from_that_answer(env_profile, emulator):
    app = app_for(parse_args(env_profile))
    wait_for_requests(emulator, 1)
    assert [request.params for request in emulator.requests] == [{"pageNumber": "1", "pageSize": "10"}]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert column(app, "name") == [fmt.text_or_dash(queue.name) for queue in emulator.queues[:10]]
        assert len(emulator.requests) == 1  # the app did not ask again
        for _ in range(100):  # the async client is built in a thread once page 1 is drawn
            if app.client is not None:
                break
            await pilot.pause(0.05)
        built = app.client
        assert built is not None
        await press(pilot, "n")
        assert app.client is built
        assert emulator.requests[-1].params["pageNumber"] == "2"
        assert column(app, "name") == [fmt.text_or_dash(queue.name) for queue in emulator.queues[10:20]]


async def test_a_failed_first_page_is_shown_like_any_failed_fetch(env_profile, emulator):
    emulator.set_fault("signature_mismatch", times=1)
    app = app_for(parse_args(env_profile))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.is_running and "SignatureDoesNotMatch" in error_text(app)
        await press(pilot, "escape", "r")
        assert app.listing.error is None and len(column(app, "name")) == 10


async def test_a_key_while_page_one_travels_wins_over_it(env_profile, emulator):
    emulator.latency_ms = 400
    app = app_for(parse_args(env_profile))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")  # before page 1 arrived: Active queues are what the user wants now
        await pilot.pause(1.2)
        await settle(pilot)
        assert isinstance(app.screen, QueueListScreen) and app.listing.error is None
        assert app.listing.loaded_query.state == "Active"
        active = [queue for queue in emulator.queues if queue.state == "Active"]
        assert column(app, "name") == [fmt.text_or_dash(queue.name) for queue in active[:10]]
