"""Plain-words hints for the errors people hit most, shared by the TUI and the CLI.

Textual-free on purpose: `cqtui queues` prints the same hint under its error line.
"""

from __future__ import annotations

from cqtui.ci.errors import ConfigError, CqtuiError, ResponseFormatError, ServiceError, TransportError
from cqtui.ci.timing import MAX_RETRY_AFTER

_WRONG_KEY = (
    "The SecretId/SecretKey pair is wrong, or the key was disabled or deleted. "
    "Check the profile's secret_id and secret_key (cqtui profiles show NAME)."
)

_BY_CODE = {
    "SignatureDoesNotMatch": _WRONG_KEY,
    "InvalidAccessKeyId": _WRONG_KEY,
    "ExpiredToken": "The temporary (STS) credentials have expired: get a new token and update the profile.",
    "InvalidToken": "The temporary (STS) token is not valid for this SecretId: get a fresh set of credentials.",
    "NoSuchBucket": (
        "The bucket does not exist here, or it is not bound to Cloud Infinite with this "
        "processing service enabled. Check the bucket name (BucketName-APPID) and the region."
    ),
    "InvalidArgument": "The service rejected a request parameter (page size, state or a queue id).",
    "BadRequest": "The service rejected a request parameter (page size, state or a queue id).",
    # cqtui's own codes for a listing that does not add up (`cqtui queues --all`).
    "TooManyQueues": (
        "The server claims or sends more queues than cqtui will hold: a proxy or a server fault (or one that "
        "ignores pageSize). "
        "List one page at a time with --page, or narrow with --state or --queue-ids."
    ),
    "TooManyBuckets": "The server claims or sends more buckets than cqtui will hold: a proxy or a server fault.",
    "ListingTooLarge": (
        "The pages of the listing add up to far more than any CI listing: a proxy or a server fault. "
        "List one page at a time with --page."
    ),
    "RepeatedPage": (
        "The server sent entries it had already sent, as if it ignored the page number: a proxy or a "
        "server fault. List one page at a time with --page."
    ),
}


def _access_denied_hint(error: ServiceError) -> str:
    if error.action:
        return f"The key is valid but may not make this call: grant the CAM action {error.action} to the sub-account."
    return "The key is valid but may not make this call: check the sub-account's CAM permissions for Cloud Infinite."


def _skew_hint(error: ServiceError) -> str:
    hint = "This computer's clock is off (the signature is only valid for a short time): sync it, e.g. with NTP."
    if error.server_date:
        hint += f" The server's time was {error.server_date}."
    return hint


def _throttle_hint(error: ServiceError) -> str:
    hint = "The service is throttling requests. This is transient: retry in a moment."
    if error.retry_after is not None:
        hint += f" It asked to wait {error.retry_after:g} s before retrying"
        hint += "." if error.retry_after <= MAX_RETRY_AFTER else f", more than cqtui waits ({MAX_RETRY_AFTER:g} s)."
    return hint


def _transport_hint(error: TransportError) -> str:
    kind = error.kind.lower()
    if kind == "proxyerror":
        return (
            'The proxy would not open a tunnel: 407 wants credentials (proxy = "http://user:password@host:port"), '
            '403 refuses this host. Check the proxy (cqtui profiles show), or go direct with NO_PROXY or proxy = "".'
        )
    if kind == "tlserror":
        return (
            "The server's TLS certificate was not accepted (self-signed, expired or for another host): "
            "a TLS-intercepting proxy or a wrong endpoint. cqtui always verifies certificates."
        )
    if "timeout" in kind:
        return "The service did not answer in time. Check the network or proxy, then retry."
    if kind in ("readerror", "protocolerror"):
        return (
            "The connection broke before a complete answer arrived: a flaky network or a proxy "
            "cutting it off. Retry; if it keeps happening, check the proxy."
        )
    return (
        "Could not reach the service: check the network, proxy, DNS and the endpoint (region and bucket), then retry."
    )


def _format_hint(error: ResponseFormatError) -> str:
    hint = (
        "The answer is not the XML Cloud Infinite sends: a proxy, captive portal or wrong endpoint may be in the way."
    )
    if error.code == "ResponseTooLarge":
        hint = "The answer is far larger than a queue listing: a wrong endpoint or a proxy may be in the way."
    if error.excerpt:
        hint += " Its start is shown as an excerpt."
    return hint


def hint_for(error: CqtuiError) -> str:
    """A sentence saying what usually causes `error` and what to do; "" when nothing useful is known."""
    if isinstance(error, TransportError):
        return _transport_hint(error)
    if isinstance(error, ConfigError):
        return "Fix the setting named above, or pick another profile."
    if not isinstance(error, ServiceError):
        return ""
    if isinstance(error, ResponseFormatError):
        return _format_hint(error)
    if error.code == "RequestTimeTooSkewed":
        return _skew_hint(error)
    if error.code == "AccessDenied":
        return _access_denied_hint(error)
    if error.code == "SlowDown" or error.http_status == 429:
        return _throttle_hint(error)
    if error.code in _BY_CODE:
        return _BY_CODE[error.code]
    if error.http_status == 404:
        return _BY_CODE["NoSuchBucket"]
    if error.transient:
        return "A server-side problem that is usually transient: retry in a moment."
    if error.http_status == 403:
        return "The service refused the request: check the key, its CAM permissions and the bucket."
    if error.http_status == 400:
        return (
            "The service found the request malformed: check that the endpoint is the bucket's CI host "
            "(https://BucketName-APPID.ci.REGION.myqcloud.com)."
        )
    return ""
