"""`cqtui buckets` and `cqtui queues --all-buckets` end to end: real processes, the demo account over loopback."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from cqtui.emulator.account import hostile_buckets
from cqtui.emulator.data import hostile_queues
from test_cli_queues import SECRET_ID, SECRET_KEY, cli_env, start_emulator

BUCKETS = ["examplebucket-1250000000", "videos-1250000000", "archive-1250000000", "speech-1250000000",
           "staging-1250000000"]  # fmt: skip
PIC_QUEUES = {"examplebucket-1250000000": 44, "archive-1250000000": 15, "staging-1250000000": 6}
RAW_CONTROL = ("\u009b", "\u0085", "\u202e", "\x1b")


@pytest.fixture(scope="module")
def account_url():
    process, url = start_emulator("--account", "demo")
    yield url
    process.terminate()
    process.wait(timeout=10)


def cqtui(url: str, tmp_path, *args: str, columns: int = 80) -> subprocess.CompletedProcess[str]:
    """`cqtui ARGS --endpoint URL` with a table `columns` wide (an overview's rows need more than 80)."""
    return subprocess.run(
        [sys.executable, "-m", "cqtui", *args, "--endpoint", url],
        capture_output=True, text=True, env=cli_env(tmp_path) | {"COLUMNS": str(columns)}, timeout=60,
    )  # fmt: skip


# ---- cqtui buckets ---------------------------------------------------------------------------


def test_buckets_table(account_url, tmp_path):
    result = cqtui(account_url, tmp_path, "buckets")
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows[0] == ["BUCKET_ID", "REGION", "CREATED", "SERVICES"]
    assert [row[0] for row in rows[1:]] == BUCKETS
    assert rows[2] == ["videos-1250000000", "ap-shanghai", "2024-03-03", "media"]
    assert rows[1][3] == "pic,media,ai,asr,file,doc"
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    assert "5 CI buckets in 4 regions" in result.stderr


@pytest.mark.parametrize("output", ["csv", "tsv"])
def test_buckets_csv_and_tsv_with_and_without_headers(account_url, tmp_path, output):
    result = cqtui(account_url, tmp_path, "buckets", "-o", output)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout), delimiter="\t" if output == "tsv" else ","))
    assert rows[0] == ["BucketId", "BucketName", "AppId", "Region", "CreateTime", "Status", "Services"]
    assert rows[3] == ["archive-1250000000", "archive", "1250000000", "ap-beijing", "2024-05-02T23:30:58+0800", "on",
                       "pic,doc"]  # fmt: skip
    bare = cqtui(account_url, tmp_path, "buckets", "-o", output, "--no-headers")
    assert bare.stdout.splitlines() == result.stdout.splitlines()[1:]
    table = cqtui(account_url, tmp_path, "buckets", "--no-headers")
    assert table.stdout.split()[0] == "examplebucket-1250000000"


def test_buckets_json_keeps_the_api_names(account_url, tmp_path):
    result = cqtui(account_url, tmp_path, "buckets", "-o", "json", "--region", "ap-guangzhou")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["TotalCount"] == 2 and document["Source"] == "cibuckets" and document["Failures"] == []
    first = document["CIBucketList"][0]
    assert first == {
        "BucketId": "examplebucket-1250000000", "BucketName": "examplebucket", "AppId": "1250000000",
        "Region": "ap-guangzhou", "CreateTime": "2024-01-02T09:30:00+0800", "Status": "on",
        "Services": ["pic", "media", "ai", "asr", "file", "doc"],
    }  # fmt: skip


def test_buckets_region_checks(account_url, tmp_path):
    wrong = cqtui(account_url, tmp_path, "buckets", "--region", "guangzhou")
    assert wrong.returncode == 2 and "did you mean ap-guangzhou?" in wrong.stderr and wrong.stdout == ""
    new = cqtui(account_url, tmp_path, "buckets", "--region", "ap-taipei")
    assert new.returncode == 0 and "warning: region 'ap-taipei' is not one cqtui knows" in new.stderr
    assert new.stdout.split()[:4] == ["BUCKET_ID", "REGION", "CREATED", "SERVICES"]  # the header alone


def test_buckets_fall_back_and_report_the_regions_that_fail(tmp_path):
    process, url = start_emulator("--account", "demo", "--fault", "access_denied:1@ap-guangzhou",
                                  "--fault", "http500@ap-beijing")  # fmt: skip
    try:
        result = cqtui(url, tmp_path, "buckets", "--region", "ap-guangzhou", "--region", "ap-beijing",
                       "--region", "ap-shanghai")  # fmt: skip
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert result.returncode == 1
    assert [line.split()[0] for line in result.stdout.splitlines()[1:]] == [
        "examplebucket-1250000000", "staging-1250000000", "videos-1250000000"
    ]  # fmt: skip
    assert "/cibuckets was refused (AccessDenied" in result.stderr
    assert "failed: region ap-beijing (picbucket): InternalError" in result.stderr and "RequestId" in result.stderr
    assert "Traceback" not in result.stderr


# ---- cqtui queues --all-buckets ---------------------------------------------------------------


def test_all_buckets_table_labels_every_row(account_url, tmp_path):
    result = cqtui(account_url, tmp_path, "queues", "--all-buckets", columns=160)
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()]
    assert all(len(line) <= 160 for line in result.stdout.splitlines())
    assert rows[0][:3] == ["BUCKET", "REGION", "QUEUE_ID"]
    counts = {bucket: sum(1 for row in rows[1:] if row[0] == bucket) for bucket in PIC_QUEUES}
    assert counts == PIC_QUEUES and len(rows) == 1 + 65
    assert {row[1] for row in rows[1:] if row[0] == "archive-1250000000"} == {"ap-beijing"}
    assert "65 image-processing queues in 3 of 3 buckets (2 regions); 2 without" in result.stderr


@pytest.mark.parametrize("output", ["csv", "tsv"])
def test_all_buckets_csv_and_tsv(account_url, tmp_path, output):
    result = cqtui(account_url, tmp_path, "queues", "--all-buckets", "--family", "doc", "-o", output)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter="\t" if output == "tsv" else ","))
    assert {(row["Bucket"], row["Region"]) for row in rows} == {
        ("examplebucket-1250000000", "ap-guangzhou"), ("archive-1250000000", "ap-beijing")
    }  # fmt: skip
    assert len(rows) == 11 and {row["Category"] for row in rows} == {"DocProcess"}
    assert "MqName" not in rows[0] and "NotifyResultFormat" not in rows[0]  # the document API has neither
    bare = cqtui(account_url, tmp_path, "queues", "--all-buckets", "--family", "doc", "-o", output, "--no-headers")
    assert len(bare.stdout.splitlines()) == 11


def test_all_buckets_json(account_url, tmp_path):
    result = cqtui(account_url, tmp_path, "queues", "--all-buckets", "--family", "media", "--category", "CateAll",
                   "-o", "json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["TotalCount"] == len(document["QueueList"]) == 23 and document["Failures"] == []
    queue = document["QueueList"][0]
    assert (queue["Bucket"], queue["Region"], queue["BucketId"]) == ("examplebucket-1250000000", "ap-guangzhou",
                                                                       "examplebucket-1250000000")  # fmt: skip
    assert {entry["Category"] for entry in document["QueueList"]} == {"Transcoding", "SpeedTranscoding"}
    assert [bucket["BucketId"] for bucket in document["BucketList"]] == [
        "examplebucket-1250000000", "videos-1250000000", "staging-1250000000"
    ]  # fmt: skip


@pytest.mark.parametrize("output", ["table", "json", "csv", "tsv"])
def test_all_buckets_with_one_bucket_refused_prints_the_others_and_exits_1(tmp_path, output):
    process, url = start_emulator("--account", "demo", "--fault", "access_denied@archive-1250000000")
    try:
        result = cqtui(url, tmp_path, "queues", "--all-buckets", "-o", output, columns=160)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert result.returncode == 1
    line = next(line for line in result.stderr.splitlines() if "archive-1250000000" in line)
    assert "failed: bucket archive-1250000000 (ap-beijing): AccessDenied" in line and "RequestId" in line
    assert "RequestId -" not in line
    assert "examplebucket-1250000000" in result.stdout and "staging-1250000000" in result.stdout
    if output == "json":
        document = json.loads(result.stdout)
        [failure] = document["Failures"]
        assert (failure["Bucket"], failure["Region"], failure["Code"]) == ("archive-1250000000", "ap-beijing",
                                                                          "AccessDenied")  # fmt: skip
        assert failure["RequestId"] and document["TotalCount"] == 50
    else:
        assert "archive-1250000000" not in result.stdout


@pytest.mark.parametrize("command", [["buckets"], ["queues", "--all-buckets"], ["queues", "--bucket", BUCKETS[0]]])
def test_piping_into_head_is_fine(account_url, tmp_path, command):
    args = " ".join([sys.executable, "-m", "cqtui", *command, "--endpoint", account_url])
    result = subprocess.run(f"{args} | head -1", shell=True, capture_output=True, text=True, env=cli_env(tmp_path),
                            timeout=60)  # fmt: skip
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 1
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


# ---- hostile text -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_url():
    process, url = start_emulator("--account", "demo", "--hostile")
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.parametrize("output", ["table", "csv", "tsv"])
def test_hostile_bucket_names_and_regions_are_shown_escaped(hostile_url, tmp_path, output):
    result = cqtui(hostile_url, tmp_path, "buckets", "-o", output, columns=200)
    assert not any(char in result.stdout + result.stderr for char in RAW_CONTROL)
    assert "csi\\x9b31m-1250000000" in result.stdout
    assert ("ap-beijing\\u" if output == "table" else "ap-beijing\\u202e") in result.stdout  # a table cuts to 14
    assert "[@click=app.quit]" in result.stdout
    assert "hostile-1250000000" in result.stdout


def test_hostile_buckets_come_back_exactly_in_json(hostile_url, tmp_path):
    result = cqtui(hostile_url, tmp_path, "buckets", "-o", "json")
    assert not any(char in result.stdout for char in RAW_CONTROL)
    sent = {(bucket.bucket_id, bucket.region) for bucket in hostile_buckets()}
    got = {(entry["BucketId"], entry["Region"]) for entry in json.loads(result.stdout)["CIBucketList"]}
    assert sent <= got


@pytest.mark.parametrize("family", ["pic", "media", "ai", "asr", "file", "doc"])
def test_every_familys_hostile_fields_render_literally(hostile_url, tmp_path, family):
    extra = ["--category", "CateAll"] if family == "media" else []
    base = ["queues", "--bucket", "hostile-1250000000", "--family", family, "--page-size", "100", *extra]
    for output in ("table", "csv", "tsv"):
        result = cqtui(hostile_url, tmp_path, *base, "-o", output)
        assert result.returncode == 0, result.stderr
        assert not any(char in result.stdout + result.stderr for char in RAW_CONTROL), output
        assert "[@click=app.quit]" in result.stdout and "\\u202e" in result.stdout
        if output == "tsv":
            assert {len(line.split("\t")) for line in result.stdout.splitlines()} == {
                len(result.stdout.split("\n")[0].split("\t"))
            }
    document = json.loads(cqtui(hostile_url, tmp_path, *base, "-o", "json").stdout)
    assert [entry["Name"] for entry in document["QueueList"]] == [queue.name for queue in hostile_queues()]


def test_hostile_buckets_in_the_overview_are_failures_not_requests(hostile_url, tmp_path):
    """Their ids name no host: each is one failure line (made visible); the real buckets' rows stay."""
    result = cqtui(hostile_url, tmp_path, "queues", "--all-buckets", columns=200)
    assert result.returncode == 1
    assert not any(char in result.stdout + result.stderr for char in RAW_CONTROL)
    assert "failed: bucket csi\\x9b31m-1250000000" in result.stderr
    assert "hostile-1250000000" in result.stdout and "examplebucket-1250000000" in result.stdout


def test_secrets_never_in_account_output(account_url, tmp_path):
    for command in (["buckets", "-o", "json"], ["queues", "--all-buckets", "-o", "json"]):
        result = cqtui(account_url, tmp_path, *command)
        assert SECRET_KEY not in result.stdout + result.stderr and SECRET_ID not in result.stdout + result.stderr


def test_all_buckets_with_a_region_timing_out_shows_every_other_bucket(tmp_path):
    process, url = start_emulator("--account", "demo", "--fault", "no_answer@ap-beijing")
    try:
        result = cqtui(url, tmp_path, "queues", "--all-buckets", "--timeout", "0.5", columns=160)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "failed: region ap-beijing (picbucket): ReadTimeout" in result.stderr
    assert "failed: bucket archive-1250000000 (ap-beijing): ReadTimeout" in result.stderr
    shown = {line.split()[0] for line in result.stdout.splitlines()[1:]}
    assert shown == {"examplebucket-1250000000", "staging-1250000000"}
