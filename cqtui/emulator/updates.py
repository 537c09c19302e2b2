"""Queue updates in the emulator: `PUT <family path>/<QueueId>`, checked and applied as the service would.

The body must be `<Request>` with Name, State and NotifyConfig (all three required);
what they may hold is the family's ChangeRules (cqtui.ci.kinds), checked by the same
rules cqtui checks a change with (cqtui.ci.queuerules). A refused body is 400
InvalidArgument (MalformedXML when it is not XML), an unknown queue 404. A change
moves the queue's UpdateTime; an update that changes nothing leaves it.

Not verified against the service, chosen so that read-modify-write works on any data:
a field sent back exactly as stored is not checked again (a queue named before the
name rules, or whose callback is a private address, can still be paused); elements
the API does not name (the SDK's `QueueID`) are ignored.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from cqtui.ci.kinds import KINDS, Kind
from cqtui.ci.models import NOTIFY_CONFIG_API_NAMES, NotifyConfig, Queue, QueueSettings
from cqtui.ci.queuerules import name_problem, notify_problems, state_problem
from cqtui.emulator.account import EmulatedBucket
from cqtui.emulator.data import ci_time
from cqtui.emulator.listing import Catalogue
from cqtui.emulator.xmlbody import escape_text, queue_xml

# "/picqueue/" -> the image-processing family, and so on for every family that can be changed.
_UPDATE_PREFIXES = {kind.change.path_for(""): kind for kind in KINDS.values() if kind.change is not None}
_CHINA = timezone(timedelta(hours=8))  # the API's times are +0800
# Catalogues are replaced whole on each change: one change at a time, so none is lost.
_CHANGING = threading.Lock()


class Refused(Exception):
    """An update the service would refuse: the status, code and message of its error answer."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def route(method: str, path: str) -> tuple[Kind, str] | None:
    """(family, QueueId) when `method path` is a queue update, else None."""
    if method != "PUT":
        return None
    for prefix, kind in _UPDATE_PREFIXES.items():
        queue_id = path.removeprefix(prefix)
        if queue_id != path and queue_id and "/" not in queue_id:
            return kind, queue_id
    return None


def read_body(body: bytes) -> QueueSettings:
    """The Name, State and NotifyConfig of an update's body; Refused when it is not one."""
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError, LookupError):
        raise Refused(400, "MalformedXML", "The XML you provided was not well-formed.") from None
    if root.tag != "Request":
        raise Refused(400, "InvalidArgument", f"The body must be a <Request>, not <{root.tag[:40]}>.")
    missing = [tag for tag in ("Name", "State", "NotifyConfig") if root.find(tag) is None]
    if missing:
        raise Refused(400, "InvalidArgument", f"{', '.join(missing)} is required.")
    notify = root.find("NotifyConfig")
    assert notify is not None
    config = NotifyConfig(**{field: notify.findtext(tag) or "" for field, tag in NOTIFY_CONFIG_API_NAMES.items()})
    return QueueSettings(root.findtext("Name") or "", root.findtext("State") or "", config)


def problems(kind: Kind, stored: Queue, sent: QueueSettings) -> list[str]:
    """What the service would refuse in `sent` for `stored`; fields sent back unchanged are not checked again."""
    found = []
    if sent.name != stored.name:
        found.append(name_problem(kind, sent.name))
    found.append(state_problem(sent.state))
    if sent.notify_config != stored.settings.notify_config:
        found.extend(notify_problems(kind, sent.notify_config))
    return [problem for problem in found if problem is not None]


def apply(kind: Kind, bucket: EmulatedBucket, queue_id: str, body: bytes, now: float) -> Queue:
    """Check and apply the update in `body` to the bucket's queue; the queue as it now is. Refused when refused."""
    sent = read_body(body)
    with _CHANGING:
        stored = bucket.catalogue(kind.key).by_id.get(queue_id)
        if stored is None:
            raise Refused(404, "NoSuchResource", f"The queue {queue_id[:64]} does not exist.")
        found = problems(kind, stored, sent)
        if found:
            raise Refused(400, "InvalidArgument", "; ".join(found) + ".")
        if sent == stored.settings:
            return stored
        changed = replace(stored, name=sent.name, state=sent.state, notify_config=sent.notify_config)
        return _store(bucket, kind.key, replace(changed, update_time=_ci_time(now)))


def change_queue(bucket: EmulatedBucket, family: str, queue_id: str, now: float, **fields: object) -> Queue:
    """Change a stored queue as another client would (tests): its fields replaced, UpdateTime moved."""
    with _CHANGING:
        stored = bucket.catalogue(family).by_id[queue_id]
        return _store(bucket, family, replace(stored, **fields, update_time=_ci_time(now)))  # type: ignore[arg-type]


def _store(bucket: EmulatedBucket, family: str, queue: Queue) -> Queue:
    catalogue = bucket.queues[family]
    bucket.queues[family] = Catalogue(queue if old.queue_id == queue.queue_id else old for old in catalogue.queues)
    return queue


def _ci_time(now: float) -> str:
    return ci_time(datetime.fromtimestamp(now, _CHINA))


def answer_xml(queue: Queue, request_id: str) -> bytes:
    """`<Response><RequestId/><Queue>…</Queue></Response>`: the queue as a listing entry, named Queue."""
    return f"<Response><RequestId>{escape_text(request_id)}</RequestId>{queue_xml(queue, 'Queue')}</Response>".encode()
