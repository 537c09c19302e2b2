"""Where the `P` picker gets profile names from, and how it turns a name into a profile."""

from __future__ import annotations

import argparse
from typing import Protocol

from cqtui.profiles import document
from cqtui.profiles.model import ResolvedProfile
from cqtui.profiles.resolve import resolve_from_args
from cqtui.profiles.store import config_path, read_config


class ProfileSource(Protocol):
    def names(self) -> list[str]: ...

    def resolve(self, name: str) -> ResolvedProfile: ...


class FixedProfiles:
    """Profiles known up front: `--demo` (just "demo") and tests."""

    def __init__(self, *profiles: ResolvedProfile) -> None:
        self._profiles = {profile.name: profile for profile in profiles}

    def names(self) -> list[str]:
        return list(self._profiles)

    def resolve(self, name: str) -> ResolvedProfile:
        return self._profiles[name]


class ConfigProfiles:
    """The config file's profiles. A switch drops --region/--bucket/--endpoint: they were
    given for the profile cqtui started with, not for every profile."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._args = args

    def names(self) -> list[str]:
        config = read_config(config_path(getattr(self._args, "config", None)))
        if config is None:
            return []
        return sorted(document.profiles_table(config.data, config))

    def resolve(self, name: str) -> ResolvedProfile:
        overrides = {"profile": name, "region": None, "bucket": None, "endpoint": None}
        return resolve_from_args(argparse.Namespace(**{**vars(self._args), **overrides}))
