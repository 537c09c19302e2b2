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
from cqtui.profiles.resolve import resolve_from_args
from cqtui.profiles.store import load_keymap
from cqtui.safetext import visible

if TYPE_CHECKING:
    from cqtui.tui.app import CqtuiApp

DEMO_REGION = "ap-guangzhou"

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
    if getattr(args, "demo", False):
        return _run_demo(args)
    try:
        app = app_for(args)
    except NoProfileError as problem:
        if not (sys.stdin.isatty() and sys.stdout.isatty()) or not _first_run(args):
            print(NO_PROFILE_HELP.format(reason=problem), file=sys.stderr, end="")
            return 2
        app = app_for(args)
    return app.run() or 0


def _first_run(args: argparse.Namespace) -> bool:
    """Show the create-a-profile form; True when a profile was saved (and is now in `args`)."""
    from cqtui.profiles.store import config_path
    from cqtui.tui.first_run import FirstRunApp

    gc.enable()  # off while cqtui starts (cqtui.cli.run); the form is used at once
    name = FirstRunApp(config_path(getattr(args, "config", None)), timeouts=timeouts(args)).run()
    if not name:
        return False
    args.profile = name
    return True


def app_for(args: argparse.Namespace) -> CqtuiApp:
    """The app for a parsed command line; ConfigError (NoProfileError too) when it has no usable profile."""
    from cqtui.tui.prefetch import FirstPage

    profile = resolve_from_args(args)
    if not profile.bucket:
        start_without_a_bucket(profile)
    waiting = timeouts(args)
    first_page = FirstPage(profile, PIC, ListQuery(page_size=profile.page_size), waiting)
    from cqtui.tui.app import CqtuiApp
    from cqtui.tui.profile_source import ConfigProfiles

    return CqtuiApp(
        profile,
        profiles=ConfigProfiles(args),
        keymap=load_keymap(getattr(args, "config", None)),
        timeouts=waiting,
        first_page=first_page,
    )


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
        return CqtuiApp(demo_profile(emulator.base_url), timeouts=timeouts(args)).run() or 0
