"""`cqtui`, `cqtui -p NAME`, `cqtui --demo`: pick the profile, then run the Textual app.

Textual is imported only once a profile is in hand, so config errors print fast, and
after page 1 was asked for, so the answer travels while Textual loads.
"""

from __future__ import annotations

import argparse
import gc
import sys
from typing import TYPE_CHECKING

from cqtui.ci.credentials import Credentials
from cqtui.ci.errors import ConfigError
from cqtui.ci.kinds import PIC
from cqtui.ci.models import ListQuery
from cqtui.ci.timing import Timeouts
from cqtui.profiles.errors import NoProfileError
from cqtui.profiles.model import ResolvedProfile
from cqtui.profiles.resolve import resolve_with_config
from cqtui.profiles.store import Keymap, keymap_of
from cqtui.safetext import visible

if TYPE_CHECKING:
    from textual.app import App

    from cqtui.tui.app import CqtuiApp

DEMO_REGION = "ap-guangzhou"
EXIT_USAGE = 2

NO_PROFILE_HELP = """\
cqtui: there is no profile to connect with yet.

{reason}

Create one:
    cqtui profiles add NAME --region ap-guangzhou --bucket BucketName-APPID
or try cqtui without an account:
    cqtui --demo
"""


def demo_profile(base_url: str) -> ResolvedProfile:
    from cqtui.emulator.data import DEMO_BUCKET
    from cqtui.emulator.server import DEMO_SECRET_ID, DEMO_SECRET_KEY

    return ResolvedProfile(
        name="demo",
        region=DEMO_REGION,
        bucket=DEMO_BUCKET,
        credentials=Credentials(DEMO_SECRET_ID, DEMO_SECRET_KEY),
        endpoint=base_url,
        sources={"name": "--demo"},
    )


def timeouts(args: argparse.Namespace) -> Timeouts:
    return Timeouts.waiting(getattr(args, "timeout", None))


def run_tui(args: argparse.Namespace) -> int:
    """Run the TUI; its exit code. A config problem is reported first (it says what to fix), then a missing terminal."""
    if getattr(args, "demo", False):
        return _refuse_without_terminal() or _run_demo(args)
    try:
        profile, config = resolve_with_config(args)  # the file is read once: the profile and [keys]
    except NoProfileError as problem:
        if terminal_problem() is not None:
            print(NO_PROFILE_HELP.format(reason=problem), file=sys.stderr, end="")
            return EXIT_USAGE
        code = _first_run(args, problem)
        if code is not None:
            return code
        profile, config = resolve_with_config(args)  # the file the form just wrote
    keymap = keymap_of(config)
    if not profile.bucket:
        start_without_a_bucket(profile)
    return _refuse_without_terminal() or _exit_code(app_for(args, profile, keymap))


def terminal_problem() -> str | None:
    """Why the TUI cannot run here, or None. Textual reads its keys from stdin: without a terminal
    there, it would spin on end of input (tui/driver.py) or wait for keys that never come."""
    if sys.stdin is None or not sys.stdin.isatty():
        return "the TUI needs a terminal, and stdin is not one (for scripts: cqtui queues, cqtui profiles)"
    return None


def _refuse_without_terminal() -> int:
    """EXIT_USAGE after saying why when there is no terminal to run on (else 0)."""
    problem = terminal_problem()
    if problem is None:
        return 0
    print(f"cqtui: {problem}", file=sys.stderr)
    return EXIT_USAGE


def _exit_code(app: App[object]) -> int:
    """Run `app`; 0, 1 after a crash, 128 + N after signal N (tui/driver.py)."""
    app.run()
    return app.return_code or 0


def _first_run(args: argparse.Namespace, problem: NoProfileError) -> int | None:
    """Show the create-a-profile form: None when a profile was saved (and is now in `args`), else the exit code."""
    from cqtui.profiles.store import config_path
    from cqtui.tui.first_run import FirstRunApp

    gc.enable()  # off while cqtui starts (cqtui.cli.run); the form is used at once
    form = FirstRunApp(config_path(getattr(args, "config", None)), timeouts=timeouts(args))
    name = form.run()
    if form.return_code:  # a signal or a crash ended it
        return form.return_code
    if not name:
        print(NO_PROFILE_HELP.format(reason=problem), file=sys.stderr, end="")
        return EXIT_USAGE
    args.profile = name
    return None


def app_for(args: argparse.Namespace, profile: ResolvedProfile | None = None, keymap: Keymap | None = None) -> CqtuiApp:
    """The app for a parsed command line, its profile and `[keys]` (both read here if not given);
    ConfigError (NoProfileError too) when it has no usable profile or the keymap is wrong."""
    from cqtui.tui.prefetch import FirstPage

    if profile is None or keymap is None:
        profile, config = resolve_with_config(args)
        keymap = keymap_of(config)
    waiting = timeouts(args)
    first_page = FirstPage(profile, PIC, ListQuery(page_size=profile.page_size), waiting)
    from cqtui.tui.app import CqtuiApp
    from cqtui.tui.profile_source import ConfigProfiles

    keys = None
    if keymap.keys:  # checking imports every screen: only when there is something to check
        from cqtui.tui.keymap import checked

        keys = checked(keymap)
    return CqtuiApp(profile, profiles=ConfigProfiles(args), keymap=keys, timeouts=waiting, first_page=first_page)


def start_without_a_bucket(profile: ResolvedProfile) -> None:
    """Where a profile without a bucket will start: the account's buckets view (issue 13, not built yet).

    Until then a one-line usage error (exit 2), before Textual is loaded.
    """
    raise ConfigError(
        f"profile {visible(profile.name)} has no bucket, and the TUI's buckets view is not built yet: "
        "pass --bucket BucketName-APPID (see `cqtui buckets`)"
    )


def _run_demo(args: argparse.Namespace) -> int:
    """The demo account's emulator in this process on a free loopback port; no file is read or written."""
    from cqtui.emulator.account import demo_account
    from cqtui.emulator.server import Emulator
    from cqtui.tui.app import CqtuiApp

    with Emulator(account=demo_account()) as emulator:
        return _exit_code(CqtuiApp(demo_profile(emulator.base_url), timeouts=timeouts(args)))
