"""A known SecretKey and session token never show up anywhere a user, a log or a screenshot sees.

Every command (queues in each format and on errors, profiles list/show/add/
edit/test/import, emulator) and every screen (list, detail, NotifyConfig, raw
XML, error, help, profile picker, profile form) runs with the secrets in play; stdout,
stderr, Python logging at DEBUG (httpx and httpcore included), the str/repr
of every error raised and the SVG of every screen are searched for any ten
characters in a row of either secret.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cqtui.ci.client import CiClient
from cqtui.ci.credentials import Credentials
from cqtui.ci.errors import CqtuiError
from cqtui.ci.models import ListQuery
from cqtui.ci.timing import RetryPolicy
from cqtui.cli import main
from cqtui.emulator.data import DEMO_BUCKET
from cqtui.emulator.server import Emulator
from cqtui.profiles import store
from cqtui.profiles.model import ResolvedProfile
from cqtui.profiles.resolve import Overrides, choose_values, resolve_profile, select_profile
from cqtui.tui.app import CqtuiApp
from cqtui.tui.profile_source import FixedProfiles
from cqtui.tui.screens.help import HelpScreen
from cqtui.tui.screens.notify_config import NotifyConfigScreen
from cqtui.tui.screens.profile_picker import ProfilePicker
from cqtui.tui.screens.queue_detail import QueueDetailScreen
from cqtui.tui.screens.raw_xml import RawXmlScreen
from tui_helpers import SIZE, error_text, press, settle

SECRET_ID = "AKIDLEAKTEST00000000000000000000CAFE"
SECRET_KEY = "sk8f3a1c9e2b7d4f60a5LeakTestKey1234"
TOKEN = "tk1d2c3b4a59687f0eLeakTestToken5678"
SECRETS = (SECRET_KEY, TOKEN)
CANARY = "canaryProfile42"  # shown on every screen: proves a string in a screenshot is found
WINDOW = 10


def leaks(text: str) -> list[str]:
    """Every ten-character run of a secret found in `text`."""
    return [
        secret[i : i + WINDOW]
        for secret in SECRETS
        for i in range(len(secret) - WINDOW + 1)
        if secret[i : i + WINDOW] in text
    ]


def assert_clean(text: str, where: str) -> None:
    found = leaks(text)
    assert not found, f"{where} shows part of a secret: {found[:3]}"


@pytest.fixture
def secured() -> Emulator:
    """An emulator that accepts only our key and requires our session token."""
    with Emulator(secret_id=SECRET_ID, secret_key=SECRET_KEY, token=TOKEN) as emulator:
        yield emulator


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, secured: Emulator) -> Path:
    for name in list(os.environ):
        if name.startswith(("TENCENTCLOUD_", "CQTUI_", "TCCLI_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    folder = tmp_path / "cqtui"
    folder.mkdir(mode=0o700)
    folder.chmod(0o700)
    path = folder / "config.toml"
    path.write_text(
        'default_profile = "leak"\n[profiles.leak]\n'
        f'secret_id = "{SECRET_ID}"\nsecret_key = "{SECRET_KEY}"\ntoken = "{TOKEN}"\n'
        f'region = "ap-guangzhou"\nbucket = "{DEMO_BUCKET}"\nendpoint = "{secured.base_url}"\n'
    )
    path.chmod(0o600)
    monkeypatch.setenv("CQTUI_CONFIG", str(path))
    return path


@pytest.fixture
def everything_logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "asyncio", "cqtui"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{record.name} {record.getMessage()} {record.args!r}" for record in caplog.records)


def run(capsys, monkeypatch, *argv: str, stdin: str = "") -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def test_every_command_keeps_the_secrets(config, secured, capsys, monkeypatch, everything_logged, tmp_path):
    outputs: list[tuple[str, str]] = []

    def command(*argv: str, stdin: str = "", expect: int = 0) -> str:
        code, text = run(capsys, monkeypatch, *argv, stdin=stdin)
        assert code == expect, (argv, text)
        outputs.append((" ".join(argv), text))
        return text

    for output in ("table", "json", "csv"):
        command("queues", "-o", output)
    assert json.loads(command("queues", "-o", "json", "--all", "--page-size", "100"))["TotalCount"] == 44
    assert secured.requests[-1].headers["x-ci-security-token"] == TOKEN  # the token really was in play

    for fault in ("signature_mismatch", "expired_token", "html_body", "http500"):
        secured.set_fault(fault)
        command("queues", expect=1)
        secured.clear_faults()
    secured.secrets[SECRET_ID] = "the-server-now-wants-another-key"
    assert "SignatureDoesNotMatch" in command("queues", expect=1)
    secured.secrets[SECRET_ID] = SECRET_KEY
    secured.clock_skew_seconds = 3600
    command("queues")  # RequestTimeTooSkewed, corrected
    secured.clock_skew_seconds = 0

    command("profiles", "list")
    command("profiles", "list", "-o", "json")
    command("profiles", "show")
    command("profiles", "show", "leak", "-o", "json")
    command("profiles", "test")
    command("profiles", "add", "second", "--region", "ap-beijing", "--bucket", "b-1250000000", "--secret-id", SECRET_ID,
            "--secret-key-stdin", "--token-stdin", "--endpoint", secured.base_url, stdin=f"{SECRET_KEY}\n{TOKEN}\n")  # fmt: skip
    command("profiles", "edit", "second", "--token-stdin", stdin=f"{TOKEN}\n")
    command("profiles", "test", "second")
    command("profiles", "add", "second", "--region", "ap-beijing", "--bucket", "b-1250000000", "--secret-id", SECRET_ID,
            "--secret-key-stdin", stdin=f"{SECRET_KEY}\n", expect=2)  # already exists  # fmt: skip
    command("profiles", "edit", "second", "--token-stdin", stdin="bad token with spaces\n", expect=2)

    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("TENCENTCLOUD_TOKEN", TOKEN)
    command("profiles", "import", "env", "--name", "fromenv", "--region", "ap-guangzhou", "--bucket", DEMO_BUCKET)
    command("profiles", "show", "fromenv")
    cos_conf = tmp_path / "cos.conf"
    cos_conf.write_text(
        f"[common]\nsecret_id = {SECRET_ID}\nsecret_key = {SECRET_KEY}\nbucket = {DEMO_BUCKET}\nregion = ap-guangzhou\n"
    )
    command("profiles", "import", "coscmd", "--from", str(cos_conf), "--name", "fromcos")
    cos_conf.write_text(f"secret_key = {SECRET_KEY}\n")  # broken: no section header
    command("profiles", "import", "coscmd", "--from", str(cos_conf), "--name", "broken", expect=2)

    config.write_text(config.read_text().replace(f'secret_key = "{SECRET_KEY}"', f"secret_key = {SECRET_KEY}"))
    command("queues", expect=2)  # a TOML error on the secret's own line

    assert any("AKID…CAFE" in text for _, text in outputs)  # control: output was captured, masks shown
    for where, text in outputs:
        assert_clean(text, where)
    assert_clean(logged(everything_logged), "logging")
    assert_clean(everything_logged.text, "logging")


def test_http_logging_never_shows_the_authorization_or_token_headers(secured, everything_logged):
    async def fetch() -> None:
        async with CiClient(secured.base_url, Credentials(SECRET_ID, SECRET_KEY, TOKEN)) as client:
            await client.list_queues(ListQuery())

    asyncio.run(fetch())
    text = logged(everything_logged)
    assert "HTTP Request: GET" in text  # httpx did log the request line
    sent = secured.requests[-1].headers
    assert sent["x-ci-security-token"] == TOKEN
    assert sent["authorization"] not in text and "q-signature" not in text
    assert_clean(text, "httpx/httpcore logging")


def test_no_error_or_profile_object_shows_a_secret(config, secured, tmp_path):
    problems: list[object] = []

    async def collect(credentials: Credentials, base_url: str, **faults) -> None:
        for kind in faults.get("faults", [None]):
            if kind:
                secured.set_fault(kind)
            async with CiClient(base_url, credentials, retry=RetryPolicy(attempts=1)) as client:
                try:
                    await client.list_queues(ListQuery())
                except CqtuiError as problem:
                    problems.append(problem)
            secured.clear_faults()

    wrong = Credentials(SECRET_ID, SECRET_KEY[::-1], TOKEN)
    asyncio.run(collect(wrong, secured.base_url))
    asyncio.run(collect(Credentials(SECRET_ID, SECRET_KEY, TOKEN), secured.base_url,
                        faults=["http500", "malformed_xml", "connection_reset", "huge_body", "json_error"]))  # fmt: skip
    asyncio.run(collect(Credentials(SECRET_ID, SECRET_KEY, TOKEN), "http://127.0.0.1:9"))
    for text in (
        f"secret_key = {SECRET_KEY}\n",
        f'token = "{TOKEN}\n',
        f'[profiles.x]\ntoken = "{TOKEN} x"\nsecret_key = 5\n',
    ):
        config.write_text(text)
        try:
            resolve_profile(config)
        except CqtuiError as problem:
            problems.append(problem)
    assert len(problems) >= 9

    profile = ResolvedProfile("leak", "ap-guangzhou", DEMO_BUCKET, Credentials(SECRET_ID, SECRET_KEY, TOKEN))
    loaded = store.parse(config, f'[profiles.leak]\nsecret_key = "{SECRET_KEY}"\ntoken = "{TOKEN}"\n'.encode())
    selected = select_profile(loaded, "leak", config)
    objects = [
        *problems,
        profile,
        profile.credentials,
        loaded,
        selected,
        *choose_values(selected.table, Overrides(), {}).values(),
    ]
    for thing in objects:
        assert_clean(str(thing), f"str({type(thing).__name__})")
        assert_clean(repr(thing), f"repr({type(thing).__name__})")
        for attribute in ("message", "detail", "excerpt", "reason"):
            assert_clean(str(getattr(thing, attribute, "")), f"{type(thing).__name__}.{attribute}")


def test_emulator_command_masks_the_key_it_accepts(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "cqtui", "emulator", "--secret-id", SECRET_ID, "--secret-key", SECRET_KEY],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout.readline().startswith("http://127.0.0.1:")
        shown = process.stdout.readline()
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    assert shown.startswith("accepting SecretId AKID…CAFE with SecretKey")
    assert_clean(shown + out + err, "cqtui emulator")


async def test_no_screen_shows_a_secret(secured):
    profile = ResolvedProfile(CANARY, "ap-guangzhou", DEMO_BUCKET, Credentials(SECRET_ID, SECRET_KEY, TOKEN),
                              endpoint=secured.base_url)  # fmt: skip
    other = ResolvedProfile("other", "ap-beijing", DEMO_BUCKET, Credentials(SECRET_ID, SECRET_KEY, TOKEN),
                            endpoint=secured.base_url)  # fmt: skip
    app = CqtuiApp(profile, profiles=FixedProfiles(profile, other))
    shots: dict[str, str] = {}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shots["list"] = app.export_screenshot()
        await press(pilot, "enter")
        assert isinstance(app.screen, QueueDetailScreen)
        shots["detail"] = app.export_screenshot()
        await press(pilot, "c")
        assert isinstance(app.screen, NotifyConfigScreen)
        shots["notify"] = app.export_screenshot()
        await press(pilot, "y")
        assert isinstance(app.screen, RawXmlScreen)
        shots["raw XML"] = app.export_screenshot() + app.screen.text
        await press(pilot, "escape", "escape", "escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        shots["help"] = app.export_screenshot()
        await press(pilot, "escape", "P")
        assert isinstance(app.screen, ProfilePicker)
        shots["profile picker"] = app.export_screenshot()
        await press(pilot, "escape")
        secured.set_fault("signature_mismatch")
        await press(pilot, "r")
        assert "SignatureDoesNotMatch" in error_text(app)
        shots["error"] = app.export_screenshot()
        secured.set_fault("html_body")
        await press(pilot, "r", "y")  # the excerpt of the answer
        assert isinstance(app.screen, RawXmlScreen)
        shots["error excerpt"] = app.export_screenshot() + app.screen.text
    for name, svg in shots.items():
        assert CANARY in svg, f"control: the {name} screenshot does not show the profile name as text"
        assert_clean(svg, f"the {name} screen")


async def test_the_profile_form_never_shows_a_stored_secret(config, secured, monkeypatch):
    """Editing a profile (and testing its connection) from the picker: the key and token stay off screen."""
    from cqtui.cli import parse_args
    from cqtui.tui.launch import app_for
    from cqtui.tui.screens.profile_form import ProfileForm

    app = app_for(parse_args(["--config", str(config)]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "P")
        assert isinstance(app.screen, ProfilePicker)
        picker = app.export_screenshot()
        await press(pilot, "e")
        assert isinstance(app.screen, ProfileForm)
        form = app.export_screenshot()
        await press(pilot, "ctrl+t")  # test connection: a real signed request with the stored key
        for _ in range(100):
            if secured.requests and "Testing" not in app.export_screenshot():
                break
            await pilot.pause(0.05)
        tested = app.export_screenshot()
    assert secured.requests[-1].params.get("pageSize") == "1"  # the test connection was really made
    for name, svg in (("picker", picker), ("edit form", form), ("form after a connection test", tested)):
        assert "leak" in svg, f"control: the {name} screenshot shows the profile name"
        assert_clean(svg, f"the {name}")
