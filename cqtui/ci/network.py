"""How the bytes get there: the proxy and the trusted CAs, one set of rules for both clients.

- Proxy: the profile's `proxy` when it has one (`proxy = ""`: none), else, as curl
  and pip read them, `https_proxy`/`HTTPS_PROXY`, then `all_proxy`/`ALL_PROXY`
  (lower case first). `NO_PROXY`/`no_proxy` names hosts reached directly: `*`,
  names (`example.com` and `.example.com` match it and its subdomains, `:port`
  optional), IP addresses and CIDR ranges. Only https:// goes through a proxy:
  plain http:// is for loopback endpoints only (endpoint.py), never proxied, so
  `HTTP_PROXY`, which is for http:// URLs, never applies. The proxy is an
  http:// one, reached with CONNECT to the host connected to (the endpoint's
  host:port, else the real CI host:443); user:password in its URL become a
  Proxy-Authorization header.
- CAs: the default bundle (certifi's, as httpx uses) plus the PEM file in the
  profile's `ca_bundle`, else `SSL_CERT_FILE`: a company CA adds trust, it never
  replaces it. Verification cannot be turned off: `PYTHONHTTPSVERIFY`,
  `CURL_CA_BUNDLE`, `REQUESTS_CA_BUNDLE` change nothing.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from cqtui.ci.errors import ConfigError, TransportError
from cqtui.safetext import capped, visible, visible_url

# typing.TYPE_CHECKING without importing typing (~3 ms of a one-shot run); type checkers know the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import ssl

PROXY_VARIABLES = ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")
NO_PROXY_VARIABLES = ("no_proxy", "NO_PROXY")
CA_VARIABLE = "SSL_CERT_FILE"
_STATUS = re.compile(r"(\d{3})(.*)")


@dataclass(frozen=True, slots=True)
class Network:
    """The route and the trust of a client's requests; the default goes direct and trusts the default bundle."""

    proxy: str = ""  # http://[user:password@]host:port; "" for none
    no_proxy: str = ""  # NO_PROXY's list
    ca_bundle: str = ""  # a PEM file of CAs trusted besides the default bundle

    def proxy_for(self, origin: str) -> str:
        """The proxy to reach `origin` (`scheme://host[:port]`) through; "" to connect directly."""
        parts = urlsplit(origin)
        if not self.proxy or parts.scheme != "https" or bypassed(parts.hostname or "", parts.port, self.no_proxy):
            return ""
        return self.proxy


DIRECT = Network()


# ---- the proxy -------------------------------------------------------------------


def normalized_proxy(url: str) -> str:
    """`host:port` as curl reads it (`http://host:port`); any other URL as it is."""
    url = url.strip()
    return url if "://" in url or not url else f"http://{url}"


def proxy_problem(url: str) -> str | None:
    """Why `url` is not a proxy cqtui can use, or None ("" means none: fine)."""
    if not url:
        return None
    shown = visible_url(url)
    try:
        parts = urlsplit(normalized_proxy(url))
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as error:
        return f"proxy {shown!r} is not a valid URL ({error})"
    if parts.scheme != "http":
        return f"proxy {shown!r}: only http:// proxies are supported (HTTPS goes through them with CONNECT)"
    if not parts.hostname:
        return f"proxy {shown!r} must look like http://host:port"
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return f"proxy {shown!r} must not have a path, query or fragment"
    return None


def proxy_from_env(env: Mapping[str, str]) -> tuple[str, str]:
    """(the proxy, the variable it came from), or ("", "") when none is set."""
    for variable in PROXY_VARIABLES:
        if env.get(variable, "").strip():
            return normalized_proxy(env[variable]), variable
    return "", ""


def no_proxy_from_env(env: Mapping[str, str]) -> tuple[str, str]:
    for variable in NO_PROXY_VARIABLES:
        if env.get(variable, "").strip():
            return env[variable].strip(), variable
    return "", ""


def bypassed(host: str, port: int | None, no_proxy: str) -> bool:
    """True when NO_PROXY's `no_proxy` says `host` is reached directly."""
    host = host.lower().strip("[]").rstrip(".")
    for entry in (part.strip().lower() for part in no_proxy.replace(" ", ",").split(",")):
        if entry == "*":
            return True
        if entry and _matches(host, port, entry):
            return True
    return False


def _matches(host: str, port: int | None, entry: str) -> bool:
    try:
        return ipaddress.ip_address(host) in ipaddress.ip_network(entry.strip("[]"), strict=False)
    except ValueError:
        pass  # not an address and a range: names below
    name, _, wanted_port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
    if wanted_port and wanted_port != str(port or 443):
        return False
    name = name.lstrip(".").rstrip(".")
    return host == name or host.endswith("." + name)


def tunnel(proxy: str) -> tuple[str, int, dict[str, str]]:
    """(host, port, headers of the CONNECT) for an http:// proxy URL."""
    parts = urlsplit(proxy)
    headers = {}
    if parts.username is not None:
        import base64

        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        headers["Proxy-Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    return parts.hostname or "", parts.port or 80, headers


def proxy_refused(proxy: str, target: str, answer: str) -> TransportError:
    """The proxy answered CONNECT with something else than 200: `answer` is its status and reason."""
    found = _STATUS.search(answer)
    said = f"{found.group(1)} {visible(capped(found.group(2).strip(), 100))}".strip() if found else "no answer"
    return TransportError("ProxyError", f"the proxy {visible_url(proxy)} refused to open a tunnel to {target}: {said}")


# ---- trust -----------------------------------------------------------------------


def ca_bundle_problem(path: str) -> str | None:
    if path and not os.path.isfile(os.path.expanduser(path)):
        return f"ca_bundle {visible(path)!r} is not a file"
    return None


def tls_context(ca_bundle: str = "") -> ssl.SSLContext:
    """Verified TLS: the default bundle, plus the CAs in `ca_bundle` when given."""
    import ssl

    import certifi  # the bundle httpx verifies with by default: the same trust on both paths

    context = ssl.create_default_context(cafile=certifi.where())
    if ca_bundle:
        try:
            context.load_verify_locations(cafile=os.path.expanduser(ca_bundle))
        except (OSError, ssl.SSLError) as error:
            raise ConfigError(
                f"ca_bundle {visible(ca_bundle)!r} holds no PEM certificate cqtui can read ({error})", key="ca_bundle"
            ) from None
    return context
