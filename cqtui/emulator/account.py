"""The emulated account: buckets in regions, the services each has on, their queues; and Host routing.

A bucket with no services is not bound to CI: it is missing from `/cibuckets` and
its CI host answers 404 NoSuchBucket. A family a bucket has not enabled answers an
empty listing (unverified either way against the real service).

Requests are routed by their Host header, as the real service's DNS would:
`<bucket>.ci.<region>.myqcloud.com` is that bucket, `ci.<region>.myqcloud.com` is the
region host (bucket lists); any other Host (`127.0.0.1:port`, curl) is the first
bucket. A single-bucket account (`Emulator()`, `cqtui emulator`) answers for any
bucket host, as the emulator always did.

Everything here is deterministic, so screenshots and tests stay stable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from cqtui.ci.kinds import KINDS, QUEUE_FAMILIES, Kind
from cqtui.ci.models import Bucket, Queue
from cqtui.emulator.data import (
    ANCHOR,
    DEMO_BUCKET,
    as_family,
    ci_time,
    demo_queues,
    family_queues,
    fit_notify,
    generated_queue,
    hostile_queues,
    spread_times,
)
from cqtui.emulator.listing import BucketListRequest, Catalogue

DEMO_REGION = "ap-guangzhou"
# Regions of generated accounts, in this order (`cqtui emulator --regions K` takes the first K).
REGIONS = ("ap-guangzhou", "ap-shanghai", "ap-beijing", "ap-chengdu", "ap-singapore", "ap-tokyo", "na-ashburn")

_BUCKET_HOST = re.compile(r"^(?P<bucket>[a-z0-9-]+-[0-9]+)\.ci\.(?P<region>[a-z0-9-]+)\.myqcloud\.com$")
_REGION_HOST = re.compile(r"^ci\.(?P<region>[a-z0-9-]+)\.myqcloud\.com$")


@dataclass
class EmulatedBucket:
    bucket_id: str  # name-appid
    region: str
    create_time: str = ""
    services: frozenset[str] = frozenset()  # queue families with the service on; none = not bound to CI
    queues: dict[str, Catalogue] = field(default_factory=dict)  # family -> its queues
    tags: tuple[tuple[str, str], ...] = ()
    status: str = "on"
    alias_bucket_id: str = ""

    def catalogue(self, family: str) -> Catalogue:
        """The family's queues; none when its service is off (an empty listing: unverified)."""
        return self.queues.get(family, _EMPTY) if family in self.services else _EMPTY

    def has_tag(self, wanted: str) -> bool:
        """`tagKey` as /cibuckets takes it: `key` or `key;value`."""
        key, sep, value = wanted.partition(";")
        return any(tag == key and (not sep or tag_value == value) for tag, tag_value in self.tags)

    def model(self) -> Bucket:
        """As a bucket list entry shows it."""
        name, _, app_id = self.bucket_id.rpartition("-")
        return Bucket(
            bucket_id=self.bucket_id,
            name=name,
            app_id=app_id,
            region=self.region,
            create_time=self.create_time,
            status=self.status,
            alias_bucket_id=self.alias_bucket_id,
        )


_EMPTY = Catalogue(())


@dataclass(frozen=True, slots=True)
class Target:
    """Who a request's Host names."""

    region: str
    bucket_id: str = ""  # the bucket named (or the default one); "" on a region host
    bucket: EmulatedBucket | None = None  # None: a region host, or a bucket this account cannot serve
    refusal: str = ""  # why a bucket host is answered 404 NoSuchBucket


class Account:
    def __init__(self, buckets: Iterable[EmulatedBucket], *, answers_any_bucket: bool = False) -> None:
        self.buckets: tuple[EmulatedBucket, ...] = tuple(buckets)
        if not self.buckets:
            raise ValueError("an account needs at least one bucket")
        self.answers_any_bucket = answers_any_bucket
        self._by_id = {bucket.bucket_id: bucket for bucket in self.buckets}

    @property
    def first(self) -> EmulatedBucket:
        return self.buckets[0]

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(bucket.region for bucket in self.buckets))

    def bound(self) -> list[EmulatedBucket]:
        """The buckets bound to CI, in account order."""
        return [bucket for bucket in self.buckets if bucket.services]

    def queue_count(self) -> int:
        return sum(len(catalogue.queues) for bucket in self.buckets for catalogue in bucket.queues.values())

    def listed(self, kind: Kind, request: BucketListRequest) -> list[EmulatedBucket]:
        """What a bucket list of `kind` holds: buckets bound to CI (with the kind's service, for a
        per-service list) that pass every filter of `request`, in account order."""

        def wanted(bucket: EmulatedBucket) -> bool:
            name = bucket.model().name
            return (
                bool(bucket.services)
                and (not kind.service or kind.service in bucket.services)
                and (not request.regions or bucket.region in request.regions)
                and name.startswith(request.name_prefix)
                and (not request.names or bucket.bucket_id in request.names or name in request.names)
                and (not request.tag or bucket.has_tag(request.tag))
            )

        return [bucket for bucket in self.buckets if wanted(bucket)]

    def scope_of(self, name: str) -> str:
        """What `name` is in this account (a fault's scope): "bucket", "region", or "" for neither."""
        if name in self._by_id:
            return "bucket"
        return "region" if name in self.regions else ""

    def target(self, host: str) -> Target:
        host = host.lower().rsplit(":", 1)[0] if not host.startswith("[") else host.lower()
        if match := _REGION_HOST.match(host):
            return Target(match["region"])
        if not (match := _BUCKET_HOST.match(host)):
            return Target(self.first.region, self.first.bucket_id, self.first)
        bucket_id, region = match["bucket"], match["region"]
        if self.answers_any_bucket:
            return Target(region, bucket_id, self.first)
        bucket = self._by_id.get(bucket_id)
        if bucket is None or bucket.region != region:
            return Target(region, bucket_id, refusal="The specified bucket does not exist.")
        if not bucket.services:
            return Target(region, bucket_id, refusal="The bucket is not bound to Cloud Infinite.")
        return Target(region, bucket_id, bucket)


def single_bucket_account(queues: Iterable[Queue] | None = None) -> Account:
    """One image-processing bucket (the demo queues by default) that answers for any bucket host."""
    bucket = EmulatedBucket(
        DEMO_BUCKET,
        DEMO_REGION,
        ci_time(ANCHOR),
        frozenset({"pic"}),
        {"pic": Catalogue(demo_queues() if queues is None else queues)},
    )
    return Account([bucket], answers_any_bucket=True)


def _bucket(
    bucket_id: str,
    region: str,
    index: int,
    queues: dict[str, list[Queue]],
    *,
    tags: tuple[tuple[str, str], ...] = (),
    status: str = "on",
    alias_bucket_id: str = "",
) -> EmulatedBucket:
    """A bucket with the services of the families in `queues` on; created at a stable time by `index`."""
    created, _ = spread_times(index, 12)
    catalogues = {family: Catalogue(family_list) for family, family_list in queues.items()}
    return EmulatedBucket(bucket_id, region, created, frozenset(queues), catalogues, tags, status, alias_bucket_id)


def _some(bucket_id: str, counts: dict[str, int]) -> dict[str, list[Queue]]:
    return {family: family_queues(KINDS[family], bucket_id, count) for family, count in counts.items()}


def demo_account() -> Account:
    """Buckets in four regions with queues of every family; a bucket with only media, one without CI.

    The first is the v1 demo bucket (examplebucket-1250000000, ap-guangzhou) with the 44 demo
    image-processing queues, so the TUI's demo shows what it always showed.
    """
    main = {"pic": demo_queues(), **_some(DEMO_BUCKET, {"media": 9, "ai": 4, "asr": 3, "file": 3, "doc": 5})}
    buckets = [
        _bucket(DEMO_BUCKET, "ap-guangzhou", 0, main, tags=(("env", "prod"),), alias_bucket_id="example-docs"),
        _bucket("videos-1250000000", "ap-shanghai", 1, _some("videos-1250000000", {"media": 12})),
        _bucket(
            "archive-1250000000",
            "ap-beijing",
            2,
            _some("archive-1250000000", {"pic": 15, "doc": 6}),
            tags=(("env", "prod"),),
        ),
        _bucket("speech-1250000000", "ap-chengdu", 3, _some("speech-1250000000", {"asr": 7, "ai": 3, "file": 2})),
        _bucket("staging-1250000000", "ap-guangzhou", 4, _some("staging-1250000000", {"pic": 6, "media": 2})),
        _bucket("logs-1250000000", "ap-guangzhou", 5, {}),  # not bound to CI
    ]
    return Account(buckets)


def generated_account(buckets: int, queues_per_bucket: int, regions: int) -> Account:
    """`buckets` buckets spread over the first `regions` of REGIONS, every family on with `queues_per_bucket` each."""
    if buckets < 1 or queues_per_bucket < 0 or not 1 <= regions <= len(REGIONS):
        raise ValueError(f"need 1+ buckets, 0+ queues per bucket and 1-{len(REGIONS)} regions")
    made = []
    for number in range(buckets):
        bucket_id = f"bucket{number:04d}-1250000000"
        start = number * queues_per_bucket
        queues = {
            family: [
                as_family(KINDS[family], generated_queue(start + index), index, bucket_id)
                for index in range(queues_per_bucket)
            ]
            for family in QUEUE_FAMILIES
        }
        made.append(_bucket(bucket_id, REGIONS[number % regions], number, queues))
    return Account(made)


# Bucket list entries that try to break a terminal: markup, C1 controls, bidi, in ids and regions.
# Their ids name no host, so only the lists show them; the last bucket is real and has hostile queues.
_HOSTILE_BUCKETS = (
    ("[@click=app.quit]x[/]-1250000000", "ap-guangzhou"),
    ("csi\u009b31m-1250000000", "ap-\u009b2Jshanghai"),
    ("invoice\u202egpj-1250000000", "ap-beijing\u202e"),
    ("next\u0085line-1250000000", "[bold]ap-chengdu[/bold]"),
)


def hostile_buckets() -> list[EmulatedBucket]:
    """Buckets whose names and regions are hostile, and one whose every family's queues are (hostile_queues)."""
    made = [
        _bucket(bucket_id, region, index, {"pic": []}, status="\u202eon")
        for index, (bucket_id, region) in enumerate(_HOSTILE_BUCKETS)
    ]
    real = "hostile-1250000000"
    # Every field as hostile_queues() has it (its own Category and BucketId too), the callback as each family holds it.
    queues = {
        family: [
            replace(queue, notify_config=fit_notify(KINDS[family], queue.notify_config)) for queue in hostile_queues()
        ]
        for family in QUEUE_FAMILIES
    }
    made.append(_bucket(real, "ap-guangzhou", len(made), queues, tags=(("[@click=app.quit]", "\u009b"),)))
    return made


def with_hostile(account: Account) -> Account:
    return Account([*account.buckets, *hostile_buckets()], answers_any_bucket=account.answers_any_bucket)


def with_queues(account: Account, family: str, queues: Iterable[Queue]) -> None:
    """Replace the first bucket's queues of `family` (what `Emulator.queues = …` sets)."""
    first = account.first
    first.queues = {**first.queues, family: Catalogue(queues)}
    first.services = first.services | {family}
