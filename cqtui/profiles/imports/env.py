"""The TENCENTCLOUD_* environment variables, stored as a profile."""

from __future__ import annotations

from cqtui.ci.credentials import Credentials
from cqtui.ci.errors import ConfigError
from cqtui.profiles.imports import Imported, ImportRequest
from cqtui.profiles.sources import ENV_REGION, ENV_SECRET_ID, ENV_SECRET_KEY, ENV_TOKEN

ORIGIN = "environment"


def read(request: ImportRequest) -> Imported:
    if request.source is not None:
        raise ConfigError("--from does not apply to `import env`; it reads TENCENTCLOUD_* variables", key="--from")
    missing = [name for name in (ENV_SECRET_ID, ENV_SECRET_KEY) if not request.env.get(name)]
    if missing:
        raise ConfigError(f"{' and '.join(missing)} not set", key=missing[0])
    return Imported(
        tool="env",
        origin=ORIGIN,
        suggested_name="env",
        credentials=Credentials(
            request.env[ENV_SECRET_ID].strip(),
            request.env[ENV_SECRET_KEY].strip(),
            request.env.get(ENV_TOKEN, "").strip(),
        ),
        region=request.region or request.env.get(ENV_REGION, "").strip(),
        bucket=request.bucket or "",
    )
