"""Read credentials other tools already keep, as profile values.

One module per tool; each exposes `read(request) -> Imported`. Nothing here
writes: the caller adds the result with the store's usual safe-write rules.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cqtui.ci.credentials import Credentials
from cqtui.ci.errors import ConfigError
from cqtui.safetext import visible

TOOLS = ("tccli", "coscmd", "coscli", "env")


@dataclass(frozen=True)
class ImportRequest:
    """What the user asked for: where to read (None = the tool's usual place) and overrides."""

    source: Path | None = None
    bucket: str | None = None
    region: str | None = None
    home: Path = field(default_factory=Path.home)
    env: Mapping[str, str] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Imported:
    tool: str
    origin: str  # the file read, or "environment"
    suggested_name: str
    credentials: Credentials  # its repr masks the secrets
    region: str = ""
    bucket: str = ""

    def values(self) -> dict[str, Any]:
        """Profile fields; a region missing from the source is an error naming the flag. A bucket is
        optional: a profile without one lists the account's buckets."""
        if not self.region:
            raise ConfigError(
                f"{self.tool} ({visible(self.origin)}) has no region; pass --region ap-guangzhou", key="--region"
            )
        values: dict[str, Any] = {
            "secret_id": self.credentials.secret_id,
            "secret_key": self.credentials.secret_key,
            "region": self.region,
        }
        if self.bucket:
            values["bucket"] = self.bucket
        if self.credentials.token:
            values["token"] = self.credentials.token
        return values


def read(tool: str, request: ImportRequest) -> Imported:
    if tool not in TOOLS:
        raise ConfigError(f"unknown source {visible(tool)!r}; choose one of {', '.join(TOOLS)}")
    module = importlib.import_module(f"cqtui.profiles.imports.{tool}")
    return module.read(request)


def need(value: Any, what: str, origin: str) -> str:
    """A required string from another tool's file, or a ConfigError naming it."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"has no {what}", path=visible(origin))
    return value.strip()


def load_json(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("not found", path=visible(str(path))) from None
    except (OSError, UnicodeDecodeError) as problem:
        raise ConfigError(f"cannot read: {problem}", path=visible(str(path))) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as problem:
        raise ConfigError(
            f"invalid JSON at column {problem.colno}: {problem.msg}", path=visible(str(path)), line=problem.lineno
        ) from None
    except RecursionError:
        raise ConfigError("invalid JSON: nested too deeply", path=visible(str(path))) from None
    if not isinstance(data, dict):
        raise ConfigError("must hold a JSON object", path=visible(str(path)))
    return data
