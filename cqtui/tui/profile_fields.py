"""What the profile form asks for and how its text becomes file values (Textual-free).

Validation reuses `cqtui.profiles.fields`, so the form, the CLI and the file
reader accept exactly the same values. `stored` is the profile's table as the
file holds it when editing, None when adding.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from cqtui.profiles.fields import field_problem, name_problem


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    placeholder: str
    secret: bool = False


FORM_FIELDS = (
    FormField("name", "Name", "e.g. prod"),
    FormField("region", "Region", "e.g. ap-guangzhou"),
    FormField("bucket", "Bucket", "BucketName-APPID, e.g. examplebucket-1250000000"),
    FormField("secret_id", "SecretId", "AKID…"),
    FormField("secret_key", "SecretKey", "the key (hidden)", secret=True),
    FormField("secret_key_command", "SecretKey command", "instead of SecretKey, e.g. pass show tencent/ci"),
    FormField("token", "Token", "only for temporary (STS) credentials", secret=True),
    FormField("endpoint", "Endpoint", "empty: https://BUCKET.ci.REGION.myqcloud.com"),
    FormField("page_size", "Page size", "10 (1-100)"),
    FormField("refresh_seconds", "Auto-refresh seconds", "0 = off"),
)
SECRET_KEYS = frozenset(field.key for field in FORM_FIELDS if field.secret)
INTEGER_KEYS = ("page_size", "refresh_seconds")
# What an empty secret field means when the profile already has that secret.
KEEP_KEY = "empty keeps the current key (hidden)"
KEEP_TOKEN = "empty keeps it; a new key or SecretId drops it"


def placeholder(field: FormField, stored: Mapping[str, Any] | None) -> str:
    if stored and field.key == "secret_key" and stored.get("secret_key"):
        return KEEP_KEY
    if stored and field.key == "token" and stored.get("token"):
        return KEEP_TOKEN
    return field.placeholder


def _integer(text: str) -> int | str:
    try:
        return int(text)
    except ValueError:
        return text


def form_problems(
    texts: Mapping[str, str], *, stored: Mapping[str, Any] | None, taken_names: Collection[str]
) -> dict[str, str]:
    """field -> why its text is not acceptable. Empty means the form can be saved."""
    problems: dict[str, str] = {}
    name = texts.get("name", "").strip()
    if stored is None:
        if not name:
            problems["name"] = "a name is required"
        elif problem := name_problem(name):
            problems["name"] = problem
        elif name in taken_names:
            problems["name"] = f"a profile named {name!r} already exists"
    for key in ("region", "bucket"):
        if not texts.get(key, "").strip():
            problems[key] = f"{key} is required"
    for key, text in texts.items():
        text = text.strip()
        if key == "name" or not text or key in problems:
            continue
        value: Any = _integer(text) if key in INTEGER_KEYS else text
        if key in INTEGER_KEYS and isinstance(value, str):
            problems[key] = f"{key} must be a whole number"
            continue
        problem = field_problem(key, value)
        if problem:
            problems[key] = problem
    if not texts.get("secret_id", "").strip() and (stored is None or stored.get("secret_id")):
        problems.setdefault("secret_id", "a SecretId is required")
    key, command = texts.get("secret_key", "").strip(), texts.get("secret_key_command", "").strip()
    if key and command:
        problems.setdefault("secret_key_command", "give the SecretKey or a command, not both: clear one")
    elif not key and not command and not (stored and stored.get("secret_key")):
        problems.setdefault("secret_key", "give the SecretKey or a command that prints it")
    return problems


def file_changes(texts: Mapping[str, str], *, stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """The fields to write. Adding: the values given. Editing: what differs from `stored`
    (what the user changed, and what that implies), as changes for `document.update_profile`,
    where None removes a field and an empty secret field keeps the stored secret."""
    changes: dict[str, Any] = {}
    for key, text in texts.items():
        text = text.strip()
        if key == "name" or key in SECRET_KEYS:
            continue
        if text:
            changes[key] = int(text) if key in INTEGER_KEYS else text
        elif stored is not None:
            changes[key] = None
    secret_key, token = texts.get("secret_key", "").strip(), texts.get("token", "").strip()
    if secret_key:
        changes["secret_key"] = secret_key
    if token:
        changes["token"] = token
    if stored is not None:
        command = changes.get("secret_key_command")
        if not secret_key and command and command != stored.get("secret_key_command"):
            changes["secret_key"] = None  # a stored key would win over the new command
        if not token and (secret_key or changes.get("secret_id") != stored.get("secret_id")):
            changes["token"] = None  # a session token belongs to the key it was issued with
        # Only these are written: a field someone else changed in the file meanwhile keeps their value.
        changes = {key: value for key, value in changes.items() if value != stored.get(key)}
    return changes


def changed_meanwhile(changes: Mapping[str, Any], *, opened: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    """The fields among `changes` that the file changed too, to another value, between the
    form's opening (`opened`) and now (`now`): saving would overwrite a change unseen."""
    return [key for key, value in changes.items() if now.get(key) != opened.get(key) and now.get(key) != value]


def merged(stored: Mapping[str, Any] | None, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The profile's table as it will be after `changes` are written."""
    return {key: value for key, value in {**(stored or {}), **changes}.items() if value is not None}
