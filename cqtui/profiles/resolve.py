"""Turn the config file, the command line and the environment into one ResolvedProfile.

For each field the first source that has a value wins:
command-line override (--region/--bucket/--endpoint), the profile's own value,
`secret_key_command` (secret_key only), then the TENCENTCLOUD_* variables.
`proxy` and `ca_bundle` in a profile win even when empty (`proxy = ""`: no proxy);
else HTTPS_PROXY & co and SSL_CERT_FILE (ci/network.py); NO_PROXY comes from the
environment only.
The token follows its SecretId: TENCENTCLOUD_TOKEN is used only when the
SecretId also came from the environment, so a stray session token never gets
paired with a profile's permanent key (the service would reject the pair).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cqtui.ci.credentials import Credentials
from cqtui.ci.errors import ConfigError
from cqtui.ci.network import CA_VARIABLE, Network, no_proxy_from_env, proxy_from_env
from cqtui.ci.regions import region_warning
from cqtui.profiles import document
from cqtui.profiles.errors import NoProfileError
from cqtui.profiles.fields import DEFAULT_TIMEZONE, PROFILE_FIELDS, field_problem
from cqtui.profiles.model import DEFAULT_PAGE_SIZE, ResolvedProfile
from cqtui.profiles.sources import (
    ENV_FALLBACKS,
    ENV_REGION,
    ENV_SECRET_ID,
    ENV_SECRET_KEY,
    SECRET_COMMAND_TIMEOUT,
    run_secret_key_command,
)
from cqtui.profiles.store import ConfigFile, config_path, read_config, shown
from cqtui.safetext import visible

# typing.TYPE_CHECKING without importing typing (~3 ms of a one-shot run); type checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

ENVIRONMENT_PROFILE = "environment"  # the name shown when no profile file is used
FROM_PROFILE = "profile"
FROM_COMMAND = "secret_key_command"
FROM_DEFAULT = "default"
REQUIRED = ("region", "secret_id", "secret_key")  # no bucket: the profile lists the whole account


@dataclass(frozen=True, slots=True)
class Overrides:
    region: str | None = None
    bucket: str | None = None
    endpoint: str | None = None
    read_only: bool = False  # --read-only: can only make a profile read-only, never writable
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    """A field's value and where it came from. `value` is None for a command not yet run."""

    value: Any
    source: str

    def __repr__(self) -> str:  # values may be secrets
        return f"Choice(source={self.source!r})"


@dataclass(frozen=True, slots=True)
class Selected:
    """The profile picked from the file (None name when running from the environment only)."""

    name: str | None
    table: Mapping[str, Any] = dataclasses.field(repr=False)  # may hold secrets
    how: str = ""  # "--profile", "default_profile", "only profile", "environment"


def select_profile(config: ConfigFile | None, requested: str | None, path: Path) -> Selected:
    data = config.data if config else {}
    profiles = document.profiles_table(data, config)
    default = document.default_name(data, config)
    if requested:
        if requested not in profiles:
            where = shown(path) if config else f"{shown(path)} (file does not exist)"
            raise ConfigError(
                f"no profile {visible(requested)!r}; known profiles: {document.known_names(data)}", path=where
            )
        return Selected(requested, profiles[requested], "--profile")
    if default:
        if default not in profiles:
            raise config.error(  # type: ignore[union-attr]  # default is only set when a file exists
                f"names {visible(default)!r}, which is not a profile; known profiles: {document.known_names(data)}",
                (),
                "default_profile",
            )
        return Selected(default, profiles[default], "default_profile")
    if len(profiles) == 1:
        only = next(iter(profiles))
        return Selected(only, profiles[only], "only profile")
    if profiles:
        raise ConfigError(
            f"has several profiles and no default_profile; pass --profile NAME or run "
            f"`cqtui profiles default NAME` (known profiles: {document.known_names(data)})",
            path=shown(path),
        )
    return Selected(None, {}, ENVIRONMENT_PROFILE)


def choose_values(profile: Mapping[str, Any], overrides: Overrides, env: Mapping[str, str]) -> dict[str, Choice]:
    """Each field's winning source, without running secret_key_command."""
    chosen: dict[str, Choice] = {}
    for field in ("region", "bucket", "endpoint", "timezone"):
        override = getattr(overrides, field)
        if override:
            chosen[field] = Choice(override, f"--{field}")
        elif profile.get(field) not in (None, ""):
            chosen[field] = Choice(profile[field], FROM_PROFILE)
    for field in ("secret_id", "secret_key", "token"):
        if profile.get(field) not in (None, ""):
            chosen[field] = Choice(profile[field], FROM_PROFILE)
    if "secret_key" not in chosen and profile.get("secret_key_command"):
        chosen["secret_key"] = Choice(None, FROM_COMMAND)
    for field, variable in ENV_FALLBACKS.items():
        if field in chosen or not env.get(variable):
            continue
        if field == "token" and (chosen["secret_id"].source if "secret_id" in chosen else None) != ENV_SECRET_ID:
            continue  # a session token belongs to the SecretId it was issued with
        chosen[field] = Choice(env[variable], variable)
    if overrides.read_only:
        chosen["read_only"] = Choice(True, "--read-only")
    chosen.update(_network_choices(profile, env))
    defaults = {
        "endpoint": "",
        "page_size": DEFAULT_PAGE_SIZE,
        "refresh_seconds": 0,
        "read_only": False,
        "timezone": DEFAULT_TIMEZONE,
    }
    for field, default in defaults.items():
        if field not in chosen:
            chosen[field] = Choice(profile.get(field, default), FROM_PROFILE if field in profile else FROM_DEFAULT)
    return chosen


def _network_choices(profile: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, Choice]:
    """proxy, no_proxy and ca_bundle: the profile's (even "", which turns the variable off), else the environment's."""
    from_env = {
        "proxy": proxy_from_env(env),
        "no_proxy": no_proxy_from_env(env),
        "ca_bundle": (env.get(CA_VARIABLE, ""), CA_VARIABLE),
    }
    chosen = {}
    for field, (value, variable) in from_env.items():
        if field != "no_proxy" and field in profile:
            chosen[field] = Choice(profile[field], FROM_PROFILE)
        else:
            chosen[field] = Choice(value, variable) if value else Choice("", FROM_DEFAULT)
    return chosen


def network_of(profile: Mapping[str, Any], env: Mapping[str, str]) -> Network:
    """The proxy and CA rules for a profile table as it stands (the TUI form's test, before saving)."""
    chosen = _network_choices(profile, env)
    return Network(chosen["proxy"].value, chosen["no_proxy"].value, chosen["ca_bundle"].value)


def _missing_message(field: str, selected: Selected) -> str:
    place = f"in [profiles.{visible(selected.name)}]" if selected.name else "in a profile"
    hints = {
        "region": f"set region {place}, pass --region, or set {ENV_REGION}",
        "secret_id": f"set secret_id {place} or set {ENV_SECRET_ID}",
        "secret_key": f"set secret_key or secret_key_command {place}, or set {ENV_SECRET_KEY}",
    }
    return f"no {field}: {hints[field]}"


def _problem_at(config: ConfigFile | None, selected: Selected, field: str, choice: Choice, message: str) -> ConfigError:
    if choice.source in (FROM_PROFILE, FROM_COMMAND) and config is not None and selected.name:
        key = field if choice.source == FROM_PROFILE else FROM_COMMAND
        return config.error(message, ("profiles", selected.name), key)
    return ConfigError(message, key=choice.source)


def resolve_profile(
    path: Path,
    requested: str | None = None,
    overrides: Overrides = Overrides(),
    env: Mapping[str, str] | None = None,
    *,
    command_timeout: float = SECRET_COMMAND_TIMEOUT,
) -> ResolvedProfile:
    return resolve_in(read_config(path), path, requested, overrides, env, command_timeout=command_timeout)


def resolve_in(
    config: ConfigFile | None,
    path: Path,
    requested: str | None = None,
    overrides: Overrides = Overrides(),
    env: Mapping[str, str] | None = None,
    *,
    command_timeout: float = SECRET_COMMAND_TIMEOUT,
) -> ResolvedProfile:
    """resolve_profile() on a file already read (`config`, None when `path` does not exist)."""
    env = os.environ if env is None else env
    selected = select_profile(config, requested, path)
    # The profile's own fields first, even ones overridden now: a broken file should be fixed.
    for field in PROFILE_FIELDS:
        if field in selected.table:
            problem = field_problem(field, selected.table[field])
            if problem:
                raise _problem_at(config, selected, field, Choice(None, FROM_PROFILE), problem)
    chosen = choose_values(selected.table, overrides, env)

    missing = [field for field in REQUIRED if field not in chosen]
    if missing:
        if selected.name is None:
            raise NoProfileError(
                f"no profile in {shown(path)} and the environment lacks {', '.join(missing)}: "
                "run `cqtui profiles add NAME --region REGION [--bucket BUCKET]`, or set "
                f"{ENV_SECRET_ID}, {ENV_SECRET_KEY} and {ENV_REGION}"
            )
        message = _missing_message(missing[0], selected)
        raise ConfigError(message, path=shown(path), key=f"profiles.{visible(selected.name)}")

    for field, choice in chosen.items():
        problem = field_problem(field, choice.value) if choice.value is not None else None
        if problem:
            raise _problem_at(config, selected, field, choice, problem)

    if chosen["secret_key"].source == FROM_COMMAND:
        try:
            secret = run_secret_key_command(selected.table["secret_key_command"], timeout=command_timeout)
        except ConfigError as failure:
            raise _problem_at(config, selected, "secret_key", chosen["secret_key"], failure.reason) from None
        chosen["secret_key"] = Choice(secret, FROM_COMMAND)
        problem = field_problem("secret_key", secret)
        if problem:
            raise _problem_at(config, selected, "secret_key", chosen["secret_key"], f"its output: {problem}")

    def value(field: str, default: Any = "") -> Any:
        return chosen[field].value if field in chosen else default

    warning = region_warning(value("region"))
    return ResolvedProfile(
        name=selected.name or ENVIRONMENT_PROFILE,
        region=value("region"),
        bucket=value("bucket"),
        credentials=Credentials(value("secret_id"), value("secret_key"), value("token")),
        endpoint=value("endpoint").rstrip("/"),
        page_size=value("page_size"),
        refresh_seconds=value("refresh_seconds"),
        read_only=value("read_only"),
        network=Network(value("proxy"), value("no_proxy"), value("ca_bundle")),
        timezone=value("timezone"),
        sources={"name": selected.how} | {field: choice.source for field, choice in chosen.items()},
        warnings=(f"warning: {warning} ({chosen['region'].source})",) if warning else (),
    )


def resolve_from_args(args: Any, env: Mapping[str, str] | None = None) -> ResolvedProfile:
    """The profile for a parsed command line (`.config`, `.profile`, `.region`, `.bucket`, `.endpoint`, `.timezone`)."""
    return resolve_with_config(args, env)[0]


def resolve_with_config(args: Any, env: Mapping[str, str] | None = None) -> tuple[ResolvedProfile, ConfigFile | None]:
    """resolve_from_args(), and the config file it read (None: there is none), for what else the
    caller takes from it: the TUI's `[keys]`. The file is read once."""
    env = os.environ if env is None else env
    overrides = Overrides(
        region=getattr(args, "region", None),
        bucket=getattr(args, "bucket", None),
        endpoint=getattr(args, "endpoint", None),
        read_only=bool(getattr(args, "read_only", False)),
        timezone=getattr(args, "timezone", None),
    )
    path = config_path(getattr(args, "config", None), env)
    config = read_config(path)
    return resolve_in(config, path, getattr(args, "profile", None), overrides, env), config
