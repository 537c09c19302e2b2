"""Helpers for the reliability and security tests (not a test module itself).

- `run_cli`: `python -m cqtui …` as a real child process, with its own peak
  memory (os.wait4) and wall time, killed after a hang guard.
- `ScriptedServer`: a loopback HTTP(S) server answering whatever the test
  scripts, recording what it received (redirect targets, TLS endpoints).
- `self_signed_cert`: a throwaway certificate for 127.0.0.1.
- `local_ca`: a throwaway CA (as a company's) and a certificate for 127.0.0.1 it signed.
- `AppSession`: one running Textual app shared by many examples or rows.
- `TerminalSession`: `python -m cqtui …` on a real pseudo-terminal (80x24), for
  what only a terminal shows: raw mode, the alternate screen, signals, job control.
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import os
import pty
import re
import select
import signal
import ssl
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable, Iterator, Mapping
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
    """Answers every request with `answer` (settable; or a function of the request's path giving the Answer);
    `received` lists what came in.

    `tls=(cert_file, key_file)` serves HTTPS with that certificate.
    """

    def __init__(
        self, answer: Answer | Callable[[str], Answer] | None = None, *, tls: tuple[Path, Path] | None = None
    ) -> None:
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
        answer = scripted.answer if isinstance(scripted.answer, Answer) else scripted.answer(self.path)
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
    now = datetime.datetime.now(datetime.UTC)
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


@dataclass(frozen=True)
class LocalCa:
    ca_file: Path  # the CA's certificate: what a user puts in ca_bundle or SSL_CERT_FILE
    cert_file: Path  # 127.0.0.1's certificate, signed by the CA
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(self.cert_file), str(self.key_file))
        return context


def local_ca(folder: Path) -> LocalCa:
    """A CA no trust store knows, and a certificate for 127.0.0.1 it signed (as a company CA signs its hosts')."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cqtui tests company CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )  # key_cert_sign, crl_sign
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    found = LocalCa(folder / "company-ca.pem", folder / "host.pem", folder / "host-key.pem")
    found.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    found.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    found.key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return found


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


# ---- a real terminal ------------------------------------------------------------

TERMINAL_SIZE = (80, 24)
# DEC private modes Textual turns on, each with its "set" (h) and "reset" (l) that leaves
# the terminal usable; the cursor is the odd one: Textual hides it (l), the shell wants it (h).
TERMINAL_MODES = {
    "1049": ("h", "l", "alternate screen"),
    "1000": ("h", "l", "mouse reporting"),
    "1003": ("h", "l", "mouse motion reporting"),
    "1006": ("h", "l", "SGR mouse reporting"),
    "2004": ("h", "l", "bracketed paste"),
    "25": ("l", "h", "hidden cursor"),
}
_MODE = re.compile(rb"\x1b\[\?(\d+)([hl])")


def modes_left_on(output: bytes) -> list[str]:
    """The modes of TERMINAL_MODES that `output` turned on and did not turn off again after."""
    last = {number.decode(): switch.decode() for number, switch in _MODE.findall(output)}
    return [name for number, (on, _off, name) in TERMINAL_MODES.items() if last.get(number) == on]


class TerminalSession:
    """`python -m cqtui ARGS` on a new pseudo-terminal (80x24), the leader of its session as a login shell is.

    `output` collects everything the program wrote to the terminal. `ignore_sighup`
    starts it as `nohup` would. `session_leader=False` starts it as a shell starts a
    job instead: when it dies, the kernel sends no SIGHUP to the processes it started
    (a session leader's death does). Always `close()` (or use `with`): it kills what is left.
    """

    def __init__(
        self, *args: str, env: Mapping[str, str], ignore_sighup: bool = False, session_leader: bool = True
    ) -> None:
        env = {key: value for key, value in env.items() if key not in ("COLUMNS", "LINES")}
        env.setdefault("TERM", "xterm-256color")
        argv = [sys.executable, "-m", "cqtui", *args]
        columns, lines = TERMINAL_SIZE
        self.output = b""
        self.exit_code: int | None = None
        if not session_leader:
            self.fd, terminal = os.openpty()
            termios.tcsetwinsize(terminal, (lines, columns))
            # Kept: a Popen dropped while its process runs would be reaped behind wait()'s back.
            self._job = subprocess.Popen(
                argv, stdin=terminal, stdout=terminal, stderr=terminal, env=env, process_group=0
            )
            os.close(terminal)
            self.pid = self._job.pid
            return
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: only what exec needs
            try:
                termios.tcsetwinsize(0, (lines, columns))
                if ignore_sighup:
                    signal.signal(signal.SIGHUP, signal.SIG_IGN)
                os.execve(sys.executable, argv, env)
            finally:
                os._exit(127)

    def __enter__(self) -> TerminalSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def read_until(self, wanted: bytes, timeout: float = HANG_GUARD_SECONDS) -> bytes:
        """Read until `wanted` appears in what came since this call began; that text. AssertionError if not."""
        start = len(self.output)
        deadline = time.monotonic() + timeout
        while wanted not in self.output[start:]:
            left = deadline - time.monotonic()
            if left <= 0 or not self._read(left):
                raise AssertionError(f"{wanted!r} never came; the last output: {self.output[-300:]!r}")
        return self.output[start:]

    def _read(self, timeout: float) -> bool:
        """Read what is there within `timeout`; False at the end of output (the program closed the terminal)."""
        ready, _, _ = select.select([self.fd], [], [], min(timeout, 0.5))
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: every process on the terminal has exited
            return False
        self.output += chunk
        return bool(chunk)

    def send(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def state(self) -> str:
        """The process state letter from /proc (R, S, T for stopped, Z…)."""
        with open(f"/proc/{self.pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0]

    def wait_for_state(self, wanted: str, timeout: float = HANG_GUARD_SECONDS) -> None:
        """Wait for the process state `wanted`, then collect what it wrote until then."""
        deadline = time.monotonic() + timeout
        while self.state() != wanted:
            if time.monotonic() > deadline:
                raise AssertionError(f"still in state {self.state()}, not {wanted}")
            time.sleep(0.02)
        self._drain()

    def wait(self, timeout: float = HANG_GUARD_SECONDS) -> int:
        """The exit code (-N when killed by signal N), reading the terminal meanwhile so it never blocks."""
        deadline = time.monotonic() + timeout
        while self.exit_code is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.exit_code = os.waitstatus_to_exitcode(status)
            elif time.monotonic() > deadline:
                raise AssertionError(f"still running after {timeout} s; the last output: {self.output[-300:]!r}")
            elif self.fd >= 0:
                self._read(0.05)
            else:
                time.sleep(0.05)
        self._drain()  # what it wrote last (the terminal reset)
        return self.exit_code

    def _drain(self) -> None:
        """Collect what is already written. Not until end of output: a process the program
        started may still hold the terminal."""
        while self.fd >= 0 and select.select([self.fd], [], [], 0)[0] and self._read(0):
            pass

    def cooked(self) -> bool:
        """The terminal is as a shell wants it: line editing (ICANON), echo and signal keys (ISIG) on."""
        local_modes = termios.tcgetattr(self.fd)[3]
        wanted = termios.ICANON | termios.ECHO | termios.ISIG
        return local_modes & wanted == wanted

    def hang_up(self) -> None:
        """Close the terminal's other end, as a terminal window or an SSH connection that goes away."""
        os.close(self.fd)
        self.fd = -1

    def close(self) -> None:
        if self.exit_code is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except ProcessLookupError:
                pass
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def children_of(pid: int) -> Iterator[int]:
    """The processes whose parent is `pid` (from /proc)."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rpartition(")")[2].split()
            except OSError:  # it exited meanwhile
                continue
            if int(fields[1]) == pid:
                yield int(entry)


def is_running(pid: int) -> bool:
    """Alive and not a zombie (an orphan killed but not yet reaped by init counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False
