"""The parsed config as data: find, add, change and remove profiles.

Pure functions on the dict `tomllib` returns, so the same code serves the CLI,
the TUI and `store.edit_config` callbacks. Keys cqtui does not know are left
exactly as they were.
"""

from __future__ import annotations

from collections.abc import Mapping

from cqtui.ci.errors import ConfigError
from cqtui.profiles.fields import PROFILE_FIELDS, field_problem, name_problem
from cqtui.profiles.store import ConfigFile
from cqtui.safetext import visible

# typing.TYPE_CHECKING without importing typing (~3 ms of a one-shot run); type checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _located(config: ConfigFile | None, message: str, table: tuple[str, ...], key: str | None) -> ConfigError:
    if config is not None:
        return config.error(message, table, key)
    return ConfigError(message, key=".".join(table + ((key,) if key else ())))


def profiles_table(data: Mapping[str, Any], config: ConfigFile | None = None) -> dict[str, dict[str, Any]]:
    """`[profiles]`, checked to be a table of tables."""
    table = data.get("profiles", {})
    if not isinstance(table, dict):
        raise _located(config, "must be a table of [profiles.NAME] tables", (), "profiles")
    for name, profile in table.items():
        if not isinstance(profile, dict):
            raise _located(config, f"profile {visible(name)!r} must be a table", ("profiles",), name)
    return table


def default_name(data: Mapping[str, Any], config: ConfigFile | None = None) -> str | None:
    value = data.get("default_profile")
    if value is not None and not isinstance(value, str):
        raise _located(config, "must be a profile name in quotes", (), "default_profile")
    return value or None


def known_names(data: Mapping[str, Any]) -> str:
    names = sorted(profiles_table(data))
    return ", ".join(visible(name) for name in names) if names else "(none yet)"


def require_profile(data: Mapping[str, Any], name: str, *, path: str = "") -> dict[str, Any]:
    table = profiles_table(data)
    if name not in table:
        raise ConfigError(f"no profile {visible(name)!r}; known profiles: {known_names(data)}", path=path)
    return table[name]


def check_values(values: Mapping[str, Any]) -> None:
    """Raise ConfigError naming the first unknown or unacceptable field."""
    for key, value in values.items():
        if key not in PROFILE_FIELDS:
            raise ConfigError(f"unknown profile field {visible(key)!r}", key=key)
        if value is not None:
            problem = field_problem(key, value)
            if problem:
                raise ConfigError(problem, key=key)


def add_profile(
    data: dict[str, Any],
    name: str,
    values: Mapping[str, Any],
    *,
    make_default: bool = False,
    replace: bool = False,
) -> None:
    """Add `[profiles.NAME]`; an existing name is an error unless `replace`."""
    problem = name_problem(name)
    if problem:
        raise ConfigError(problem, key="name")
    check_values(values)
    table = profiles_table(data)
    if name in table and not replace:
        raise ConfigError(
            f"profile {visible(name)!r} already exists; change it with `cqtui profiles edit {visible(name)}`",
            key=f"profiles.{visible(name)}",
        )
    data["profiles"] = table
    # Fields in a fixed order, so files written by cqtui read the same way.
    table[name] = {key: values[key] for key in PROFILE_FIELDS if values.get(key) is not None}
    if make_default or default_name(data) is None:
        data["default_profile"] = name


def update_profile(data: dict[str, Any], name: str, changes: Mapping[str, Any]) -> None:
    """Set the given fields; a value of None removes that field. Other keys stay."""
    check_values(changes)
    profile = require_profile(data, name)
    for key, value in changes.items():
        if value is None:
            profile.pop(key, None)
        else:
            profile[key] = value


def remove_profile(data: dict[str, Any], name: str) -> bool:
    """Remove a profile; returns True when it was the default (the default is cleared)."""
    require_profile(data, name)
    del data["profiles"][name]
    if default_name(data) == name:
        del data["default_profile"]
        return True
    return False


def set_default(data: dict[str, Any], name: str) -> None:
    require_profile(data, name)
    data["default_profile"] = name
