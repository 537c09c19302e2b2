"""`cqtui audit`: the changes recorded in the audit log (cqtui/audit.py), one row per change.

An attempt's lines are shown as one row: its time and target, what each field was set to
(the table; CSV, TSV and JSON: before and after), and its last outcome (`attempted`
alone: the process ended before it could record more). A line that does not parse is
reported on stderr (file and line) and skipped.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from cqtui.audit import Record
from cqtui.ci.kinds import Column
from cqtui.commands.listing import add_output_options, print_json, say
from cqtui.commands.output import render_delimited, render_table
from cqtui.safetext import visible
from cqtui.terminal import terminal_columns

_AGO = re.compile(r"([0-9]{1,6})([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def _fields(entry: dict[str, Any], name: str) -> dict[str, Any]:
    value = entry.get(name)
    return value if isinstance(value, dict) else {}


def _changes(entry: dict[str, Any]) -> str:
    """Every changed field, before -> after (CSV and TSV)."""
    before = _fields(entry, "before")
    return ",".join(f"{field}:{before.get(field, '')}->{value}" for field, value in _fields(entry, "after").items())


def _changed_to(entry: dict[str, Any]) -> str:
    """What each field was set to, by its short name (the table: `State=Paused`)."""
    return ",".join(f"{field.rpartition('.')[2]}={value}" for field, value in _fields(entry, "after").items())


def _text(name: str) -> Callable[[Record], str]:
    return lambda record: str(record.entry.get(name, ""))


def _request_ids(record: Record) -> str:
    return ",".join(map(str, record.entry.get("request_ids") or []))


AUDIT_COLUMNS = (
    Column("time", "Time", lambda record: str(record.entry.get("time", ""))[:19], "text", 19),  # local, to the second
    Column("profile", "Profile", _text("profile"), "text", 10, 3),
    Column("bucket", "Bucket", _text("bucket"), "text", 0, 4),
    Column("family", "Family", _text("family"), "text", 6, 5),
    Column("queue_id", "QueueId", _text("queue_id"), "id", 33),
    Column("changes", "Changes", lambda record: _changed_to(record.entry)),
    Column("outcome", "Outcome", lambda record: record.outcome, "text", 9),
    Column("request_ids", "RequestIds", _request_ids, "text", 0, 2),
)
# Every field, for CSV and TSV.
AUDIT_FIELDS = (
    Column("time", "Time", _text("time")),
    Column("profile", "Profile", _text("profile")),
    Column("region", "Region", _text("region")),
    Column("bucket", "Bucket", _text("bucket")),
    Column("family", "Family", _text("family")),
    Column("queue_id", "QueueId", _text("queue_id")),
    Column("queue_name", "QueueName", _text("queue_name")),
    Column("changes", "Changes", lambda record: _changes(record.entry)),
    Column("outcome", "Outcome", lambda record: record.outcome),
    Column("request_ids", "RequestIds", _request_ids),
    Column("code", "Code", _text("code")),
    Column("note", "Note", _text("note")),
    Column("by", "By", _text("by")),
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
