"""The fault matrix, defined once as data: what is injected and what `cqtui queues` and the TUI must do.

tests/test_reliability_matrix_cli.py and tests/test_reliability_matrix_tui.py
are parametrized over ROWS; `python -m tests.reliability_matrix` prints the
same rows as the Markdown table in the README.

Every fault goes through the emulator over loopback (or, for "connection
refused", to a port where nothing listens). The client retries a read-only GET
3 times on 5xx, SlowDown, resets and cut-off bodies; never on 4xx, on an
unreadable 200 or on a read timeout.
"""

from __future__ import annotations

from dataclasses import dataclass

ATTEMPTS = 3  # the client's default RetryPolicy


@dataclass(frozen=True)
class Expect:
    """One side's outcome. `code=None` means success: exit 0 / rows shown without an error."""

    code: str | None = None
    status: int | None = None  # the HTTP status the message must name
    request_id: bool = False  # the message names the server's RequestId
    note: str = ""  # extra words for the README table


@dataclass(frozen=True)
class FaultRow:
    id: str
    name: str
    inject: str  # in words, for the README
    cli: Expect
    tui: Expect
    fault: str | None = None  # emulator fault kind (cqtui.emulator.faults.FAULTS)
    times: int | None = None  # None: every request until cleared
    latency_ms: float = 0
    clock_skew: float = 0
    refused: bool = False  # nothing listens on the endpoint
    wrong_key: bool = False  # the emulator stops accepting the client's SecretKey
    cli_args: tuple[str, ...] = ()
    tui_keys: tuple[str, ...] = ("r",)
    attempts: int | None = None  # requests the emulator sees for one fetch (None: not checked)


def _error(code: str, status: int | None = None, *, request_id: bool = True, note: str = "") -> Expect:
    return Expect(code, status, request_id and status is not None, note)


RECOVERED = Expect(note="retried and recovered")

ROWS: tuple[FaultRow, ...] = (
    FaultRow(
        "latency",
        "latency beyond the read timeout",
        "every answer 2 s late; read timeout 0.5 s (`--timeout 0.5`; TUI test: 1 s)",
        cli=_error("ReadTimeout", note="not retried: one timeout, not three"),
        tui=_error("ReadTimeout", note="not retried"),
        latency_ms=2000,
        cli_args=("--timeout", "0.5"),
        attempts=1,
    ),
    FaultRow(
        "slow-body",
        "a body that trickles in",
        "`--fault slow_body` (a byte every 0.1 s: no single read is late)",
        cli=_error("TotalTimeout", note="the whole answer is capped at 4× `--timeout`; not retried"),
        tui=_error("TotalTimeout", note="not retried"),
        fault="slow_body",
        cli_args=("--timeout", "0.5"),
        attempts=1,
    ),
    FaultRow(
        "500-once",
        "500 once",
        "`--fault http500:1`",
        cli=RECOVERED,
        tui=RECOVERED,
        fault="http500",
        times=1,
        attempts=2,
    ),
    FaultRow(
        "500",
        "500 on every attempt",
        "`--fault http500`",
        cli=_error("InternalError", 500, note="after 3 attempts"),
        tui=_error("InternalError", 500),
        fault="http500",
        attempts=ATTEMPTS,
    ),
    FaultRow(
        "502-html",
        "502 with an HTML body",
        "`--fault http502_html` (gateway page)",
        cli=_error("HTTP502", 502, note="message from the page title, after 3 attempts"),
        tui=_error("HTTP502", 502),
        fault="http502_html",
        attempts=ATTEMPTS,
    ),
    FaultRow(
        "503-once",
        "503 SlowDown once",
        "`--fault http503_slowdown:1`",
        cli=RECOVERED,
        tui=RECOVERED,
        fault="http503_slowdown",
        times=1,
        attempts=2,
    ),
    FaultRow(
        "503",
        "503 SlowDown on every attempt",
        "`--fault http503_slowdown`",
        cli=_error("SlowDown", 503, note="after 3 attempts"),
        tui=_error("SlowDown", 503),
        fault="http503_slowdown",
        attempts=ATTEMPTS,
    ),
    FaultRow(
        "refused",
        "connection refused",
        "endpoint on a closed port (TUI: the emulator stops)",
        cli=_error("ConnectError", note="after 3 attempts"),
        tui=_error("ConnectError"),
        refused=True,
    ),
    FaultRow(
        "reset",
        "connection reset before any answer",
        "`--fault connection_reset` (RST)",
        cli=_error("ReadError", note="after 3 attempts"),
        tui=_error("ReadError"),
        fault="connection_reset",
        attempts=ATTEMPTS,
    ),
    FaultRow(
        "reset-mid-body",
        "connection reset mid-body",
        "`--fault reset_mid_body` (half a listing, then RST)",
        cli=_error("ReadError", note="after 3 attempts"),
        tui=_error("ReadError"),
        fault="reset_mid_body",
        attempts=ATTEMPTS,
    ),
    FaultRow(
        "truncated",
        "truncated body",
        "`--fault truncated_body` (Content-Length promises more)",
        cli=_error("ProtocolError", note="after 3 attempts"),
        tui=_error("ProtocolError"),
        fault="truncated_body",
        attempts=ATTEMPTS,
    ),
    FaultRow(
        "malformed",
        "malformed XML",
        "`--fault malformed_xml`",
        cli=_error("MalformedXML", 200, note="with an excerpt"),
        tui=_error("MalformedXML", 200),
        fault="malformed_xml",
        attempts=1,
    ),
    FaultRow(
        "html-200",
        "HTML page with 200 (captive portal)",
        "`--fault html_body`",
        cli=_error("UnexpectedXML", 200, note="names the HTML page's title"),
        tui=_error("UnexpectedXML", 200),
        fault="html_body",
        attempts=1,
    ),
    FaultRow(
        "dtd",
        "XML with a DTD",
        "`--fault dtd`",
        cli=_error("UnsafeXML", 200, note="refused before parsing"),
        tui=_error("UnsafeXML", 200),
        fault="dtd",
        attempts=1,
    ),
    FaultRow(
        "entity-expansion",
        "entity expansion (billion laughs)",
        "`--fault entity_expansion`",
        cli=_error("UnsafeXML", 200, note="nothing expanded"),
        tui=_error("UnsafeXML", 200),
        fault="entity_expansion",
        attempts=1,
    ),
    FaultRow(
        "external-entity",
        "external entity (`file:///etc/passwd`)",
        "`--fault external_entity`",
        cli=_error("UnsafeXML", 200, note="nothing read"),
        tui=_error("UnsafeXML", 200),
        fault="external_entity",
        attempts=1,
    ),
    FaultRow(
        "huge",
        "50 MiB body",
        "`--fault huge_body` (chunked, no Content-Length)",
        cli=_error("ResponseTooLarge", 200, note="stops reading at 8 MiB; peak RSS < 200 MiB"),
        tui=_error("ResponseTooLarge", 200),
        fault="huge_body",
        attempts=1,
    ),
    FaultRow(
        "json-error",
        "JSON error body",
        "`--fault json_error` (400, API 3.0 shape)",
        cli=_error("InvalidParameter", 400),
        tui=_error("InvalidParameter", 400),
        fault="json_error",
        attempts=1,
    ),
    FaultRow(
        "empty",
        "empty 200 body",
        "`--fault empty_body`",
        cli=_error("EmptyResponse", 200),
        tui=_error("EmptyResponse", 200),
        fault="empty_body",
        attempts=1,
    ),
    FaultRow(
        "signature",
        "403 SignatureDoesNotMatch",
        "`--fault signature_mismatch`",
        cli=_error("SignatureDoesNotMatch", 403, note="hint: check the key"),
        tui=_error("SignatureDoesNotMatch", 403),
        fault="signature_mismatch",
        attempts=1,
    ),
    FaultRow(
        "wrong-key",
        "wrong SecretKey (real signature check)",
        "the emulator expects another key",
        cli=_error("SignatureDoesNotMatch", 403),
        tui=_error("SignatureDoesNotMatch", 403),
        wrong_key=True,
        attempts=1,
    ),
    FaultRow(
        "access-key",
        "403 InvalidAccessKeyId",
        "`--fault invalid_access_key`",
        cli=_error("InvalidAccessKeyId", 403),
        tui=_error("InvalidAccessKeyId", 403),
        fault="invalid_access_key",
        attempts=1,
    ),
    FaultRow(
        "access-denied",
        "403 AccessDenied",
        "`--fault access_denied`",
        cli=_error("AccessDenied", 403, note="hint names the CAM action"),
        tui=_error("AccessDenied", 403),
        fault="access_denied",
        attempts=1,
    ),
    FaultRow(
        "expired-token",
        "403 ExpiredToken",
        "`--fault expired_token`",
        cli=_error("ExpiredToken", 403),
        tui=_error("ExpiredToken", 403),
        fault="expired_token",
        attempts=1,
    ),
    FaultRow(
        "no-bucket",
        "404 unknown bucket",
        "`--fault no_such_bucket`",
        cli=_error("NoSuchBucket", 404, note="hint: CI not bound to the bucket"),
        tui=_error("NoSuchBucket", 404),
        fault="no_such_bucket",
        attempts=1,
    ),
    FaultRow(
        "skew",
        "clock skewed by one hour",
        "`--clock-skew 3600`",
        cli=Expect(note="RequestTimeTooSkewed, corrected from the server's Date, recovered"),
        tui=Expect(note="corrected and recovered"),
        clock_skew=3600,
        attempts=2,
    ),
    FaultRow(
        "endless-total",
        "TotalCount that never ends",
        "`--fault endless_total` (TotalCount 10^9, pages always full)",
        cli=_error("TooManyQueues", 200, note="`--all` refuses after page 1"),
        tui=Expect(note="shows the page and the claimed count; never pages by itself"),
        fault="endless_total",
        cli_args=("--all",),
    ),
    FaultRow(
        "same-page",
        "the same page forever",
        "`--fault same_page` (every page is page 1)",
        cli=_error("RepeatedPage", 200, note="`--all` stops at page 2"),
        tui=Expect(note="`n` shows what was sent; no loop"),
        fault="same_page",
        cli_args=("--all", "--page-size", "10"),
        tui_keys=("n",),
    ),
)


WRONG_KEY = "not-the-key-the-client-signs-with"


def inject(emulator, row: FaultRow) -> None:
    """Apply `row` to a running cqtui.emulator.server.Emulator (all but `refused`)."""
    from cqtui.emulator.server import DEMO_SECRET_ID

    if row.fault is not None:
        emulator.set_fault(row.fault, row.times)
    emulator.latency_ms = row.latency_ms
    emulator.clock_skew_seconds = row.clock_skew
    if row.wrong_key:
        emulator.secrets[DEMO_SECRET_ID] = WRONG_KEY


def _words(expect: Expect, *, cli: bool) -> str:
    if expect.code is None:
        outcome = "exit 0, " + expect.note if cli else "rows shown, no error; " + expect.note
        return outcome
    parts = [f"`{expect.code}`"]
    if expect.status is not None:
        parts.append(f"HTTP {expect.status}")
    if expect.request_id:
        parts.append("RequestId")
    lead = "exit 1: " if cli else "error panel: "
    tail = f"; {expect.note}" if expect.note else ""
    keep = "" if cli else "; old rows kept"
    return lead + ", ".join(parts) + keep + tail


def markdown_table() -> str:
    lines = [
        "| fault | how it is injected | `cqtui queues` | TUI (`r` after a good page) |",
        "|---|---|---|---|",
    ]
    for row in ROWS:
        lines.append(f"| {row.name} | {row.inject} | {_words(row.cli, cli=True)} | {_words(row.tui, cli=False)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
