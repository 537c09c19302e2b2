"""Transport safety: TLS is verified and cannot be switched off from outside, plain http
goes only to loopback, and a redirect never carries the signed request to another host."""

from __future__ import annotations

import ssl

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from client_kinds import WHERE
from cqtui.ci.client import CiClient
from cqtui.ci.endpoint import endpoint_problem, is_loopback_host
from cqtui.ci.errors import ConfigError, ServiceError, TransportError
from cqtui.ci.hints import hint_for
from cqtui.ci.kinds import PIC
from cqtui.ci.models import ListQuery
from cqtui.ci.oneshot import OneShotClient
from cqtui.ci.timing import RetryPolicy
from cqtui.cli import main
from reliability_helpers import Answer, ScriptedServer, cli_env, local_ca, queues_args, run_cli, self_signed_cert

FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return self_signed_cert(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_server(certificate):
    with ScriptedServer(Answer(200, b"<Response><TotalCount>0</TotalCount></Response>"), tls=certificate) as server:
        yield server


# ---- TLS ------------------------------------------------------------------------


def test_the_tls_server_works_for_a_client_that_trusts_it(tls_server, certificate):
    """Control: the failures below come from trust, not from a broken server."""
    trusting = ssl.create_default_context(cafile=str(certificate[0]))
    assert httpx.get(tls_server.base_url + "/picqueue", verify=trusting).status_code == 200


async def test_self_signed_certificate_is_a_clear_tls_error_sent_nothing_and_not_retried(
    make_client, tls_server, emulator_credentials
):
    async with make_client(tls_server.base_url, emulator_credentials, retry=FAST_RETRY) as client:
        with pytest.raises(TransportError) as raised:
            await client.list(PIC, WHERE, ListQuery())
    error = raised.value
    assert error.kind == "TLSError"
    assert "certificate" in error.detail and "self-signed" in error.detail
    assert "certificate" in hint_for(error) and "proxy" in hint_for(error)
    assert tls_server.received == []  # no request, so no Authorization, ever left
    assert tls_server.connections == 1  # a certificate does not fix itself: no retry


def test_cli_refuses_the_certificate_whatever_the_environment_says(tls_server, certificate, tmp_path):
    """Variables that switch verification off (or trust a file) in other tools change nothing here; SSL_CERT_FILE
    adds the CAs it holds (a company's: tests/test_security_proxy.py), and the self-signed certificate is not one."""
    env = cli_env(
        tmp_path / "config.toml",
        SSL_CERT_FILE=str(local_ca(tmp_path).ca_file),
        SSL_CERT_DIR=str(certificate[0].parent),
        REQUESTS_CA_BUNDLE=str(certificate[0]),
        CURL_CA_BUNDLE="",
        PYTHONHTTPSVERIFY="0",
        HTTPX_SSL_VERIFY="0",
    )
    run = run_cli(*queues_args(tls_server.base_url), env=env)
    assert run.returncode == 1, run.stderr
    assert "TLSError" in run.stderr and "certificate" in run.stderr and "Traceback" not in run.stderr
    assert tls_server.received == [] and run.stdout == ""


@pytest.mark.parametrize("client_class", [CiClient, OneShotClient])
def test_no_option_turns_verification_off(client_class):
    """The clients take no verify/insecure switch; an unknown keyword is a TypeError, not a silent no-op."""
    with pytest.raises(TypeError):
        client_class(None, endpoint="https://127.0.0.1:1", verify=False)  # type: ignore[call-arg, arg-type]
    parser_help = _help_text()
    assert "insecure" not in parser_help and "verify" not in parser_help


def _help_text() -> str:
    from cqtui.cli import build_parser

    parser = build_parser()
    texts = [parser.format_help()]
    for action in parser._subparsers._group_actions:  # every sub-command's help
        texts += [sub.format_help() for sub in action.choices.values()]
    return "\n".join(texts).lower()


# ---- plain http only to loopback --------------------------------------------------

NOT_LOOPBACK = [
    "http://example.com",
    "http://10.0.0.1:8080",
    "http://0.0.0.0:80",
    "http://127.0.0.1.nip.io",
    "http://localhost.example.com",
    "http://[::ffff:10.0.0.1]",
    "http://127.1",  # the OS would read it as 127.0.0.1; refusing is the safe side
    "http://2130706433",
    "http://evil.example\\@127.0.0.1",
    "http://127.0.0.1@evil.example",
    "http://user:pw@127.0.0.1",
    "http://evil.example#@127.0.0.1",
    "http://evil.example?@127.0.0.1",
]


@pytest.mark.parametrize("url", NOT_LOOPBACK)
def test_plain_http_off_loopback_is_refused_by_the_client(make_client, url, emulator_credentials):
    with pytest.raises(ConfigError):
        make_client(url, emulator_credentials)


@pytest.mark.parametrize("url", ["http://example.com", "http://127.0.0.1@evil.example", "http://[::ffff:10.0.0.1]"])
def test_plain_http_off_loopback_is_refused_by_the_cli_and_the_config(url, tmp_path, capsys, monkeypatch):
    config = tmp_path / "cfg" / "config.toml"
    monkeypatch.setenv("CQTUI_CONFIG", str(config))
    assert main(list(queues_args(url))) == 2
    assert "loopback" in capsys.readouterr().err

    args = ["profiles", "add", "p", "--region", "ap-guangzhou", "--bucket", "b-1250000000", "--secret-id", "AKIDx"]
    monkeypatch.setattr("sys.stdin", _Lines("key-value-123\n"))
    assert main([*args, "--endpoint", url, "--secret-key-stdin"]) == 2
    assert not config.exists()

    config.parent.mkdir(mode=0o700, exist_ok=True)
    config.write_text(
        f'[profiles.p]\nregion = "ap-guangzhou"\nbucket = "b-1250000000"\nsecret_id = "AKIDx"\n'
        f'secret_key = "k"\nendpoint = "{url}"\n'
    )
    config.chmod(0o600)
    capsys.readouterr()
    assert main(["queues"]) == 2
    err = capsys.readouterr().err
    assert "config.toml:6" in err and "endpoint" in err


class _Lines:
    def __init__(self, text: str) -> None:
        self._text = text

    def isatty(self) -> bool:
        return False

    def read(self) -> str:
        return self._text


URL_PIECES = st.sampled_from(
    [
        "127.0.0.1",
        "localhost",
        "[::1]",
        "evil.example",
        "10.0.0.1",
        "@",
        ":",
        "\\",
        "#",
        "?",
        "/",
        "%40",
        "%2f",
        ".",
        "8080",
        "user",
        "\t",
        "[",
        "]",
        "::ffff:127.0.0.1",
        "0x7f.1",
        "127.0.0.1.",
        "LOCALHOST",
        "\u3002",
        "ｌｏｃａｌｈｏｓｔ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(URL_PIECES, min_size=1, max_size=6).map("".join))
def test_what_the_check_lets_through_is_loopback_to_httpx_too(rest):
    """No parser differential: if endpoint_problem accepts an http URL, httpx connects to loopback."""
    url = "http://" + rest
    if endpoint_problem(url) is not None:
        return
    try:
        host = httpx.URL(url).host
    except httpx.InvalidURL:
        return  # httpx would refuse to send it at all
    assert is_loopback_host(host), (url, host)


# ---- redirects --------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirect_to_another_host_is_reported_and_never_followed(make_client, status, emulator_credentials):
    with ScriptedServer() as target, ScriptedServer() as redirector:
        redirector.answer = Answer(status, b"", {"Location": f"{target.base_url}/picqueue?stolen=1"})
        async with make_client(redirector.base_url, emulator_credentials, retry=FAST_RETRY) as client:
            with pytest.raises(ServiceError) as raised:
                await client.list(PIC, WHERE, ListQuery())
        assert target.received == [] and target.connections == 0
        assert len(redirector.received) == 1  # a redirect is an answer, not a transient fault
    error = raised.value
    assert (error.code, error.http_status) == ("Redirect", status)
    assert target.base_url in error.message


def test_cli_reports_a_redirect_and_the_target_gets_nothing(tmp_path):
    with ScriptedServer() as target, ScriptedServer() as redirector:
        redirector.answer = Answer(
            307, b"", {"Location": f"{target.base_url}/picqueue", "x-ci-request-id": "cmVkaXJlY3Q="}
        )
        run = run_cli(*queues_args(redirector.base_url), env=cli_env(tmp_path / "config.toml"))
        assert target.connections == 0
    assert run.returncode == 1 and "Redirect" in run.stderr and "HTTP 307" in run.stderr
    assert "RequestId cmVkaXJlY3Q=" in run.stderr and "Traceback" not in run.stderr
