"""`cqtui queues`: one listing without the TUI, for scripts and pipes."""

from __future__ import annotations

import argparse
import sys

from cqtui.ci.errors import ConfigError
from cqtui.ci.models import ListQuery, QueuePage
from cqtui.ci.timing import Timeouts
from cqtui.commands.output import render_csv, render_json, render_table, summary
from cqtui.safetext import visible
from cqtui.terminal import terminal_columns

STATES = ("Active", "Paused")
MAX_PAGE_SIZE = 100


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be 1 or more")
    return value


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "queues", parents=[common], help="list the bucket's image-processing queues once, without the TUI"
    )
    parser.add_argument("--state", choices=STATES, help="only queues in this state (default: all states)")
    parser.add_argument("--queue-ids", metavar="ID,ID", help="look up these queue ids; unknown ids are reported")
    parser.add_argument("--page", type=_positive, default=1, metavar="N", help="page number, from 1 (default 1)")
    parser.add_argument(
        "--page-size", type=_positive, metavar="N", help="queues per page, 1-100 (default: the profile's, else 10)"
    )
    parser.add_argument("--all", action="store_true", help="follow every page and print one merged listing")
    parser.add_argument("--output", "-o", choices=("table", "json", "csv"), default="table")
    parser.set_defaults(run=run)


def _query(args: argparse.Namespace, default_page_size: int) -> ListQuery:
    page_size = args.page_size or default_page_size
    if page_size > MAX_PAGE_SIZE:
        raise ConfigError(f"--page-size {page_size} is over the maximum of {MAX_PAGE_SIZE}", key="--page-size")
    queue_ids = tuple(part.strip() for part in (args.queue_ids or "").split(",") if part.strip())
    return ListQuery(page_number=args.page, page_size=page_size, state=args.state, queue_ids=queue_ids)


def _fetch(profile, query: ListQuery, follow_all: bool, timeout: float | None) -> list[QueuePage]:
    timeouts = Timeouts.waiting(timeout)
    if follow_all:
        return _fetch_all(profile, query, timeouts)
    # One page: the stdlib client, so this path never loads asyncio or httpx.
    from cqtui.ci.oneshot import oneshot_client_for

    with oneshot_client_for(profile, keep_raw=False, timeouts=timeouts) as client:
        return [client.list_queues(query)]


def _fetch_all(profile, query: ListQuery, timeouts: Timeouts) -> list[QueuePage]:
    """Every page, several in flight at once (the async client)."""
    import asyncio

    from cqtui.ci.client import client_for

    async def pages() -> list[QueuePage]:
        async with client_for(profile, keep_raw=False, timeouts=timeouts) as client:
            return [page async for page in client.iter_pages(query)]

    return asyncio.run(pages())


def run(args: argparse.Namespace) -> int:
    from cqtui.profiles.resolve import resolve_from_args

    profile = resolve_from_args(args)
    query = _query(args, profile.page_size)
    pages = _fetch(profile, query, args.all, args.timeout)

    if args.output == "json":
        sys.stdout.write(render_json(pages) + "\n")
    elif args.output == "csv":
        sys.stdout.write(render_csv(pages))
    else:
        sys.stdout.write(render_table(pages, terminal_columns()))
        sys.stdout.write(summary(pages) + "\n")
    for page in pages:
        if page.non_exist_pids:
            unknown = ", ".join(visible(pid) for pid in page.non_exist_pids)
            print(f"cqtui: unknown queue ids: {unknown}", file=sys.stderr)
        for problem in page.problems:
            print(f"cqtui: warning: {problem}", file=sys.stderr)
    return 0
