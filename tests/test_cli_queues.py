"""`cqtui queues` end to end: real processes, the emulator over loopback."""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from cqtui.emulator.server import Emulator

SECRET_ID = "AKIDCLITEST000000000001"
SECRET_KEY = "cli-test-secret-key-0123456789"
BUCKET = "demo-1250000000"


def start_emulator(*extra: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cqtui",
            "emulator",
            "--port",
            "0",
            "--secret-id",
            SECRET_ID,
            "--secret-key",
            SECRET_KEY,
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = process.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), url
    return process, url


@pytest.fixture(scope="module")
def emulator_url():
    process, url = start_emulator()
    yield url
    process.terminate()
    process.wait(timeout=10)


def cli_env(tmp_path, secret_key=SECRET_KEY) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TENCENTCLOUD_", "CQTUI_"))}
    env.update(
        TENCENTCLOUD_SECRET_ID=SECRET_ID,
        TENCENTCLOUD_SECRET_KEY=secret_key,
        TENCENTCLOUD_REGION="ap-guangzhou",
        CQTUI_CONFIG=str(tmp_path / "absent" / "config.toml"),
        COLUMNS="80",
    )
    return env


def run_cli(url, tmp_path, *args, secret_key=SECRET_KEY, timeout=60):
    return subprocess.run(
        [sys.executable, "-m", "cqtui", "queues", "--endpoint", url, "--bucket", BUCKET, *args],
        capture_output=True,
        text=True,
        env=cli_env(tmp_path, secret_key),
        timeout=timeout,
    )


def test_table_fits_80_columns_and_the_summary_goes_to_stderr(emulator_url, tmp_path):
    result = run_cli(emulator_url, tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["QUEUE_ID", "NAME", "STATE", "CALLBACK"] and len(lines) == 11  # header, 10 rows
    assert all(len(line) <= 80 for line in lines)
    assert "page 1 of" in result.stderr and "RequestId" in result.stderr  # stdout is only data


def test_every_cell_is_one_word_for_awk(emulator_url, tmp_path):
    result = run_cli(emulator_url, tmp_path, "--page-size", "100", "--no-headers")
    rows = [line.split() for line in result.stdout.splitlines()]
    assert len(rows) == 44 and {len(row) for row in rows} == {4}
    assert {row[3] for row in rows} <= {"On/Url", "On/TDMQ", "Off", "-"}
    assert {row[2] for row in rows} == {"Active", "Paused"}


def test_json_mirrors_api_names_with_integers(emulator_url, tmp_path):
    result = run_cli(emulator_url, tmp_path, "--output", "json", "--page", "2", "--page-size", "5")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["PageNumber"], document["PageSize"]) == (2, 5)
    assert isinstance(document["TotalCount"], int) and document["RequestId"]
    assert len(document["QueueList"]) == 5 and document["NonExistPIDs"] == []
    queue = document["QueueList"][0]
    assert set(queue) >= {
        "QueueId",
        "Name",
        "State",
        "NotifyConfig",
        "MaxSize",
        "MaxConcurrent",
        "CreateTime",
        "UpdateTime",
        "Category",
        "BucketId",
    }
    assert isinstance(queue["MaxSize"], int)


def test_csv_output_and_state_filter_in_any_case(emulator_url, tmp_path):
    result = run_cli(emulator_url, tmp_path, "--output", "csv", "--state", "pAUSED", "--page-size", "100")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {row["State"] for row in rows} == {"Paused"}
    assert list(rows[0])[:3] == ["QueueId", "Name", "State"] and "MqName" in rows[0]


def test_tsv_without_headers(emulator_url, tmp_path):
    result = run_cli(emulator_url, tmp_path, "-o", "tsv", "--no-headers", "--page-size", "3")
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(rows) == 3 and {len(row) for row in rows} == {17} and rows[0][0].startswith("p")


def test_a_page_past_the_last_exits_1_with_a_message(emulator_url, tmp_path):
    result = run_cli(emulator_url, tmp_path, "--page", "9")
    assert result.returncode == 1 and result.stdout == ""
    assert "page 9 is past the last page" in result.stderr and "Traceback" not in result.stderr


def test_all_pages_by_100_whatever_the_profile_page_size(tmp_path):
    process, url = start_emulator("--queues", "250")
    try:
        result = run_cli(url, tmp_path, "--all", "-o", "json")
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["PageCount"], len(document["QueueList"]), document["PageSize"]) == (3, 250, 100)
    assert "loaded page" not in result.stderr  # progress only on a terminal


def test_without_a_bucket_a_one_line_usage_error(emulator_url, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "cqtui", "queues", "--endpoint", emulator_url],
        capture_output=True, text=True, env=cli_env(tmp_path), timeout=60,
    )  # fmt: skip
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "--bucket" in result.stderr and "cqtui buckets" in result.stderr and "--all-buckets" in result.stderr


def test_queue_id_lookup_reports_unknown_ids(emulator_url, tmp_path):
    known = json.loads(run_cli(emulator_url, tmp_path, "--output", "json").stdout)["QueueList"][0]["QueueId"]
    result = run_cli(emulator_url, tmp_path, "--output", "json", "--queue-ids", f"{known},pMISSING")
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert [queue["QueueId"] for queue in document["QueueList"]] == [known]
    assert document["NonExistPIDs"] == ["pMISSING"]
    assert "unknown queue ids: pMISSING" in result.stderr


def test_all_over_a_thousand_queues(tmp_path):
    process, url = start_emulator("--queues", "1000")
    try:
        result = run_cli(url, tmp_path, "--all", "--output", "json", "--page-size", "100")
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    ids = [queue["QueueId"] for queue in document["QueueList"]]
    assert len(ids) == 1000 == len(set(ids)) == document["TotalCount"]
    assert document["PageCount"] == 10


def test_service_error_exit_1_names_code_status_and_request_id(emulator_url, tmp_path):
    result = run_cli(emulator_url, tmp_path, secret_key="wrong-secret-key-value")
    assert result.returncode == 1
    assert "SignatureDoesNotMatch" in result.stderr and "403" in result.stderr and "RequestId" in result.stderr
    assert "Traceback" not in result.stderr and "wrong-secret-key-value" not in result.stderr + result.stdout


def test_connection_refused_exit_1(tmp_path, unused_tcp_port):
    result = run_cli(f"http://127.0.0.1:{unused_tcp_port}", tmp_path)
    assert result.returncode == 1 and "ConnectError" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args, complaint",
    [
        (["--page-size", "500"], "--page-size"),
        (["--page", "0"], "--page"),
        (["--state", "Sleeping"], "--state"),
        (["--family", "pic", "--category", "CateAll"], "takes no --category"),
        (["--bucket", "b" * 60 + "-1250000000"], "at most 63"),
        (["--region", "a" * 300], "--region"),
        (["--region", "gz"], "did you mean ap-guangzhou?"),
        (["--all-buckets", "--queue-ids", "p1"], "does not apply with --all-buckets"),
        (["--family", "media", "--queue-ids", ",".join(f"p{n}" for n in range(11))], "at most 10"),
        (["--endpoint", "http://example.com"], "loopback"),
    ],
)
def test_bad_usage_exit_2(emulator_url, tmp_path, args, complaint):
    result = run_cli(emulator_url, tmp_path, *args)
    assert result.returncode == 2, result.stderr
    assert complaint in result.stderr and "Traceback" not in result.stderr


def test_interrupt_exits_130_without_traceback(tmp_path):
    """Ctrl-C while the answer is on its way. The signal goes once the request has arrived,
    not after a fixed sleep: on a loaded machine the CLI may take longer to get there."""
    with Emulator(secret_id=SECRET_ID, secret_key=SECRET_KEY, latency_ms=20_000) as emulator:
        cli = subprocess.Popen(
            [sys.executable, "-m", "cqtui", "queues", "--endpoint", emulator.base_url, "--bucket", BUCKET],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(tmp_path),
        )
        hang_guard = time.monotonic() + 60
        while not emulator.requests and cli.poll() is None and time.monotonic() < hang_guard:
            time.sleep(0.02)
        cli.send_signal(signal.SIGINT)
        _, stderr = cli.communicate(timeout=10)
    assert cli.returncode == 130 and "Traceback" not in stderr, stderr


LOADED_AFTER_RUN = (
    "import sys; from cqtui.cli import main; code = main(sys.argv[1:]); "
    "print(' '.join(sorted({name.split('.')[0] for name in sys.modules})), file=sys.stderr); sys.exit(code)"
)


def packages_loaded(url: str, tmp_path, *options: str) -> set[str]:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            LOADED_AFTER_RUN,
            "queues",
            "--endpoint",
            url,
            "--bucket",
            BUCKET,
            "-o",
            "json",
            *options,
        ],
        capture_output=True,
        text=True,
        env=cli_env(tmp_path),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return set(result.stderr.split())


def test_one_page_loads_neither_the_tui_nor_the_async_stack(emulator_url, tmp_path):
    loaded = packages_loaded(emulator_url, tmp_path)
    assert "cqtui" in loaded and "http" in loaded  # control: the probe sees what was imported
    assert not loaded & {"textual", "rich", "asyncio", "httpx", "httpcore", "anyio", "tomli_w"}
    assert not loaded & {"typing", "shutil"}  # ~3 and ~2 ms of each run, for nothing on this path


def test_all_pages_use_the_async_client_but_no_tui(emulator_url, tmp_path):
    loaded = packages_loaded(emulator_url, tmp_path, "--all", "--page-size", "100")
    assert "httpx" in loaded and not loaded & {"textual", "rich"}
