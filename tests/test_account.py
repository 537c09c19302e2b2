"""Account discovery and the overview (ci/account.py) against the emulated account over 127.0.0.1."""

from __future__ import annotations

import time

import pytest

from cqtui.ci.account import Overview, discover_buckets
from cqtui.ci.client import CiClient
from cqtui.ci.errors import ServiceError
from cqtui.ci.kinds import KINDS, MEDIA, PIC
from cqtui.ci.models import ListQuery
from cqtui.ci.regions import KNOWN_REGIONS
from cqtui.ci.timing import RetryPolicy, Timeouts
from cqtui.emulator.account import demo_account, generated_account
from cqtui.emulator.server import Emulator

FAST_RETRY = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02)
SERVICES = {
    "examplebucket-1250000000": ("pic", "media", "ai", "asr", "file", "doc"),
    "videos-1250000000": ("media",),
    "archive-1250000000": ("pic", "doc"),
    "speech-1250000000": ("ai", "asr", "file"),
    "staging-1250000000": ("pic", "media"),
}
PIC_COUNTS = {"examplebucket-1250000000": 44, "archive-1250000000": 15, "staging-1250000000": 6}


@pytest.fixture
def account_emulator():
    with Emulator(account=demo_account()) as running:
        yield running


def client_for(emulator: Emulator, credentials, **options) -> CiClient:
    return CiClient(credentials, endpoint=emulator.base_url, retry=FAST_RETRY, **options)


async def test_discovery_lists_every_ci_bucket_with_its_services(account_emulator, emulator_credentials):
    async with client_for(account_emulator, emulator_credentials) as client:
        found = await discover_buckets(client, "ap-guangzhou")
    assert {bucket.bucket_id: bucket.services for bucket in found.buckets} == SERVICES
    assert found.failures == () and found.refused is None
    assert found.regions == ("ap-guangzhou", "ap-shanghai", "ap-beijing", "ap-chengdu")
    asked = [(request.host, request.path) for request in account_emulator.requests]
    assert asked[0] == ("ci.ap-guangzhou.myqcloud.com", "/cibuckets")
    # Each region's own host for its per-service lists: 4 regions x 6 services.
    service_lists = {(host, path) for host, path in asked[1:]}
    assert len(asked) == 1 + 24 and ("ci.ap-chengdu.myqcloud.com", "/asrbucket") in service_lists
    assert all(request.params["regions"] == request.host.split(".")[1] for request in account_emulator.requests[1:])


async def test_discovery_in_some_regions_only(account_emulator, emulator_credentials):
    async with client_for(account_emulator, emulator_credentials) as client:
        found = await discover_buckets(client, "ap-guangzhou", regions=("ap-shanghai", "ap-chengdu"))
    assert [bucket.bucket_id for bucket in found.buckets] == ["videos-1250000000", "speech-1250000000"]
    assert {request.params.get("region") for request in account_emulator.requests if request.path == "/cibuckets"} == {
        "ap-shanghai", "ap-chengdu"
    }  # fmt: skip


async def test_a_refused_cibuckets_falls_back_to_the_service_lists_of_every_known_region(
    account_emulator, emulator_credentials
):
    account_emulator.set_fault("access_denied", times=1, region="ap-guangzhou")  # the first request: /cibuckets
    async with client_for(account_emulator, emulator_credentials) as client:
        found = await discover_buckets(client, "ap-guangzhou")
    assert found.refused is not None and found.refused.code == "AccessDenied" and found.refused.request_id
    assert {bucket.bucket_id: bucket.services for bucket in found.buckets} == SERVICES
    hosts = {request.host for request in account_emulator.requests[1:]}
    assert hosts == {f"ci.{region}.myqcloud.com" for region in KNOWN_REGIONS}
    assert found.failures == ()


async def test_the_fallback_reports_the_regions_that_fail(account_emulator, emulator_credentials):
    account_emulator.set_fault("access_denied", region="ap-tokyo")
    async with client_for(account_emulator, emulator_credentials) as client:
        found = await discover_buckets(client, "ap-tokyo", regions=("ap-tokyo", "ap-shanghai"))
    assert found.refused is not None
    assert [bucket.bucket_id for bucket in found.buckets] == ["videos-1250000000"]
    assert {(failure.region, failure.code) for failure in found.failures} == {("ap-tokyo", "AccessDenied")}
    assert len(found.failures) == 6 and all(failure.request_id for failure in found.failures)


async def test_a_wrong_key_is_raised_not_a_fallback(account_emulator, emulator_credentials):
    account_emulator.set_fault("signature_mismatch")
    async with client_for(account_emulator, emulator_credentials) as client:
        with pytest.raises(ServiceError, match="SignatureDoesNotMatch"):
            await discover_buckets(client, "ap-guangzhou")
    assert len(account_emulator.requests) == 1


async def test_the_overview_with_one_bucket_refused_keeps_the_others_and_retries_only_it(
    account_emulator, emulator_credentials
):
    account_emulator.set_fault("access_denied", bucket="archive-1250000000")
    progress = []
    async with client_for(account_emulator, emulator_credentials) as client:
        found = await discover_buckets(client, "ap-guangzhou", services=("pic",))
        overview = Overview(client, PIC, found.buckets)
        arrived = [result.bucket.bucket_id async for result in overview.load(on_progress=progress.append)]
        assert sorted(arrived) == sorted(PIC_COUNTS)
        assert [bucket.bucket_id for bucket in overview.skipped] == ["videos-1250000000", "speech-1250000000"]
        [failure] = overview.failures
        assert (failure.bucket, failure.region, failure.listing, failure.code) == (
            "archive-1250000000", "ap-beijing", "pic", "AccessDenied"
        )  # fmt: skip
        assert failure.request_id and failure.error.http_status == 403
        shown = {row.bucket.bucket_id for row in overview.rows}
        assert shown == {"examplebucket-1250000000", "staging-1250000000"} and len(overview.rows) == 50
        assert [step.done for step in progress] == [1, 2, 3] and {step.total for step in progress} == {3}
        assert progress[-1].failed == 1 and progress[-1].queues == 50

        account_emulator.clear_faults()
        account_emulator.clear_requests()
        retried = [result async for result in overview.retry_failed()]
        assert [result.bucket.bucket_id for result in retried] == ["archive-1250000000"]
        assert [request.host for request in account_emulator.requests] == [
            "archive-1250000000.ci.ap-beijing.myqcloud.com"
        ]
    assert overview.failures == [] and len(overview.rows) == sum(PIC_COUNTS.values())
    assert [row.bucket.bucket_id for row in overview.rows][:44] == ["examplebucket-1250000000"] * 44  # bucket order


async def test_a_region_timing_out_fails_its_buckets_only(account_emulator, emulator_credentials):
    account_emulator.set_fault("no_answer", region="ap-beijing")
    timeouts = Timeouts(connect=1, read=0.5, total=2)
    started = time.monotonic()
    async with client_for(account_emulator, emulator_credentials, timeouts=timeouts) as client:
        found = await discover_buckets(client, "ap-guangzhou", services=("pic",))
        assert {failure.region for failure in found.failures} == {"ap-beijing"}
        archive = next(bucket for bucket in found.buckets if bucket.bucket_id == "archive-1250000000")
        assert archive.services is None  # its region's list timed out: asked anyway
        overview = Overview(client, PIC, found.buckets)
        _ = [result async for result in overview.load()]
    assert time.monotonic() - started < 10
    assert [(failure.bucket, failure.code) for failure in overview.failures] == [("archive-1250000000", "ReadTimeout")]
    assert {row.bucket.bucket_id for row in overview.rows} == {"examplebucket-1250000000", "staging-1250000000"}


async def test_the_media_overview_skips_buckets_without_media_and_takes_the_category(
    account_emulator, emulator_credentials
):
    async with client_for(account_emulator, emulator_credentials) as client:
        found = await discover_buckets(client, "ap-guangzhou")
        overview = Overview(client, MEDIA, found.buckets, ListQuery(page_size=100, options=(("category", "CateAll"),)))
        _ = [result async for result in overview.load()]
    assert {bucket.bucket_id for bucket in overview.buckets} == {
        "examplebucket-1250000000", "videos-1250000000", "staging-1250000000"
    }  # fmt: skip
    assert len(overview.rows) == 9 + 12 + 2
    assert {request.params.get("category") for request in account_emulator.requests if request.path == "/queue"} == {
        "CateAll"
    }


async def test_many_buckets_go_out_together_within_the_bounds(emulator_credentials):
    with Emulator(account=generated_account(12, 5, 3), latency_ms=150) as emulator:
        async with client_for(emulator, emulator_credentials, max_in_flight=4) as client:
            found = await discover_buckets(client, "ap-guangzhou", services=("pic",))
            overview = Overview(client, KINDS["pic"], found.buckets)
            started = time.monotonic()
            _ = [result async for result in overview.load()]
            took = time.monotonic() - started
    assert len(overview.rows) == 60 and not overview.failures
    assert took >= 3 * 0.15  # 12 buckets, 4 at a time: at least three round trips
