"""Server values in plain words: times with ages, callback summaries, NotifyConfig meanings.

Textual-free so it can be unit-tested directly. Returns plain strings that are
already passed through `visible()`; callers wrap them in `Text`, never markup.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from functools import lru_cache

from cqtui.ci.models import NotifyConfig
from cqtui.profiles.fields import DEFAULT_TIMEZONE, LOCAL_ZONE, SERVER_ZONE
from cqtui.safetext import visible

EMPTY = "—"
UNKNOWN = "unknown value"

# `2022-08-09T16:23:11+0800`, a space for the T, fractions, `+08:00` or `Z`. Matched, then
# read by fromisoformat: strptime's first use imports locale machinery (~5 ms of the start).
SERVER_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:?\d{2})", re.ASCII)

MQ_REGIONS = {"sh": "Shanghai", "bj": "Beijing", "gz": "Guangzhou", "cd": "Chengdu", "hk": "Hong Kong"}
MQ_MODES = {"Topic": "TDMQ topic", "Queue": "TDMQ queue"}
EVENTS = {"TaskFinish": "when a task finishes", "WorkflowFinish": "when a workflow finishes"}
RESULT_FORMATS = {"JSON": "JSON", "XML": "XML"}
CALLBACK_TYPES = {"Url": "HTTP callback to a URL", "TDMQ": "message to a TDMQ topic or queue"}
CALLBACK_STATES = {"On": "callbacks are sent", "Off": "callbacks off"}


@lru_cache(maxsize=4096)  # every redraw of a page parses the same few hundred stamps
def parse_server_time(value: str) -> datetime | None:
    """`2022-08-09T16:23:11+0800` as an aware datetime, or None when it isn't one."""
    text = value.strip()
    if not SERVER_TIME.fullmatch(text):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:  # a month 13, a second 60
        return None


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def age(then: datetime, now: datetime) -> str:
    """ "3 days ago" / "in 5 minutes" (a server clock ahead of ours) / "just now"."""
    seconds = (now - then).total_seconds()
    ahead = seconds < 0
    seconds = abs(seconds)
    if seconds < 45:
        return "just now"
    minutes = round(seconds / 60)
    if minutes < 90:
        amount = _plural(max(minutes, 1), "minute")
    elif seconds < 36 * 3600:
        amount = _plural(round(seconds / 3600), "hour")
    elif seconds < 60 * 86400:
        amount = _plural(round(seconds / 86400), "day")
    elif seconds < 365 * 86400:
        amount = _plural(round(seconds / (30 * 86400)), "month")
    else:
        amount = _plural(int(seconds // (365 * 86400)), "year")
    return f"in {amount}" if ahead else f"{amount} ago"


@lru_cache(maxsize=8)
def _named_zone(name: str) -> tzinfo:
    from zoneinfo import ZoneInfo  # only for a named zone (~5 ms); validated when the profile was resolved

    return ZoneInfo(name)


def in_zone(moment: datetime, zone: str = DEFAULT_TIMEZONE) -> datetime:
    """`moment` as the profile's `timezone` shows it: "server" keeps the offset it came with
    (cqtui's own clock: this machine's), "local" is this machine's zone, else the named zone."""
    if zone == SERVER_ZONE:
        return moment
    if zone == LOCAL_ZONE:
        return moment.astimezone()
    return moment.astimezone(_named_zone(zone))


def offset(moment: datetime) -> str:
    """The zone a time is shown in, as its UTC offset: `+08:00`, `-03:30`, `+00:00`."""
    text = moment.strftime("%z")  # aware times only: every time shown here is
    return f"{text[:3]}:{text[3:5]}"


def clock_time(moment: datetime) -> str:
    """A time of day with its zone, e.g. `12:00:00 +08:00` (a fetch's time, already `in_zone`)."""
    return f"{moment.strftime('%H:%M:%S')} {offset(moment)}"


def local_time(value: str, now: datetime, *, zone: str = DEFAULT_TIMEZONE, style: str = "full") -> str:
    """A server time in the profile's `zone` (see in_zone), always with its offset.

    style "full": `2022-08-09 16:23:11 +08:00 (3 days ago)`; "minute": `2022-08-09 16:23 +08:00`;
    "date": `2022-08-09 +08:00`. Unparseable text is shown as it came (made visible).
    """
    if not value.strip():
        return EMPTY
    parsed = parse_server_time(value)
    if parsed is None:
        return visible(value) if style != "full" else f"{visible(value)} (not a time cqtui knows)"
    shown = in_zone(parsed, zone)
    if style == "date":
        return f"{shown.strftime('%Y-%m-%d')} {offset(shown)}"
    if style == "minute":
        return f"{shown.strftime('%Y-%m-%d %H:%M')} {offset(shown)}"
    return f"{shown.strftime('%Y-%m-%d %H:%M:%S')} {offset(shown)} ({age(parsed, now)})"


def short_queue_id(queue_id: str, keep: int = 12) -> str:
    """`p` + 32 hex is too wide for 80 columns: the first `keep` characters and an ellipsis."""
    shown = visible(queue_id)
    return shown if len(shown) <= keep + 1 else shown[:keep] + "…"


def number(value: int | None) -> str:
    return EMPTY if value is None else str(value)


def text_or_dash(value: str) -> str:
    return visible(value) if value else EMPTY


def callback_summary(config: NotifyConfig | None) -> str:
    """The list's callback column: "On Url", "On TDMQ", "Off", or "—" when the queue has none."""
    if config is None:
        return EMPTY
    if config.state == "On":
        return f"On {visible(config.type)}".rstrip()
    return visible(config.state) or EMPTY


def meaning(value: str, words: dict[str, str]) -> str:
    """Plain words for a known value; the literal value flagged when cqtui doesn't know it."""
    if not value:
        return EMPTY
    if value in words:
        return words[value]
    return f"{visible(value)} ({UNKNOWN})"


def events_meaning(value: str) -> str:
    if not value:
        return EMPTY
    return ", ".join(meaning(part.strip(), EVENTS) for part in value.split(",") if part.strip()) or EMPTY


def notify_rows(config: NotifyConfig) -> list[tuple[str, str, str]]:
    """(field, value as sent, meaning) for every NotifyConfig field."""
    return [
        ("State", text_or_dash(config.state), meaning(config.state, CALLBACK_STATES)),
        ("Type", text_or_dash(config.type), meaning(config.type, CALLBACK_TYPES)),
        ("Url", text_or_dash(config.url), "where URL callbacks are sent" if config.url else EMPTY),
        ("Event", text_or_dash(config.event), events_meaning(config.event)),
        ("ResultFormat", text_or_dash(config.result_format), meaning(config.result_format, RESULT_FORMATS)),
        ("MqMode", text_or_dash(config.mq_mode), meaning(config.mq_mode, MQ_MODES)),
        ("MqRegion", text_or_dash(config.mq_region), meaning(config.mq_region, MQ_REGIONS)),
        ("MqName", text_or_dash(config.mq_name), "TDMQ topic or queue name" if config.mq_name else EMPTY),
    ]


def notify_summary(config: NotifyConfig | None) -> str:
    """One sentence an ops engineer can read aloud."""
    if config is None:
        return "This queue has no NotifyConfig: no callbacks are configured."
    if config.state == "Off":
        return "Callbacks are off."
    if config.state != "On":
        return f"Callback state is {meaning(config.state, CALLBACK_STATES)}."
    when = events_meaning(config.event)
    when = "" if when == EMPTY else f" {when}"
    result = f" as {meaning(config.result_format, RESULT_FORMATS)}" if config.result_format else ""
    if config.type == "Url":
        return f"Callbacks are on:{when}, a result{result} is sent to the URL {text_or_dash(config.url)}."
    if config.type == "TDMQ":
        mode = meaning(config.mq_mode, MQ_MODES) if config.mq_mode else "TDMQ"
        region = meaning(config.mq_region, MQ_REGIONS)
        return f"Callbacks are on:{when}, a result{result} goes to {mode} {text_or_dash(config.mq_name)} in {region}."
    return f"Callbacks are on, of type {meaning(config.type, CALLBACK_TYPES)}."
