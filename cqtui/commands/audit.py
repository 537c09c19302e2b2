"""`cqtui audit`: the changes recorded in the audit log (cqtui/audit.py), one row per change.

An attempt's lines are shown as one row: its time and target, the fields before -> after,
and its last outcome (`attempted` alone: the process ended before it could say more). A
line that does not parse is reported on stderr (file and line) and skipped.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime, timedelta
from typing import Any

from cqtui.ci.kinds import Column
from cqtui.commands.listing import add_output_options, print_json, say
from cqtui.commands.output import render_delimited, render_table
from cqtui.safetext import visible
from cqtui.terminal import terminal_columns

_AGO = re.compile(r"([0-9]{1,6})([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def _changes(entry: dict[str, Any]) -> str:
    before, after = entry.get("before"), entry.get("after")
    if not isinstance(before, dict) or not isinstance(after, dict):
        return ""
    return ",".join(f"{field}:{before.get(field, '')}->{after.get(field, '')}" for field in after)


def _outcome(entry: dict[str, Any]) -> str:
    outcome = str(entry.get("outcome", ""))
    return f"{outcome}(no-outcome-recorded)" if outcome == "attempted" else outcome


AUDIT_COLUMNS = (
    Column("time", "Time", lambda record: str(record.entry.get("time", ""))[:19], "text", 19),
    Column("profile", "Profile", lambda record: str(record.entry.get("profile", "")), "text", 10, 3),
    Column("bucket", "Bucket", lambda record: str(record.entry.get("bucket", "")), "text", 0, 4),
    Column("family", "Family", lambda record: str(record.entry.get("family", "")), "text", 6, 5),
    Column("queue_id", "QueueId", lambda record: str(record.entry.get("queue_id", "")), "id", 33),
    Column("changes", "Changes", lambda record: _changes(record.entry)),
    Column("outcome", "Outcome", lambda record: _outcome(record.entry), "text", 17),
    Column(
        "request_ids",
        "RequestIds",
        lambda record: ",".join(map(str, record.entry.get("request_ids") or [])),
        "text",
        0,
        2,
    ),  # fmt: skip
)
# Every field, for CSV and TSV.
AUDIT_FIELDS = (
    *AUDIT_COLUMNS[:4],
    Column("region", "Region", lambda record: str(record.entry.get("region", ""))),
    *AUDIT_COLUMNS[4:5],
    Column("queue_name", "QueueName", lambda record: str(record.entry.get("queue_name", ""))),
    *AUDIT_COLUMNS[5:],
    Column("code", "Code", lambda record: str(record.entry.get("code", ""))),
    Column("note", "Note", lambda record: str(record.entry.get("note", ""))),
    Column("by", "By", lambda record: str(record.entry.get("by", ""))),
)


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "audit",
        parents=[common],
        help="the changes cqtui made or attempted (the audit log)",
        description="Print the audit log: every change attempted with cqtui, one row per change, oldest first. "
        "The log is $CQTUI_STATE_DIR/audit.jsonl, else audit.jsonl in the user state dir.",
    )
    parser.add_argument(
        "--since",
        type=_since,
        metavar="WHEN",
        help="only changes since then: 30m, 1h, 2d, 1w ago, or a date (2026-11-30) or time (2026-11-30T09:00)",
    )
    add_output_options(parser)
    parser.set_defaults(run=run)


def _since(text: str) -> datetime:
    if match := _AGO.fullmatch(text):
        return datetime.now().astimezone() - timedelta(**{_UNITS[match[2]]: int(match[1])})
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a duration (30m, 1h, 2d) nor a date (2026-11-30)"
        ) from None
    return when if when.tzinfo is not None else when.astimezone()  # a date or time without a zone: local


def run(args: argparse.Namespace) -> int:
    from cqtui.audit import audit_path, read_lines, records

    path = audit_path()
    lines, problems = read_lines(path)
    for problem in problems:
        say(f"warning: {problem}")
    if not path.exists():
        say(f"no audit log yet ({visible(str(path))}): no change has been made with cqtui here")
    found = [record for record in records(lines) if args.since is None or record.when >= args.since]
    if args.output == "json":
        print_json({"Path": str(path), "Changes": [record.entry for record in found]})
    elif args.output == "table":
        sys.stdout.write(render_table(AUDIT_COLUMNS, found, terminal_columns(), headers=not args.no_headers))
    else:
        sys.stdout.write(render_delimited(AUDIT_FIELDS, found, tsv=args.output == "tsv", headers=not args.no_headers))
    return 0
