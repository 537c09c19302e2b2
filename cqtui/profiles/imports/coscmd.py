"""coscmd: `~/.cos.conf`, an INI file with a `[common]` section."""

from __future__ import annotations

import configparser

from cqtui.ci.credentials import Credentials
from cqtui.ci.errors import ConfigError
from cqtui.profiles.imports import Imported, ImportRequest, need
from cqtui.profiles.imports.regions import normalize_region, region_from_endpoint
from cqtui.safetext import visible

SECTION = "common"


def _load(path: str) -> configparser.ConfigParser:
    # No interpolation: a '%' in a secret key is just a character.
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with open(path, encoding="utf-8") as file:
            parser.read_file(file)
    except FileNotFoundError:
        raise ConfigError("not found", path=visible(path)) from None
    except (OSError, UnicodeDecodeError) as problem:
        raise ConfigError(f"cannot read: {problem}", path=visible(path)) from None
    except configparser.Error as problem:
        line = getattr(problem, "lineno", None)
        first_line = str(problem).splitlines()[0]
        raise ConfigError(f"not a valid INI file: {visible(first_line)}", path=visible(path), line=line) from None
    if not parser.has_section(SECTION):
        raise ConfigError(f"has no [{SECTION}] section", path=visible(path))
    return parser


def _bucket(section: configparser.SectionProxy) -> str:
    bucket = section.get("bucket", "").strip()
    appid = section.get("appid", "").strip()
    # Old coscmd configs keep the APPID apart from the bucket's short name.
    if bucket and appid and not bucket.endswith(f"-{appid}"):
        bucket = f"{bucket}-{appid}"
    return bucket


def read(request: ImportRequest) -> Imported:
    path = request.source or request.home / ".cos.conf"
    origin = str(path)
    section = _load(origin)[SECTION]
    stored_region = section.get("region", "")
    region = (
        normalize_region(stored_region) if stored_region.strip() else region_from_endpoint(section.get("endpoint", ""))
    )
    return Imported(
        tool="coscmd",
        origin=origin,
        suggested_name="coscmd",
        credentials=Credentials(
            need(section.get("secret_id") or section.get("access_id"), "secret_id", origin),
            need(section.get("secret_key"), "secret_key", origin),
            section.get("token", "").strip(),
        ),
        region=request.region or region,
        bucket=request.bucket or _bucket(section),
    )
