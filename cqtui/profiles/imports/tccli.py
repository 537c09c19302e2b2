"""tccli: `~/.tccli/<profile>.credential` (JSON) and `<profile>.configure` (region).

The tccli profile is the one `--from` names (a `.credential` file), else
$TCCLI_PROFILE, else `default`, as tccli itself chooses.
"""

from __future__ import annotations

from cqtui.ci.credentials import Credentials
from cqtui.ci.errors import ConfigError
from cqtui.profiles.imports import Imported, ImportRequest, load_json, need
from cqtui.profiles.imports.regions import normalize_region
from cqtui.safetext import visible

CREDENTIAL_SUFFIX = ".credential"
CONFIGURE_SUFFIX = ".configure"


def read(request: ImportRequest) -> Imported:
    profile = request.env.get("TCCLI_PROFILE") or "default"
    folder = request.home / ".tccli"
    if request.source is not None:
        if request.source.is_dir():
            folder = request.source
        else:
            folder = request.source.parent
            profile = request.source.name.removesuffix(CREDENTIAL_SUFFIX).removesuffix(CONFIGURE_SUFFIX)
    credential_path = folder / f"{profile}{CREDENTIAL_SUFFIX}"
    origin = str(credential_path)
    credential = load_json(credential_path)
    if credential.get("type") == "cvm-role":
        raise ConfigError(
            "uses a CVM role, not a SecretId/SecretKey pair; cqtui needs the pair",
            path=visible(origin),
        )
    configure_path = folder / f"{profile}{CONFIGURE_SUFFIX}"
    configure = load_json(configure_path) if configure_path.exists() else {}
    system = configure.get("_sys_param")
    # tccli before 3.0.30 kept region at the top level of the .configure file.
    stored_region = (system.get("region") if isinstance(system, dict) else None) or configure.get("region")
    region = request.region or (normalize_region(stored_region) if isinstance(stored_region, str) else "")
    token = credential.get("token")
    return Imported(
        tool="tccli",
        origin=origin,
        suggested_name="tccli" if profile == "default" else f"tccli-{profile}",
        credentials=Credentials(
            need(credential.get("secretId"), "secretId", origin),
            need(credential.get("secretKey"), "secretKey", origin),
            token.strip() if isinstance(token, str) else "",
        ),
        region=region,
        bucket=request.bucket or "",
    )
