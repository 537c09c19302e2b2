"""The update API's rules for a queue's Name, State and NotifyConfig, as checks.

Shared by cqtui's changes (checked before anything is sent) and the emulator (which
answers 400 InvalidArgument as the service would). What a family allows is its row's
ChangeRules in cqtui.ci.kinds; each check returns a sentence naming the field, or None.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from functools import cache
from urllib.parse import urlsplit

from cqtui.ci.kinds import QUEUE_STATES, ChangeRules, Kind
from cqtui.ci.models import NOTIFY_CONFIG_API_NAMES, NotifyConfig
from cqtui.ci.xmltext import xml_problem
from cqtui.safetext import visible, visible_url

NOTIFY_STATES = ("On", "Off")
EVENTS = ("TaskFinish", "WorkflowFinish")
# NotifyConfig attribute -> the values the API takes ("type" is the family's: ChangeRules.notify_types).
NOTIFY_CHOICES = {
    "state": NOTIFY_STATES,
    "result_format": ("XML", "JSON"),
    "mq_mode": ("Topic", "Queue"),
    "mq_region": ("sh", "bj", "gz", "cd", "hk"),
}
MQ_FIELDS = ("mq_mode", "mq_region", "mq_name")


def api_name(attribute: str) -> str:
    """`url` -> `NotifyConfig.Url`: how the API (and every message) names a NotifyConfig field."""
    return f"NotifyConfig.{NOTIFY_CONFIG_API_NAMES[attribute]}"


def rules_of(kind: Kind) -> ChangeRules:
    if kind.change is None:
        raise ValueError(f"{kind.title} cannot be changed")
    return kind.change


@cache
def _name_pattern(characters: str) -> re.Pattern[str]:
    return re.compile(f"[^{characters}]")


def name_problem(kind: Kind, name: str) -> str | None:
    """Why `name` cannot be a queue name of `kind`'s family, or None."""
    rules = rules_of(kind)
    if not name:
        return "Name is empty"
    size = len(name.encode("utf-8", errors="surrogatepass"))
    if size > rules.name_max_bytes:
        return f"Name is {size} bytes long (UTF-8); {kind.title} take at most {rules.name_max_bytes}"
    found = _name_pattern(rules.name_characters).search(name)
    if found is not None:
        return (
            f"Name may hold only {rules.name_characters_text}: {visible(found.group())!r} "
            f"at position {found.start() + 1} is not allowed"
        )
    return None


def state_problem(state: str) -> str | None:
    if state in QUEUE_STATES:
        return None
    return f"State {visible(state)!r} must be {' or '.join(QUEUE_STATES)}"


def private_host(host: str) -> bool:
    """True when `host` is, as far as can be told without a DNS lookup, not on the public internet:
    localhost, a private, loopback, link-local, shared or reserved address, in any notation."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    address: ipaddress.IPv4Address | ipaddress.IPv6Address
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        try:  # 127.1, 0x7f.0.0.1, 2130706433: forms inet_aton (and so a resolver) reads as IPv4
            address = ipaddress.IPv4Address(socket.inet_aton(host))
        except (OSError, ValueError):
            return False  # a name: what it resolves to cannot be told here
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def callback_url_problem(url: str) -> str | None:
    """Why `url` cannot be a callback Url, or None: an http(s) URL to a host that is not private."""
    shown = visible_url(url)
    if not url:
        return f"{api_name('url')} is empty"
    if any(char.isspace() or not char.isprintable() for char in url):
        return f"{api_name('url')} {shown!r} holds a space or a control character"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as error:
        return f"{api_name('url')} {shown!r} is not a valid URL ({visible(str(error))})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{api_name('url')} {shown!r} must look like https://host/path"
    if private_host(parts.hostname):
        return f"{api_name('url')} {shown!r} is a private-network address; the service refuses those"
    return None


def notify_value_problem(kind: Kind, attribute: str, value: str) -> str | None:
    """Why `value` cannot be NotifyConfig field `attribute` in `kind`'s family, or None ("" is always fine)."""
    rules = rules_of(kind)
    if not value:
        return None
    if attribute not in rules.notify_fields:
        return f"{api_name(attribute)}: {kind.title} have no such field"
    if attribute == "url":
        return callback_url_problem(value)
    choices = rules.notify_types if attribute == "type" else NOTIFY_CHOICES.get(attribute)
    if choices is not None and value not in choices:
        return f"{api_name(attribute)} {visible(value)!r} must be one of {', '.join(choices)} for {kind.title}"
    if attribute == "event":
        events = value.split(",")
        wrong = next((event for event in events if event not in EVENTS), None)
        if wrong is not None:
            return f"{api_name('event')}: {visible(wrong)!r} is not an event (events: {', '.join(EVENTS)})"
        if len(set(events)) != len(events):
            return f"{api_name('event')} {visible(value)!r} names an event twice"
    problem = xml_problem(value)
    if problem is not None or visible(value) != value:
        return f"{api_name(attribute)} {visible(value)!r} holds a control character"
    return None


def notify_problems(kind: Kind, config: NotifyConfig) -> list[str]:
    """What a whole NotifyConfig lacks: State On needs Event and Type; Type Url needs a Url, TDMQ its Mq fields."""
    problems = [
        problem
        for attribute in NOTIFY_CONFIG_API_NAMES
        if (problem := notify_value_problem(kind, attribute, getattr(config, attribute))) is not None
    ]
    if config.state == "On":
        problems += [f"{api_name(name)} is required when the callback is On" for name in ("event", "type")
                     if not getattr(config, name)]  # fmt: skip
    if config.type == "Url" and not config.url:
        problems.append(f"{api_name('url')} is required with Type Url")
    if config.type == "TDMQ":
        problems += [f"{api_name(name)} is required with Type TDMQ" for name in MQ_FIELDS if not getattr(config, name)]
    return problems
