"""The fault matrix, defined once as data: what is injected and what `cqtui queues` and the TUI must do;
then the README's other table (hostile input, secrets, transport, the profile file, the terminal).

tests/test_reliability_matrix_cli.py and tests/test_reliability_matrix_tui.py
are parametrized over ROWS. Each of HOSTILE_ROWS names the tests that prove it
(tests/test_reliability_tables.py checks they exist). `python -m tests.reliability_matrix`
prints both as the Markdown tables in the README.

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
    tui: Expect | None  # None: a row about `--all`, which the TUI never does (it pages one page at a time)
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
    FaultRow(
        "gzip-bomb",
        "a gzip bomb",
        "`--fault gzip_bomb` (281 bytes of `Content-Encoding: gzip, gzip, gzip` that decode to 2 GiB)",
        cli=_error("ResponseTooLarge", 200, note="decoding stops at 8 MiB; peak RSS < 200 MiB"),
        tui=_error("ResponseTooLarge", 200),
        fault="gzip_bomb",
        attempts=1,
    ),
    FaultRow(
        "gzip-bomb-all",
        "a gzip bomb, `--all` (the async client)",
        "`--fault gzip_bomb`, `cqtui queues --all`",
        cli=_error("ResponseTooLarge", 200, note="decoding stops at 8 MiB; peak RSS < 200 MiB"),
        tui=None,
        fault="gzip_bomb",
        cli_args=("--all",),
        attempts=1,
    ),
    FaultRow(
        "gzip-unasked",
        "a compressed answer",
        "`--fault gzip_unasked` (page 1 gzip-compressed, asked for or not)",
        cli=Expect(note="decoded as the async client decodes it"),
        tui=Expect(note="decoded"),
        fault="gzip_unasked",
        attempts=1,
    ),
    FaultRow(
        "slow-headers",
        "a status line and headers that trickle in",
        "`--fault slow_headers` (a byte every 0.2 s)",
        cli=_error("TotalTimeout", note="the deadline covers connect, status, headers and body; not retried"),
        tui=_error("TotalTimeout", note="not retried"),
        fault="slow_headers",
        cli_args=("--timeout", "0.5"),
        attempts=1,
    ),
    FaultRow(
        "flood-all",
        "pages far larger than asked, `--all`",
        "`--fault flood_pages` (10,000 new queues a page whatever pageSize; TotalCount 5,000)",
        cli=_error("TooManyQueues", 200, note="stops once 20,000 queues are held; peak RSS < 200 MiB"),
        tui=Expect(note="shows the 10,000 queues the page held"),
        fault="flood_pages",
        cli_args=("--all",),
    ),
    FaultRow(
        "no-total-all",
        "no TotalCount, `--all`",
        "`--fault no_total`",
        cli=Expect(note="pages until a short page: every queue, and stderr says TotalCount was missing"),
        tui=Expect(note="the page, its count unknown"),
        fault="no_total",
        cli_args=("--all", "--page-size", "10"),
    ),
    FaultRow(
        "huge-all",
        "50 MiB body, `--all`",
        "`--fault huge_body`, `cqtui queues --all`",
        cli=_error("ResponseTooLarge", 200, note="stops reading at 8 MiB; peak RSS < 200 MiB"),
        tui=None,
        fault="huge_body",
        cli_args=("--all",),
        attempts=1,
    ),
    FaultRow(
        "huge-message",
        "a 5 MB error message",
        "`--fault huge_message` (403 AccessDenied)",
        cli=_error("AccessDenied", 403, note="the message cut at 200 characters, saying how long it was"),
        tui=_error("AccessDenied", 403, note="cut the same; `y` shows it whole"),
        fault="huge_message",
        attempts=1,
    ),
    FaultRow(
        "429-once",
        "429 with Retry-After once",
        "`--fault too_many_requests:1` (Retry-After: 1)",
        cli=Expect(note="retried after the 1 s asked, recovered"),
        tui=Expect(note="retried after the 1 s asked, recovered"),
        fault="too_many_requests",
        times=1,
        attempts=2,
    ),
    FaultRow(
        "retry-after-long",
        "503 asking to wait two minutes",
        "`--fault retry_after_long` (SlowDown, Retry-After: 120)",
        cli=_error("SlowDown", 503, note="not retried: more than cqtui waits (30 s); the hint says so"),
        tui=_error("SlowDown", 503, note="not retried"),
        fault="retry_after_long",
        attempts=1,
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
        tui = "— (the TUI pages one page at a time: the row above)" if row.tui is None else _words(row.tui, cli=False)
        lines.append(f"| {row.name} | {row.inject} | {_words(row.cli, cli=True)} | {tui} |")
    return "\n".join(lines)


# ---- hostile input, secrets, transport, the profile file, the terminal -------------------


@dataclass(frozen=True)
class HostileRow:
    tried: str
    result: str
    proof: tuple[str, ...]  # "test_module::test_function": the tests that show it


HOSTILE_ROWS: tuple[HostileRow, ...] = (
    HostileRow(
        "Arbitrary bytes and arbitrary well-formed XML (hypothesis) into the response parser, including 100,000-deep "
        "JSON, unknown encodings, 5,000-deep XML, 400-digit integers",
        "a page or a cqtui error with code, status and RequestId; never another exception. Integers must be ASCII "
        "digits in 64-bit range, else a warning line",
        (
            "test_properties_parsing::test_any_bytes_give_a_page_or_a_service_error",
            "test_properties_parsing::test_well_formed_xml_of_any_shape_gives_a_page_or_a_service_error",
            "test_properties_parsing::test_hostile_bodies_give_a_cqtui_error",
            "test_properties_parsing::test_integers_are_ascii_digits_only_else_a_problem",
        ),
    ),
    HostileRow(
        "Arbitrary Unicode (markup like `[@click=app.quit]`, C1 controls, bidi overrides, combining marks, wide CJK, "
        "emoji) in every field, through the real client to list, detail, NotifyConfig, raw XML, error panel, profile "
        "picker and context bar (hypothesis)",
        "shown literally (`\\x9b`, `\\u202e` escapes); no raw control character reaches the terminal; clicking runs "
        "nothing",
        (
            "test_properties_screens::test_every_queue_field_is_drawn_literally_on_every_screen",
            "test_properties_screens::test_every_error_field_is_drawn_literally",
            "test_properties_screens::test_profile_names_are_drawn_literally_in_the_picker_and_the_context_bar",
        ),
    ),
    HostileRow(
        "The same text in `cqtui queues` and `cqtui buckets` table, CSV, TSV and JSON (every family, overview rows)",
        "no raw control characters; JSON gives back exactly what was sent; the table fits its width, one row per queue",
        (
            "test_properties_output::test_table_and_summary_fit_and_show_nothing_raw",
            "test_properties_output::test_json_round_trips_every_value_and_csv_and_tsv_rows_stay_rows",
            "test_properties_output::test_buckets_and_overview_rows_render_literally",
        ),
    ),
    HostileRow(
        "Other tools' credential files (tccli, coscmd, COSCLI), any content",
        "imported, or a config error naming the file",
        (
            "test_properties_imports::test_hostile_files_are_a_config_error",
            "test_properties_imports::test_any_text_file_is_imported_or_a_config_error",
            "test_properties_imports::test_any_tccli_json_is_imported_or_a_config_error",
        ),
    ),
    HostileRow(
        "A known SecretKey and session token through every command (queues in each format and on errors, "
        "`profiles list/show/add/edit/test/import`, `emulator`) and every screen, the profile form included",
        "never in stdout, stderr, Python logging at DEBUG (httpx/httpcore included), any error's str/repr, or any "
        "screenshot; the Authorization and token headers are never logged",
        (
            "test_security_secrets::test_every_command_keeps_the_secrets",
            "test_security_secrets::test_http_logging_never_shows_the_authorization_or_token_headers",
            "test_security_secrets::test_no_error_or_profile_object_shows_a_secret",
            "test_security_secrets::test_no_screen_shows_a_secret",
            "test_security_secrets::test_the_profile_form_never_shows_a_stored_secret",
        ),
    ),
    HostileRow(
        'A password in a URL (`endpoint = "https://svc:pw@host"`, `--endpoint http://u:pw@127.0.0.1`) through '
        "`profiles list/show` (table and JSON), `queues`, `profiles add/edit/import/test`, the picker and the form",
        "shown as `svc:***@host` (a lone user name, often a token, as `***@host`); the URL is still named in the "
        "error that refuses it",
        (
            "test_security_url_passwords::test_no_command_prints_the_password",
            "test_security_url_passwords::test_the_picker_and_the_form_never_draw_the_password",
            "test_security_url_passwords::test_visible_url_hides_the_password",
        ),
    ),
    HostileRow(
        "`Y` on a QueueId or RequestId from the server holding a line break (`p1\\necho PWNED\\n`), a control, bidi, "
        "zero-width or non-breaking character, or over 256 characters",
        "nothing reaches the clipboard; a notification says why. Every copy goes through one check "
        "(`safetext.paste_problem`)",
        (
            "test_security_clipboard::test_y_refuses_a_queue_id_unsafe_to_paste_and_says_why",
            "test_security_clipboard::test_the_error_panel_refuses_a_request_id_unsafe_to_paste",
            "test_security_clipboard::test_y_copies_a_safe_queue_id",
        ),
    ),
    HostileRow(
        "A `secret_key_command` that floods stdout (`yes`) or stderr (200 MB)",
        "at most 64 KiB of each is read; flooding stdout: the command is killed, exit 2 saying so. The CLI's peak "
        "RSS stays under 100 MiB",
        ("test_reliability_profiles::test_a_secret_key_command_that_floods_its_output_is_read_within_a_bound",),
    ),
    HostileRow(
        "HTTPS endpoint with a self-signed certificate, even with `SSL_CERT_FILE` (another CA's), "
        "`REQUESTS_CA_BUNDLE`, `CURL_CA_BUNDLE=`, `PYTHONHTTPSVERIFY=0` set",
        "`TLSError` naming the certificate problem, no request sent, not retried; no option or variable turns "
        "verification off",
        (
            "test_security_transport::test_self_signed_certificate_is_a_clear_tls_error_sent_nothing_and_not_retried",
            "test_security_transport::test_cli_refuses_the_certificate_whatever_the_environment_says",
            "test_security_transport::test_no_option_turns_verification_off",
        ),
    ),
    HostileRow(
        "A company CA: an HTTPS emulator whose certificate a local CA signed, the CA in a profile's `ca_bundle` or in "
        "`SSL_CERT_FILE`; a missing or non-PEM file",
        "trusted besides the default bundle, by both clients and the CLI; without it `TLSError`; a file that is "
        "missing or holds no certificate: exit 2 naming `ca_bundle` or `SSL_CERT_FILE`",
        (
            "test_security_proxy::test_both_clients_go_through_the_proxy_and_trust_the_company_ca",
            "test_security_proxy::test_without_the_company_ca_the_certificate_is_refused",
            "test_security_proxy::test_the_cli_follows_https_proxy_and_ssl_cert_file",
            "test_security_proxy::test_an_unusable_proxy_or_ca_from_the_environment_is_a_usage_error",
            "test_security_proxy::test_a_ca_bundle_that_is_no_pem_is_a_config_error",
            "test_security_proxy::test_verification_still_cannot_be_turned_off",
        ),
    ),
    HostileRow(
        "A forwarding proxy (a real CONNECT proxy on 127.0.0.1): `HTTPS_PROXY`/`https_proxy`/`ALL_PROXY`, "
        '`NO_PROXY` (names, `.suffix`, `host:port`, IPs, CIDR, `*`), a profile\'s `proxy` (and `proxy = ""`), '
        "`HTTP_PROXY`; a proxy that wants credentials, one refusing CONNECT (407, 403), a socks5:// one",
        "both clients, `queues`, `queues --all`, the TUI and the form's test tunnel to the endpoint's host:port (the "
        "real CI host:443 without one), the real CI host sent and signed inside; NO_PROXY hosts and plain-http "
        "loopback endpoints go direct; `HTTP_PROXY` never applies (no http:// leaves loopback); a refusal: one "
        "`ProxyError` line and a hint, not retried; socks: exit 2 naming the variable. `profiles show` and the "
        "context bar name the proxy, its password as `***`",
        (
            "test_security_proxy::test_both_clients_go_through_the_proxy_and_trust_the_company_ca",
            "test_security_proxy::test_no_proxy_goes_direct",
            "test_security_proxy::test_plain_http_to_loopback_never_goes_through_a_proxy",
            "test_security_proxy::test_no_proxy_matches_as_curl_does",
            "test_security_proxy::test_a_proxy_refusing_connect_is_one_clear_error",
            "test_security_proxy::test_a_proxy_asking_for_credentials_gets_them_from_the_url",
            "test_security_proxy::test_the_cli_with_all_goes_through_the_proxy_too",
            "test_security_proxy::test_no_proxy_and_http_proxy_leave_the_cli_direct",
            "test_security_proxy::test_a_profile_proxy_overrides_the_environment_and_empty_turns_it_off",
            "test_security_proxy::test_a_proxy_refusing_connect_is_one_line_and_exit_1",
            "test_security_proxy::test_profiles_show_says_which_proxy_and_cas_are_used_and_from_where",
            "test_security_proxy::test_profiles_add_and_edit_set_the_proxy_and_the_ca_bundle",
            "test_security_proxy::test_the_context_bar_says_which_proxy_is_in_use",
            "test_security_proxy::test_the_profile_forms_test_follows_the_same_rules",
        ),
    ),
    HostileRow(
        "Every `Content-Encoding` a server may send: identity, gzip, x-gzip, deflate (zlib or raw), stacked "
        "(`gzip, gzip, gzip`), sent asked or not; br, compress, five layers, broken or cut-off gzip",
        "decoded alike by both clients (both send `Accept-Encoding: gzip, deflate`) in one reader that counts the "
        "decoded bytes against the 8 MiB cap, 64 KiB at a time (the 2 GiB bomb allocates the cap and one step); "
        "the rest refused as `UnsupportedEncoding` or `MalformedEncoding`",
        (
            "test_reliability_transport::test_every_encoding_is_decoded_the_same_by_both_clients",
            "test_reliability_transport::test_an_encoding_cqtui_cannot_read_is_refused_clearly",
            "test_reliability_transport::test_a_gzip_bomb_stops_at_the_cap_on_both_clients",
            "test_reliability_transport::test_the_reader_never_holds_much_more_than_the_cap_whatever_the_ratio",
            "test_reliability_transport::test_a_server_that_compresses_unasked_is_read_by_both_clients",
        ),
    ),
    HostileRow(
        "`--all` (and every listing paged by the async client, `--all-buckets`' buckets together) against a server "
        "that ignores pageSize (10,000 new queues a page), sends entries of 80 KB, or sends no TotalCount (queues "
        "and bucket lists)",
        "counted as received: at most 20,000 entries and 32 MiB (pages in flight included), else `TooManyQueues` / "
        "`ListingTooLarge`; without TotalCount it pages until a short page and says so on stderr",
        (
            "test_reliability_transport::test_a_server_ignoring_page_size_stops_at_the_items_held",
            "test_reliability_transport::test_the_bytes_held_are_bounded_too",
            "test_reliability_transport::test_without_a_total_count_every_page_is_fetched_until_a_short_one",
            "test_reliability_transport::test_bucket_lists_without_a_total_count_are_paged_to_the_end",
            "test_reliability_transport::test_the_cli_says_when_the_total_count_was_missing",
            "test_reliability_transport::test_the_buckets_of_an_overview_share_one_bound",
        ),
    ),
    HostileRow(
        "Server text at any length: a 5 MB `<Message>`, a 60 KB RequestId or TraceId header, a 3 KB reason, a 2 MB "
        "JSON message, XML Code or RequestId, a redirect's 30 KB Location with a password, 5,000 unknown ids or "
        "bad integers in one page",
        "capped where errors are built (messages at 200 characters, ids at 100, saying how long they were), the "
        "Location's password as `***`; warnings name 10 ids and 20 problems, then `and N more`. The whole message "
        "stays in the error for the TUI's `y`",
        (
            "test_reliability_transport::test_a_five_megabyte_message_is_capped_and_kept_whole",
            "test_reliability_transport::test_every_server_string_in_an_error_is_capped",
            "test_reliability_transport::test_a_redirect_location_is_capped_and_its_password_masked",
            "test_reliability_transport::test_warnings_listing_server_strings_are_capped",
            "test_reliability_transport::test_problems_a_page_tolerated_are_at_most_twenty",
            "test_reliability_transport::test_the_error_panel_shows_the_capped_message_and_y_the_whole_one",
        ),
    ),
    HostileRow(
        "429 and 503 with `Retry-After` (seconds, or an HTTP date measured from the answer's Date), short or long",
        "429 retried like SlowDown; the wait asked replaces the backoff when it is at most 30 s and ends within the "
        "call's whole-answer time, else the error comes at once and the hint says what the server asked",
        (
            "test_reliability_transport::test_429_is_retried_after_the_wait_the_server_asked",
            "test_reliability_transport::test_a_retry_after_longer_than_cqtui_waits_ends_the_call_at_once",
            "test_reliability_transport::test_retry_after_replaces_the_backoff",
            "test_reliability_transport::test_a_wait_is_never_past_the_calls_whole_answer_time_nor_past_30_s",
        ),
    ),
    HostileRow(
        "A 70 KB `--queue-ids` (with `--all` or not), a 70 KB `--category`, a bucket-list parameter over 8 KB, a 70 KB "
        "`buckets --region`",
        "refused before anything is sent: one line naming the option and the request's length (at most 8,000 bytes "
        "go on a request line), exit 2; argparse's own errors quote at most 60 characters of a value",
        (
            "test_reliability_transport::test_a_request_target_too_long_is_refused_before_sending",
            "test_reliability_transport::test_long_bucket_list_parameters_are_refused_the_same_way",
            "test_reliability_transport::test_a_long_option_is_one_line_and_exit_2",
            "test_reliability_transport::test_long_regions_for_bucket_lists_are_one_line_too",
        ),
    ),
    HostileRow(
        "Names such as `=HYPERLINK(...)`, `+cmd\\|...` (a DDE command), `-2+3`, `@SUM(...)` in `cqtui queues -o csv` "
        "and `-o tsv`",
        "a leading `'`, as spreadsheet users expect (numbers stay numbers); JSON gives the exact value; the table "
        "shows it literally",
        (
            "test_security_csv::test_a_field_a_spreadsheet_would_run_gets_a_leading_quote",
            "test_security_csv::test_the_cli_guards_csv_and_tsv_and_keeps_json_exact",
        ),
    ),
    HostileRow(
        "`http://` to anything but loopback, including tricky URLs (`127.0.0.1@evil`, `evil\\@127.0.0.1`, "
        "`[::ffff:10.0.0.1]`, `127.1`)",
        "refused by the client, `--endpoint`, `profiles add`, the TUI form and the config file (file, line and key "
        "named)",
        (
            "test_security_transport::test_plain_http_off_loopback_is_refused_by_the_client",
            "test_security_transport::test_plain_http_off_loopback_is_refused_by_the_cli_and_the_config",
            "test_security_transport::test_what_the_check_lets_through_is_loopback_to_httpx_too",
            "test_tui_profiles::test_validation_as_you_type",
        ),
    ),
    HostileRow(
        "301/302/303/307/308 to another host",
        "never followed; `Redirect` error with status and target; the other host receives nothing",
        (
            "test_security_transport::test_a_redirect_to_another_host_is_reported_and_never_followed",
            "test_security_transport::test_cli_reports_a_redirect_and_the_target_gets_nothing",
        ),
    ),
    HostileRow(
        "Disk full (ENOSPC), read-only file system, permission denied, I/O error on rename, config path under a file, "
        "file or lock file replaced by a symlink (also while waiting for the lock)",
        "a clear error naming the file (exit 2); the old file unchanged; no temp file left",
        (
            "test_reliability_profiles::test_a_failed_write_is_a_clear_error_and_the_old_file_stays",
            "test_reliability_profiles::test_a_config_path_under_a_file_is_a_clear_error",
            "test_reliability_profiles::test_a_read_only_folder_is_a_clear_error",
            "test_reliability_profiles::test_a_config_replaced_by_a_symlink_is_never_written_through",
            "test_reliability_profiles::test_a_symlink_swapped_in_while_waiting_for_the_lock_is_refused",
            "test_reliability_profiles::test_a_lock_file_that_is_a_symlink_is_refused",
        ),
    ),
    HostileRow(
        "A TOML config nested 500 deep (arrays or inline tables, on one line or many; also 400 deep, which tomllib "
        "reads and tomli_w cannot write back) through `profiles list/add`, `queues` and the TUI; an emulator `--data` "
        "file nested 100,000 deep",
        "a config error naming the file and the deepest line, exit 2; the file unchanged",
        (
            "test_reliability_profiles::test_a_config_nested_500_deep_is_a_config_error_naming_file_and_line",
            "test_reliability_profiles::test_an_emulator_queue_file_nested_deep_is_a_config_error",
        ),
    ),
    HostileRow(
        "Two processes and two threads adding 15 profiles each to one file at once; 20 concurrent "
        "`cqtui profiles add` processes",
        "every profile kept",
        (
            "test_reliability_profiles::test_two_editors_at_once_keep_every_profile",
            "test_profiles_cli::test_twenty_concurrent_adds_keep_every_profile",
        ),
    ),
    HostileRow(
        "The TUI's profile form saved while `cqtui profiles edit` (another process) changed the same profile",
        "only the fields changed in the form are written, onto the file as it is then; a field changed on both sides "
        "is not saved: the form names it and the file's value, and a second `ctrl+s` writes the user's",
        (
            "test_reliability_profiles::test_saving_the_form_keeps_what_the_cli_changed_meanwhile",
            "test_reliability_profiles::test_a_field_both_changed_is_not_overwritten_unseen",
        ),
    ),
    HostileRow(
        "`cqtui queues > file` on a full disk",
        "`cqtui: failed: No space left on device`, exit 1, no traceback",
        ("test_reliability_cli::test_output_to_a_full_disk_fails_loudly_without_a_traceback",),
    ),
    HostileRow(
        "A stdout that cannot encode `…`, `—` or CJK (`PYTHONIOENCODING=latin-1` or `ascii`, `LC_ALL=C` without "
        "Python's UTF-8 coercion) under `--help`, `profiles list`, `queues`",
        "`\\u2026`-style escapes, exit 0, no traceback",
        ("test_reliability_cli::test_output_a_terminal_cannot_encode_is_escaped_not_a_traceback",),
    ),
    HostileRow(
        "A closed stdout, stdin or stderr (`>&-`, `<&-`, `2>&-`)",
        "stdout: one line, exit 2. stdin reads as empty: the TUI and `--secret-key-stdin` say so in one line "
        "(exit 2), `profiles list` works. stderr: the exit code still tells. No file or socket takes their place",
        (
            "test_reliability_cli::test_a_closed_standard_stream_is_a_one_line_error_or_no_matter",
            "test_reliability_cli::test_with_stderr_closed_the_exit_code_still_tells",
        ),
    ),
    HostileRow(
        "SIGTERM or SIGHUP to the TUI or the first-run form, on a real pseudo-terminal",
        "exit 143 / 129; the terminal back in cooked mode with echo, on the main screen, cursor shown, mouse "
        "reporting off",
        ("test_reliability_terminal::test_a_signal_ends_the_tui_and_restores_the_terminal",),
    ),
    HostileRow(
        "The TUI with no terminal: stdin a pipe, `/dev/null` or closed; the terminal gone while SIGHUP is ignored "
        "(`nohup`: cqtui keeps it ignored)",
        "at start: one line, exit 2, before page 1 is asked for. Gone: the app ends (exit 129) instead of Textual's "
        "input thread spinning at 100% CPU",
        (
            "test_reliability_terminal::test_without_a_terminal_the_tui_says_so_and_exits",
            "test_reliability_terminal::test_the_tui_ends_when_its_terminal_goes_away_without_a_sighup",
        ),
    ),
    HostileRow(
        "SIGTERM, SIGHUP or SIGKILL to the TUI while page 1 is still loading in its forked child (20 s latency)",
        "the child ends with cqtui (PR_SET_PDEATHSIG), never left running with PPID 1",
        ("test_reliability_terminal::test_no_child_outlives_the_tui",),
    ),
    HostileRow(
        "`ctrl+z` in the TUI and in the profile form, then SIGCONT (`fg`)",
        "stopped (state T) with the terminal restored; back: redrawn whole, and it answers keys",
        ("test_reliability_terminal::test_ctrl_z_suspends_to_the_shell_and_the_tui_comes_back",),
    ),
)


def hostile_table() -> str:
    lines = ["| what is tried | result |", "|---|---|"]
    lines += [f"| {row.tried} | {row.result} |" for row in HOSTILE_ROWS]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
    print()
    print(hostile_table())
