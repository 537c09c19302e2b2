"""What the profile form asks for and how its text becomes file values (Textual-free).

Validation reuses `cqtui.profiles.fields`, so the form, the CLI and the file
reader accept exactly the same values.
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
KEEP_PLACEHOLDER = "empty keeps the current one (hidden)"


def _integer(text: str) -> int | str:
    try:
        return int(text)
    except ValueError:
        return text


def form_problems(
    texts: Mapping[str, str], *, editing: bool, taken_names: Collection[str], has_secret: bool = False
) -> dict[str, str]:
    """field -> why its text is not acceptable. Empty means the form can be saved.

    `has_secret`: when editing, the profile already has a key or key command.
    """
    problems: dict[str, str] = {}
    name = texts.get("name", "").strip()
    if not editing:
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
    if not editing and not texts.get("secret_id", "").strip():
        problems.setdefault("secret_id", "a SecretId is required")
    has_key = texts.get("secret_key", "").strip() or texts.get("secret_key_command", "").strip()
    if not has_key and not (editing and has_secret):
        problems.setdefault("secret_key", "give the SecretKey or a command that prints it")
    return problems


def file_values(texts: Mapping[str, str], *, editing: bool) -> dict[str, Any]:
    """The profile's fields as the file holds them. When editing, None removes a field,
    and an empty secret is left out so the current one is kept."""
    values: dict[str, Any] = {}
    for key, text in texts.items():
        text = text.strip()
        if key == "name":
            continue
        if not text:
            if editing and key not in SECRET_KEYS:
                values[key] = None
            continue
        values[key] = int(text) if key in INTEGER_KEYS else text
    return values
