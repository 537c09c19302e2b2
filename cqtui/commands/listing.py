"""What `cqtui queues` and `cqtui buckets` share: output options, printing rows, stderr lines, progress.

Data goes to stdout; summaries, warnings, failures and progress go to stderr, so a
pipe only ever carries rows. Progress is drawn only when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cqtui.ci.kinds import Column
from cqtui.commands.output import render_delimited, render_json, render_table
from cqtui.safetext import visible
from cqtui.terminal import terminal_columns

# typing.TYPE_CHECKING without importing typing (~3 ms of a one-shot run); type checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from cqtui.ci.account import Failure
    from cqtui.profiles.model import ResolvedProfile

FORMATS = ("table", "json", "csv", "tsv")


def add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output",
        "-o",
        choices=FORMATS,
        default="table",
        help="table: fits the terminal (80 columns when piped), one word per cell; json: the API's field names; "
        "csv, tsv: every field, one row per entry (default: table)",
    )
    parser.add_argument("--no-headers", action="store_true", help="no header line (table, csv, tsv)")


def say(message: str) -> None:
    """One line on stderr; `message` is already safe to print."""
    print(f"cqtui: {message}", file=sys.stderr)


def say_warnings(profile: ResolvedProfile) -> None:
    for warning in profile.warnings:
        say(visible(warning))


def print_rows(
    args: argparse.Namespace, columns: Sequence[Column], details: Sequence[Column], items: Sequence[object]
) -> None:
    """The rows in the table, CSV or TSV format asked for (JSON documents differ by command)."""
    headers = not args.no_headers
    if args.output == "table":
        sys.stdout.write(render_table(columns, items, terminal_columns(), headers=headers))
    else:
        sys.stdout.write(render_delimited(details, items, tsv=args.output == "tsv", headers=headers))


def print_json(document: dict[str, object]) -> None:
    sys.stdout.write(render_json(document))


def failure_line(failure: Failure) -> str:
    """`bucket archive-1250000000 (ap-beijing): AccessDenied: … (HTTP 403, RequestId …)`, made visible."""
    where = (
        f"bucket {failure.bucket} ({failure.region})"
        if failure.bucket
        else f"region {failure.region} ({failure.listing})"
    )
    return visible(f"{where}: {failure.error}")


def failure_json(failure: Failure) -> dict[str, object]:
    return {
        "Bucket": failure.bucket,
        "Region": failure.region,
        "Listing": failure.listing,
        "Code": failure.code,
        "Message": str(failure.error),
        "RequestId": failure.request_id,
    }


class Progress:
    """One line on stderr, rewritten in place while work goes on; nothing unless stderr is a terminal."""

    def __init__(self) -> None:
        self.shown = sys.stderr.isatty()

    def show(self, text: str) -> None:
        if self.shown:
            sys.stderr.write(f"\r\x1b[2K{text}")
            sys.stderr.flush()

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
