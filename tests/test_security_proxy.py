"""Proxies and company CAs (issue 11): one set of rules (cqtui/ci/network.py) for both clients and the CLI.

A real forwarding proxy on 127.0.0.1 (tests/connect_proxy.py: CONNECT, counting its
tunnels) in front of an HTTPS emulator whose certificate a local CA signed
(reliability_helpers.local_ca): the request must reach the emulator through the
tunnel, with the real CI host sent and signed, and TLS verified against the CA.
"""

from __future__ import annotations

import json

import pytest

from client_kinds import WHERE
from connect_proxy import ConnectProxy
from cqtui.ci.errors import ConfigError, TransportError
from cqtui.ci.hints import hint_for
from cqtui.ci.kinds import PIC
from cqtui.ci.models import ListQuery
from cqtui.ci.network import Network, bypassed, proxy_problem
from cqtui.ci.timing import RetryPolicy
from cqtui.emulator.data import DEMO_BUCKET
from cqtui.emulator.server import Emulator
from cqtui.profiles.model import ResolvedProfile
from reliability_helpers import cli_env, local_ca, queues_args, run_cli

CI_HOST = f"{DEMO_BUCKET}.ci.ap-guangzhou.myqcloud.com"
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    return local_ca(tmp_path_factory.mktemp("company-ca"))


@pytest.fixture
def https_emulator(ca):
    with Emulator(tls=ca.server_context()) as running:
        yield running


@pytest.fixture
def proxy():
    with ConnectProxy() as running:
        yield running


def _target(emulator: Emulator) -> str:
    return emulator.base_url.removeprefix("https://")


# ---- both clients ---------------------------------------------------------------------------------


async def test_both_clients_go_through_the_proxy_and_trust_the_company_ca(make_client, https_emulator, proxy, ca):
    network = Network(proxy=proxy.url, ca_bundle=str(ca.ca_file))
    async with make_client(https_emulator.base_url, _credentials(), network=network) as client:
        page = await client.list(PIC, WHERE, ListQuery())
    assert len(page.items) == 10
    assert proxy.tunnels == [_target(https_emulator)]  # CONNECT to the endpoint's host:port
    assert [request.host for request in https_emulator.requests] == [CI_HOST]  # the real CI host, inside


async def test_without_the_company_ca_the_certificate_is_refused(make_client, https_emulator, proxy):
    async with make_client(https_emulator.base_url, _credentials(), network=Network(proxy=proxy.url)) as client:
        with pytest.raises(TransportError) as raised:
            await client.list(PIC, WHERE, ListQuery())
    assert raised.value.kind == "TLSError" and "certificate verify failed" in raised.value.detail
    assert https_emulator.requests == []


async def test_no_proxy_goes_direct(make_client, https_emulator, proxy, ca):
    network = Network(proxy=proxy.url, no_proxy="localhost, 127.0.0.0/8", ca_bundle=str(ca.ca_file))
    async with make_client(https_emulator.base_url, _credentials(), network=network) as client:
        assert len((await client.list(PIC, WHERE, ListQuery())).items) == 10
    assert proxy.tunnels == [] and len(https_emulator.requests) == 1


async def test_plain_http_to_loopback_never_goes_through_a_proxy(make_client, emulator, proxy):
    async with make_client(emulator.base_url, _credentials(), network=Network(proxy=proxy.url)) as client:
        assert len((await client.list(PIC, WHERE, ListQuery())).items) == 10
    assert proxy.tunnels == []


@pytest.mark.parametrize("status", [407, 403])
async def test_a_proxy_refusing_connect_is_one_clear_error(make_client, https_emulator, ca, status):
    with ConnectProxy(answer=status) as refusing:
        network = Network(proxy=f"http://ops:s3cret@127.0.0.1:{refusing.port}", ca_bundle=str(ca.ca_file))
        async with make_client(https_emulator.base_url, _credentials(), network=network, retry=FAST_RETRY) as client:
            with pytest.raises(TransportError) as raised:
                await client.list(PIC, WHERE, ListQuery())
        assert refusing.refused == [_target(https_emulator)]  # asked once: a refusal is not transient
        assert refusing.authorizations == ["Basic b3BzOnMzY3JldA=="]  # ops:s3cret, sent as Basic
    error = raised.value
    assert error.kind == "ProxyError" and f"refused to open a tunnel to {_target(https_emulator)}: {status}" in str(
        error
    )
    assert "ops:***@127.0.0.1" in str(error) and "s3cret" not in str(error)
    assert "proxy" in hint_for(error) and str(status) in hint_for(error)
    assert https_emulator.requests == []


async def test_a_proxy_asking_for_credentials_gets_them_from_the_url(make_client, https_emulator, ca):
    with ConnectProxy(user="ops", password="s3cret") as guarded:
        network = Network(proxy=f"http://ops:s3cret@127.0.0.1:{guarded.port}", ca_bundle=str(ca.ca_file))
        async with make_client(https_emulator.base_url, _credentials(), network=network) as client:
            assert len((await client.list(PIC, WHERE, ListQuery())).items) == 10
        assert guarded.tunnels == [_target(https_emulator)]


def test_a_ca_bundle_that_is_no_pem_is_a_config_error(tmp_path):
    from cqtui.ci.network import tls_context

    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("not a certificate\n")
    with pytest.raises(ConfigError) as raised:
        tls_context(str(not_pem))
    assert raised.value.key == "ca_bundle" and "ca.pem" in str(raised.value)


# ---- the rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host, port, no_proxy, direct",
    [
        ("ci.ap-guangzhou.myqcloud.com", 443, "myqcloud.com", True),
        ("ci.ap-guangzhou.myqcloud.com", 443, ".myqcloud.com", True),
        ("myqcloud.com", 443, ".myqcloud.com", True),
        ("notmyqcloud.com", 443, "myqcloud.com", False),
        ("b.ci.ap-beijing.myqcloud.com", 443, "internal, ap-beijing.myqcloud.com", True),
        ("b.ci.ap-beijing.myqcloud.com", 443, "MYQCLOUD.COM.", True),
        ("anything.example", 8443, "*", True),
        ("10.1.2.3", 443, "10.0.0.0/8", True),
        ("10.1.2.3", 443, "10.1.2.3", True),
        ("11.1.2.3", 443, "10.0.0.0/8", False),
        ("::1", 443, "::1", True),
        ("127.0.0.1", 8443, "127.0.0.1:8443", True),
        ("127.0.0.1", 9443, "127.0.0.1:8443", False),
        ("host.example", 443, "host.example:443", True),
        ("host.example", 443, "", False),
        ("host.example", 443, " , ,", False),
    ],
)
def test_no_proxy_matches_as_curl_does(host, port, no_proxy, direct):
    assert bypassed(host, port, no_proxy) is direct


@pytest.mark.parametrize(
    "url, problem",
    [
        ("http://proxy.corp:3128", None),
        ("proxy.corp:3128", None),  # as curl reads it: http://
        ("http://user:pw@proxy.corp:3128", None),
        ("", None),
        ("https://proxy.corp:3128", "only http://"),
        ("socks5://proxy.corp:1080", "only http://"),
        ("http://proxy.corp:99999", "not a valid URL"),
        ("http://proxy.corp:3128/path", "path"),
        ("http://:3128", "host:port"),
    ],
)
def test_what_a_proxy_may_be(url, problem):
    found = proxy_problem(url)
    assert (found is None) if problem is None else (problem in found)


def test_the_profile_says_which_proxy_its_requests_use():
    def profile(network: Network) -> ResolvedProfile:
        return ResolvedProfile("p", "ap-guangzhou", DEMO_BUCKET, _credentials(), network=network)

    assert profile(Network("http://u:pw@proxy.corp:3128")).proxy_in_use == "http://u:pw@proxy.corp:3128"
    assert profile(Network("http://p:1", no_proxy="myqcloud.com")).proxy_in_use == ""
    assert profile(Network("http://p:1", no_proxy="qcloud.com")).proxy_in_use  # not a suffix of myqcloud.com's


# ---- the CLI: environment, profile, `profiles show/add/edit` ---------------------------------------


def _queues(emulator: Emulator, tmp_path, **env: str):
    return run_cli(
        *queues_args(emulator.base_url, "-o", "json"), env=cli_env(tmp_path / "cqtui" / "config.toml", **env)
    )


def test_the_cli_follows_https_proxy_and_ssl_cert_file(https_emulator, proxy, ca, tmp_path):
    run = _queues(https_emulator, tmp_path, HTTPS_PROXY=proxy.url, SSL_CERT_FILE=str(ca.ca_file))
    assert run.returncode == 0, run.stderr
    assert len(json.loads(run.stdout)["QueueList"]) == 10
    assert proxy.tunnels == [_target(https_emulator)]


def test_the_cli_with_all_goes_through_the_proxy_too(https_emulator, proxy, ca, tmp_path):
    args = queues_args(https_emulator.base_url, "--all", "--page-size", "10", "-o", "json")
    run = run_cli(*args, env=cli_env(tmp_path / "c.toml", https_proxy=proxy.url, SSL_CERT_FILE=str(ca.ca_file)))
    assert run.returncode == 0, run.stderr
    assert len(json.loads(run.stdout)["QueueList"]) == 44 and proxy.tunnels


def test_no_proxy_and_http_proxy_leave_the_cli_direct(https_emulator, proxy, ca, tmp_path):
    run = _queues(https_emulator, tmp_path, HTTPS_PROXY=proxy.url, NO_PROXY="127.0.0.1", SSL_CERT_FILE=str(ca.ca_file))
    assert run.returncode == 0, run.stderr
    run = _queues(https_emulator, tmp_path, HTTP_PROXY=proxy.url, SSL_CERT_FILE=str(ca.ca_file))  # for http:// URLs
    assert run.returncode == 0, run.stderr
    assert proxy.tunnels == []


def _profile_file(tmp_path, **fields: str):
    config = tmp_path / "cqtui" / "config.toml"
    config.parent.mkdir(mode=0o700, exist_ok=True)
    extra = "".join(f'{name} = "{value}"\n' for name, value in fields.items())
    config.write_text(f'[profiles.p]\nregion = "ap-guangzhou"\nbucket = "{DEMO_BUCKET}"\n{extra}')
    config.chmod(0o600)
    return config


def test_a_profile_proxy_overrides_the_environment_and_empty_turns_it_off(https_emulator, ca, tmp_path):
    with ConnectProxy() as from_env, ConnectProxy() as from_profile:
        _profile_file(tmp_path, proxy=from_profile.url, ca_bundle=str(ca.ca_file))
        assert _queues(https_emulator, tmp_path, HTTPS_PROXY=from_env.url).returncode == 0
        assert (from_env.tunnels, len(from_profile.tunnels)) == ([], 1)
        _profile_file(tmp_path, proxy="", ca_bundle=str(ca.ca_file))
        assert _queues(https_emulator, tmp_path, HTTPS_PROXY=from_env.url).returncode == 0
        assert (from_env.tunnels, len(from_profile.tunnels)) == ([], 1)  # proxy = "": direct


def test_a_proxy_refusing_connect_is_one_line_and_exit_1(https_emulator, ca, tmp_path):
    with ConnectProxy(answer=407) as refusing:
        run = _queues(https_emulator, tmp_path, HTTPS_PROXY=f"http://ops:s3cret@127.0.0.1:{refusing.port}",
                      SSL_CERT_FILE=str(ca.ca_file))  # fmt: skip
    assert run.returncode == 1 and run.stdout == ""
    first, hint = run.stderr.splitlines()
    assert "ProxyError" in first and "407 Proxy Authentication Required" in first and hint.startswith("cqtui: hint:")
    assert "s3cret" not in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize(
    "env, words",
    [
        ({"HTTPS_PROXY": "socks5://127.0.0.1:1080"}, "HTTPS_PROXY: proxy 'socks5://127.0.0.1:1080': only http://"),
        ({"SSL_CERT_FILE": "/nonexistent/ca.pem"}, "SSL_CERT_FILE: ca_bundle '/nonexistent/ca.pem' is not a file"),
    ],
)
def test_an_unusable_proxy_or_ca_from_the_environment_is_a_usage_error(emulator, tmp_path, env, words):
    run = _queues(emulator, tmp_path, **env)
    assert run.returncode == 2 and words in run.stderr and len(run.stderr.splitlines()) == 1, run.stderr


def test_verification_still_cannot_be_turned_off(https_emulator, tmp_path):
    run = _queues(https_emulator, tmp_path, PYTHONHTTPSVERIFY="0", CURL_CA_BUNDLE="", REQUESTS_CA_BUNDLE="")
    assert run.returncode == 1 and "TLSError" in run.stderr and https_emulator.requests == []


def test_profiles_show_says_which_proxy_and_cas_are_used_and_from_where(tmp_path, ca):
    _profile_file(tmp_path, ca_bundle=str(ca.ca_file))
    env = cli_env(tmp_path / "cqtui" / "config.toml", HTTPS_PROXY="http://ops:s3cret@proxy.corp:3128", NO_PROXY="corp")
    run = run_cli("profiles", "show", "p", "-o", "json", env=env)
    assert run.returncode == 0, run.stderr
    shown = json.loads(run.stdout)
    assert shown["proxy"] == {"value": "http://ops:***@proxy.corp:3128", "source": "HTTPS_PROXY"}
    assert shown["no_proxy"] == {"value": "corp", "source": "NO_PROXY"}
    assert shown["ca_bundle"]["source"] == "profile" and str(ca.ca_file) in shown["ca_bundle"]["value"]
    assert "s3cret" not in run.stdout
    env["NO_PROXY"] = "myqcloud.com"
    shown = json.loads(run_cli("profiles", "show", "p", "-o", "json", env=env).stdout)
    assert "not used for https://" in shown["proxy"]["value"] and "NO_PROXY" in shown["proxy"]["value"]


def test_profiles_add_and_edit_set_the_proxy_and_the_ca_bundle(tmp_path, ca):
    config = tmp_path / "cqtui" / "config.toml"
    env = cli_env(config)
    add = ("profiles", "add", "p", "--region", "ap-guangzhou", "--secret-id", "AKIDx", "--secret-key-stdin")
    run = run_cli(*add, "--proxy", "http://proxy.corp:3128", "--ca-bundle", str(ca.ca_file), env=env, stdin=b"k\n")
    assert run.returncode == 0, run.stderr
    assert 'proxy = "http://proxy.corp:3128"' in config.read_text() and str(ca.ca_file) in config.read_text()
    assert run_cli("profiles", "edit", "p", "--proxy", "", env=env).returncode == 0
    assert 'proxy = ""' in config.read_text()
    assert run_cli("profiles", "edit", "p", "--proxy", "env", "--ca-bundle", "env", env=env).returncode == 0
    assert "proxy" not in config.read_text() and "ca_bundle" not in config.read_text()
    refused = run_cli("profiles", "edit", "p", "--proxy", "https://proxy.corp", env=env)
    assert refused.returncode == 2 and "--proxy" in refused.stderr and "only http://" in refused.stderr


# ---- the TUI's context bar -----------------------------------------------------------------------------


async def test_the_context_bar_says_which_proxy_is_in_use(https_emulator, ca):
    from cqtui.ci.client import client_for
    from cqtui.tui.app import CqtuiApp
    from cqtui.tui.widgets.context_bar import ContextBar
    from tui_helpers import column, settle

    with ConnectProxy() as running:
        proxy = f"http://ops:s3cret@127.0.0.1:{running.port}"
        network = Network(proxy, ca_bundle=str(ca.ca_file))
        profile = ResolvedProfile(
            "p", "ap-guangzhou", DEMO_BUCKET, _credentials(), endpoint=https_emulator.base_url, network=network
        )
        app = CqtuiApp(profile, client_factory=lambda chosen: client_for(chosen, retry=FAST_RETRY))
        async with app.run_test(size=(100, 24)) as pilot:
            await settle(pilot)
            bar = app.screen.query_one(ContextBar).render().plain
            assert len(column(app, "name")) == 10
        assert running.tunnels  # the rows came through it
    assert f"via ops:***@127.0.0.1:{running.port}" in bar and "s3cret" not in bar


async def test_the_profile_forms_test_follows_the_same_rules(https_emulator, ca, tmp_path, monkeypatch):
    """ctrl+t in the form: HTTPS_PROXY and SSL_CERT_FILE as the saved profile would use them."""
    from cqtui.tui.first_run import FirstRunApp
    from test_tui_profiles import fill, wait_for_result
    from tui_helpers import SIZE

    with ConnectProxy() as running:
        monkeypatch.setenv("HTTPS_PROXY", running.url)
        monkeypatch.setenv("SSL_CERT_FILE", str(ca.ca_file))
        app = FirstRunApp(tmp_path / "c" / "config.toml")
        credentials = _credentials()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await fill(pilot, name="t", region="ap-guangzhou", bucket=DEMO_BUCKET, secret_id=credentials.secret_id,
                       secret_key=credentials.secret_key, endpoint=https_emulator.base_url)  # fmt: skip
            await pilot.press("ctrl+t")
            text = await wait_for_result(pilot)
    assert text.startswith("Connected."), text
    assert running.tunnels == [_target(https_emulator)]


def _credentials():
    from cqtui.ci.credentials import Credentials
    from cqtui.emulator.server import DEMO_SECRET_ID, DEMO_SECRET_KEY

    return Credentials(DEMO_SECRET_ID, DEMO_SECRET_KEY)
