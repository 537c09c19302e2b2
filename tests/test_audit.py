"""The audit log file: its lines, its modes, whole lines from concurrent processes, reading it back."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from cqtui.audit import AuditLog, audit_path, read_lines, records, who
from cqtui.ci.changes import DONE, Change, Result, callback_change, make_plan
from cqtui.ci.endpoint import Where
from cqtui.ci.errors import ConfigError
from cqtui.ci.kinds import PIC
from cqtui.emulator.data import DEMO_BUCKET, generated_queues

WHERE = Where("ap-guangzhou", DEMO_BUCKET)


def plan_of(change: Change):
    return make_plan(PIC, WHERE, "prod", generated_queues(1), change)


def test_an_attempt_and_its_outcome_are_two_lines_naming_everything(tmp_path):
    log = AuditLog(tmp_path / "state" / "audit.jsonl")
    plan = plan_of(Change(name="新名字", state="Paused"))
    item = plan.items[0]
    attempt = log.attempted(plan, item)
    log.finished(plan, item, Result(item, DONE, True, request_ids=("cmVx",)), attempt)
    first, second = (json.loads(line) for line in log.path.read_text().splitlines())
    assert first["outcome"] == "attempted" and second["outcome"] == "done" and first["attempt"] == second["attempt"]
    assert datetime.fromisoformat(first["time"]).tzinfo is not None
    assert {key: first[key] for key in ("profile", "region", "bucket", "family", "queue_id", "queue_name")} == {
        "profile": "prod", "region": "ap-guangzhou", "bucket": DEMO_BUCKET, "family": "pic",
        "queue_id": item.target.queue_id, "queue_name": item.target.queue_name,
    }  # fmt: skip
    assert first["before"] == {"Name": item.seen.name, "State": item.seen.state}
    assert first["after"] == {"Name": "新名字", "State": "Paused"}
    assert second["request_ids"] == ["cmVx"] and second["applied"] is True and first["by"] == who() and "@" in who()
    assert log.path.read_bytes().isascii()  # JSON escapes: `tail` on a terminal shows no raw control character


def test_the_file_is_0600_in_a_0700_folder_even_with_a_loose_umask(tmp_path):
    old = os.umask(0o000)
    try:
        log = AuditLog(tmp_path / "state" / "audit.jsonl")
        log.append({"outcome": "attempted", "time": "2026-01-01T00:00:00+00:00"})
    finally:
        os.umask(old)
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.path.parent.stat().st_mode) == 0o700
    os.chmod(log.path, 0o644)
    log.append({"outcome": "done", "time": "2026-01-01T00:00:00+00:00"})
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600


def test_a_callback_password_is_masked(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")
    plan = plan_of(Change(notify=callback_change(url="https://hook:s3cr3t@hooks.example.com/cb")))
    log.attempted(plan, plan.items[0])
    text = log.path.read_text()
    assert "s3cr3t" not in text and "https://hook:***@hooks.example.com/cb" in text


def test_a_symlink_is_never_written_through(tmp_path):
    target = tmp_path / "elsewhere"
    target.write_text("")
    (tmp_path / "audit.jsonl").symlink_to(target)
    with pytest.raises(ConfigError, match="symbolic link"):
        AuditLog(tmp_path / "audit.jsonl").append({"outcome": "attempted"})
    assert target.read_text() == ""


def test_concurrent_processes_interleave_whole_lines(tmp_path):
    path = tmp_path / "audit.jsonl"
    writer = (
        "import sys; from pathlib import Path; from cqtui.audit import AuditLog\n"
        "log = AuditLog(Path(sys.argv[1]))\n"
        "for n in range(150): log.append({'outcome': 'attempted', 'writer': sys.argv[2], 'n': n, 'pad': 'x' * 5000})\n"
    )
    processes = [subprocess.Popen([sys.executable, "-c", writer, str(path), str(w)]) for w in range(4)]
    assert [process.wait(timeout=60) for process in processes] == [0, 0, 0, 0]
    entries = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(entries) == 600
    for writer_number in map(str, range(4)):
        assert [entry["n"] for entry in entries if entry["writer"] == writer_number] == list(range(150))


def test_a_corrupt_line_is_reported_with_file_and_line_and_skipped(tmp_path):
    path = tmp_path / "audit.jsonl"
    good = {"time": "2026-11-30T10:00:00+08:00", "outcome": "attempted", "attempt": "a1", "queue_id": "p1"}
    done = {**good, "time": "2026-11-30T10:00:01+08:00", "outcome": "done", "request_ids": ["r"]}
    alone = {"time": "2026-11-30T11:00:00+08:00", "outcome": "attempted", "attempt": "a2", "queue_id": "p2"}
    path.write_text(
        "\n".join(
            [
                json.dumps(good),
                "{not json",
                "[1, 2]",
                json.dumps({**good, "time": "yesterday"}),
                json.dumps(done),
                json.dumps(alone),
            ]
        )
        + "\n"  # fmt: skip
    )
    lines, problems = read_lines(path)
    assert problems == [
        f"{path}:2: not a JSON line; skipped",
        f"{path}:3: not an audit entry (no outcome); skipped",
        f"{path}:4: its time 'yesterday' is not a time; skipped",
    ]
    merged = records(lines)
    assert [(record.entry["queue_id"], record.outcome) for record in merged] == [("p1", "done"), ("p2", "attempted")]
    assert merged[0].entry["time"] == good["time"] and merged[0].entry["request_ids"] == ["r"]


def test_where_the_log_lives(tmp_path, monkeypatch):
    monkeypatch.setenv("CQTUI_STATE_DIR", str(tmp_path))
    assert audit_path() == tmp_path / "audit.jsonl"
    monkeypatch.delenv("CQTUI_STATE_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert audit_path() == Path(tmp_path / "xdg" / "cqtui" / "audit.jsonl")
    assert read_lines(tmp_path / "absent.jsonl") == ([], [])
