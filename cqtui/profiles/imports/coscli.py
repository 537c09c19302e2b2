"""COSCLI: `~/.cos.yaml`, `cos: base:` (secrets) and `cos: buckets:` (name, alias, region, endpoint).

The first bucket is used, or the one whose name or alias is `--bucket`. COSCLI
writes bucket endpoints such as `cos.ap-beijing.myqcloud.com`; they are COS
hosts, not CI hosts, so only the region is taken from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cqtui.ci.credentials import Credentials
from cqtui.ci.errors import ConfigError
from cqtui.profiles.imports import Imported, ImportRequest, need
from cqtui.profiles.imports.coscli_secret import decrypt
from cqtui.profiles.imports.regions import normalize_region, region_from_endpoint
from cqtui.profiles.imports.simple_yaml import parse_yaml
from cqtui.safetext import visible


def _table(node: Any, name: str, path: str) -> Mapping[str, Any]:
    if node in (None, ""):
        return {}
    if not isinstance(node, dict):
        raise ConfigError(f"{name} must be a mapping", path=path)
    # viper matches keys without regard to case; so do we.
    return {str(key).lower(): value for key, value in node.items()}


def _text(table: Mapping[str, Any], key: str) -> str:
    value = table.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def _pick_bucket(buckets: list[Mapping[str, Any]], wanted: str | None, path: str) -> Mapping[str, Any]:
    if not buckets:
        return {"name": wanted} if wanted else {}
    if not wanted:
        return buckets[0]
    for bucket in buckets:
        if wanted in (_text(bucket, "name"), _text(bucket, "alias")):
            return bucket
    names = ", ".join(visible(_text(bucket, "alias") or _text(bucket, "name")) for bucket in buckets)
    raise ConfigError(
        f"has no bucket named or aliased {visible(wanted)!r} (it has: {names})", path=path, key="--bucket"
    )


def read(request: ImportRequest) -> Imported:
    file = request.source or request.home / ".cos.yaml"
    path = visible(str(file))
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("not found", path=path) from None
    except (OSError, UnicodeDecodeError) as problem:
        raise ConfigError(f"cannot read: {problem}", path=path) from None
    cos = _table(_table(parse_yaml(text, path), "the document", path).get("cos"), "cos", path)
    base = _table(cos.get("base"), "cos.base", path)
    if _text(base, "mode").lower() == "cvmrole":
        raise ConfigError("uses a CVM role (mode: CvmRole), not a SecretId/SecretKey pair", path=path)
    raw_buckets = cos.get("buckets") or []
    if not isinstance(raw_buckets, list):
        raise ConfigError("cos.buckets must be a list", path=path)
    buckets = [_table(bucket, "each of cos.buckets", path) for bucket in raw_buckets]
    bucket = _pick_bucket(buckets, request.bucket, path)

    encrypted = _text(base, "disableencryption").lower() != "true"

    def secret(key: str) -> str:
        value = _text(base, key)
        return decrypt(value, what=f"cos.base.{key}", path=path) if encrypted and value else value

    stored_region = _text(bucket, "region")
    region = normalize_region(stored_region) if stored_region else region_from_endpoint(_text(bucket, "endpoint"))
    return Imported(
        tool="coscli",
        origin=str(file),
        suggested_name="coscli",
        credentials=Credentials(
            need(secret("secretid"), "cos.base.secretid", str(file)),
            need(secret("secretkey"), "cos.base.secretkey", str(file)),
            secret("sessiontoken"),
        ),
        region=request.region or region,
        bucket=_text(bucket, "name"),
    )
