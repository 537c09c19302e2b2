"""Command-line entry point. Imports Textual only when it is about to run the TUI."""

from __future__ import annotations

import argparse
import gc
import importlib
import io
import os
import sys

from cqtui import __version__
from cqtui.ci.errors import ConfigError, CqtuiError
from cqtui.terminal import terminal_columns

# typing.TYPE_CHECKING without importing typing (~3 ms of a one-shot run); type checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

EXIT_OK, EXIT_SERVICE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _help_formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.HelpFormatter(prog, width=terminal_columns() - 2)  # as argparse sizes it


class Parser(argparse.ArgumentParser):
    """argparse's parser, sizing its help without importing shutil (see cqtui.terminal).

    Sub-command parsers are made of the same class (add_subparsers' default).
    """

    def __init__(self, **options: object) -> None:
        super().__init__(formatter_class=_help_formatter, **options)  # type: ignore[arg-type]

    def error(self, message: str) -> NoReturn:
        """argparse quotes the value it refused: a 70 KB `--category` would be printed whole."""
        import re

        from cqtui.safetext import capped

        super().error(re.sub(r"'[^']{100,}'", lambda quoted: f"'{capped(quoted.group()[1:-1], 60)}'", message))


def global_options(*, region: bool = True, read_only: bool = True) -> argparse.ArgumentParser:
    """Options valid before or after a sub-command (`cqtui -p x queues` = `cqtui queues -p x`).

    `region=False` leaves out --region, `read_only=False` --read-only, for a command whose own
    option of that name means something else.
    """
    common = Parser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("-p", "--profile", metavar="NAME", help="profile to use (default: the file's default_profile)")
    common.add_argument("--config", metavar="PATH", help="config file (default: $CQTUI_CONFIG or the user config dir)")
    if region:
        common.add_argument("--region", help="override the profile's region")
    common.add_argument("--bucket", help="override the profile's bucket (BucketName-APPID)")
    common.add_argument(
        "--endpoint",
        metavar="URL",
        help="where to connect instead of the CI host (https://…; http:// only to loopback); "
        "the real CI host is still sent and signed",
    )
    common.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="wait at most this long for the service to answer (default 15)",
    )
    if read_only:
        common.add_argument(
            "--read-only",
            action="store_true",
            help="send no change whatever the profile says (as read_only = true in the profile)",
        )
    common.add_argument(
        "--timezone",
        metavar="ZONE",
        help='how the TUI shows times: "server" (the offset each time came with, the default), '
        '"local" (this machine\'s zone) or a zone name such as Asia/Shanghai; the CLI prints times as sent',
    )
    return common


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 3600:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"{text} must be more than 0 and at most 3600 seconds")
    return value


GLOBAL_DEFAULTS = {
    "profile": None,
    "config": None,
    "region": None,
    "bucket": None,
    "endpoint": None,
    "timeout": None,
    "read_only": False,
    "timezone": None,
}


# Sub-commands: cqtui.commands.<name>, each with register(commands, common).
COMMANDS = ("queues", "buckets", "queue", "audit", "profiles", "emulator")
COLLECTING_COMMANDS = ("emulator",)  # runs for hours; the TUI turns the GC on itself (see run())
ALL = None


def build_parser(only: str | None = ALL) -> argparse.ArgumentParser:
    """The parser with every sub-command, or with only `only` ("" for none) loaded.

    The others are registered as bare names, so a run that does not use them never
    imports their modules: `cqtui` and `cqtui queues` skip the profile editor (~40 ms).
    """
    common = global_options()
    parser = Parser(
        prog="cqtui",
        parents=[common],
        description="Browse Tencent Cloud Infinite queues: every family, every bucket of the account. "
        "Without a command, runs the TUI.",
    )
    parser.add_argument("--version", action="version", version=f"cqtui {__version__}")
    parser.add_argument(
        "--demo", action="store_true", help="run the TUI against the built-in emulator (no config, no credentials)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if only is ALL or name == only:
            importlib.import_module(f"cqtui.commands.{name}").register(commands, common)
        else:
            commands.add_parser(name, add_help=False)
    return parser


def _likely_command(argv: list[str]) -> str | None:
    """The sub-command `argv` seems to name ("" for none), or ALL when help is asked for."""
    if "-h" in argv or "--help" in argv:
        return ALL
    return next((token for token in argv if token in COMMANDS), "")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = None
    likely = _likely_command(argv)
    if likely is not ALL:
        guessed, extra = build_parser(likely).parse_known_args(argv)
        if (guessed.command or "") == likely and not extra:
            args = guessed
    if args is None:  # a wrong guess (a profile named `queues`…) or an error: the full parser decides
        args = build_parser().parse_args(argv)
    for name, value in GLOBAL_DEFAULTS.items():
        if not hasattr(args, name):
            setattr(args, name, value)
    if args.config is None:
        args.config = os.environ.get("CQTUI_CONFIG") or None
    return args


def error(message: str) -> None:
    # Messages may quote the server or a file: never let them drive the terminal.
    from cqtui.safetext import visible

    print(f"cqtui: {visible(message)}", file=sys.stderr)


def report_failure(problem: CqtuiError) -> None:
    from cqtui.ci.hints import hint_for

    error(str(problem))
    excerpt = getattr(problem, "excerpt", "")
    if excerpt:
        error(f"the answer began: {excerpt}")
    hint = hint_for(problem)
    if hint:
        error(f"hint: {hint}")


def run() -> None:
    """The `cqtui` program: the console script and `python -m cqtui`."""
    # Starting makes objects that live until exit (modules, classes): the cyclic
    # collector's passes over them cost a one-shot command ~5 ms and the TUI's start
    # 15-25 ms, and free nothing. main() turns it back on for the emulator; the TUI
    # once its first screen is drawn (tui/app.py) or for the first-run form (tui/launch.py).
    gc.disable()
    closed = _reopen_closed_streams()
    if isinstance(sys.stdout, io.TextIOWrapper):
        # A terminal or locale that cannot encode `…`, `—` or CJK (PYTHONIOENCODING=latin-1,
        # LC_ALL=C) gets `\u2026`-style escapes, not a UnicodeEncodeError. stderr does so already.
        sys.stdout.reconfigure(errors="backslashreplace")
    if "stdout" in closed:
        error("stdout is closed (>&-): there is nowhere to print to; redirect it to a file or /dev/null instead")
        code = EXIT_USAGE
    else:
        code = main()
    # The exit frees everything at once; unfrozen, the interpreter's last collection
    # would first walk every object the imports made (~8 ms).
    gc.freeze()
    sys.exit(code)


def _reopen_closed_streams() -> list[str]:
    """Put /dev/null on each standard stream that was closed at start (`<&-`, `>&-`, `2>&-`); their names.

    Python leaves sys.stdin/stdout/stderr None for them, so a print or an input() raises, and the
    next file opened takes the free descriptor: the config file or a socket would become what a
    child process writes to as its stdout. Reading /dev/null gives EOF; what goes to it is lost.
    """
    closed = []
    for descriptor, name in enumerate(("stdin", "stdout", "stderr")):
        if getattr(sys, name) is not None:
            continue
        devnull = os.open(os.devnull, os.O_RDWR)  # the lowest free descriptor: this one
        if devnull != descriptor:
            os.dup2(devnull, descriptor)
            os.close(devnull)
        stream = open(descriptor, "r" if descriptor == 0 else "w", errors="backslashreplace", closefd=False)
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)  # Textual uses these
        closed.append(name)
    return closed


def main(argv: list[str] | None = None) -> int:
    try:
        args = parse_args(argv)
        if args.command in COLLECTING_COMMANDS:
            gc.enable()
        if args.command is None:
            from cqtui.tui.launch import run_tui

            return run_tui(args)
        code = args.run(args)
        sys.stdout.flush()  # a full disk must fail here, where it is reported, not silently at exit
        return code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except ConfigError as problem:
        error(str(problem))
        return EXIT_USAGE
    except CqtuiError as problem:
        report_failure(problem)
        return EXIT_SERVICE
    except BrokenPipeError:
        # `cqtui queues | head`: the reader left; that is not an error.
        sys.stderr.close()
        return EXIT_OK
    except OSError as problem:
        # Output that cannot be written (`> file` on a full disk) or a file error nothing above caught.
        _drop_stdout()
        where = f" ({problem.filename})" if problem.filename else ""
        error(f"failed: {problem.strerror or problem}{where}")
        return EXIT_SERVICE


def _drop_stdout() -> None:
    """Send what is still buffered for stdout to /dev/null, so the flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
