"""The emulator as an account, through both real clients over 127.0.0.1: every family's listing,
the bucket lists, routing by Host, the Host signed, scoped faults."""

from __future__ import annotations

import http.client
import time
import xml.etree.ElementTree as ET
from urllib.parse import urlencode, urlsplit

import pytest

from cqtui.ci.endpoint import Where
from cqtui.ci.errors import ServiceError, TransportError
from cqtui.ci.kinds import CI_BUCKETS, DOC_BUCKETS, KINDS, MEDIA, PIC, PIC_BUCKETS, QUEUE_FAMILIES
from cqtui.ci.models import ListQuery
from cqtui.ci.signing import sign_request
from cqtui.ci.timing import RetryPolicy, Timeouts
from cqtui.emulator.account import demo_account, generated_account, hostile_buckets
from cqtui.emulator.data import DEMO_BUCKET, demo_queues
from cqtui.emulator.server import Emulator

FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)
PATHS = {"pic": "/picqueue", "media": "/queue", "ai": "/ai_queue", "asr": "/asrqueue", "file": "/file_queue",
         "doc": "/docqueue"}  # fmt: skip
CATEGORIES = {"pic": {"PicProcessing"}, "media": {"Transcoding"}, "ai": {"AIProcess"}, "asr": {"Speeching"},
              "file": {"FileProcess"}, "doc": {"DocProcess"}}  # fmt: skip
MAIN = Where("ap-guangzhou", DEMO_BUCKET)


@pytest.fixture
def account_emulator():
    with Emulator(account=demo_account()) as running:
        yield running


@pytest.fixture
async def client(make_client, account_emulator, emulator_credentials):
    async with make_client(account_emulator.base_url, emulator_credentials, retry=FAST_RETRY) as made:
        yield made


def raw_get(emulator, credentials, host: str, path: str, params: dict[str, str], *, signed_host: str | None = None):
    """A signed GET carrying `host` as its Host header, signed for `signed_host` (default: the same)."""
    authorization = sign_request(
        secret_id=credentials.secret_id,
        secret_key=credentials.secret_key,
        method="GET",
        path=path,
        params=params,
        headers={"Host": signed_host or host},
        now=time.time(),
    )
    address = urlsplit(emulator.base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.putrequest("GET", f"{path}?{urlencode(params)}", skip_host=True)
        connection.putheader("Host", host)
        connection.putheader("Authorization", authorization)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, ET.fromstring(response.read())
    finally:
        connection.close()


# ---- every family --------------------------------------------------------------------


@pytest.mark.parametrize("family", QUEUE_FAMILIES)
async def test_each_family_is_listed_on_its_path_with_its_fields(client, account_emulator, family):
    kind = KINDS[family]
    page = await client.list(kind, MAIN, ListQuery(page_size=100, state="Active"))
    request = account_emulator.requests[-1]
    assert (request.method, request.path, request.host) == (
        "GET", PATHS[family], "examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com"
    )  # fmt: skip
    assert request.params == {"state": "Active", "pageNumber": "1", "pageSize": "100"}
    served = [q for q in account_emulator.account.first.catalogue(family).queues if q.state == "Active"]
    if family == "media":  # the server's default category
        served = [queue for queue in served if queue.category == "Transcoding"]
    assert served and [queue.queue_id for queue in page.items] == [queue.queue_id for queue in served]
    assert page.total_count == len(served)
    assert {queue.category for queue in page.items} == CATEGORIES[family]
    assert {queue.bucket_id for queue in page.items} == {DEMO_BUCKET}
    assert all(queue.name and queue.create_time and queue.max_size is not None for queue in page.items)
    # The callback fields each family's API has, and no others.
    fields = {column.key.removeprefix("notify.") for column in kind.details if column.key.startswith("notify.")}
    for queue in page.items:
        notify = queue.notify_config
        if notify is not None:
            assert {name for name in ("result_format", "mq_mode", "mq_name") if getattr(notify, name)} <= fields
            assert notify.type != "TDMQ" or "mq_name" in fields


async def test_the_pic_family_of_the_first_bucket_is_the_demo_set(client):
    page = await client.list(PIC, MAIN, ListQuery(page_size=100))
    assert [queue.queue_id for queue in page.items] == [queue.queue_id for queue in demo_queues()]


async def test_media_categories_and_their_check(client, account_emulator, emulator_credentials):
    every = await client.list(MEDIA, MAIN, ListQuery(page_size=100, options=(("category", "CateAll"),)))
    fast = await client.list(MEDIA, MAIN, ListQuery(page_size=100, options=(("category", "SpeedTranscoding"),)))
    assert {queue.category for queue in every.items} == {"Transcoding", "SpeedTranscoding"}
    assert {queue.category for queue in fast.items} == {"SpeedTranscoding"}
    assert account_emulator.requests[-1].params["category"] == "SpeedTranscoding"
    host = MAIN.host_for(MEDIA.host)
    status, body = raw_get(account_emulator, emulator_credentials, host, "/queue", {"category": "Everything"})
    assert (status, body.findtext("Code")) == (400, "InvalidArgument")


async def test_media_takes_at_most_ten_queue_ids(account_emulator, emulator_credentials):
    host = MAIN.host_for(MEDIA.host)
    ids = ",".join(f"p{number}" for number in range(11))
    status, body = raw_get(account_emulator, emulator_credentials, host, "/queue", {"queueIds": ids})
    assert (status, body.findtext("Code")) == (400, "InvalidArgument") and "at most 10" in body.findtext("Message")
    status, body = raw_get(account_emulator, emulator_credentials, host, "/picqueue", {"queueIds": ids})
    assert status == 200 and len(body.findall("NonExistPIDs")) == 11  # no documented limit for the others


async def test_a_family_the_bucket_has_not_enabled_answers_an_empty_listing(client):
    page = await client.list(KINDS["asr"], Where("ap-shanghai", "videos-1250000000"), ListQuery())
    assert (page.items, page.total_count) == ((), 0)


# ---- bucket lists --------------------------------------------------------------------


async def test_ci_buckets_are_paged_from_any_region_host_and_skip_a_bucket_without_ci(
    make_client, account_emulator, emulator_credentials
):
    async with make_client(account_emulator.base_url, emulator_credentials, retry=FAST_RETRY) as client:
        pages = [
            await client.list(CI_BUCKETS, Where("ap-tokyo"), ListQuery(page_number=n, page_size=2)) for n in (1, 2, 3)
        ]
    assert [request.host for request in account_emulator.requests] == ["ci.ap-tokyo.myqcloud.com"] * 3
    assert [request.path for request in account_emulator.requests] == ["/cibuckets"] * 3
    assert [(page.total_count, page.page_number, len(page.items)) for page in pages] == [
        (5, 1, 2),
        (5, 2, 2),
        (5, 3, 1),
    ]
    ids = [bucket.bucket_id for page in pages for bucket in page.items]
    assert ids == [bucket.bucket_id for bucket in account_emulator.account.bound()]
    assert "logs-1250000000" not in ids  # not bound to CI
    first = pages[0].items[0]
    assert (first.bucket_id, first.name, first.app_id, first.region) == (
        DEMO_BUCKET, "examplebucket", "1250000000", "ap-guangzhou"
    )  # fmt: skip
    assert first.create_time and first.status == "on"


async def test_ci_buckets_every_page_through_iter_pages(account_emulator, emulator_credentials):
    from cqtui.ci.client import CiClient

    async with CiClient(emulator_credentials, endpoint=account_emulator.base_url) as client:
        pages = [page async for page in client.iter_pages(CI_BUCKETS, Where("ap-guangzhou"), ListQuery(page_size=2))]
    assert sum(len(page.items) for page in pages) == 5 and len(pages) == 3


@pytest.mark.parametrize(
    "options, expected",
    [
        ((("region", "ap-guangzhou"),), [DEMO_BUCKET, "staging-1250000000"]),
        ((("bucketName", "sta"),), ["staging-1250000000"]),
        ((("tagKey", "env;prod"),), [DEMO_BUCKET, "archive-1250000000"]),
        ((("tagKey", "env;dev"),), []),
    ],
)
async def test_ci_bucket_filters(client, options, expected):
    page = await client.list(CI_BUCKETS, Where("ap-guangzhou"), ListQuery(page_size=100, options=options))
    assert [bucket.bucket_id for bucket in page.items] == expected


async def test_service_lists_answer_for_the_host_region_or_the_regions_asked(client, account_emulator):
    here = await client.list(PIC_BUCKETS, Where("ap-guangzhou"), ListQuery(page_size=100))
    assert [bucket.bucket_id for bucket in here.items] == [DEMO_BUCKET, "staging-1250000000"]
    assert (account_emulator.requests[-1].host, account_emulator.requests[-1].path) == (
        "ci.ap-guangzhou.myqcloud.com", "/picbucket"
    )  # fmt: skip
    both = await client.list(
        PIC_BUCKETS, Where("ap-guangzhou"), ListQuery(page_size=100, options=(("regions", "ap-beijing,ap-guangzhou"),))
    )
    assert [bucket.bucket_id for bucket in both.items] == [DEMO_BUCKET, "archive-1250000000", "staging-1250000000"]
    exact = await client.list(
        PIC_BUCKETS, Where("ap-guangzhou"), ListQuery(options=(("bucketNames", "staging-1250000000"),))
    )
    assert [bucket.bucket_id for bucket in exact.items] == ["staging-1250000000"]
    media = await client.list(KINDS["mediabucket"], Where("ap-shanghai"), ListQuery())
    assert [(bucket.bucket_id, bucket.region, bucket.name) for bucket in media.items] == [
        ("videos-1250000000", "ap-shanghai", "videos")
    ]
    docs = await client.list(DOC_BUCKETS, Where("ap-guangzhou"), ListQuery())
    assert docs.items[0].alias_bucket_id == "example-docs"
    assert account_emulator.requests[-1].path == "/docbucket"


# ---- routing by Host ------------------------------------------------------------------


@pytest.mark.parametrize(
    "where, words",
    [
        (Where("ap-guangzhou", "nosuch-1250000000"), "does not exist"),
        (Where("ap-beijing", DEMO_BUCKET), "does not exist"),  # a bucket lives in one region
        (Where("ap-guangzhou", "logs-1250000000"), "not bound to Cloud Infinite"),
    ],
)
async def test_a_bucket_host_the_account_cannot_serve_is_no_such_bucket(client, where, words):
    with pytest.raises(ServiceError) as refused:
        await client.list(PIC, where, ListQuery())
    assert (refused.value.code, refused.value.http_status) == ("NoSuchBucket", 404)
    assert words in refused.value.message and refused.value.request_id


async def test_a_queue_listing_on_a_region_host_names_no_bucket(account_emulator, emulator_credentials):
    status, body = raw_get(account_emulator, emulator_credentials, "ci.ap-guangzhou.myqcloud.com", "/picqueue", {})
    assert (status, body.findtext("Code")) == (404, "NoSuchBucket")


async def test_any_other_host_is_the_first_bucket(account_emulator, emulator_credentials):
    netloc = urlsplit(account_emulator.base_url).netloc
    status, body = raw_get(account_emulator, emulator_credentials, netloc, "/picqueue", {"pageSize": "3"})
    assert status == 200 and body.findtext("TotalCount") == str(len(demo_queues()))
    assert account_emulator.requests[-1].host == netloc


async def test_a_signed_host_other_than_the_host_sent_is_refused(account_emulator, emulator_credentials):
    sent = MAIN.host_for(PIC.host)
    status, body = raw_get(
        account_emulator,
        emulator_credentials,
        sent,
        "/picqueue",
        {},
        signed_host="staging-1250000000.ci.ap-guangzhou.myqcloud.com",
    )
    assert (status, body.findtext("Code")) == (403, "SignatureDoesNotMatch")
    status, _ = raw_get(account_emulator, emulator_credentials, sent, "/picqueue", {})
    assert status == 200  # control: signed for the host sent


async def test_the_single_bucket_emulator_answers_for_any_bucket_host(make_client, emulator, emulator_credentials):
    """`Emulator()` keeps v1's behaviour: one bucket, whatever bucket a profile names."""
    async with make_client(emulator.base_url, emulator_credentials) as client:
        page = await client.list(PIC, Where("ap-beijing", "whatever-1250000000"), ListQuery())
    assert page.total_count == len(demo_queues())
    assert emulator.requests[-1].host == "whatever-1250000000.ci.ap-beijing.myqcloud.com"


# ---- scoped faults ----------------------------------------------------------------------


async def test_a_fault_scoped_to_a_bucket_spares_the_others(client, account_emulator):
    account_emulator.set_fault("access_denied", bucket="staging-1250000000")
    with pytest.raises(ServiceError) as refused:
        await client.list(PIC, Where("ap-guangzhou", "staging-1250000000"), ListQuery())
    assert refused.value.code == "AccessDenied" and refused.value.request_id
    assert (await client.list(PIC, MAIN, ListQuery())).total_count == len(demo_queues())
    with pytest.raises(ServiceError):  # still there: it was not used up by the other bucket
        await client.list(PIC, Where("ap-guangzhou", "staging-1250000000"), ListQuery())


async def test_a_fault_scoped_to_a_region_covers_its_buckets_and_its_region_host(client, account_emulator):
    account_emulator.set_fault("http500", region="ap-beijing")
    with pytest.raises(ServiceError):
        await client.list(PIC, Where("ap-beijing", "archive-1250000000"), ListQuery())
    with pytest.raises(ServiceError):
        await client.list(PIC_BUCKETS, Where("ap-beijing"), ListQuery())
    assert (await client.list(PIC_BUCKETS, Where("ap-guangzhou"), ListQuery())).items


async def test_no_answer_is_a_read_timeout_not_retried(make_client, account_emulator, emulator_credentials):
    account_emulator.set_fault("no_answer", region="ap-chengdu")
    timeouts = Timeouts(connect=1, read=0.3, total=1)
    async with make_client(
        account_emulator.base_url, emulator_credentials, timeouts=timeouts, retry=FAST_RETRY
    ) as client:
        with pytest.raises(TransportError) as raised:
            await client.list(KINDS["asr"], Where("ap-chengdu", "speech-1250000000"), ListQuery())
        assert raised.value.kind == "ReadTimeout" and "speech-1250000000" in raised.value.detail
        assert len(account_emulator.requests) == 1
        assert (await client.list(PIC, MAIN, ListQuery())).items


# ---- generated and hostile accounts ------------------------------------------------------


def test_a_generated_account_for_benchmarks():
    account = generated_account(60, 20, 3)
    assert len(account.buckets) == 60 and account.regions == ("ap-guangzhou", "ap-shanghai", "ap-beijing")
    assert all(len(bucket.catalogue("pic").queues) == 20 for bucket in account.buckets)
    assert all(bucket.services == frozenset(QUEUE_FAMILIES) for bucket in account.buckets)
    ids = [queue.queue_id for bucket in account.buckets for queue in bucket.catalogue("pic").queues]
    assert len(set(ids)) == 1200  # no queue twice across buckets
    assert {queue.bucket_id for queue in account.buckets[7].catalogue("media").queues} == {"bucket0007-1250000000"}


def test_hostile_buckets_carry_hostile_names_regions_and_every_family():
    buckets = hostile_buckets()
    texts = " ".join(bucket.bucket_id + bucket.region for bucket in buckets)
    for needle in ("[@click=app.quit]", "\u009b", "\u202e", "\u0085", "[bold]"):
        assert needle in texts
    real = buckets[-1]
    assert all(real.catalogue(family).queues for family in QUEUE_FAMILIES)
