"""Changing queues safely, for the command line and the TUI: read, show, check again, send once, record.

A Change is the fields to set (Name, State, NotifyConfig fields). A Plan applies it
to queues as the user saw them: for each, its full target (profile, region, bucket,
family, name, id) and every changed field before -> after; a queue the change would
leave as it is is reported unchanged. `apply(plan)` then, for each queue in turn:

1. reads it again by id; if anything the user saw has changed meanwhile, nothing is
   sent: the result carries the new state, for the caller to show and ask again;
2. records the attempt in the journal (the audit log) before sending; if that
   fails, nothing is sent;
3. sends one PUT with the queue's current Name, State and NotifyConfig and the
   change applied (the API requires all three). It is sent again only when it
   never left (protocol.Retrying); the server's answer is the new state;
4. when the outcome is unknown (a timeout, a reset, a 5xx, an answer not
   understood), reads the queue again to tell whether the change took effect,
   and says which: applied, not applied, or unknown;
5. records the outcome.

After the first AccessDenied the rest are not attempted (skipped, with that reason).
Queues are changed one at a time, so that rule is exact and the journal is in order.
Validation against the family's rules (cqtui.ci.queuerules) happens before any of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from cqtui.ci.endpoint import Where
from cqtui.ci.errors import ConfigError, CqtuiError, ResponseFormatError, ServiceError, TransportError
from cqtui.ci.hints import hint_for
from cqtui.ci.kinds import Kind
from cqtui.ci.models import ListQuery, Queue, QueueSettings
from cqtui.ci.queuerules import api_name, name_problem, notify_problems, notify_value_problem, state_problem
from cqtui.safetext import visible

if TYPE_CHECKING:
    from cqtui.ci.client import CiClient

# Outcomes of one queue.
DONE = "done"  # the change is in effect (the server's answer, or a read after an unclear failure, says so)
UNCHANGED = "unchanged"  # the change would change nothing: nothing sent
FAILED = "failed"  # the change is not in effect (refused, never sent, or a read says it did not apply)
UNKNOWN = "unknown"  # sent, and whether it took effect could not be told
SKIPPED = "skipped"  # not attempted: an earlier queue was refused with AccessDenied, or the journal failed
CHANGED_MEANWHILE = "changed-meanwhile"  # the queue changed since the user saw it: nothing sent
FINE = frozenset({DONE, UNCHANGED})
# Failures after which the PUT certainly did not reach the server (TLSError: refused in the handshake).
NEVER_SENT = frozenset({"ConnectError", "ConnectTimeout", "PoolTimeout", "TLSError"})
# What a read by id asks for at once.
LOOKUP_BATCH = 10


@dataclass(frozen=True, slots=True)
class Change:
    """The fields to set on a queue; None (and absent NotifyConfig fields) are left as they are.

    `notify` maps NotifyConfig attributes (models.NotifyConfig) to their new values; ""
    clears one (a Url callback clears the TDMQ fields, and the other way round).
    """

    name: str | None = None
    state: str | None = None
    notify: tuple[tuple[str, str], ...] = ()

    def settings_for(self, queue: Queue) -> QueueSettings:
        """What the PUT carries for `queue`: its current Name, State and NotifyConfig, with this change applied."""
        current = queue.settings
        notify = replace(current.notify_config, **dict(self.notify)) if self.notify else current.notify_config
        return QueueSettings(
            name=current.name if self.name is None else self.name,
            state=current.state if self.state is None else self.state,
            notify_config=notify,
        )


def callback_change(
    *,
    url: str | None = None,
    tdmq: tuple[str, str, str] | None = None,
    off: bool = False,
    events: str | None = None,
    result_format: str | None = None,
) -> tuple[tuple[str, str], ...]:
    """The `Change.notify` of a callback set to a Url, to TDMQ (mode, region, name), or off; with events and format."""
    fields: dict[str, str] = {}
    if url is not None:
        fields |= {"state": "On", "type": "Url", "url": url, "mq_mode": "", "mq_region": "", "mq_name": ""}
    if tdmq is not None:
        mode, region, name = tdmq
        fields |= {"state": "On", "type": "TDMQ", "url": "", "mq_mode": mode, "mq_region": region, "mq_name": name}
    if off:
        fields["state"] = "Off"
    if events is not None:
        fields["event"] = events
    if result_format is not None:
        fields["result_format"] = result_format
    return tuple(fields.items())


def change_problems(kind: Kind, change: Change) -> list[str]:
    """What is wrong with `change` for `kind`'s family, before any queue is looked at."""
    if kind.change is None:
        return [f"{kind.title} cannot be changed"]
    found = [
        name_problem(kind, change.name) if change.name is not None else None,
        state_problem(change.state) if change.state is not None else None,
    ]
    found += [notify_value_problem(kind, attribute, value) for attribute, value in change.notify]
    if not (change.name is not None or change.state is not None or change.notify):
        found.append("nothing to change")
    return [problem for problem in found if problem is not None]


# ---- the plan -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """Who a change is for, named in full."""

    profile: str
    region: str
    bucket: str
    family: str  # the kind's key: "pic", "media", …
    queue_id: str
    queue_name: str


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str  # the API's name: "Name", "State", "NotifyConfig.Url", …
    before: str
    after: str


def settings_fields(kind: Kind, settings: QueueSettings) -> dict[str, str]:
    """The fields a change of `kind` may send, by their API names (the NotifyConfig fields the family has)."""
    fields = {"Name": settings.name, "State": settings.state}
    notify_fields = kind.change.notify_fields if kind.change else ()
    fields |= {api_name(attribute): getattr(settings.notify_config, attribute) for attribute in notify_fields}
    return fields


def field_changes(kind: Kind, before: QueueSettings, after: QueueSettings) -> tuple[FieldChange, ...]:
    old, new = settings_fields(kind, before), settings_fields(kind, after)
    return tuple(FieldChange(field, old[field], new[field]) for field in old if old[field] != new[field])


@dataclass(frozen=True, slots=True)
class PlannedChange:
    """One queue of a plan: as the user saw it, what would be sent, and what that changes."""

    target: Target
    seen: Queue
    send: QueueSettings
    fields: tuple[FieldChange, ...]  # () = unchanged: nothing is sent


@dataclass(frozen=True, slots=True)
class Plan:
    kind: Kind
    where: Where
    profile: str
    change: Change
    items: tuple[PlannedChange, ...]

    @property
    def changing(self) -> tuple[PlannedChange, ...]:
        """The queues the change would change (the others are unchanged)."""
        return tuple(item for item in self.items if item.fields)


def make_plan(kind: Kind, where: Where, profile: str, queues: Sequence[Queue], change: Change) -> Plan:
    """The plan for `change` on `queues` as the user saw them; ConfigError (naming the queue) when it cannot be sent.

    NotifyConfig is checked whole only when the change touches it: what the server holds is sent back as it is.
    """
    problems = change_problems(kind, change)
    if problems:
        raise ConfigError("; ".join(problems))
    items = []
    for queue in queues:
        send = change.settings_for(queue)
        if change.notify and (problems := notify_problems(kind, send.notify_config)):
            raise ConfigError(f"queue {visible(queue.queue_id)} ({visible(queue.name)}): {'; '.join(problems)}")
        target = Target(profile, where.region, where.bucket, kind.key, queue.queue_id, queue.name)
        items.append(PlannedChange(target, queue, send, field_changes(kind, queue.settings, send)))
    return Plan(kind, where, profile, change, tuple(items))


def _lookup(kind: Kind, ids: tuple[str, ...]) -> ListQuery:
    return ListQuery(page_size=len(ids), ids=ids, options=kind.lookup.options if kind.lookup else ())


async def read_queues(client: CiClient, kind: Kind, where: Where, ids: Sequence[str]) -> tuple[list[Queue], list[str]]:
    """The queues with `ids` (in that order, each once) and the ids the server does not know."""
    wanted = list(dict.fromkeys(ids))
    batch = kind.lookup.max_ids if kind.lookup and kind.lookup.max_ids else LOOKUP_BATCH
    found: dict[str, Queue] = {}
    missing: list[str] = []
    for start in range(0, len(wanted), batch):
        chunk = tuple(wanted[start : start + batch])
        page = await client.list(kind, where, _lookup(kind, chunk))
        found |= {queue.queue_id: queue for queue in page.items if queue.queue_id in chunk}
        missing += [queue_id for queue_id in chunk if queue_id not in found]
    return [found[queue_id] for queue_id in wanted if queue_id in found], missing


# ---- applying it ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Result:
    """What became of one queue. `queue` is its state afterwards as last seen: the server's answer to
    the PUT, the read that followed an unclear failure, or (changed-meanwhile) its new state."""

    item: PlannedChange
    outcome: str
    applied: bool | None = None  # True in effect, False not in effect, None unknown or nothing to do
    queue: Queue | None = None
    request_ids: tuple[str, ...] = ()
    code: str = ""  # the error's code or transport kind: AccessDenied, ReadTimeout, …
    error: str = ""  # the error in full, safe to print ("" when there was none)
    note: str = ""  # what cqtui concluded, in words: "not applied", "nothing sent", …
    hint: str = ""  # what usually causes the error and what to do (ci/hints.py)


class Journal(Protocol):
    """Where every change attempted is recorded (cqtui.audit.AuditLog)."""

    def attempted(self, plan: Plan, item: PlannedChange) -> str:
        """Record that `item` is about to be sent; an id for its outcome. Raises CqtuiError when it cannot."""
        ...

    def finished(self, plan: Plan, item: PlannedChange, result: Result, attempt: str) -> None:
        """Record the outcome (`attempt` "" when nothing was sent). Raises CqtuiError when it cannot."""
        ...


@dataclass(frozen=True, slots=True)
class Report:
    results: tuple[Result, ...]
    journal_problems: tuple[str, ...] = ()  # outcomes the journal could not record

    @property
    def fine(self) -> bool:
        return all(result.outcome in FINE for result in self.results)

    @property
    def changed_meanwhile(self) -> tuple[Result, ...]:
        return tuple(result for result in self.results if result.outcome == CHANGED_MEANWHILE)


JOURNAL_FAILED = "AuditLogFailed"
# Codes after which the rest of a plan is not attempted: they would fail the same way.
STOPPING_CODES = frozenset({"AccessDenied", JOURNAL_FAILED})


async def apply(
    client: CiClient, plan: Plan, journal: Journal, *, on_result: Callable[[Result], None] | None = None
) -> Report:
    """Apply `plan` queue by queue (see the module's docstring); every outcome in the report, in plan order."""
    results: list[Result] = []
    journal_problems: list[str] = []
    stop: Result | None = None  # the refusal after which the rest is not attempted
    for item in plan.items:
        if not item.fields:
            result = Result(item, UNCHANGED, queue=item.seen, note="nothing to change; nothing sent")
        elif stop is not None:
            ids = f", RequestId {', '.join(stop.request_ids)}" if stop.request_ids else ""
            note = f"not attempted: {stop.code} for {visible(stop.item.target.queue_id)}{ids}"
            result = Result(item, SKIPPED, code=stop.code, note=note)
        else:
            result = await _apply_one(client, plan, item, journal, journal_problems)
            if result.code in STOPPING_CODES:
                stop = result
        results.append(result)
        if on_result is not None:
            on_result(result)
    return Report(tuple(results), tuple(journal_problems))


async def _apply_one(
    client: CiClient, plan: Plan, item: PlannedChange, journal: Journal, journal_problems: list[str]
) -> Result:
    def finish(result: Result, attempt: str = "") -> Result:
        try:
            journal.finished(plan, item, result, attempt)
        except CqtuiError as problem:
            journal_problems.append(f"{item.target.queue_id}: {problem}")
        return result

    try:
        fresh = await _read_one(client, plan, item.target.queue_id)
    except (ServiceError, TransportError) as error:
        return finish(_failed(item, error, FAILED, False, "reading it again before sending failed; nothing sent"))
    if fresh is None:
        return finish(Result(item, FAILED, False, code="NoSuchQueue", note="it no longer exists; nothing sent"))
    if fresh != item.seen:
        note = "it changed since it was read; nothing sent: look at its new state and decide again"
        return finish(Result(item, CHANGED_MEANWHILE, False, queue=fresh, note=note))
    try:
        attempt = journal.attempted(plan, item)
    except CqtuiError as problem:
        return Result(item, FAILED, False, code=JOURNAL_FAILED, error=visible(str(problem)), note="nothing sent")
    try:
        updated = await client.update(plan.kind, plan.where, item.target.queue_id, item.send)
    except (ServiceError, TransportError) as error:
        return finish(await _after_failure(client, plan, item, error), attempt)
    return finish(Result(item, DONE, True, queue=updated.queue, request_ids=(updated.request_id,)), attempt)


async def _read_one(client: CiClient, plan: Plan, queue_id: str) -> Queue | None:
    page = await client.list(plan.kind, plan.where, _lookup(plan.kind, (queue_id,)))
    return next((queue for queue in page.items if queue.queue_id == queue_id), None)


def _surely_not_applied(error: ServiceError | TransportError) -> bool:
    """The PUT was refused by the service (a 4xx it explained), or never reached it."""
    if isinstance(error, TransportError):
        return error.kind in NEVER_SENT
    return not isinstance(error, ResponseFormatError) and error.http_status is not None and error.http_status < 500


async def _after_failure(
    client: CiClient, plan: Plan, item: PlannedChange, error: ServiceError | TransportError
) -> Result:
    """The outcome of a PUT that failed: refused or never sent is not applied; otherwise a read tells."""
    if _surely_not_applied(error):
        return _failed(item, error, FAILED, False, "not applied")
    lost = "the answer was lost or not understood"
    try:
        fresh = await _read_one(client, plan, item.target.queue_id)
    except (ServiceError, TransportError) as reading:
        return _failed(item, error, UNKNOWN, None, f"{lost}, and reading the queue again failed ({_code(reading)})")
    now = settings_fields(plan.kind, fresh.settings) if fresh is not None else {}
    if now and all(now[field.field] == field.after for field in item.fields):
        result = _failed(item, error, DONE, True, f"{lost}; reading the queue again shows the change applied")
    elif now and all(now[field.field] == field.before for field in item.fields):
        result = _failed(item, error, FAILED, False, f"{lost}; reading the queue again shows it not applied")
    else:
        result = _failed(item, error, UNKNOWN, None, f"{lost}; reading the queue again cannot tell")
    return replace(result, queue=fresh)


def _code(error: ServiceError | TransportError) -> str:
    return error.code if isinstance(error, ServiceError) else error.kind


def _failed(
    item: PlannedChange, error: ServiceError | TransportError, outcome: str, applied: bool | None, note: str
) -> Result:
    request_ids = (error.request_id,) if isinstance(error, ServiceError) and error.request_id else ()
    return Result(item, outcome, applied, None, request_ids, _code(error), visible(str(error)), note, hint_for(error))


def replan(plan: Plan, results: Sequence[Result]) -> Plan:
    """The plan again for the queues that changed meanwhile, from their new state (to show and ask again)."""
    fresh = [result.queue for result in results if result.outcome == CHANGED_MEANWHILE and result.queue is not None]
    return make_plan(plan.kind, plan.where, plan.profile, fresh, plan.change)
