"""`cqtui queue pause|resume|set` and `cqtui audit` as real processes against an emulator in this process,
so every test checks what the emulator received (and the audit log what was recorded)."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
import tomli_w

from cqtui.emulator.data import DEMO_BUCKET, generated_queues
from cqtui.emulator.server import DEMO_SECRET_ID, DEMO_SECRET_KEY, Emulator
from cqtui.emulator.updates import read_body
from reliability_helpers import TerminalSession, cli_env

TOKEN = "session-token-0123456789-must-never-show"


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return cli_env(tmp_path / "absent" / "config.toml", CQTUI_STATE_DIR=str(tmp_path / "state"), COLUMNS="160")


def audit_lines(env) -> list[dict]:
    path = Path(env["CQTUI_STATE_DIR"]) / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def cqtui(emulator: Emulator, env, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`cqtui ARGS --endpoint <emulator> --bucket <its bucket>`, stdin a pipe (never a terminal)."""
    command = [sys.executable, "-m", "cqtui", *args, "--endpoint", emulator.base_url, "--bucket", DEMO_BUCKET]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, env=env, timeout=60)


def puts(emulator: Emulator):
    return [request for request in emulator.requests if request.method == "PUT"]


def test_pause_with_yes_shows_the_target_and_the_diff_and_records_it(emulator, env):
    queue = emulator.queues[0]
    result = cqtui(emulator, env, "queue", "pause", queue.queue_id, "--yes")
    assert result.returncode == 0, result.stderr
    assert f"cqtui: bucket {DEMO_BUCKET} · image-processing queues (pic)\n" in result.stderr
    assert "cqtui: profile environment · region ap-guangzhou\n" in result.stderr
    assert f"{queue.queue_id}  {queue.name}" in result.stderr and "State: 'Active' -> 'Paused'" in result.stderr
    header, row = result.stdout.splitlines()
    assert header.split()[:3] == ["QUEUE_ID", "NAME", "OUTCOME"] and row.split()[:3] == [
        queue.queue_id,
        queue.name,
        "done",
    ]
    (put,) = puts(emulator)
    assert read_body(put.body).state == "Paused" and emulator.queues[0].state == "Paused"
    assert [line["outcome"] for line in audit_lines(env)] == ["attempted", "done"]
    state = Path(env["CQTUI_STATE_DIR"])
    assert stat.S_IMODE((state / "audit.jsonl").stat().st_mode) == 0o600 and stat.S_IMODE(state.stat().st_mode) == 0o700


def test_resume_many_as_json_gives_each_queues_answer(emulator, env):
    paused = [queue.queue_id for queue in emulator.queues if queue.state == "Paused"][:3]
    result = cqtui(emulator, env, "queue", "resume", *paused, "--yes", "-o", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["Bucket"], document["Family"], document["DryRun"]) == (DEMO_BUCKET, "pic", False)
    for entry, queue_id in zip(document["Results"], paused, strict=True):
        assert (entry["QueueId"], entry["Outcome"], entry["Applied"]) == (queue_id, "done", True)
        assert entry["Before"]["State"] == "Paused" and entry["After"]["State"] == "Active"
        assert entry["Changes"] == [{"Field": "State", "Before": "Paused", "After": "Active"}]
        assert len(entry["RequestIds"]) == 1
    assert len(puts(emulator)) == 3


@pytest.mark.parametrize(
    "options, expected",
    [
        (["--callback-url", "https://hooks.example.com/ci", "--events", "TaskFinish"],
         {"url": "https://hooks.example.com/ci", "type": "Url", "state": "On", "event": "TaskFinish"}),
        (["--callback-tdmq", "Topic:bj:ci-events", "--result-format", "XML"],
         {"url": "", "type": "TDMQ", "state": "On", "mq_mode": "Topic", "mq_region": "bj", "mq_name": "ci-events",
          "result_format": "XML"}),
        (["--callback-off"], {"state": "Off", "type": "Url", "url": "http://callback.demo.com"}),
        (["--name", "改名-队列_1*", "--state", "PAUSED"], {}),
    ],
    ids=["url", "tdmq", "off", "name-and-state"],
)  # fmt: skip
def test_set_sends_the_change_with_the_current_fields(emulator, env, options, expected):
    queue = emulator.queues[0]
    result = cqtui(emulator, env, "queue", "set", queue.queue_id, *options, "--yes")
    assert result.returncode == 0, result.stderr
    body = read_body(puts(emulator)[0].body)
    assert body.notify_config == replace(queue.notify_config, **expected)
    if "--name" in options:
        assert (body.name, body.state) == ("改名-队列_1*", "Paused")
    else:
        assert (body.name, body.state) == (queue.name, queue.state)
    assert emulator.queues[0].notify_config == body.notify_config


def test_dry_run_sends_nothing_and_records_nothing(emulator, env):
    queue = emulator.queues[0]
    result = cqtui(emulator, env, "queue", "pause", queue.queue_id, "--dry-run", "-o", "json")
    assert result.returncode == 0, result.stderr
    assert "State: 'Active' -> 'Paused'" in result.stderr
    entry = json.loads(result.stdout)["Results"][0]
    assert json.loads(result.stdout)["DryRun"] is True and entry["Outcome"] == "would-change"
    assert [request.method for request in emulator.requests] == ["GET"] and audit_lines(env) == []
    assert emulator.queues[0] == queue


def test_without_yes_and_without_a_terminal_it_is_a_usage_error_before_anything_is_sent(emulator, env):
    result = cqtui(emulator, env, "queue", "pause", emulator.queues[0].queue_id, stdin="y\n")
    assert result.returncode == 2 and "stdin is not a terminal" in result.stderr and "--yes" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and emulator.requests == [] and audit_lines(env) == []


@pytest.mark.parametrize("how", ["profile", "flag", "flag-before"])
def test_read_only_refuses_every_change_in_one_line(emulator, env, tmp_path, how):
    config = tmp_path / "config.toml"
    profile = {"secret_id": DEMO_SECRET_ID, "secret_key": DEMO_SECRET_KEY, "region": "ap-guangzhou"}
    if how == "profile":
        profile["read_only"] = True
    config.write_text(tomli_w.dumps({"profiles": {"prod": profile}}))
    config.chmod(0o600)
    env = {**env, "CQTUI_CONFIG": str(config)}
    queue_id = emulator.queues[0].queue_id
    for action in (["pause", queue_id], ["resume", queue_id], ["set", queue_id, "--name", "x"],
                   ["pause", queue_id, "--dry-run"]):  # fmt: skip
        args = ["queue", *action, "--yes"]
        if how == "flag":
            args.append("--read-only")
        elif how == "flag-before":
            args.insert(0, "--read-only")
        result = cqtui(emulator, env, *args)
        assert result.returncode == 2, result.stderr
        reason = "profile prod has read_only = true" if how == "profile" else "--read-only is set"
        assert result.stderr == f"cqtui: read_only: read-only: {reason}; no change is sent\n"
    assert emulator.requests == [] and audit_lines(env) == []


@pytest.mark.parametrize(
    "options, words",
    [
        (["--name", "bad<name"], "'<' at position 4"),
        (["--callback-url", "http://192.168.1.1/cb"], "private-network"),
        (["--callback-tdmq", "Queue:gz"], "MODE:REGION:NAME"),
        (["--family", "ai", "--callback-tdmq", "Queue:gz:q"], "must be one of Url for AI"),
        (["--family", "doc", "--result-format", "XML"], "document-processing queues have no such field"),
        (["--callback-url", "https://x.example.com/", "--callback-off"], "not allowed with"),
    ],
)
def test_a_change_the_rules_refuse_is_exit_2_before_anything_is_sent(emulator, env, options, words):
    result = cqtui(emulator, env, "queue", "set", emulator.queues[0].queue_id, *options, "--yes")
    assert result.returncode == 2 and words in result.stderr, result.stderr
    assert emulator.requests == []


def test_an_unknown_queue_id_changes_nothing(emulator, env):
    result = cqtui(emulator, env, "queue", "pause", emulator.queues[0].queue_id, "pnosuchqueue", "--yes")
    assert result.returncode == 2 and "have no queue pnosuchqueue; nothing changed" in result.stderr
    assert puts(emulator) == []


def test_a_bulk_change_of_50_with_one_access_denied(emulator, env):
    emulator.queues = [replace(queue, state="Active") for queue in generated_queues(50)]
    denied = emulator.queues[29]
    emulator.set_fault("put_access_denied", queue=denied.queue_id)
    result = cqtui(
        emulator, env, "queue", "pause", *(queue.queue_id for queue in emulator.queues), "--yes", "-o", "json"
    )
    assert result.returncode == 1
    outcomes = [entry["Outcome"] for entry in json.loads(result.stdout)["Results"]]
    assert outcomes == ["done"] * 29 + ["failed"] + ["skipped"] * 20
    failed = json.loads(result.stdout)["Results"][29]
    assert failed["Code"] == "AccessDenied" and failed["RequestIds"] and failed["Applied"] is False
    assert (
        f"failed {denied.queue_id}: AccessDenied" in result.stderr and "29 done, 1 failed, 20 skipped" in result.stderr
    )
    assert len(puts(emulator)) == 30 and len(audit_lines(env)) == 60


def test_a_queue_changed_meanwhile_is_not_sent_with_yes(emulator, env):
    queue = emulator.queues[0]

    reads = []

    def another_client(request):
        reads.append(request)
        if len(reads) == 2:  # cqtui's read just before the PUT: the queue changed since its first read
            emulator.change_queue(queue.queue_id, name="renamed-elsewhere")

    emulator.on_request = another_client
    result = cqtui(emulator, env, "queue", "pause", queue.queue_id, "--yes")
    assert result.returncode == 1
    assert f"changed-meanwhile {queue.queue_id}" in result.stderr and "'renamed-elsewhere'" in result.stderr
    assert puts(emulator) == [] and emulator.queues[0].state == "Active"
    assert [line["outcome"] for line in audit_lines(env)] == ["changed-meanwhile"]


def test_timeout_after_apply_is_reported_applied_and_sent_once(emulator, env):
    emulator.set_fault("put_timeout_after_apply")
    result = cqtui(emulator, env, "queue", "pause", emulator.queues[0].queue_id, "--yes", "--timeout", "0.5")
    assert result.returncode == 0, result.stderr
    assert "reading the queue again shows the change applied" in result.stderr
    assert len(puts(emulator)) == 1 and emulator.queues[0].state == "Paused"


def test_reset_before_apply_is_reported_not_applied(emulator, env):
    emulator.set_fault("put_reset_before_apply")
    result = cqtui(emulator, env, "queue", "pause", emulator.queues[0].queue_id, "--yes")
    assert result.returncode == 1 and "shows it not applied" in result.stderr
    assert len(puts(emulator)) == 1 and emulator.queues[0].state == "Active"


def test_no_secret_reaches_the_audit_log_or_the_output(env, tmp_path):
    secret_key = "SECRETKEY-0123456789-must-never-show"
    with Emulator(secret_id="AKIDAUDIT0000000001", secret_key=secret_key, token=TOKEN) as emulator:
        env = {**env, "TENCENTCLOUD_SECRET_ID": "AKIDAUDIT0000000001", "TENCENTCLOUD_SECRET_KEY": secret_key,
               "TENCENTCLOUD_TOKEN": TOKEN}  # fmt: skip
        queue_id = emulator.queues[0].queue_id
        url = "https://ops:hunter2-password@hooks.example.com/ci"
        result = cqtui(emulator, env, "queue", "set", queue_id, "--callback-url", url, "--yes", "-o", "json")
        assert result.returncode == 0, result.stderr
        assert puts(emulator)[0].headers["x-ci-security-token"] == TOKEN  # it was used, and signed
        shown = cqtui(emulator, env, "audit", "-o", "json")
    text = (Path(env["CQTUI_STATE_DIR"]) / "audit.jsonl").read_text()
    for secret in (secret_key, TOKEN, "hunter2-password", "Authorization", "authorization", "q-signature"):
        assert secret not in text
        assert secret not in result.stdout + result.stderr + shown.stdout + shown.stderr
    assert "https://ops:***@hooks.example.com/ci" in text


def test_audit_prints_each_change_and_reports_corrupt_lines(emulator, env):
    queue = emulator.queues[0]
    assert cqtui(emulator, env, "queue", "pause", queue.queue_id, "--yes").returncode == 0
    log = Path(env["CQTUI_STATE_DIR"]) / "audit.jsonl"
    with log.open("a") as appended:
        appended.write("{broken\n")
    table = cqtui(emulator, env, "audit")
    assert table.returncode == 0 and f"{log}:3: not a JSON line; skipped" in table.stderr
    header, row = table.stdout.splitlines()
    assert header.split()[0] == "TIME" and queue.queue_id in row and "State=Paused" in row and "done" in row
    document = json.loads(cqtui(emulator, env, "audit", "-o", "json", "--since", "1h").stdout)
    (change,) = document["Changes"]
    assert (change["queue_id"], change["outcome"], change["after"]) == (queue.queue_id, "done", {"State": "Paused"})
    assert json.loads(cqtui(emulator, env, "audit", "-o", "json", "--since", "2999-01-01").stdout)["Changes"] == []
    (tsv,) = cqtui(emulator, env, "audit", "--no-headers", "-o", "tsv").stdout.splitlines()
    assert "\tState:Active->Paused\t" in tsv and tsv.split("\t")[5] == queue.queue_id
    assert datetime.fromisoformat(tsv.split("\t")[0]).tzinfo is not None  # the whole time, with its zone
    assert cqtui(emulator, env, "audit", "--since", "yesterday").returncode == 2


def test_profiles_read_only_is_set_shown_and_unset(env, tmp_path):
    config = tmp_path / "profiles" / "config.toml"
    env = {**env, "CQTUI_CONFIG": str(config)}

    def profiles(*args):
        return subprocess.run([sys.executable, "-m", "cqtui", "profiles", *args], capture_output=True, text=True,
                              env=env, timeout=60, input=f"{DEMO_SECRET_KEY}\n")  # fmt: skip

    added = profiles("add", "prod", "--region", "ap-guangzhou", "--secret-id", DEMO_SECRET_ID, "--secret-key-stdin",
                     "--read-only")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "read_only = true" in config.read_text()
    shown = json.loads(profiles("show", "prod", "-o", "json").stdout)
    assert shown["read_only"] == {"value": "true", "source": "profile"}
    assert profiles("edit", "prod", "--no-read-only").returncode == 0
    assert json.loads(profiles("show", "prod", "-o", "json").stdout)["read_only"]["value"] == "false"
    flagged = subprocess.run([sys.executable, "-m", "cqtui", "--read-only", "profiles", "show", "prod", "-o", "json"],
                             capture_output=True, text=True, env=env, timeout=60)  # fmt: skip
    assert json.loads(flagged.stdout)["read_only"] == {"value": "true", "source": "--read-only"}


# ---- on a terminal ---------------------------------------------------------------------------------


def on_terminal(emulator: Emulator, env, *args: str) -> TerminalSession:
    env = {key: value for key, value in env.items() if key != "COLUMNS"}
    return TerminalSession(*args, "--endpoint", emulator.base_url, "--bucket", DEMO_BUCKET, env=env)


def test_one_queue_is_confirmed_with_y_on_the_terminal(emulator, env):
    queue = emulator.queues[0]
    with on_terminal(emulator, env, "queue", "pause", queue.queue_id) as terminal:
        terminal.read_until(b"Change this queue? [y/N] ")
        assert puts(emulator) == []
        terminal.send(b"y\n")
        assert terminal.wait() == 0
    assert len(puts(emulator)) == 1 and emulator.queues[0].state == "Paused"


def test_a_bulk_change_asks_for_its_count(emulator, env):
    ids = [queue.queue_id for queue in emulator.queues if queue.state == "Active"][:3]
    with on_terminal(emulator, env, "queue", "pause", *ids) as terminal:
        terminal.read_until(b"Type 3 to change these 3 queues")
        terminal.send(b"y\n")  # not the count
        assert terminal.wait() == 1
    assert b"not confirmed: nothing sent" in terminal.output and puts(emulator) == []
    with on_terminal(emulator, env, "queue", "pause", *ids) as terminal:
        terminal.read_until(b"Type 3 to change these 3 queues")
        terminal.send(b"3\n")
        assert terminal.wait() == 0
    assert len(puts(emulator)) == 3
    assert b"\r\x1b[2K3 of 3 queues" in terminal.output  # progress, on a terminal only


def test_a_queue_changed_meanwhile_is_shown_again_and_asked_again(emulator, env):
    queue = emulator.queues[0]
    with on_terminal(emulator, env, "queue", "pause", queue.queue_id) as terminal:
        terminal.read_until(b"Change this queue? [y/N] ")
        emulator.change_queue(queue.queue_id, name="renamed-elsewhere")  # while the user reads the diff
        terminal.send(b"y\n")
        again = terminal.read_until(b"Change this queue? [y/N] ")
        assert b"changed since read; nothing sent" in again and b"renamed-elsewhere" in again
        assert puts(emulator) == []
        terminal.send(b"y\n")
        assert terminal.wait() == 0
    (put,) = puts(emulator)
    assert read_body(put.body).name == "renamed-elsewhere" and emulator.queues[0].state == "Paused"
    assert [line["outcome"] for line in audit_lines(env)] == ["changed-meanwhile", "attempted", "done"]
