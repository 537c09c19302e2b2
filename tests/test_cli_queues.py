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


def test_table_fits_80_columns(emulator_url, tmp_path):
    result = run_cli(emulator_url, tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("QUEUE ID") and len(lines) == 12  # header, 10 rows, summary
    assert all(len(line) <= 80 for line in lines)
    assert "page 1 of" in lines[-1] and "RequestId" in lines[-1]


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


def test_csv_output_and_state_filter(emulator_url, tmp_path):
    result = run_cli(emulator_url, tmp_path, "--output", "csv", "--state", "Paused", "--page-size", "100")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {row["State"] for row in rows} == {"Paused"}


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
        (["--endpoint", "http://example.com"], "loopback"),
    ],
)
def test_bad_usage_exit_2(emulator_url, tmp_path, args, complaint):
    result = run_cli(emulator_url, tmp_path, *args)
    assert result.returncode == 2, result.stderr
    assert complaint in result.stderr and "Traceback" not in result.stderr


def test_interrupt_exits_130_without_traceback(tmp_path):
    process, url = start_emulator("--latency-ms", "20000")
    try:
        cli = subprocess.Popen(
            [sys.executable, "-m", "cqtui", "queues", "--endpoint", url, "--bucket", BUCKET],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(tmp_path),
        )
        time.sleep(1.5)
        cli.send_signal(signal.SIGINT)
        _, stderr = cli.communicate(timeout=10)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert cli.returncode == 130 and "Traceback" not in stderr


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
