"""COSCLI: `~/.cos.yaml`, `cos: base:` (secrets) and `cos: buckets:` (name, alias, region, endpoint).

The first bucket is used, or the one whose name or alias is `--bucket`. COSCLI
writes bucket endpoints such as `cos.ap-beijing.myqcloud.com`; they are COS
hosts, not CI hosts, so only the region is taken from them.

The file is read with PyYAML's safe loader, from the optional `cqtui[coscli]`;
it is imported here, when the file is read, so no other command loads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cqtui.ci.credentials import Credentials
from cqtui.ci.errors import ConfigError
from cqtui.profiles.imports import Imported, ImportRequest, need
from cqtui.profiles.imports.coscli_secret import INSTALL_HINT, decrypt
from cqtui.profiles.imports.regions import normalize_region, region_from_endpoint
from cqtui.safetext import visible


def load_yaml(text: str, path: str) -> Any:
    """The document in `text`; a ConfigError naming the line where it is not YAML.

    PyYAML's safe loader, which also refuses a key given twice in one mapping, as
    COSCLI's own reader does: which of two `secretkey:` lines would be meant?
    """
    try:
        import yaml
    except ImportError:
        raise ConfigError(f"reading it needs the optional PyYAML package: {INSTALL_HINT}", path=path) from None

    class Loader(yaml.SafeLoader):
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
            seen: set[tuple[str, str]] = set()
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if (key.tag, key.value) in seen:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"duplicate key {key.value!r}", key.start_mark
                        )
                    seen.add((key.tag, key.value))
            return super().construct_mapping(node, deep)

    # Never str(problem) below: it quotes the offending line, which may hold a secret.
    try:
        return yaml.load(text, Loader=Loader)  # a SafeLoader: plain data only
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark or problem.context_mark
        detail = problem.problem or problem.context or "not YAML"
        if problem.problem and problem.context:  # e.g. "while scanning a quoted scalar"
            start = problem.context_mark
            context = problem.context + (
                f" from line {start.line + 1}" if start and mark and start.line != mark.line else ""
            )
            detail = f"{context}, {detail}" if detail.startswith("but ") else f"{detail} ({context})"
        message = "invalid YAML" + (f" at column {mark.column + 1}" if mark else "") + f": {detail}"
        raise ConfigError(visible(message), path=path, line=mark.line + 1 if mark else None) from None
    except yaml.reader.ReaderError as problem:  # a character YAML does not allow, e.g. NUL
        line = text.count("\n", 0, problem.position) + 1
        raise ConfigError(
            f"invalid YAML: character #x{problem.character:04x}: {problem.reason}", path=path, line=line
        ) from None
    except yaml.YAMLError as problem:
        raise ConfigError(f"invalid YAML ({type(problem).__name__})", path=path) from None
    except RecursionError:  # PyYAML's composer recurses per level; COSCLI files are three deep
        raise ConfigError("invalid YAML: nested too deeply to be a COSCLI file", path=path) from None
    except Exception:  # noqa: BLE001 - PyYAML's constructors raise ValueError, AttributeError…
        # …for a value its type cannot hold (`2001-13-01`, `!!int abc`); their words quote the value.
        raise ConfigError(
            "invalid YAML: a value cannot be what YAML reads it as (e.g. a date that does not exist)", path=path
        ) from None


def _table(node: Any, name: str, path: str) -> Mapping[str, Any]:
    if node in (None, ""):
        return {}
    if not isinstance(node, dict):
        raise ConfigError(f"{name} must be a mapping", path=path)
    # viper matches keys without regard to case; so do we.
    return {str(key).lower(): value for key, value in node.items()}


def _text(table: Mapping[str, Any], key: str, where: str, path: str) -> str:
    """A value as the text COSCLI means; YAML's booleans as `true`/`false`, nothing as "".

    A number, date or list is refused rather than turned back into text: YAML reads
    `0123` as 83 and `12:30` as 750, so the digits in the file may be lost already.
    """
    value = table.get(key)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str):
        raise ConfigError(f"{where}.{key} must be text; put the value in quotes", path=path)
    return value.strip()


def _pick_bucket(buckets: list[Mapping[str, Any]], wanted: str | None, path: str) -> Mapping[str, Any]:
    if not buckets:
        return {"name": wanted} if wanted else {}
    if not wanted:
        return buckets[0]

    def text(bucket: Mapping[str, Any], key: str) -> str:
        return _text(bucket, key, "cos.buckets", path)

    for bucket in buckets:
        if wanted in (text(bucket, "name"), text(bucket, "alias")):
            return bucket
    names = ", ".join(visible(text(bucket, "alias") or text(bucket, "name")) for bucket in buckets)
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
    cos = _table(_table(load_yaml(text, path), "the document", path).get("cos"), "cos", path)
    base = _table(cos.get("base"), "cos.base", path)
    if _text(base, "mode", "cos.base", path).lower() == "cvmrole":
        raise ConfigError("uses a CVM role (mode: CvmRole), not a SecretId/SecretKey pair", path=path)
    raw_buckets = cos.get("buckets") or []
    if not isinstance(raw_buckets, list):
        raise ConfigError("cos.buckets must be a list", path=path)
    buckets = [_table(bucket, "each of cos.buckets", path) for bucket in raw_buckets]
    bucket = _pick_bucket(buckets, request.bucket, path)

    encrypted = _text(base, "disableencryption", "cos.base", path).lower() != "true"

    def secret(key: str) -> str:
        value = _text(base, key, "cos.base", path)
        return decrypt(value, what=f"cos.base.{key}", path=path) if encrypted and value else value

    stored_region = _text(bucket, "region", "cos.buckets", path)
    endpoint = _text(bucket, "endpoint", "cos.buckets", path)
    region = normalize_region(stored_region) if stored_region else region_from_endpoint(endpoint)
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
        bucket=_text(bucket, "name", "cos.buckets", path),
    )
