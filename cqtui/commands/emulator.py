"""`cqtui emulator`: run the local CI emulator in the foreground until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import ipaddress
import signal
import sys
import threading

from cqtui.ci.credentials import mask
from cqtui.ci.errors import ConfigError

EXIT_OK, EXIT_INTERRUPTED = 0, 130


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from cqtui.emulator.faults import FAULTS

    parser = subparsers.add_parser(
        "emulator",
        parents=[common],
        help="run a local CI emulator (loopback only)",
        description="Run a local Tencent CI emulator serving GET /picqueue. "
        "Prints its base URL as the first line of stdout.",
        epilog="fault kinds: " + ", ".join(FAULTS),
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: any free port)")
    parser.add_argument("--secret-id", help="SecretId to accept (default: the public demo id)")
    parser.add_argument("--secret-key", help="SecretKey to accept (default: the public demo key)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--queues", type=int, metavar="N", help="serve N generated queues instead of the demo set")
    source.add_argument("--data", metavar="FILE.json", help="serve the queues in this JSON file")
    parser.add_argument("--hostile", action="store_true", help="add queues with markup, controls, bidi text")
    parser.add_argument("--latency-ms", type=float, default=0, metavar="N", help="delay every answer by N ms")
    parser.add_argument("--clock-skew", type=float, default=0, metavar="SECONDS", help="shift the server clock")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="KIND[:TIMES]",
        help="inject a fault for TIMES requests (default: always); repeatable, served in order",
    )
    parser.set_defaults(run=run)


def _check_loopback(host: str) -> None:
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ConfigError(
            f"{host!r} is not a loopback address; the emulator listens only on 127.0.0.1, ::1 or localhost",
            key="--host",
        )


def _queues(args: argparse.Namespace) -> list:
    from cqtui.emulator import data

    if args.queues is not None and args.queues < 0:
        raise ConfigError("must be 0 or more", key="--queues")
    if args.data:
        queues = data.load_queues(args.data)
    elif args.queues is not None:
        queues = data.generated_queues(args.queues)
    else:
        queues = data.demo_queues()
    return queues + data.hostile_queues() if args.hostile else queues


def run(args: argparse.Namespace) -> int:
    from cqtui.emulator.faults import parse_fault
    from cqtui.emulator.server import DEMO_SECRET_ID, DEMO_SECRET_KEY, Emulator

    _check_loopback(args.host)
    secret_id = args.secret_id or DEMO_SECRET_ID
    secret_key = args.secret_key or DEMO_SECRET_KEY
    faults = []
    for text in args.fault:
        try:
            faults.append(parse_fault(text))
        except ValueError as problem:
            raise ConfigError(str(problem), key="--fault") from None
    if not 0 <= args.port <= 65535:
        raise ConfigError("must be from 0 to 65535", key="--port")

    emulator = Emulator(
        secret_id=secret_id,
        secret_key=secret_key,
        queues=_queues(args),
        latency_ms=args.latency_ms,
        clock_skew_seconds=args.clock_skew,
        host=args.host,
        port=args.port,
    )
    for kind, times in faults:
        emulator.set_fault(kind, times)

    stop = threading.Event()
    received: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        received.append(signum)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            base_url = emulator.start()
        except OSError as problem:
            raise ConfigError(f"cannot listen on {args.host}:{args.port}: {problem.strerror or problem}") from None
        shown_id = secret_id if secret_id == DEMO_SECRET_ID else mask(secret_id)
        print(base_url, flush=True)
        print(f"accepting SecretId {shown_id} with SecretKey {mask(secret_key)}", flush=True)
        if secret_id == DEMO_SECRET_ID:
            print("(public demo credentials: cqtui.emulator.server.DEMO_SECRET_ID / DEMO_SECRET_KEY)", flush=True)
        print(f"serving {len(emulator.queues)} queues at GET /picqueue; Ctrl-C to stop", file=sys.stderr, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        emulator.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return EXIT_INTERRUPTED if signal.SIGINT in received else EXIT_OK
