"""`cqtui buckets`: the account's CI buckets, all regions, with which services each has on."""

from __future__ import annotations

import argparse

from cqtui.ci.errors import ConfigError
from cqtui.ci.kinds import CI_BUCKETS
from cqtui.ci.regions import region_mistake, region_warning
from cqtui.ci.timing import Timeouts
from cqtui.commands.listing import (
    Progress,
    add_output_options,
    failure_json,
    failure_line,
    print_json,
    print_rows,
    say,
    say_warnings,
)
from cqtui.commands.output import bucket_json
from cqtui.profiles.fields import field_problem
from cqtui.safetext import visible

# typing.TYPE_CHECKING without importing typing (~3 ms of a one-shot run); type checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from cqtui.ci.account import AccountBuckets
    from cqtui.profiles.model import ResolvedProfile


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from cqtui.cli import global_options

    parser = commands.add_parser(
        "buckets",
        # Its --region is a repeatable filter; `cqtui --region R buckets` still overrides the profile's.
        parents=[global_options(region=False)],
        help="list the account's CI buckets, all regions, and the services each has",
        description="List every bucket of the account bound to Cloud Infinite (GET /cibuckets, every page), "
        "with its region, creation time and the services it has on (pic, media, ai, asr, file, doc: from the "
        "per-service bucket lists). When /cibuckets is refused, the per-service lists of each region are used "
        "instead. The rows on stdout; summaries, warnings and failed regions on stderr (exit 1).",
    )
    parser.add_argument(
        "--region",
        action="append",
        dest="regions",
        default=[],
        metavar="REGION",
        help="only this region (repeatable); the first is also the region asked when the profile has none",
    )
    add_output_options(parser)
    parser.set_defaults(run=run)


def _regions(texts: list[str]) -> tuple[str, ...]:
    for text in texts:
        problem = region_mistake(text) or field_problem("region", text)
        if problem:
            raise ConfigError(problem, key="--region")
        warning = region_warning(text)
        if warning:
            say(f"warning: {visible(warning)}")
    return tuple(dict.fromkeys(texts))


def run(args: argparse.Namespace) -> int:
    from cqtui.profiles.resolve import resolve_from_args

    regions = _regions(args.regions)
    if args.region is None and regions:
        args.region = regions[0]  # a profile without a region asks the first region's host
    profile = resolve_from_args(args)
    say_warnings(profile)
    account = _discover(profile, regions, args.timeout)
    if args.output == "json":
        print_json(
            {
                CI_BUCKETS.list_element: [bucket_json(bucket) for bucket in account.buckets],
                "TotalCount": len(account.buckets),
                "Source": "service lists" if account.refused is not None else "cibuckets",
                "Failures": [failure_json(failure) for failure in account.failures],
            }
        )
    else:
        print_rows(args, CI_BUCKETS.columns, CI_BUCKETS.details, account.buckets)
    if account.refused is not None:
        say(f"/cibuckets was refused ({visible(str(account.refused))}): buckets found in the per-service lists")
    for failure in account.failures:
        say(f"failed: {failure_line(failure)}")
    say(f"{len(account.buckets)} CI buckets in {len(account.regions)} regions")
    return 1 if account.failures else 0


def _discover(profile: ResolvedProfile, regions: tuple[str, ...], timeout: float | None) -> AccountBuckets:
    import asyncio

    from cqtui.ci.account import discover_buckets
    from cqtui.ci.client import client_for

    progress = Progress()

    async def discover() -> AccountBuckets:
        async with client_for(profile, keep_raw=False, timeouts=Timeouts.waiting(timeout)) as client:
            progress.show("listing the account's buckets…")
            return await discover_buckets(client, profile.region, regions=regions)

    try:
        return asyncio.run(discover())
    finally:
        progress.clear()
