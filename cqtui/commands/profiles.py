"""`cqtui profiles …`: list, show, add, edit, remove, default, import and test profiles.

Secrets never come from a command-line argument (they would land in shell
history and `ps`): the secret key and token are read from stdin, a hidden
prompt, or `--secret-key-command`. Nothing printed here shows a secret.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cqtui.ci.credentials import mask
from cqtui.ci.errors import ConfigError
from cqtui.profiles import describe, document, imports, store
from cqtui.profiles.errors import CommentsWouldBeLost
from cqtui.profiles.fields import field_problem
from cqtui.profiles.resolve import Overrides, resolve_profile, select_profile
from cqtui.safetext import visible, visible_url
from cqtui.textwidth import cell_width, fit

# profile field -> the option that sets it (for error messages)
FLAGS = {
    "region": "--region",
    "bucket": "--bucket",
    "endpoint": "--endpoint",
    "secret_id": "--secret-id",
    "secret_key": "--secret-key-stdin",
    "token": "--token-stdin",
    "secret_key_command": "--secret-key-command",
    "page_size": "--page-size",
    "refresh_seconds": "--refresh-seconds",
    "read_only": "--read-only",
    "proxy": "--proxy",
    "ca_bundle": "--ca-bundle",
    "timezone": "--timezone",
}
# `--proxy env`, `--ca-bundle env`: remove the field, so HTTPS_PROXY / SSL_CERT_FILE apply again
# ("" is a value of its own for these: no proxy, no extra CAs).
FOLLOW_ENV = "env"


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from cqtui.cli import global_options

    # add and edit have a --read-only of their own: the profile's field.
    writing = global_options(read_only=False)
    parser = commands.add_parser("profiles", parents=[common], help="manage profiles without the TUI")
    actions = parser.add_subparsers(dest="profiles_action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", parents=[common], help="every profile, secrets masked")
    listing.add_argument("--output", "-o", choices=("table", "json"), default="table")
    listing.set_defaults(run=run_list)

    show = actions.add_parser("show", parents=[common], help="one profile's fields and where each comes from")
    show.add_argument("name", nargs="?", help="profile (default: --profile, else the default profile)")
    show.add_argument("--output", "-o", choices=("table", "json"), default="table")
    show.set_defaults(run=run_show)

    add = actions.add_parser(
        "add",
        parents=[writing],
        help="add a profile (--region required; without --bucket it lists the whole account)",
        description="Add a profile. The secret key is read with --secret-key-stdin (first line of stdin; "
        "the token, with --token-stdin, is the next line), from --secret-key-command, or asked for "
        "(hidden) on a terminal. There is deliberately no option taking a secret as its value. "
        "--region, --bucket, --endpoint and --timezone set the profile's own values.",
    )
    _profile_options(add)
    add.set_defaults(run=run_add)

    edit = actions.add_parser("edit", parents=[writing], help="change some fields of a profile")
    _profile_options(edit)
    edit.set_defaults(run=run_edit)

    remove = actions.add_parser("remove", parents=[common], help="delete a profile")
    remove.add_argument("name")
    remove.add_argument("--yes", "-y", action="store_true", help="rewrite the file even if comments would be lost")
    remove.set_defaults(run=run_remove)

    default = actions.add_parser("default", parents=[common], help="make a profile the default")
    default.add_argument("name")
    default.add_argument("--yes", "-y", action="store_true", help="rewrite the file even if comments would be lost")
    default.set_defaults(run=run_default)

    importing = actions.add_parser(
        "import",
        parents=[common],
        help="create a profile from tccli, coscmd, COSCLI or TENCENTCLOUD_* credentials",
        description="Read credentials another tool keeps (tccli: ~/.tccli; coscmd: ~/.cos.conf; "
        "COSCLI: ~/.cos.yaml; env: TENCENTCLOUD_* variables) and store them as a profile. "
        "--bucket/--region fill in (or override) what the source lacks; for COSCLI --bucket "
        "picks a configured bucket by name or alias.",
    )
    importing.add_argument("source", choices=imports.TOOLS)
    importing.add_argument("--name", help="profile name (default: the source's name, e.g. coscmd)")
    importing.add_argument(
        "--from", dest="source_path", metavar="PATH", help="read this file (tccli: its folder or a .credential file)"
    )
    importing.add_argument("--force", action="store_true", help="replace a profile of the same name")
    importing.add_argument("--default", action="store_true", help="make it the default profile")
    importing.add_argument("--yes", "-y", action="store_true", help="rewrite the file even if comments would be lost")
    importing.set_defaults(run=run_import)

    test = actions.add_parser("test", parents=[common], help="sign one list request and report the answer")
    test.add_argument("name", nargs="?", help="profile (default: --profile, else the default profile)")
    test.set_defaults(run=run_test)


def _profile_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name")
    parser.add_argument("--secret-id", metavar="ID", help="SecretId (AKID…); not secret on its own")
    parser.add_argument("--secret-key-stdin", action="store_true", help="read the secret key from stdin's first line")
    parser.add_argument(
        "--token-stdin", action="store_true", help="read a session token from stdin (after the key, if both)"
    )
    parser.add_argument(
        "--secret-key-command", metavar="CMD", help="run CMD (no shell) for the secret key, e.g. 'pass show tencent/ci'"
    )
    parser.add_argument("--page-size", type=int, metavar="N", help="queues per page, 1-100")
    parser.add_argument("--refresh-seconds", type=int, metavar="N", help="auto-refresh interval; 0 = off")
    parser.add_argument(
        "--read-only",
        dest="profile_read_only",
        action=argparse.BooleanOptionalAction,
        help="no change to a queue can be sent with this profile (--no-read-only: changes allowed again)",
    )
    parser.add_argument(
        "--proxy",
        metavar="URL",
        help='http://[user:password@]host:port for HTTPS (CONNECT); "" for none, whatever HTTPS_PROXY says; '
        f"{FOLLOW_ENV} to follow HTTPS_PROXY/NO_PROXY again",
    )
    parser.add_argument(
        "--ca-bundle",
        metavar="PATH",
        help=f'a PEM file of CAs trusted besides the default ones; "" for none, not even SSL_CERT_FILE\'s; '
        f"{FOLLOW_ENV} to follow SSL_CERT_FILE again",
    )
    parser.add_argument("--default", action="store_true", help="make it the default profile")
    parser.add_argument("--yes", "-y", action="store_true", help="rewrite the file even if comments would be lost")


# -- helpers -----------------------------------------------------------------


def _path(args: argparse.Namespace) -> Path:
    return store.config_path(args.config)


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def _ask_yes_no(question: str) -> bool:
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def _save(args: argparse.Namespace, change: Callable[[dict[str, Any]], None]) -> None:
    """Write through the store; if comments would be lost, warn and need --yes or a y on a terminal."""
    path = _path(args)
    try:
        store.edit_config(path, change)
        return
    except CommentsWouldBeLost as problem:
        lines = problem.comment_lines
        _say(
            f"cqtui: warning: {problem.path} has {lines} comment line{'s' if lines != 1 else ''}; "
            "rewriting it will lose them (cqtui cannot keep TOML comments)"
        )
        if not args.yes and not (_interactive() and _ask_yes_no("Rewrite it anyway?")):
            raise ConfigError(
                f"{problem.reason}; not changed. Pass --yes to rewrite it anyway", path=problem.path
            ) from None
    store.edit_config(path, change, allow_comment_loss=True)


def _stdin_secrets(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """(secret key, token) as asked for by --secret-key-stdin / --token-stdin."""
    if not (args.secret_key_stdin or args.token_stdin):
        return None, None
    if sys.stdin.isatty():
        key = getpass.getpass("Secret key (hidden): ") if args.secret_key_stdin else None
        token = getpass.getpass("Session token (hidden): ") if args.token_stdin else None
        return key, token
    lines = sys.stdin.read().splitlines()
    wanted = int(args.secret_key_stdin) + int(args.token_stdin)
    if len(lines) < wanted:
        what = "a secret key line and a token line" if wanted == 2 else "one line"
        raise ConfigError(
            f"stdin should hold {what}", key="--secret-key-stdin" if args.secret_key_stdin else "--token-stdin"
        )
    key = lines[0].strip() if args.secret_key_stdin else None
    token = lines[wanted - 1].strip() if args.token_stdin else None
    return key, token


def _changes(args: argparse.Namespace) -> dict[str, Any]:
    """The profile fields given on the command line; "" for endpoint or token means remove."""
    key, token = _stdin_secrets(args)
    given = {
        "region": args.region,
        "bucket": args.bucket,
        "endpoint": args.endpoint,
        "secret_id": args.secret_id,
        "secret_key": key,
        "token": token,
        "secret_key_command": args.secret_key_command,
        "page_size": args.page_size,
        "refresh_seconds": args.refresh_seconds,
        "read_only": args.profile_read_only,
        "proxy": args.proxy,
        "ca_bundle": args.ca_bundle,
        "timezone": args.timezone,
    }
    changes: dict[str, Any] = {}
    for field, value in given.items():
        if value is None:
            continue
        removed = "" if field in ("endpoint", "token") else FOLLOW_ENV if field in ("proxy", "ca_bundle") else None
        if value == removed:
            changes[field] = None
            continue
        if isinstance(value, str) and field not in ("secret_key", "token"):
            value = value.strip()
        if field == "ca_bundle" and value:
            value = os.path.abspath(os.path.expanduser(value))  # the file, whatever the folder cqtui runs in later
        problem = field_problem(field, value)
        if problem:
            raise ConfigError(problem, key=FLAGS[field])
        changes[field] = value
    # A stored key and a key command are alternatives: keep only the one just given.
    if "secret_key" in changes:
        changes["secret_key_command"] = None
    elif "secret_key_command" in changes:
        changes["secret_key"] = None
    return changes


def _ask_missing_secret(name: str) -> str:
    if not _interactive():
        raise ConfigError(
            "no secret key given and stdin is not a terminal to ask on: pipe it in with --secret-key-stdin "
            "(e.g. `pass show tencent/ci | cqtui profiles add NAME … --secret-key-stdin`) "
            "or give --secret-key-command CMD",
            key="--secret-key-stdin",
        )
    secret = getpass.getpass(f"Secret key for profile {visible(name)} (hidden): ").strip()
    problem = field_problem("secret_key", secret)
    if problem:
        raise ConfigError(problem, key="secret key")
    return secret


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(cell_width(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = [
        "  ".join(fit(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [headers, *rows]
    ]
    return "\n".join(lines) + "\n"


# -- actions -----------------------------------------------------------------


def run_list(args: argparse.Namespace) -> int:
    path = _path(args)
    config = store.read_config(path)
    if config is None:
        _say(f"cqtui: no profiles: {store.shown(path)} does not exist (add one with `cqtui profiles add`)")
    rows = describe.list_rows(config.data) if config else []
    if args.output == "json":
        print(json.dumps([row.as_json() for row in rows], indent=2, ensure_ascii=False))
        return 0
    body = [
        [
            "*" if row.is_default else "",
            row.name,
            *(cell or "-" for cell in (row.region, row.bucket, row.endpoint, row.secret_id)),
        ]
        for row in rows
    ]
    sys.stdout.write(_table(["", "NAME", "REGION", "BUCKET", "ENDPOINT", "SECRET ID"], body))
    return 0


def run_show(args: argparse.Namespace) -> int:
    path = _path(args)
    config = store.read_config(path)
    selected = select_profile(config, args.name or args.profile, path)
    overrides = Overrides(
        region=args.region, bucket=args.bucket, endpoint=args.endpoint, read_only=args.read_only, timezone=args.timezone
    )
    rows = describe.show_rows(selected, overrides, os.environ)
    if args.output == "json":
        print(
            json.dumps(
                {row.field: {"value": row.value, "source": row.source} for row in rows}, indent=2, ensure_ascii=False
            )
        )
    else:
        sys.stdout.write(_table(["FIELD", "VALUE", "SOURCE"], [[row.field, row.value, row.source] for row in rows]))
    return 0


def run_add(args: argparse.Namespace) -> int:
    if not args.region:
        raise ConfigError("--region is required to add a profile", key="--region")
    changes = _changes(args)
    if "secret_key" not in changes and "secret_key_command" not in changes:
        changes["secret_key"] = _ask_missing_secret(args.name)
        changes.pop("secret_key_command", None)
    values = {field: value for field, value in changes.items() if value is not None}
    _save(args, lambda data: document.add_profile(data, args.name, values, make_default=args.default))
    print(f"added profile {visible(args.name)} to {store.shown(_path(args))}")
    return 0


def run_edit(args: argparse.Namespace) -> int:
    changes = _changes(args)
    if not changes and not args.default:
        raise ConfigError("nothing to change: give at least one option (see `cqtui profiles edit --help`)")

    def change(data: dict[str, Any]) -> None:
        document.update_profile(data, args.name, changes)
        if args.default:
            document.set_default(data, args.name)

    _save(args, change)
    print(f"updated profile {visible(args.name)} in {store.shown(_path(args))}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    was_default: list[bool] = []
    _save(args, lambda data: was_default.append(document.remove_profile(data, args.name)))
    print(f"removed profile {visible(args.name)} from {store.shown(_path(args))}")
    if was_default and was_default[-1]:
        _say("cqtui: it was the default profile; choose another with `cqtui profiles default NAME`")
    return 0


def run_default(args: argparse.Namespace) -> int:
    _save(args, lambda data: document.set_default(data, args.name))
    print(f"default profile is now {visible(args.name)}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    request = imports.ImportRequest(
        source=Path(args.source_path).expanduser() if args.source_path else None,
        bucket=args.bucket,
        region=args.region,
        env=os.environ,
    )
    found = imports.read(args.source, request)
    values = found.values()
    if args.endpoint:
        values["endpoint"] = args.endpoint
    name = args.name or found.suggested_name
    for field, value in values.items():
        problem = field_problem(field, value)
        if problem:
            raise ConfigError(f"{problem} (read from {visible(found.origin)})", key=field)

    def change(data: dict[str, Any]) -> None:
        if name in document.profiles_table(data) and not args.force:
            raise ConfigError(
                f"profile {visible(name)!r} already exists; pass --force to replace it or --name to pick another name",
                key="--name",
            )
        document.add_profile(data, name, values, make_default=args.default, replace=True)

    _save(args, change)
    print(
        f"imported profile {visible(name)} from {found.tool} ({visible(found.origin)}): "
        f"region {visible(found.region)}, "
        + (f"bucket {visible(found.bucket)}, " if found.bucket else "no bucket (the whole account), ")
        + f"SecretId {visible(mask(found.credentials.secret_id))}"
        + (", with session token" if found.credentials.token else "")
    )
    return 0


def run_test(args: argparse.Namespace) -> int:
    from cqtui.ci.oneshot import oneshot_client_for
    from cqtui.ci.probe import probe
    from cqtui.ci.timing import Timeouts

    path = _path(args)
    overrides = Overrides(
        region=args.region, bucket=args.bucket, endpoint=args.endpoint, read_only=args.read_only, timezone=args.timezone
    )
    profile = resolve_profile(path, args.name or args.profile, overrides)
    for warning in profile.warnings:
        _say(f"cqtui: {warning}")
    with oneshot_client_for(profile, timeouts=Timeouts.waiting(args.timeout)) as client:
        result = probe(client, profile.where)
    via = f" via {visible_url(profile.endpoint)}" if profile.endpoint else ""
    print(
        f"ok: profile {visible(profile.name)} -> {result.host}{via}: RequestId {result.request_id or '-'}, "
        f"{result.latency * 1000:.0f} ms, {result.count_text}"
    )
    return 0
