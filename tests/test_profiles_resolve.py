"""Picking a profile and applying overrides, secret_key_command and TENCENTCLOUD_* fallbacks."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pytest
import tomli_w

from cqtui.ci.errors import ConfigError
from cqtui.profiles.errors import NoProfileError
from cqtui.profiles.resolve import Overrides, resolve_from_args, resolve_profile
from cqtui.profiles.sources import run_secret_key_command

ID = "AKIDRESOLVE000000000000000000000007"
KEY = "ResolveSecretKey0000000000000000007"
ENV = {
    "TENCENTCLOUD_SECRET_ID": "AKIDFROMENV000000000000000000000008",
    "TENCENTCLOUD_SECRET_KEY": "EnvSecretKey00000000000000000000008",
    "TENCENTCLOUD_TOKEN": "EnvSessionToken000000000000000008",
    "TENCENTCLOUD_REGION": "ap-chengdu",
}
PY = sys.executable


@pytest.fixture
def config(tmp_path: Path) -> Path:
    folder = tmp_path / "cqtui"
    folder.mkdir(mode=0o700)
    os.chmod(folder, 0o700)
    return folder / "config.toml"


def with_command(path: Path, command: str, **extra: str) -> Path:
    profile = {"secret_id": ID, "secret_key_command": command, "region": "ap-beijing", "bucket": "a-1", **extra}
    return write(path, tomli_w.dumps({"profiles": {"p": profile}}))


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    os.chmod(path, 0o600)
    return path


PROD = f"""
default_profile = "prod"

[profiles.prod]
secret_id = "{ID}"
secret_key = "{KEY}"
region = "ap-guangzhou"
bucket = "examplebucket-1250000000"
page_size = 25

[profiles.staging]
secret_id = "{ID}"
secret_key = "{KEY}"
region = "ap-shanghai"
bucket = "stagingbucket-1250000000"
endpoint = "http://127.0.0.1:8765/"
refresh_seconds = 15
"""


def test_default_profile_with_its_own_values(config: Path) -> None:
    write(config, PROD)
    profile = resolve_profile(config, env=ENV)
    assert (profile.name, profile.region, profile.bucket, profile.page_size) == (
        "prod",
        "ap-guangzhou",
        "examplebucket-1250000000",
        25,
    )
    assert profile.credentials.secret_id == ID and profile.credentials.secret_key == KEY
    assert profile.credentials.token == ""  # the env token belongs to the env SecretId, not this one
    assert profile.base_url == "https://examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com"
    assert profile.sources["name"] == "default_profile"
    assert profile.sources["region"] == "profile" and profile.sources["page_size"] == "profile"
    assert profile.sources["refresh_seconds"] == "default"


def test_named_profile_and_command_line_overrides(config: Path) -> None:
    write(config, PROD)
    profile = resolve_profile(
        config, "staging", Overrides(region="ap-beijing", bucket="otherbucket-1250000000"), env={}
    )
    assert (profile.region, profile.bucket) == ("ap-beijing", "otherbucket-1250000000")
    assert profile.endpoint == "http://127.0.0.1:8765" and profile.refresh_seconds == 15
    expected = {"name": "--profile", "region": "--region", "bucket": "--bucket", "endpoint": "profile"}
    assert {field: profile.sources[field] for field in expected} == expected


def test_resolve_from_args_reads_config_and_overrides(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(config, PROD)
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    args = argparse.Namespace(
        config=str(config), profile="staging", region=None, bucket=None, endpoint="http://localhost:9000"
    )
    profile = resolve_from_args(args)
    assert profile.endpoint == "http://localhost:9000" and profile.sources["endpoint"] == "--endpoint"


def test_unknown_profile_lists_the_known_names(config: Path) -> None:
    write(config, PROD)
    with pytest.raises(ConfigError) as failure:
        resolve_profile(config, "prdo", env={})
    assert "prdo" in str(failure.value) and "prod, staging" in str(failure.value)


def test_only_profile_is_used_without_a_default(config: Path) -> None:
    write(config, f'[profiles.solo]\nsecret_id = "{ID}"\nsecret_key = "{KEY}"\nregion = "ap-beijing"\nbucket = "a-1"\n')
    assert resolve_profile(config, env={}).sources["name"] == "only profile"


def test_several_profiles_without_default_need_a_choice(config: Path) -> None:
    write(config, PROD.replace('default_profile = "prod"', ""))
    with pytest.raises(ConfigError, match="several profiles"):
        resolve_profile(config, env={})


def test_env_fills_what_the_profile_lacks(config: Path) -> None:
    write(config, '[profiles.thin]\nbucket = "examplebucket-1250000000"\n')
    profile = resolve_profile(config, env=ENV)
    assert profile.credentials.secret_id == ENV["TENCENTCLOUD_SECRET_ID"]
    assert profile.credentials.token == ENV["TENCENTCLOUD_TOKEN"]
    assert profile.region == "ap-chengdu"
    assert profile.sources["secret_key"] == "TENCENTCLOUD_SECRET_KEY"
    assert profile.sources["token"] == "TENCENTCLOUD_TOKEN"
    assert profile.sources["region"] == "TENCENTCLOUD_REGION"


def test_environment_only_needs_no_file(config: Path) -> None:
    assert not config.exists()
    profile = resolve_profile(config, overrides=Overrides(bucket="examplebucket-1250000000"), env=ENV)
    assert profile.name == "environment" and profile.region == "ap-chengdu"
    assert profile.sources["bucket"] == "--bucket" and profile.sources["secret_id"] == "TENCENTCLOUD_SECRET_ID"
    assert profile.credentials.token == ENV["TENCENTCLOUD_TOKEN"]
    with pytest.raises(NoProfileError, match="bucket"):
        resolve_profile(config, env=ENV)
    with pytest.raises(NoProfileError):
        resolve_profile(config, env={})


def test_named_profile_without_a_file_is_an_error(config: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        resolve_profile(config, "prod", env=ENV)


@pytest.mark.parametrize(
    "line, key, message",
    [
        ("page_size = 0", "page_size", "between 1 and 100"),
        ("page_size = true", "page_size", "whole number"),
        ("refresh_seconds = -1", "refresh_seconds", "0 (off) or more"),
        ('region = "AP_Guangzhou"', "region", "ap-guangzhou"),
        ('bucket = "no-appid"', "bucket", "BucketName-APPID"),
        ('endpoint = "http://example.com"', "endpoint", "loopback"),
        ('secret_key_command = ""', "secret_key_command", "empty"),
    ],
)
def test_bad_values_name_file_line_and_key(config: Path, line: str, key: str, message: str) -> None:
    text = f'[profiles.p]\nsecret_id = "{ID}"\nsecret_key = "{KEY}"\nregion = "ap-beijing"\nbucket = "a-1"\n'
    lines = [entry for entry in text.splitlines() if not entry.startswith(f"{key} =")] + [line]
    write(config, "\n".join(lines) + "\n")
    with pytest.raises(ConfigError) as failure:
        resolve_profile(config, env={})
    error = failure.value
    assert error.path == str(config) and error.key == f"profiles.p.{key}" and message in error.reason
    assert error.line == len(lines)
    assert KEY not in str(error)


def test_bad_override_and_env_values_name_their_source(config: Path) -> None:
    write(config, PROD)
    with pytest.raises(ConfigError) as failure:
        resolve_profile(config, overrides=Overrides(region="Bad Region"), env={})
    assert failure.value.key == "--region"
    with pytest.raises(ConfigError) as failure:
        resolve_profile(config, "staging", env={}, overrides=Overrides(endpoint="ftp://x"))
    assert failure.value.key == "--endpoint"
    write(config, '[profiles.thin]\nbucket = "examplebucket-1250000000"\n')
    with pytest.raises(ConfigError) as failure:
        resolve_profile(config, env=ENV | {"TENCENTCLOUD_REGION": "nowhere!"})
    assert failure.value.key == "TENCENTCLOUD_REGION"


def test_missing_field_says_how_to_supply_it(config: Path) -> None:
    write(config, f'[profiles.p]\nsecret_id = "{ID}"\nsecret_key = "{KEY}"\nbucket = "a-1"\n')
    with pytest.raises(ConfigError) as failure:
        resolve_profile(config, env={})
    assert "no region" in str(failure.value) and "--region" in str(failure.value)


def test_secret_key_command_output_is_used(config: Path) -> None:
    command = f"{PY} -c \"print('  CommandSecretKey000000000000009  ')\""
    with_command(config, command)
    profile = resolve_profile(config, env=ENV)
    assert profile.credentials.secret_key == "CommandSecretKey000000000000009"
    assert profile.sources["secret_key"] == "secret_key_command"


def test_profile_key_beats_command_and_command_beats_env(config: Path) -> None:
    failing = f'{PY} -c "raise SystemExit(3)"'
    with_command(config, failing, secret_key=KEY)
    assert resolve_profile(config, env=ENV).credentials.secret_key == KEY  # the command is never run


def test_secret_key_command_failure_shows_its_stderr(config: Path) -> None:
    command = f"{PY} -c \"import sys; sys.stderr.write('gpg: decryption failed: No secret key'); print('LeakedStdout'); sys.exit(2)\""
    with_command(config, command)
    with pytest.raises(ConfigError) as failure:
        resolve_profile(config, env={})
    message = str(failure.value)
    assert "gpg: decryption failed: No secret key" in message and "exit status 2" in message
    assert "LeakedStdout" not in message
    assert failure.value.key == "profiles.p.secret_key_command" and failure.value.line == 3  # tomli-w keeps key order


@pytest.mark.timeout(30)
def test_secret_key_command_timeout() -> None:
    with pytest.raises(ConfigError, match="did not finish within 0.2 s"):
        run_secret_key_command(f'{PY} -c "import time; time.sleep(60)"', timeout=0.2)


def test_secret_key_command_not_found_and_empty_output() -> None:
    with pytest.raises(ConfigError, match="not found"):
        run_secret_key_command("/nonexistent/cqtui-secret-helper")
    with pytest.raises(ConfigError, match="printed nothing"):
        run_secret_key_command(f"{PY} -c \"print('   ')\"")


def test_repr_of_a_resolved_profile_shows_no_secret(config: Path) -> None:
    write(config, PROD.replace("page_size = 25", 'token = "ProfileSessionToken00000000000007"'))
    profile = resolve_profile(config, env={})
    shown = repr(profile) + str(profile)
    assert KEY not in shown and "ProfileSessionToken" not in shown and ID not in shown


def test_repr_of_a_selected_profile_shows_no_secret(config: Path) -> None:
    from cqtui.profiles.resolve import select_profile
    from cqtui.profiles.store import read_config

    write(config, PROD)
    selected = select_profile(read_config(config), "prod", config)
    assert KEY not in repr(selected) and selected.how == "--profile"
