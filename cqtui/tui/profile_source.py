"""Where the `P` picker gets profiles from, and how it turns a name into a profile."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NamedTuple, Protocol

from cqtui.ci.credentials import mask
from cqtui.profiles import document
from cqtui.profiles.model import ResolvedProfile
from cqtui.profiles.resolve import resolve_from_args
from cqtui.profiles.store import config_path, read_config


class ProfileRow(NamedTuple):  # not a dataclass: ~1 ms less at every start (bench/README.md)
    """What the picker shows of a profile: nothing secret but a masked SecretId."""

    name: str
    region: str
    bucket: str
    endpoint: str
    secret_id: str
    is_default: bool


class ProfileSource(Protocol):
    @property
    def path(self) -> Path | None:
        """The file add/edit/delete write to; None when there is none to write (--demo)."""

    def rows(self) -> list[ProfileRow]: ...

    def resolve(self, name: str) -> ResolvedProfile: ...


class FixedProfiles:
    """Profiles known up front: `--demo` (just "demo") and tests. Nothing to edit."""

    path = None

    def __init__(self, *profiles: ResolvedProfile) -> None:
        self._profiles = {profile.name: profile for profile in profiles}

    def rows(self) -> list[ProfileRow]:
        return [
            ProfileRow(p.name, p.region, p.bucket, p.endpoint, mask(p.credentials.secret_id), False)
            for p in self._profiles.values()
        ]

    def resolve(self, name: str) -> ResolvedProfile:
        return self._profiles[name]


class ConfigProfiles:
    """The config file's profiles. A switch drops --region/--bucket/--endpoint: they were
    given for the profile cqtui started with, not for every profile."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._args = args
        self.path = config_path(getattr(args, "config", None))

    def rows(self) -> list[ProfileRow]:
        config = read_config(self.path)
        if config is None:
            return []
        default = document.default_name(config.data, config)
        return [
            ProfileRow(
                name,
                str(table.get("region", "")),
                str(table.get("bucket", "")),
                str(table.get("endpoint", "")),
                mask(str(table.get("secret_id", ""))) if table.get("secret_id") else "-",
                name == default,
            )
            for name, table in sorted(document.profiles_table(config.data, config).items())
        ]

    def resolve(self, name: str) -> ResolvedProfile:
        overrides = {"profile": name, "region": None, "bucket": None, "endpoint": None}
        return resolve_from_args(argparse.Namespace(**{**vars(self._args), **overrides}))
