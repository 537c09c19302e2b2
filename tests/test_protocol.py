"""The transport-free request path: kinds + where + query -> Request, its checks and its signature."""

from __future__ import annotations

import pytest

from cqtui.ci.credentials import Credentials
from cqtui.ci.endpoint import HostKind, Where
from cqtui.ci.errors import ConfigError
from cqtui.ci.kinds import CI_BUCKETS, KINDS, MEDIA, PIC, QUEUE_FAMILIES, SERVICE_LISTS, Shape
from cqtui.ci.models import ListQuery
from cqtui.ci.protocol import list_request, signed_headers
from cqtui.ci.signing import compute_signature, parse_authorization

WHERE = Where("ap-guangzhou", "examplebucket-1250000000")


def test_every_family_lists_on_its_own_path_on_the_bucket_host():
    paths = {key: list_request(KINDS[key], WHERE, ListQuery()).path for key in QUEUE_FAMILIES}
    assert paths == {
        "pic": "/picqueue",
        "media": "/queue",
        "ai": "/ai_queue",
        "asr": "/asrqueue",
        "file": "/file_queue",
        "doc": "/docqueue",
    }
    for key in QUEUE_FAMILIES:
        request = list_request(KINDS[key], WHERE, ListQuery(page_number=2, page_size=5, state="Paused"))
        assert request.host == "examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com"
        assert request.params == {"state": "Paused", "pageNumber": "2", "pageSize": "5"}


def test_bucket_lists_go_to_the_region_host():
    paths = {kind.key: kind.path for kind in SERVICE_LISTS}
    assert paths == {
        "picbucket": "/picbucket",
        "mediabucket": "/mediabucket",
        "aibucket": "/ai_bucket",
        "asrbucket": "/asrbucket",
        "filebucket": "/file_bucket",
        "docbucket": "/docbucket",
    }
    for kind in (CI_BUCKETS, *SERVICE_LISTS):
        assert kind.shape is Shape.BUCKET and kind.host is HostKind.REGION
        request = list_request(kind, Where("ap-beijing"), ListQuery(page_size=100))
        assert (request.host, request.path) == ("ci.ap-beijing.myqcloud.com", kind.path)
    assert [kind.service for kind in SERVICE_LISTS] == list(QUEUE_FAMILIES)
    assert [KINDS[family].service for family in QUEUE_FAMILIES] == [kind.key for kind in SERVICE_LISTS]


def test_a_lookup_and_a_kind_parameter_are_sent_with_their_api_names():
    query = ListQuery(ids=("p1", "p2"), options=(("category", "CateAll"),))
    assert list_request(MEDIA, WHERE, query).params == {
        "queueIds": "p1,p2",
        "category": "CateAll",
        "pageNumber": "1",
        "pageSize": "10",
    }
    assert list_request(CI_BUCKETS, Where("ap-beijing"), ListQuery(options=(("region", "ap-tokyo"),))).params == {
        "region": "ap-tokyo",
        "pageNumber": "1",
        "pageSize": "10",
    }
    assert list_request(PIC, WHERE, ListQuery(page_number=3)).target == "/picqueue?pageNumber=3&pageSize=10"


@pytest.mark.parametrize(
    "kind, query, key, words",
    [
        (PIC, ListQuery(page_size=101), "pageSize", "1-100"),
        (PIC, ListQuery(page_number=0), "pageNumber", "1 or more"),
        (PIC, ListQuery(state="Sleeping"), "state", "Active, Paused"),
        (CI_BUCKETS, ListQuery(state="Active"), "state", "not available"),
        (CI_BUCKETS, ListQuery(ids=("b-1",)), "ids", "cannot be looked up"),
        (MEDIA, ListQuery(ids=tuple(f"p{n}" for n in range(11))), "queueIds", "at most 10"),
        (PIC, ListQuery(options=(("category", "CateAll"),)), "category", "take no 'category'"),
        (MEDIA, ListQuery(options=(("category", "Everything"),)), "category", "CateAll, Transcoding"),
        (CI_BUCKETS, ListQuery(options=(("bucketName", "x\u009b2J"),)), "bucketName", "control characters"),
        (PIC, ListQuery(ids=("p\x1b[31m",)), "queueIds", "control characters"),
    ],
)
def test_what_a_kind_does_not_take_is_refused_before_sending(kind, query, key, words):
    with pytest.raises(ConfigError) as refused:
        list_request(kind, WHERE, query)
    assert refused.value.key == key and words in refused.value.reason
    assert "\x1b" not in str(refused.value) and "\u009b" not in str(refused.value)


def test_a_bucket_kind_needs_a_bucket():
    with pytest.raises(ConfigError, match="no bucket"):
        list_request(PIC, Where("ap-guangzhou"), ListQuery())


@pytest.mark.parametrize(
    "region, bucket, key",
    [
        ("a" * 300, "", "region"),
        ("ap-guangzhou", "b" * 60 + "-1250000000", "bucket"),
        ("AP_Guangzhou", "", "region"),
        ("ap-guangzhou", "[@click=app.quit]-1", "bucket"),
        ("ap-guangzhou", "no-appid", "bucket"),
        ("evil.example.com/x", "", "region"),
    ],
)
def test_where_refuses_what_cannot_be_a_ci_host_in_one_line(region, bucket, key):
    with pytest.raises(ConfigError) as refused:
        Where(region, bucket)
    assert refused.value.key == key and "\n" not in str(refused.value) and len(str(refused.value)) < 200


def test_the_real_host_is_sent_and_signed():
    request = list_request(PIC, WHERE, ListQuery(state="Active"))
    credentials = Credentials("AKIDEXAMPLE", "secret-key", "session-token")
    headers = signed_headers(request, credentials, now=1_700_000_000)
    assert headers["Host"] == "examplebucket-1250000000.ci.ap-guangzhou.myqcloud.com"
    assert headers["x-ci-security-token"] == "session-token"
    auth = parse_authorization(headers["Authorization"])
    assert auth.header_list == ("host", "x-ci-security-token")
    assert auth.param_list == ("pagenumber", "pagesize", "state")
    expected = compute_signature(
        secret_key="secret-key",
        key_time=auth.key_time,
        method="GET",
        path="/picqueue",
        params=request.params,
        headers={"host": headers["Host"], "x-ci-security-token": "session-token"},
    )
    assert auth.signature == expected.signature


def test_columns_and_details_of_every_kind():
    for kind in KINDS.values():
        assert kind.columns and kind.details, kind.key
        assert len({column.key for column in kind.columns}) == len(kind.columns)
        assert len({column.key for column in kind.details}) == len(kind.details)
        assert [column.width for column in kind.columns].count(0) >= 1  # one column takes what is left
    assert "category" in {column.key for column in MEDIA.columns}
    assert "category" not in {column.key for column in PIC.columns}  # always PicProcessing: not worth a column
    doc_fields = {column.key for column in KINDS["doc"].details if column.key.startswith("notify.")}
    assert doc_fields == {"notify.url", "notify.state", "notify.type", "notify.event"}
    ai_fields = {column.key for column in KINDS["ai"].details if column.key.startswith("notify.")}
    assert "notify.mq_name" not in ai_fields and "notify.url" in ai_fields
