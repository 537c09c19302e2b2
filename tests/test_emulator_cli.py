"""`cqtui emulator` as a real subprocess: URL first, serves signed requests, stops cleanly."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from cqtui.ci.credentials import Credentials


def _start(*options: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cqtui", "emulator", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stop(process: subprocess.Popen[str], signum: int) -> tuple[int, str, str]:
    process.send_signal(signum)
    out, err = process.communicate(timeout=20)
    return process.returncode, out, err


@pytest.mark.parametrize(("signum", "exit_code"), [(signal.SIGTERM, 0), (signal.SIGINT, 130)])
def test_prints_url_first_serves_and_stops_cleanly(
    signum: int, exit_code: int, sign_headers, emulator_credentials: Credentials, http_client: httpx.Client
) -> None:
    process = _start("--queues", "25", "--fault", "http503_slowdown:1")
    try:
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        credentials_line = process.stdout.readline()
        assert emulator_credentials.secret_id in credentials_line
        assert emulator_credentials.secret_key not in credentials_line
        headers = sign_headers(base_url, emulator_credentials, params={"pageSize": "20", "pageNumber": "2"})
        url = base_url + "/picqueue"
        assert http_client.get(url, params={"pageSize": "20", "pageNumber": "2"}, headers=headers).status_code == 503
        response = http_client.get(url, params={"pageSize": "20", "pageNumber": "2"}, headers=headers)
        root = ET.fromstring(response.content)
        assert (root.findtext("TotalCount"), len(root.findall("QueueList"))) == ("25", 5)
    finally:
        code, out, err = _stop(process, signum)
    assert code == exit_code
    assert "Traceback" not in err
    assert emulator_credentials.secret_key not in out + err


def test_custom_credentials_are_masked(tmp_path: Path, sign_headers, http_client: httpx.Client) -> None:
    data = tmp_path / "queues.json"
    data.write_text(json.dumps([{"QueueId": "pfromfile", "Name": "从文件加载", "State": "Paused"}]), encoding="utf-8")
    secret = Credentials("AKIDCUSTOM1234567890", "custom-secret-key-0123456789")
    process = _start("--secret-id", secret.secret_id, "--secret-key", secret.secret_key, "--data", str(data))
    try:
        base_url = process.stdout.readline().strip()
        response = http_client.get(base_url + "/picqueue", headers=sign_headers(base_url, secret))
        assert ET.fromstring(response.content).findtext("QueueList/Name") == "从文件加载"
    finally:
        code, out, err = _stop(process, signal.SIGTERM)
    assert code == 0
    assert secret.secret_key not in out + err and secret.secret_id not in out + err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--host", "0.0.0.0"], "not a loopback address"),
        (["--host", "192.168.1.10"], "not a loopback address"),
        (["--fault", "meltdown"], "unknown fault 'meltdown'"),
        (["--fault", "http500:0"], "TIMES must be a positive integer"),
        (["--data", "/nonexistent/queues.json"], "/nonexistent/queues.json"),
        (["--account", "demo", "--fault", "access_denied@nowhere-1"], "names no bucket or region"),
        (["--buckets", "3", "--regions", "99"], "1-7 regions"),
        (["--buckets", "3", "--queues", "5"], "not allowed with"),
    ],
)
def test_bad_options_exit_2_without_traceback(options: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cqtui", "emulator", *options], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_generated_account_with_a_fault_on_one_bucket(sign_headers, emulator_credentials, http_client) -> None:
    process = _start("--buckets", "6", "--queues-per-bucket", "3", "--regions", "2",
                     "--fault", "access_denied@bucket0001-1250000000")  # fmt: skip
    try:
        base_url = process.stdout.readline().strip()

        def get(host: str, path: str) -> httpx.Response:
            headers = sign_headers(f"http://{host}", emulator_credentials, path=path)
            return http_client.get(base_url + path, headers={**headers, "Host": host})

        listing = ET.fromstring(get("ci.ap-guangzhou.myqcloud.com", "/cibuckets").content)
        assert listing.findtext("TotalCount") == "6"
        regions = {entry.findtext("Region") for entry in listing.findall("CIBucketList")}
        assert regions == {"ap-guangzhou", "ap-shanghai"}
        assert get("bucket0001-1250000000.ci.ap-shanghai.myqcloud.com", "/picqueue").status_code == 403
        answer = ET.fromstring(get("bucket0002-1250000000.ci.ap-guangzhou.myqcloud.com", "/ai_queue").content)
        assert answer.findtext("TotalCount") == "3"
    finally:
        code, _, err = _stop(process, signal.SIGTERM)
    assert code == 0 and "serving 6 buckets in 2 regions" in err
