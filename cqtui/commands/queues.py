"""`cqtui queues`: one listing without the TUI, for scripts and pipes: one bucket, or every bucket of the account."""

from __future__ import annotations

import argparse

from cqtui.ci.errors import ConfigError, CqtuiError
from cqtui.ci.kinds import KINDS, QUEUE_FAMILIES, QUEUE_STATES, Kind, located
from cqtui.ci.models import ListQuery, Page
from cqtui.ci.protocol import check_query
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
from cqtui.commands.output import bucket_json, queue_json
from cqtui.safetext import listed, visible

# typing.TYPE_CHECKING without importing typing (~3 ms of a one-shot run); type checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from cqtui.ci.account import AccountBuckets, Overview
    from cqtui.profiles.model import ResolvedProfile

# The API's names of the options families may take, and the flag for each (`category` -> `--category`).
FAMILY_PARAMS = {param.name: param for family in QUEUE_FAMILIES for param in KINDS[family].params}
FLAGS = {"pageSize": "--page-size", "pageNumber": "--page", "state": "--state", "queueIds": "--queue-ids"}
FLAGS |= {name: f"--{name.lower()}" for name in FAMILY_PARAMS}


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be 1 or more")
    return value


def _state(text: str) -> str:
    """`paused`, `PAUSED`: any case of a state."""
    for state in QUEUE_STATES:
        if text.lower() == state.lower():
            return state
    raise argparse.ArgumentTypeError(f"{text!r} is not a state: choose {' or '.join(QUEUE_STATES)}")


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    families = ", ".join(f"{key} ({KINDS[key].title})" for key in QUEUE_FAMILIES)
    parser = commands.add_parser(
        "queues",
        parents=[common],
        help="list one bucket's queues, or every bucket's, without the TUI",
        description="List a bucket's queues of one family once, for scripts and pipes: the rows on stdout, "
        "summaries and warnings on stderr. With --all-buckets, every queue of the family in every bucket "
        "of the account, all regions.",
    )
    parser.add_argument(
        "--family", choices=QUEUE_FAMILIES, default="pic", help=f"which queues: {families} (default pic)"
    )
    for name, param in FAMILY_PARAMS.items():
        takers = [key for key in QUEUE_FAMILIES if KINDS[key].param(name) is not None]
        parser.add_argument(
            FLAGS[name],
            dest=f"param_{name}",
            choices=param.choices or None,
            help=f"{param.help}; only with --family {' or '.join(takers)}"
            + (f" (default: the server's, {param.default})" if param.default else ""),
        )
    parser.add_argument(
        "--state", type=_state, help="only queues in this state: Active or Paused, any case (default: every state)"
    )
    parser.add_argument("--queue-ids", metavar="ID,ID", help="look up these queue ids; unknown ids are reported")
    parser.add_argument("--page", type=_positive, default=1, metavar="N", help="page number, from 1 (default 1)")
    parser.add_argument(
        "--page-size", type=_positive, metavar="N", help="queues per page, 1-100 (default: the profile's, else 10)"
    )
    parser.add_argument(
        "--all", action="store_true", help="follow every page (100 per request) and print one merged listing"
    )
    parser.add_argument(
        "--all-buckets",
        action="store_true",
        help="every queue of the family in every bucket of the account, labelled with bucket and region; "
        "a bucket that fails is reported on stderr and makes the exit status 1",
    )
    add_output_options(parser)
    parser.set_defaults(run=run)


# ---- the query ------------------------------------------------------------------------------------


def _query(args: argparse.Namespace, kind: Kind, default_page_size: int) -> ListQuery:
    options = []
    for name in FAMILY_PARAMS:
        value = getattr(args, f"param_{name}")
        if value is not None:
            if kind.param(name) is None:
                raise ConfigError(f"--family {kind.key} ({kind.title}) takes no {FLAGS[name]}", key=FLAGS[name])
            options.append((name, value))
    # --all and --all-buckets page by the most a request may hold: fewer round trips.
    follows = args.all or args.all_buckets
    page_size = args.page_size or (kind.max_page_size if follows else default_page_size)
    ids = tuple(part.strip() for part in (args.queue_ids or "").split(",") if part.strip())
    query = ListQuery(page_number=args.page, page_size=page_size, state=args.state, ids=ids, options=tuple(options))
    try:
        check_query(kind, query)
    except ConfigError as problem:
        raise _flagged(problem) from None
    return query


def _flagged(problem: ConfigError) -> ConfigError:
    """A ConfigError keyed by the API's parameter name, keyed by the option that set it instead."""
    return ConfigError(problem.reason, key=FLAGS.get(problem.key, problem.key))


def run(args: argparse.Namespace) -> int:
    from cqtui.profiles.resolve import resolve_from_args

    profile = resolve_from_args(args)
    say_warnings(profile)
    kind = KINDS[args.family]
    query = _query(args, kind, profile.page_size)
    if args.all_buckets:
        for flag, given in (("--queue-ids", args.queue_ids), ("--page", args.page != 1), ("--all", args.all)):
            if given:
                raise ConfigError(f"{flag} does not apply with --all-buckets (it lists every page of every bucket)")
        return _run_all_buckets(args, profile, kind, query)
    if not profile.bucket:
        raise ConfigError(
            "no bucket: pass --bucket BucketName-APPID, or list the account's buckets with `cqtui buckets` "
            "or every bucket's queues with `cqtui queues --all-buckets`"
        )
    try:
        pages = _fetch(profile, kind, query, args.all, args.timeout)
    except ConfigError as refused:  # e.g. a request too long for any server: --queue-ids
        raise _flagged(refused) from None
    _check_page_exists(pages[0], query)
    if args.output == "json":
        print_json(queues_document(pages))
    else:
        print_rows(args, kind.columns, kind.details, [queue for page in pages for queue in page.items])
    say(summary(pages))
    if args.all and pages[0].total_count is None:
        say(f"warning: the server sent no TotalCount: paged until a short page ({len(pages)} pages)")
    for page in pages:
        if page.missing_ids:
            say(f"unknown queue ids: {listed(page.missing_ids)}")
        for problem in page.problems:
            say(f"warning: {visible(problem)}")
    return 0


# ---- one bucket -------------------------------------------------------------------------------------


def _fetch(
    profile: ResolvedProfile, kind: Kind, query: ListQuery, follow_all: bool, timeout: float | None
) -> list[Page]:
    timeouts = Timeouts.waiting(timeout)
    if follow_all:
        return _fetch_all(profile, kind, query, timeouts)
    # One page: the stdlib client, so this path never loads asyncio or httpx.
    from cqtui.ci.oneshot import oneshot_client_for

    with oneshot_client_for(profile, keep_raw=False, timeouts=timeouts) as client:
        return [client.list(kind, profile.where, query)]


def _fetch_all(profile: ResolvedProfile, kind: Kind, query: ListQuery, timeouts: Timeouts) -> list[Page]:
    """Every page, several in flight at once (the async client)."""
    import asyncio

    from cqtui.ci.client import client_for

    progress = Progress()

    async def pages() -> list[Page]:
        got: list[Page] = []
        async with client_for(profile, keep_raw=False, timeouts=timeouts) as client:
            async for page in client.iter_pages(kind, profile.where, query):
                got.append(page)
                count = -(-(got[0].total_count or 0) // query.page_size)
                progress.show(f"loaded page {len(got)} of {max(count, len(got))}")
        return got

    try:
        return asyncio.run(pages())
    finally:
        progress.clear()


def _check_page_exists(page: Page, query: ListQuery) -> None:
    """A page past the last is a mistake worth exit 1, not an empty listing."""
    total = page.total_count
    if page.items or query.page_number == 1 or query.ids or total is None:
        return
    last = max(1, -(-total // query.page_size))
    if query.page_number > last:
        raise CqtuiError(
            f"page {query.page_number} is past the last page: {total} queues make {last} page"
            f"{'s' if last != 1 else ''} of {query.page_size}"
        )


def queues_document(pages: list[Page]) -> dict[str, object]:
    first = pages[0]
    document: dict[str, object] = {
        "RequestId": first.request_id,
        "TotalCount": first.total_count,
        "PageNumber": first.page_number,
        "PageSize": first.page_size,
        "QueueList": [queue_json(queue) for page in pages for queue in page.items],
        "NonExistPIDs": [pid for page in pages for pid in page.missing_ids],
    }
    if len(pages) > 1:
        document["PageCount"] = len(pages)
        document["RequestIds"] = [page.request_id for page in pages]
    return document


def summary(pages: list[Page]) -> str:
    """One line for stderr: what was shown out of how many, and the RequestId."""
    first, last = pages[0], pages[-1]
    shown = sum(len(page.items) for page in pages)
    total = first.total_count if first.total_count is not None else "?"
    size = first.page_size or 0
    page_count = -(-first.total_count // size) if first.total_count and size else 1
    where = "all pages" if len(pages) > 1 else f"page {last.page_number or '?'} of {max(page_count, 1)}"
    return f"{shown} shown of {total} queues ({where}) · RequestId {visible(first.request_id) or '-'}"


# ---- every bucket ----------------------------------------------------------------------------------


def _run_all_buckets(args: argparse.Namespace, profile: ResolvedProfile, kind: Kind, query: ListQuery) -> int:
    account, overview = _overview(profile, kind, query, args.timeout)
    failures = [*account.failures, *overview.failures]
    rows = overview.rows
    if args.output == "json":
        document = {
            "QueueList": [
                {**queue_json(row.item), "Bucket": row.bucket.bucket_id, "Region": row.bucket.region} for row in rows
            ],
            "TotalCount": len(rows),
            "BucketList": [bucket_json(bucket) for bucket in overview.buckets],
            "Failures": [failure_json(failure) for failure in failures],
        }
        print_json(document)
    else:
        print_rows(args, located(kind.columns), located(kind.details), rows)
    if account.refused is not None:
        say(f"/cibuckets was refused ({visible(str(account.refused))}): buckets found in the per-service lists")
    for failure in failures:
        say(f"failed: {failure_line(failure)}")
    skipped = f"; {len(overview.skipped)} without {kind.title} skipped" if overview.skipped else ""
    regions = len({bucket.region for bucket in overview.buckets})
    say(f"{len(rows)} {kind.title} in {len(overview.buckets) - len(overview.failures)} of {len(overview.buckets)} "
        f"buckets ({regions} regions){skipped}")  # fmt: skip
    return 1 if failures else 0


def _overview(
    profile: ResolvedProfile, kind: Kind, query: ListQuery, timeout: float | None
) -> tuple[AccountBuckets, Overview]:
    import asyncio

    from cqtui.ci.account import Overview, discover_buckets
    from cqtui.ci.client import client_for

    progress = Progress()

    async def load() -> tuple[AccountBuckets, Overview]:
        async with client_for(profile, keep_raw=False, timeouts=Timeouts.waiting(timeout)) as client:
            progress.show("listing the account's buckets…")
            account = await discover_buckets(client, profile.region, services=(kind.key,))
            overview = Overview(client, kind, account.buckets, query)
            async for _ in overview.load(
                on_progress=lambda step: progress.show(f"buckets {step.done} of {step.total} · {step.queues} queues")
            ):
                pass
            return account, overview

    try:
        return asyncio.run(load())
    finally:
        progress.clear()
