"""`cqtui profiles …` end to end: real files, real subprocesses, the emulator for `test`."""

from __future__ import annotations

import io
import json
import os
import select
import stat
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from cqtui.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "profiles"
PYTHON = sys.executable

SECRET_ID = "AKIDCLITEST00000000000000000000001234"
SECRET_KEY = "CliTestSecretKey000000000000000000001"
TOKEN = "CliTestSessionToken00000000000000001"
ENV_KEY = "CliEnvSecretKey0000000000000000000002"
ENV_TOKEN = "CliEnvSessionToken000000000000000002"
SECRETS = (SECRET_KEY, TOKEN, ENV_KEY, ENV_TOKEN, "HandWrittenSecretKey0000000000006")


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A config path in a private folder, exported as CQTUI_CONFIG; a clean environment."""
    for name in list(os.environ):
        if name.startswith("TENCENTCLOUD_") or name in ("CQTUI_CONFIG", "TCCLI_PROFILE"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    folder = tmp_path / "cqtui"
    folder.mkdir(mode=0o700)
    os.chmod(folder, 0o700)
    path = folder / "config.toml"
    monkeypatch.setenv("CQTUI_CONFIG", str(path))
    yield path


def cqtui(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = ""
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def stored(path: Path) -> dict:
    return tomllib.loads(path.read_text())


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def add_prod(capsys, monkeypatch, *extra: str) -> None:
    code, _, err = cqtui(
        capsys, monkeypatch,
        "profiles", "add", "prod", "--region", "ap-guangzhou", "--bucket", "examplebucket-1250000000",
        "--secret-id", SECRET_ID, "--secret-key-stdin", "--token-stdin", *extra,
        stdin=f"{SECRET_KEY}\n{TOKEN}\n",
    )  # fmt: skip
    assert code == 0, err


def test_add_list_show_edit_default_remove(config: Path, capsys, monkeypatch) -> None:
    add_prod(capsys, monkeypatch, "--page-size", "20", "--refresh-seconds", "5")
    assert stored(config) == {
        "default_profile": "prod",
        "profiles": {
            "prod": {
                "secret_id": SECRET_ID,
                "secret_key": SECRET_KEY,
                "token": TOKEN,
                "region": "ap-guangzhou",
                "bucket": "examplebucket-1250000000",
                "page_size": 20,
                "refresh_seconds": 5,
            }
        },
    }
    assert mode(config) == 0o600 and mode(config.parent) == 0o700

    code, _, err = cqtui(
        capsys, monkeypatch, "profiles", "add", "dev", "--region", "ap-beijing", "--bucket", "devbucket-1250000000",
        "--secret-key-command", "pass show tencent/dev", "--endpoint", "http://127.0.0.1:8765",
    )  # fmt: skip
    assert code == 0, err

    code, out, _ = cqtui(capsys, monkeypatch, "profiles", "list")
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "REGION", "BUCKET", "ENDPOINT", "SECRET", "ID"]
    assert lines[1].split() == ["dev", "ap-beijing", "devbucket-1250000000", "http://127.0.0.1:8765", "-"]
    assert lines[2].split() == ["*", "prod", "ap-guangzhou", "examplebucket-1250000000", "-", "AKID…1234"]

    code, out, _ = cqtui(capsys, monkeypatch, "profiles", "show", "dev", "-o", "json")
    shown = json.loads(out)
    assert shown["secret_key"] == {"value": "from command: pass show tencent/dev", "source": "secret_key_command"}
    assert shown["endpoint"]["source"] == "profile" and shown["name"]["source"] == "--profile"

    # edit changes only what is given; a new key replaces the command
    code, _, err = cqtui(
        capsys, monkeypatch, "profiles", "edit", "dev", "--page-size", "100", "--secret-key-stdin", "--default",
        stdin="DevSecretKey000000000000000000000003\n",
    )  # fmt: skip
    assert code == 0, err
    dev = stored(config)["profiles"]["dev"]
    assert dev["page_size"] == 100 and dev["secret_key"] == "DevSecretKey000000000000000000000003"
    assert "secret_key_command" not in dev and dev["endpoint"] == "http://127.0.0.1:8765"
    assert stored(config)["default_profile"] == "dev"

    code, _, err = cqtui(capsys, monkeypatch, "profiles", "edit", "dev", "--endpoint", "")
    assert code == 0 and "endpoint" not in stored(config)["profiles"]["dev"]

    code, _, err = cqtui(capsys, monkeypatch, "profiles", "default", "prod")
    assert code == 0 and stored(config)["default_profile"] == "prod"

    code, _, err = cqtui(capsys, monkeypatch, "profiles", "remove", "prod")
    assert code == 0 and "was the default" in err
    assert list(stored(config)["profiles"]) == ["dev"] and "default_profile" not in stored(config)
    assert mode(config) == 0o600


def test_adding_an_existing_name_is_refused(config: Path, capsys, monkeypatch) -> None:
    add_prod(capsys, monkeypatch)
    before = config.read_bytes()
    code, _, err = cqtui(
        capsys, monkeypatch, "profiles", "add", "prod", "--region", "ap-beijing", "--bucket", "x-1", "--secret-key-stdin",
        stdin="AnotherSecretKey00000000000000000004\n",
    )  # fmt: skip
    assert code == 2 and "already exists" in err and "profiles edit prod" in err
    assert config.read_bytes() == before


def test_unknown_profile_names_the_known_ones(config: Path, capsys, monkeypatch) -> None:
    add_prod(capsys, monkeypatch)
    for action in ("edit", "remove", "default", "show"):
        argv = ["profiles", action, "prdo"] + (["--page-size", "5"] if action == "edit" else [])
        code, _, err = cqtui(capsys, monkeypatch, *argv)
        assert code == 2 and "'prdo'" in err and "known profiles: prod" in err, action


def test_secret_key_never_comes_from_an_argument_or_a_non_terminal(config: Path, capsys, monkeypatch) -> None:
    with pytest.raises(SystemExit) as usage:
        cqtui(
            capsys,
            monkeypatch,
            "profiles",
            "add",
            "p",
            "--region",
            "ap-beijing",
            "--bucket",
            "b-1",
            "--secret-key",
            "x",
        )
    assert usage.value.code == 2
    capsys.readouterr()
    code, _, err = cqtui(capsys, monkeypatch, "profiles", "add", "p", "--region", "ap-beijing", "--bucket", "b-1")
    assert code == 2 and "--secret-key-stdin" in err
    assert not config.exists()


@pytest.mark.parametrize(
    "argv, flag",
    [
        (["--region", "Guangzhou"], "--region"),
        (["--bucket", "nobucketappid"], "--bucket"),
        (["--endpoint", "http://10.0.0.1:80"], "--endpoint"),
        (["--page-size", "101"], "--page-size"),
        (["--refresh-seconds", "-5"], "--refresh-seconds"),
        (["--secret-id", "AKID with space"], "--secret-id"),
    ],
)
def test_validation_errors_exit_2_naming_the_field(
    config: Path, capsys, monkeypatch, argv: list[str], flag: str
) -> None:
    base = {"--region": "ap-beijing", "--bucket": "b-1250000000"}
    for index in range(0, len(argv), 2):
        base[argv[index]] = argv[index + 1]
    flat = [item for pair in base.items() for item in pair]
    code, _, err = cqtui(
        capsys, monkeypatch, "profiles", "add", "p", *flat, "--secret-key-stdin", stdin=f"{SECRET_KEY}\n"
    )
    assert code == 2 and flag in err, err
    assert SECRET_KEY not in err
    assert not config.exists()


def test_comments_warn_and_need_yes(config: Path, capsys, monkeypatch) -> None:
    original = (DATA / "config-with-comments.toml").read_text()
    config.write_text(original)
    os.chmod(config, 0o600)
    code, out, err = cqtui(capsys, monkeypatch, "profiles", "edit", "prod", "--region", "ap-beijing")
    assert code == 2
    assert f"{config} has 3 comment lines" in err and "--yes" in err
    assert config.read_text() == original

    code, out, err = cqtui(capsys, monkeypatch, "profiles", "edit", "prod", "--region", "ap-beijing", "--yes")
    assert code == 0 and "3 comment lines" in err
    data = stored(config)
    assert data["profiles"]["prod"]["region"] == "ap-beijing"
    assert data["profiles"]["prod"]["team"] == "media" and data["theme"] == "dark"
    assert "#" not in config.read_text().replace("a # inside", "")
    assert mode(config) == 0o600


def test_group_readable_file_is_refused_with_the_fix(config: Path, capsys, monkeypatch) -> None:
    add_prod(capsys, monkeypatch)
    os.chmod(config, 0o644)
    for argv in (["profiles", "list"], ["profiles", "default", "prod"]):
        code, _, err = cqtui(capsys, monkeypatch, *argv)
        assert code == 2 and f"chmod 600 {config}" in err


def test_broken_file_is_reported_and_left_alone(config: Path, capsys, monkeypatch) -> None:
    config.write_text('[profiles.prod]\nregion = "ap-guangzhou\n')
    os.chmod(config, 0o600)
    before = config.read_bytes()
    code, _, err = cqtui(capsys, monkeypatch, "profiles", "edit", "prod", "--region", "ap-beijing", "--yes")
    assert code == 2 and f"{config}:2" in err and "column" in err and "profiles.prod.region" in err
    assert config.read_bytes() == before


def test_list_and_show_never_print_a_secret(config: Path, capsys, monkeypatch) -> None:
    add_prod(capsys, monkeypatch)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDCLIENV0000000000000000000000005678")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", ENV_KEY)
    monkeypatch.setenv("TENCENTCLOUD_TOKEN", ENV_TOKEN)
    code, _, err = cqtui(
        capsys, monkeypatch, "profiles", "add", "envkeys", "--region", "ap-beijing", "--bucket", "b-1250000000",
        "--secret-key-command", "true",
    )  # fmt: skip
    assert code == 0, err
    printed = []
    for argv in (
        ["profiles", "list"],
        ["profiles", "list", "-o", "json"],
        ["profiles", "show", "prod"],
        ["profiles", "show", "prod", "-o", "json"],
        ["profiles", "show", "envkeys"],
        ["profiles", "show", "envkeys", "-o", "json"],
    ):
        code, out, err = cqtui(capsys, monkeypatch, *argv)
        assert code == 0, err
        printed.append(out + err)
    everything = "\n".join(printed)
    for secret in SECRETS + (SECRET_ID, "AKIDCLIENV0000000000000000000000005678"):
        assert secret not in everything
    assert "AKID…1234" in everything and "set" in everything


def test_environment_only_show(config: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", ENV_KEY)
    monkeypatch.setenv("TENCENTCLOUD_REGION", "ap-nanjing")
    code, out, _ = cqtui(capsys, monkeypatch, "profiles", "show", "--bucket", "b-1250000000", "-o", "json")
    shown = json.loads(out)
    assert shown["region"] == {"value": "ap-nanjing", "source": "TENCENTCLOUD_REGION"}
    assert shown["bucket"]["source"] == "--bucket" and shown["secret_key"]["source"] == "TENCENTCLOUD_SECRET_KEY"
    assert ENV_KEY not in out


def _wait_until_reading_stdin(processes: list[subprocess.Popen], limit: float = 60) -> None:
    """Best effort (Linux /proc): return once every process is blocked reading its stdin pipe."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            channels = [Path(f"/proc/{process.pid}/wchan").read_text() for process in processes]
        except OSError:
            return
        if all("pipe" in channel for channel in channels):
            return
        if any(channel in ("", "0") for channel in channels) and any(p.poll() is not None for p in processes):
            return
        time.sleep(0.05)


def test_twenty_concurrent_adds_keep_every_profile(config: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TENCENTCLOUD_")}
    env["CQTUI_CONFIG"] = str(config)
    processes = [
        subprocess.Popen(
            [
                PYTHON,
                "-m",
                "cqtui",
                "profiles",
                "add",
                f"p{index:02d}",
                "--region",
                "ap-guangzhou",
                "--bucket",
                f"bucket{index}-1250000000",
                "--secret-id",
                SECRET_ID,
                "--secret-key-stdin",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=ROOT,
        )  # fmt: skip
        for index in range(20)
    ]
    # Hold every child at its stdin read, then let all 20 go at once for real contention.
    for process in processes:
        process.stdin.write(f"{SECRET_KEY}\n".encode())
        process.stdin.flush()
    _wait_until_reading_stdin(processes)
    for process in processes:
        process.stdin.close()
    for process in processes:
        err = process.stderr.read()
        process.stdout.close()
        process.stderr.close()
        assert process.wait(timeout=120) == 0, err.decode()
    profiles = stored(config)["profiles"]
    assert sorted(profiles) == [f"p{index:02d}" for index in range(20)]
    assert all(profile["secret_key"] == SECRET_KEY for profile in profiles.values())
    assert mode(config) == 0o600
    assert sorted(p.name for p in config.parent.iterdir()) == ["config.toml", "config.toml.lock"]


def test_cli_profiles_path_does_not_import_textual(config: Path) -> None:
    probe = (
        "import sys; from cqtui.cli import main\n"
        "code = main(['profiles', 'list'])\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "assert code == 0 and not leaked, (code, leaked)\n"
    )
    result = subprocess.run([PYTHON, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def _pty_run(argv: list[str], answers: list[tuple[str, str]], env: dict[str, str]) -> tuple[int, str]:
    """Run cqtui on a pseudo-terminal, answering each prompt when it appears."""
    import pty

    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [PYTHON, "-m", "cqtui", *argv], stdin=terminal, stdout=terminal, stderr=terminal, env=env, cwd=ROOT,
        start_new_session=True,
    )  # fmt: skip
    os.close(terminal)
    seen = b""
    pending = list(answers)
    while True:
        ready, _, _ = select.select([controller], [], [], 30)
        if not ready:
            process.kill()
            raise AssertionError(f"no output; so far: {seen!r}")
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
        if pending and pending[0][0].encode() in seen.split(b"\n")[-1]:
            os.write(controller, (pending.pop(0)[1] + "\n").encode())
    os.close(controller)
    return process.wait(timeout=30), seen.decode(errors="replace")


def test_terminal_prompts_hide_the_key_and_confirm_comment_loss(config: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TENCENTCLOUD_")}
    env["CQTUI_CONFIG"] = str(config)
    code, screen = _pty_run(
        ["profiles", "add", "tty", "--region", "ap-beijing", "--bucket", "b-1250000000", "--secret-id", SECRET_ID],
        [("(hidden)", SECRET_KEY)],
        env,
    )
    assert code == 0, screen
    assert SECRET_KEY not in screen  # typed, but never echoed
    assert stored(config)["profiles"]["tty"]["secret_key"] == SECRET_KEY

    config.write_text("# hand-written\n" + config.read_text())
    code, screen = _pty_run(["profiles", "edit", "tty", "--page-size", "7"], [("[y/N]", "n")], env)
    assert code == 2 and "1 comment line" in screen
    assert config.read_text().startswith("# hand-written")
    code, screen = _pty_run(["profiles", "edit", "tty", "--page-size", "7"], [("[y/N]", "y")], env)
    assert code == 0, screen
    assert stored(config)["profiles"]["tty"]["page_size"] == 7


def test_profiles_test_against_the_emulator(config: Path, capsys, monkeypatch, emulator, emulator_credentials) -> None:
    code, _, err = cqtui(
        capsys, monkeypatch, "profiles", "add", "emu", "--region", "ap-guangzhou", "--bucket", "demo-1250000000",
        "--endpoint", emulator.base_url, "--secret-id", emulator_credentials.secret_id, "--secret-key-stdin",
        stdin=emulator_credentials.secret_key + "\n",
    )  # fmt: skip
    assert code == 0, err
    code, out, err = cqtui(capsys, monkeypatch, "profiles", "test", "emu")
    assert code == 0, err
    assert out.startswith("ok: profile emu") and "RequestId" in out and " ms" in out
    assert emulator.requests[-1].params.get("pageSize") == "1"
    assert emulator_credentials.secret_key not in out + err

    code, _, err = cqtui(
        capsys,
        monkeypatch,
        "profiles",
        "edit",
        "emu",
        "--secret-key-stdin",
        stdin="WrongSecretKey000000000000000000009\n",
    )
    assert code == 0, err
    code, out, err = cqtui(capsys, monkeypatch, "profiles", "test", "emu")
    assert code == 1 and out == ""
    assert "SignatureDoesNotMatch" in err and "WrongSecretKey" not in err
