"""Helpers for the reliability and security tests (not a test module itself).

- `run_cli`: `python -m cqtui …` as a real child process, with its own peak
  memory (os.wait4) and wall time, killed after a hang guard.
- `ScriptedServer`: a loopback HTTP(S) server answering whatever the test
  scripts, recording what it received (redirect targets, TLS endpoints).
- `self_signed_cert`: a throwaway certificate for 127.0.0.1.
- `AppSession`: one running Textual app shared by many examples or rows.
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cqtui.emulator.data import DEMO_BUCKET
from cqtui.emulator.server import DEMO_SECRET_ID, DEMO_SECRET_KEY

HANG_GUARD_SECONDS = 30.0


@dataclass(frozen=True)
class CliRun:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_bytes: int


def cli_env(config: Path, **extra: str) -> dict[str, str]:
    """A clean environment: demo credentials from TENCENTCLOUD_*, a config path of our own."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TENCENTCLOUD_", "CQTUI_"))}
    env.update(
        TENCENTCLOUD_SECRET_ID=DEMO_SECRET_ID,
        TENCENTCLOUD_SECRET_KEY=DEMO_SECRET_KEY,
        TENCENTCLOUD_REGION="ap-guangzhou",
        CQTUI_CONFIG=str(config),
        COLUMNS="100",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


# Runs `python -m cqtui` and, at exit, writes its own VmHWM (peak resident memory of
# this program's address space) to a file. Not ru_maxrss: on Linux that includes the
# parent's size at fork time (exec records the old address space's peak), so a
# child of a 300 MiB pytest process would always "use" 300 MiB.
_PEAK_PROBE = """
import atexit, runpy, sys

def _report_peak(path=sys.argv[1]):
    with open("/proc/self/status") as status, open(path, "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM:")).split()[1])

atexit.register(_report_peak)
sys.argv = ["cqtui", *sys.argv[2:]]
runpy.run_module("cqtui", run_name="__main__", alter_sys=True)
"""


def run_cli(*args: str, env: Mapping[str, str], stdin: bytes = b"", timeout: float = HANG_GUARD_SECONDS) -> CliRun:
    """Run `python -m cqtui ARGS` with a hang guard; `peak_rss_bytes` is 0 if it never exited normally."""
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        peak_file = Path(folder) / "peak-kib"
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-c", _PEAK_PROBE, str(peak_file), *args],
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=err,
            env=dict(env),
        )
        guard = threading.Timer(timeout, process.kill)
        guard.start()
        try:
            process.communicate(stdin)
        finally:
            guard.cancel()
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        peak_kib = int(peak_file.read_text()) if peak_file.exists() else 0
        return CliRun(
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            seconds,
            peak_kib * 1024,
        )


def queues_args(endpoint: str, *extra: str) -> tuple[str, ...]:
    return ("queues", "--endpoint", endpoint, "--bucket", DEMO_BUCKET, *extra)


# ---- a scripted server ---------------------------------------------------------


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]


class ScriptedServer:
    """Answers every request with `answer` (settable); `received` lists what came in.

    `tls=(cert_file, key_file)` serves HTTPS with that certificate.
    """

    def __init__(self, answer: Answer | None = None, *, tls: tuple[Path, Path] | None = None) -> None:
        self.answer = answer or Answer()
        self.received: list[Received] = []
        self.connections = 0  # TCP connections accepted, TLS handshake or not
        self._lock = threading.Lock()
        server = _CountingServer(("127.0.0.1", 0), _ScriptedHandler)
        server.daemon_threads = True
        server.scripted = self  # type: ignore[attr-defined]
        if tls is not None:
            server.tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            server.tls_context.load_cert_chain(str(tls[0]), str(tls[1]))
        self._server = server
        self.port = server.server_address[1]
        scheme = "https" if tls else "http"
        self.base_url = f"{scheme}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _record(self, received: Received) -> None:
        with self._lock:
            self.received.append(received)


class _CountingServer(ThreadingHTTPServer):
    tls_context: ssl.SSLContext | None = None

    def get_request(self):  # type: ignore[no-untyped-def]
        raw, address = self.socket.accept()
        with self.scripted._lock:  # type: ignore[attr-defined]
            self.scripted.connections += 1  # type: ignore[attr-defined]
        if self.tls_context is not None:
            # A failed handshake raises SSLError (an OSError): socketserver drops the connection.
            raw = self.tls_context.wrap_socket(raw, server_side=True)
        return raw, address


class _ScriptedHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        scripted: ScriptedServer = self.server.scripted  # type: ignore[attr-defined]
        scripted._record(Received(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
        answer = scripted.answer
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ssl.SSLError, ConnectionError):
            self.close_connection = True  # a client that hung up mid-request


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """(cert.pem, key.pem) for 127.0.0.1, signed by itself: no trust store knows it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


class AppSession:
    """Runs `app.run_test()` in a host task on a private loop; `run(job)` awaits `job(pilot)` inside it.

    For sync tests (hypothesis examples, rows sharing a module fixture): the
    app starts once instead of per example, and every job runs in the host
    task, so Textual's context (the active app) is the one run_test set up.
    """

    def __init__(self, app, size: tuple[int, int]) -> None:
        self.app = app
        self._size = size
        self._loop = asyncio.new_event_loop()
        self._jobs: asyncio.Queue = asyncio.Queue()
        self._host = self._loop.create_task(self._serve())

    async def _serve(self) -> None:
        async with self.app.run_test(size=self._size) as pilot:
            while True:
                job, done = await self._jobs.get()
                if job is None:
                    done.set_result(None)
                    return
                try:
                    done.set_result(await job(pilot))
                except BaseException as problem:  # noqa: BLE001 - handed to the waiting test
                    done.set_exception(problem)

    def run(self, job: Callable | None) -> object:
        done = self._loop.create_future()
        self._jobs.put_nowait((job, done))

        async def wait() -> object:
            await asyncio.wait({done, self._host}, return_when=asyncio.FIRST_COMPLETED)
            if not done.done():
                self._host.result()  # the app died: raise why
                raise AssertionError("the app stopped")
            return done.result()

        return self._loop.run_until_complete(wait())

    def close(self) -> None:
        if not self._host.done():
            self.run(None)
        self._loop.run_until_complete(self._host)
        self._loop.close()
