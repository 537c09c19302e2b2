"""`cqtui queue pause|resume|set`: change queues from the command line, with the care ci/changes.py takes.

A read-only profile (or --read-only) refuses every change here, exit 2, before anything
is read or recorded. The target and each field before -> after go to stderr; then,
without --yes, the terminal is asked (y for one queue, the count for more), and stdin
not being a terminal is a usage error. --dry-run shows the change and sends nothing.
Every change sent is in the audit log (cqtui/audit.py). The outcomes go to stdout (a
table, or -o json); exit 0 when every queue is done or unchanged, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys

from cqtui.ci.changes import (
    CHANGED_MEANWHILE,
    FINE,
    UNCHANGED,
    Change,
    Plan,
    PlannedChange,
    Report,
    Result,
    callback_change,
    change_problems,
)
from cqtui.ci.errors import ConfigError
from cqtui.ci.kinds import KINDS, QUEUE_FAMILIES, QUEUE_STATES, Column, Kind
from cqtui.ci.models import Queue
from cqtui.ci.queuerules import EVENTS, NOTIFY_CHOICES, api_name
from cqtui.ci.timing import Timeouts
from cqtui.commands.listing import Progress, print_json, say, say_warnings
from cqtui.commands.output import queue_json, render_table
from cqtui.safetext import masked_url, visible, visible_url
from cqtui.terminal import terminal_columns

# typing.TYPE_CHECKING without importing typing; type checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from cqtui.audit import AuditLog
    from cqtui.profiles.model import ResolvedProfile

CHANGEABLE = tuple(key for key in QUEUE_FAMILIES if KINDS[key].change is not None)
# How often a queue that changed meanwhile is shown again and asked about before cqtui gives up.
MAX_ROUNDS = 3
VALUE_CHARS = 200  # a value longer than this is cut in the diff (the audit log and JSON keep it whole)
WOULD_CHANGE = "would-change"

RESULT_COLUMNS = (
    Column("id", "QueueId", lambda result: result.item.target.queue_id, "id", 33),
    Column("name", "Name", lambda result: result.item.target.queue_name),
    Column("outcome", "Outcome", lambda result: result.outcome, "text", 17),
    Column("code", "Code", lambda result: result.code, "text", 16, 2),
    Column("request_id", "RequestId", lambda result: ",".join(result.request_ids), "text", 32, 1),
)


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "queue",
        parents=[common],
        help="pause, resume or change queues (shows the change, asks, records it in the audit log)",
        description="Change queues of one bucket: the target and each field before -> after are shown on "
        "stderr and, without --yes, asked about on the terminal. Each queue is read again just before it is "
        "changed: if it changed meanwhile, nothing is sent and its new state is shown. A change is never "
        "sent twice blindly, and every change sent is recorded in the audit log (`cqtui audit`).",
    )
    actions = parser.add_subparsers(dest="queue_action", metavar="ACTION", required=True)
    for action, state in (("pause", "Paused"), ("resume", "Active")):
        sub = actions.add_parser(action, parents=[common], help=f"set the queues' State to {state}")
        sub.add_argument("ids", nargs="+", metavar="ID", help="queue ids")
        _shared_options(sub)
        sub.set_defaults(run=run, change_of=lambda _args, state=state: Change(state=state))

    setting = actions.add_parser(
        "set", parents=[common], help="change one queue's name, state or callback (NotifyConfig)"
    )
    setting.add_argument("ids", nargs=1, metavar="ID", help="the queue id")
    setting.add_argument("--name", help=f"the new name: {_name_rules()}")
    setting.add_argument("--state", type=str.capitalize, choices=QUEUE_STATES, help="Active or Paused, any case")
    callback = setting.add_mutually_exclusive_group()
    callback.add_argument("--callback-url", metavar="URL", help="callbacks to this http(s) URL (not a private address)")
    callback.add_argument(
        "--callback-tdmq",
        metavar="MODE:REGION:NAME",
        type=_tdmq,
        help=f"callbacks to TDMQ: MODE {'|'.join(NOTIFY_CHOICES['mq_mode'])}, "
        f"REGION {'|'.join(NOTIFY_CHOICES['mq_region'])}, NAME the topic or queue",
    )
    callback.add_argument("--callback-off", action="store_true", help="no callbacks (the rest is kept)")
    setting.add_argument(
        "--events", type=_events, metavar="EVENT,EVENT", help=f"which events call back: {', '.join(EVENTS)}"
    )
    setting.add_argument("--result-format", choices=NOTIFY_CHOICES["result_format"], help="the callback's format")
    _shared_options(setting)
    setting.set_defaults(run=run, change_of=_set_change)


def _name_rules() -> str:
    """`CJK, letters, digits, _ - *; at most 128 (pic, media, …), 100 (asr, doc) bytes`, from the kinds' rules."""
    rules = {key: KINDS[key].change for key in CHANGEABLE}
    by_size: dict[int, list[str]] = {}
    characters: set[str] = set()
    for key, rule in rules.items():
        if rule is not None:
            by_size.setdefault(rule.name_max_bytes, []).append(key)
            characters.add(rule.name_characters_text)
    sizes = ", ".join(f"{size} ({', '.join(keys)})" for size, keys in by_size.items())
    return f"{' or '.join(sorted(characters))}; at most {sizes} bytes"


def _shared_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--family", choices=CHANGEABLE, default="pic", help="which family the ids are of (default pic)")
    parser.add_argument("--dry-run", action="store_true", help="show the change and send nothing")
    parser.add_argument(
        "--yes", "-y", action="store_true", help="change without asking (needed when stdin is not a terminal)"
    )
    parser.add_argument(
        "--output",
        "-o",
        choices=("table", "json"),
        default="table",
        help="the outcomes as a table or JSON (default table)",
    )


def _tdmq(text: str) -> tuple[str, str, str]:
    mode, region, name = (text.split(":", 2) + ["", ""])[:3]
    if not (mode and region and name):
        raise argparse.ArgumentTypeError(f"{visible(text)!r} must be MODE:REGION:NAME, e.g. Queue:gz:ci-results")
    return mode, region, name


def _events(text: str) -> str:
    return ",".join(part.strip() for part in text.split(","))


def _set_change(args: argparse.Namespace) -> Change:
    notify = callback_change(
        url=args.callback_url,
        tdmq=args.callback_tdmq,
        off=args.callback_off,
        events=args.events,
        result_format=args.result_format,
    )
    return Change(name=args.name, state=args.state, notify=notify)


# ---- the command ------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    from cqtui.profiles.resolve import resolve_from_args

    profile = resolve_from_args(args)
    if profile.read_only:
        raise ConfigError(f"read-only: {profile.read_only_reason}; no change is sent", key="read_only")
    say_warnings(profile)
    if not profile.bucket:
        raise ConfigError("no bucket: pass --bucket BucketName-APPID (a change is always to one bucket's queues)")
    kind = KINDS[args.family]
    change = args.change_of(args)
    problems = change_problems(kind, change)
    if problems:
        raise ConfigError("; ".join(problems))
    if not (args.yes or args.dry_run or _interactive()):
        raise ConfigError(
            "stdin is not a terminal to ask on: pass --yes to change without asking, or --dry-run to only look"
        )
    timeouts = Timeouts.waiting(args.timeout)
    plan = _read_plan(profile, kind, args.ids, change, timeouts)
    _show_plan(plan)
    if args.dry_run or not plan.changing:
        if not plan.changing:
            say("nothing to change: every queue is already so; nothing sent")
        _print_outcomes(args, plan, [], dry_run=args.dry_run)
        return 0
    if not (args.yes or _confirmed(plan)):
        say("not confirmed: nothing sent")
        return 1
    from cqtui.audit import AuditLog

    results = _apply_rounds(args, plan, profile, timeouts, AuditLog())
    _print_outcomes(args, plan, results)
    return 0 if all(result.outcome in FINE for result in results) else 1


def _interactive() -> bool:
    return sys.stdin.isatty()


def _read_plan(profile: ResolvedProfile, kind: Kind, ids: list[str], change: Change, timeouts: Timeouts) -> Plan:
    import asyncio

    from cqtui.ci.changes import make_plan, read_queues
    from cqtui.ci.client import client_for

    async def read() -> tuple[list[Queue], list[str]]:
        async with client_for(profile, timeouts=timeouts) as client:
            return await read_queues(client, kind, profile.where, ids)

    queues, missing = asyncio.run(read())
    if missing:
        unknown = ", ".join(visible(queue_id) for queue_id in missing)
        raise ConfigError(f"{kind.title} in {profile.bucket} have no queue {unknown}; nothing changed", key="ID")
    return make_plan(kind, profile.where, profile.name, queues, change)


def _apply_rounds(
    args: argparse.Namespace, plan: Plan, profile: ResolvedProfile, timeouts: Timeouts, audit: AuditLog
) -> list[Result]:
    """Apply `plan`; a queue that changed meanwhile is shown again with its new state and asked about again
    (never with --yes: then its outcome stays changed-meanwhile). The final outcome of each queue, in plan order."""
    from cqtui.ci.changes import replan

    final = {item.target.queue_id: item for item in plan.items}  # every queue, in plan order
    outcomes: dict[str, Result] = {}
    for _ in range(MAX_ROUNDS):
        report = _apply(plan, profile, timeouts, audit)
        outcomes |= {result.item.target.queue_id: result for result in report.results}
        stale = report.changed_meanwhile
        if not stale or args.yes:
            break
        say(f"{len(stale)} queue{'s' if len(stale) != 1 else ''} changed since read; nothing sent to them:")
        plan = replan(plan, stale)
        _show_plan(plan)
        if not plan.changing or not _confirmed(plan):
            break
    return [outcomes[queue_id] for queue_id in final]


def _apply(plan: Plan, profile: ResolvedProfile, timeouts: Timeouts, audit: AuditLog) -> Report:
    import asyncio

    from cqtui.ci.changes import apply
    from cqtui.ci.client import client_for

    progress = Progress() if len(plan.changing) > 1 else None
    done = 0

    def on_result(result: Result) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress.show(f"{done} of {len(plan.items)} queues · last: {result.outcome}")

    async def run_plan() -> Report:
        async with client_for(profile, timeouts=timeouts) as client:
            return await apply(client, plan, audit, on_result=on_result)

    try:
        report = asyncio.run(run_plan())
    finally:
        if progress is not None:
            progress.clear()
    for problem in report.journal_problems:
        say(f"warning: the audit log missed an outcome: {visible(problem)}")
    return report


# ---- what is shown ------------------------------------------------------------------------------------


def _cut(text: str) -> str:
    return text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS] + "…"


def _value(field: str, value: str) -> str:
    shown = _cut(visible_url(value) if field == api_name("url") else visible(value))
    return repr(shown) if shown else "(empty)"


def _show_plan(plan: Plan) -> None:
    where = plan.where
    say(f"profile {visible(plan.profile)} · region {where.region}")
    say(f"bucket {where.bucket} · {plan.kind.title} ({plan.kind.key})")
    unchanged = len(plan.items) - len(plan.changing)
    counted = f"{len(plan.changing)} queue{'s' if len(plan.changing) != 1 else ''} to change"
    say(counted + (f", {unchanged} unchanged" if unchanged else "") + ":")
    for item in plan.items:
        _show_item(item)


def _show_item(item: PlannedChange) -> None:
    head = f"  {_cut(visible(item.target.queue_id))}  {_cut(visible(item.target.queue_name))}"
    if not item.fields:
        print(f"{head}: unchanged", file=sys.stderr)
        return
    print(head, file=sys.stderr)
    for change in item.fields:
        print(f"      {change.field}: {_value(change.field, change.before)} -> {_value(change.field, change.after)}",
              file=sys.stderr)  # fmt: skip


def _confirmed(plan: Plan) -> bool:
    count = len(plan.changing)
    if count == 1:
        question, wanted = "Change this queue? [y/N] ", {"y", "yes"}
    else:
        question, wanted = (
            f"Type {count} to change these {count} queues (anything else: nothing is sent): ",
            {str(count)},
        )
    sys.stderr.write(question)
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in wanted


def _print_outcomes(args: argparse.Namespace, plan: Plan, results: list[Result], *, dry_run: bool = False) -> None:
    if args.output == "json":
        print_json(_document(plan, results, dry_run))
    elif results:
        sys.stdout.write(render_table(RESULT_COLUMNS, results, terminal_columns()))
    hints: list[str] = []
    for result in results:
        if result.outcome not in FINE or result.error:  # done after an error: a read told it applied
            _say_result(result)
            if result.hint and result.hint not in hints:
                hints.append(result.hint)
    for hint in hints:
        say(f"hint: {hint}")
    if results:
        counts: dict[str, int] = {}
        for result in results:
            counts[result.outcome] = counts.get(result.outcome, 0) + 1
        say(", ".join(f"{count} {outcome}" for outcome, count in counts.items()))


def _say_result(result: Result) -> None:
    what = f"{result.outcome} {visible(result.item.target.queue_id)}"
    if result.error:
        what += f": {result.error}"
    if result.note:
        what += f" — {result.note}"
    say(what)
    if result.outcome == CHANGED_MEANWHILE and result.queue is not None:
        now = result.queue
        say(f"  its state now: Name {_cut(visible(now.name))!r}, State {_cut(visible(now.state))}, "
            f"UpdateTime {_cut(visible(now.update_time))}")  # fmt: skip


def _unsecret(field: str, value: str) -> str:
    """A callback URL's password is shown as *** here too: the answers end up in CI logs and tickets."""
    return masked_url(value) if field == api_name("url") else value


def _queue_document(queue: Queue) -> dict[str, object]:
    document = queue_json(queue)
    notify = document["NotifyConfig"]
    if isinstance(notify, dict) and "Url" in notify:
        notify["Url"] = masked_url(notify["Url"])
    return document


def _document(plan: Plan, results: list[Result], dry_run: bool) -> dict[str, object]:
    by_id = {result.item.target.queue_id: result for result in results}
    entries = []
    for planned in plan.items:
        result = by_id.get(planned.target.queue_id)
        item = result.item if result else planned  # a queue that changed meanwhile was planned again
        entry: dict[str, object] = {
            "QueueId": item.target.queue_id,
            "Name": item.target.queue_name,
            "Outcome": result.outcome if result else (WOULD_CHANGE if item.fields else UNCHANGED),
            "Applied": result.applied if result else None,
            "Changes": [
                {"Field": f.field, "Before": _unsecret(f.field, f.before), "After": _unsecret(f.field, f.after)}
                for f in item.fields
            ],
            "Before": _queue_document(item.seen),
            "After": _queue_document(result.queue) if result and result.queue else None,
            "RequestIds": list(result.request_ids) if result else [],
            "Code": result.code if result else "",
            "Error": result.error if result else "",
            "Note": result.note if result else "",
        }
        entries.append(entry)
    return {
        "Profile": plan.profile,
        "Region": plan.where.region,
        "Bucket": plan.where.bucket,
        "Family": plan.kind.key,
        "DryRun": dry_run,
        "Results": entries,
    }
