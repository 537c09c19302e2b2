"""Profiles as rows of display text: secrets masked, untrusted text made visible.

Used by `cqtui profiles list/show`; nothing here runs secret_key_command.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cqtui.ci.credentials import mask
from cqtui.ci.endpoint import HostKind, Where
from cqtui.ci.errors import ConfigError
from cqtui.ci.network import Network
from cqtui.profiles import document
from cqtui.profiles.fields import PROFILE_FIELDS
from cqtui.profiles.resolve import ENVIRONMENT_PROFILE, FROM_COMMAND, Choice, Overrides, Selected, choose_values
from cqtui.safetext import visible, visible_url

NOT_SET = "-"


def _text(value: Any, shown: Callable[[str], str] = visible) -> str:
    return shown(str(value)) if value not in (None, "") else NOT_SET


@dataclass(frozen=True, slots=True)
class ListRow:
    name: str
    region: str
    bucket: str
    endpoint: str
    secret_id: str  # masked
    is_default: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "region": self.region,
            "bucket": self.bucket,
            "endpoint": self.endpoint,
            "secret_id": self.secret_id,
            "default": self.is_default,
        }


def _stored(profile: Mapping[str, Any], field: str, shown: Callable[[str], str] = visible) -> str:
    value = profile.get(field)
    return shown(str(value)) if value not in (None, "") else ""


def list_rows(data: Mapping[str, Any]) -> list[ListRow]:
    """One row per profile, as stored ("" where the file has no value)."""
    default = document.default_name(data)
    rows = []
    for name, profile in sorted(document.profiles_table(data).items()):
        secret_id = profile.get("secret_id")
        rows.append(
            ListRow(
                name=visible(name),
                region=_stored(profile, "region"),
                bucket=_stored(profile, "bucket"),
                endpoint=_stored(profile, "endpoint", visible_url),
                secret_id=visible(mask(secret_id)) if isinstance(secret_id, str) and secret_id else "",
                is_default=name == default,
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class ShowRow:
    field: str
    value: str  # display text: masked or "set" for secrets
    source: str


def _secret_state(choice: Choice | None, profile: Mapping[str, Any]) -> str:
    if choice is None:
        return "not set"
    if choice.source == FROM_COMMAND:
        return f"from command: {visible(str(profile.get('secret_key_command', '')))}"
    return "set"


def _ci_host(region: object, bucket: object) -> str:
    """The CI host a profile's requests are for ("" when region or bucket cannot make one)."""
    try:
        where = Where(str(region), str(bucket))
    except ConfigError:
        return ""  # resolving the profile reports what is wrong
    return where.host_for(HostKind.BUCKET if bucket else HostKind.REGION)


def _derived_endpoint(region: object, bucket: object) -> str:
    """Where requests go without an endpoint: the CI host itself."""
    host = _ci_host(region, bucket)
    if not host:
        return NOT_SET
    if bucket:
        return f"https://{host} (derived)"
    return f"https://{host} and each bucket's CI host (derived)"


def _proxy_text(network: Network, origin: str) -> str:
    """The proxy, password masked, and whether this profile's requests use it."""
    if not network.proxy:
        return "none (direct)"
    shown = visible_url(network.proxy)
    if not origin or network.proxy_for(origin):
        return shown
    return f"{shown} (not used for {visible_url(origin)}: {'NO_PROXY' if origin.startswith('https') else 'plain http'})"


def show_rows(selected: Selected, overrides: Overrides, env: Mapping[str, str]) -> list[ShowRow]:
    chosen = choose_values(selected.table, overrides, env)

    def row(field: str, value: str) -> ShowRow:
        return ShowRow(field, value, chosen[field].source if field in chosen else NOT_SET)

    region = chosen["region"].value if "region" in chosen else ""
    bucket = chosen["bucket"].value if "bucket" in chosen else ""
    endpoint = chosen["endpoint"].value
    endpoint_text = _text(endpoint, visible_url) if endpoint else _derived_endpoint(region, bucket)
    secret_id = chosen.get("secret_id")
    rows = [
        ShowRow("name", visible(selected.name or ENVIRONMENT_PROFILE), selected.how),
        row("region", _text(region)),
        row("bucket", _text(bucket)),
        row("endpoint", endpoint_text),
        row("secret_id", visible(mask(str(secret_id.value))) if secret_id else "not set"),
        row("secret_key", _secret_state(chosen.get("secret_key"), selected.table)),
        row("token", _secret_state(chosen.get("token"), selected.table)),
        row("page_size", _text(chosen["page_size"].value)),
        row("refresh_seconds", _text(chosen["refresh_seconds"].value)),
        row("read_only", "true" if chosen["read_only"].value else "false"),
    ]
    network = Network(*(str(chosen[field].value) for field in ("proxy", "no_proxy", "ca_bundle")))
    host = _ci_host(region, bucket)
    origin = str(endpoint) if endpoint else f"https://{host}" if host else ""
    rows += [
        row("proxy", _proxy_text(network, origin)),
        row("no_proxy", _text(network.no_proxy)),
        row("ca_bundle", _text(network.ca_bundle) + (" (added to the default CAs)" if network.ca_bundle else "")),
        row("timezone", _text(chosen["timezone"].value)),
    ]
    unknown = sorted(key for key in selected.table if key not in PROFILE_FIELDS)
    if unknown:
        rows.append(ShowRow("other keys", ", ".join(visible(key) for key in unknown), "profile (kept, unused)"))
    return rows
