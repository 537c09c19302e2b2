"""How `cqtui` gets to the TUI: no profile, a config file with a keymap, --demo, import hygiene."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cqtui.cli import main, parse_args
from cqtui.emulator.data import DEMO_BUCKET
from cqtui.emulator.server import DEMO_SECRET_ID
from cqtui.tui.launch import app_for, demo_profile

ENV_NAMES = ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_TOKEN", "TENCENTCLOUD_REGION", "CQTUI_CONFIG")


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
    app = app_for(parse_args(["--config", str(path), "--region", "ap-nanjing"]))
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


def test_launch_module_does_not_import_textual():
    code = "import sys, cqtui.tui.launch; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert result.stdout.strip() == "False"
