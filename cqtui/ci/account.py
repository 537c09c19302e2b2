"""The whole account: its CI buckets (and the services each has on), and every queue of one family in all of them.

Textual-free, on the async client: its RequestGate bounds the requests in flight
per CI host and in total, so the many listings here go out concurrently without
flooding one host. A listing that fails becomes a Failure (its error keeps Code
and RequestId) while the others' results stay. The overview yields each bucket's
result as it arrives, so a screen can draw them one by one, and retries only the
buckets that failed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from cqtui.ci.client import CiClient
from cqtui.ci.endpoint import Where
from cqtui.ci.errors import CqtuiError, ServiceError, TransportError
from cqtui.ci.kinds import CI_BUCKETS, KINDS, QUEUE_FAMILIES, Kind
from cqtui.ci.models import Bucket, ListQuery, Located, Queue
from cqtui.ci.protocol import Held
from cqtui.ci.regions import KNOWN_REGIONS

# Codes that no other list would answer differently: a wrong or expired key, a skewed clock.
CREDENTIAL_CODES = frozenset(
    {"SignatureDoesNotMatch", "InvalidAccessKeyId", "ExpiredToken", "InvalidToken", "RequestTimeTooSkewed"}
)
ALL_PAGES = ListQuery(page_size=100)


@dataclass(frozen=True, slots=True)
class Failure:
    """One listing that failed: a bucket's queues, or a region's bucket list."""

    listing: str  # the kind's key: "pic", "cibuckets", "mediabucket", …
    region: str
    bucket: str  # "" for a region's bucket list
    error: CqtuiError

    @property
    def code(self) -> str:
        if isinstance(self.error, ServiceError):
            return self.error.code
        if isinstance(self.error, TransportError):
            return self.error.kind
        return type(self.error).__name__

    @property
    def request_id(self) -> str:
        return self.error.request_id if isinstance(self.error, ServiceError) else ""


@dataclass(frozen=True, slots=True)
class AccountBuckets:
    """The account's CI buckets, each with `services` filled in (None where its region's lists failed)."""

    buckets: tuple[Bucket, ...]
    failures: tuple[Failure, ...] = ()
    refused: ServiceError | None = None  # why /cibuckets was not used: the buckets come from the per-service lists

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(bucket.region for bucket in self.buckets))


async def _every_item(client: CiClient, kind: Kind, where: Where, query: ListQuery, held: Held) -> list:
    return [item async for page in client.iter_pages(kind, where, query, held=held) for item in page.items]


async def _listed(client: CiClient, kind: Kind, region: str, query: ListQuery, held: Held) -> list | Failure:
    """Every entry of a region host's list, or the Failure that stopped it."""
    try:
        return await _every_item(client, kind, Where(region), query, held)
    except CqtuiError as error:  # ConfigError too: a region name no host can have
        return Failure(kind.key, region, "", error)


async def _ci_buckets(client: CiClient, home: Where, regions: Sequence[str], held: Held) -> list[Bucket]:
    """/cibuckets from the home region's host: every region at once, or each of `regions` (its `region` filter)."""
    if not regions:
        return await _every_item(client, CI_BUCKETS, home, ALL_PAGES, held)
    parts = await asyncio.gather(
        *(_every_item(client, CI_BUCKETS, home, replace(ALL_PAGES, options=(("region", r),)), held) for r in regions)
    )
    return [bucket for part in parts for bucket in part]


async def _service_lists(
    client: CiClient, regions: Sequence[str], services: Sequence[str], held: Held
) -> dict[tuple[str, str], list[Bucket] | Failure]:
    """(region, family) -> that region host's list of buckets with the family's service on."""
    pairs = [(region, family) for region in regions for family in services]

    def query(region: str) -> ListQuery:
        return replace(ALL_PAGES, options=(("regions", region),))

    answers = await asyncio.gather(
        *(_listed(client, KINDS[KINDS[family].service], region, query(region), held) for region, family in pairs)
    )
    return dict(zip(pairs, answers, strict=True))


async def discover_buckets(
    client: CiClient, region: str, *, regions: Sequence[str] = (), services: Sequence[str] = QUEUE_FAMILIES
) -> AccountBuckets:
    """Every CI bucket of the account (from `region`'s host), with which of `services` each has on.

    `regions` narrows to those regions. When /cibuckets is refused (AccessDenied,
    a proxy that does not know it…), the per-service lists of `regions` (else of
    every known region) are the list instead, and the regions that fail are
    reported. A credential problem, or a transport failure of /cibuckets, is raised:
    no other list would do better.
    """
    refused: ServiceError | None = None
    held = client.new_held()  # every list of the discovery together: what the server sends is held at once
    try:
        found: list[Bucket] | None = await _ci_buckets(client, Where(region), regions, held)
    except ServiceError as error:
        if error.code in CREDENTIAL_CODES:
            raise
        found, refused = None, error
    scanned = tuple(regions) or (
        tuple(dict.fromkeys(bucket.region for bucket in found)) if found is not None else KNOWN_REGIONS
    )
    lists = await _service_lists(client, scanned, services, held)
    failures = tuple(answer for answer in lists.values() if isinstance(answer, Failure))
    failed_regions = {failure.region for failure in failures}
    enabled: dict[tuple[str, str], set[str]] = {
        key: {bucket.bucket_id for bucket in answer} for key, answer in lists.items() if not isinstance(answer, Failure)
    }

    def with_services(bucket: Bucket) -> Bucket:
        if bucket.region in failed_regions or bucket.region not in scanned:
            return replace(bucket, services=None)  # not all of its lists answered: unknown
        on = tuple(family for family in services if bucket.bucket_id in enabled[(bucket.region, family)])
        return replace(bucket, services=on)

    if found is None:  # the per-service lists are the list: each bucket once, in region and family order
        unique: dict[str, Bucket] = {}
        for answer in lists.values():
            if not isinstance(answer, Failure):
                for bucket in answer:
                    unique.setdefault(bucket.bucket_id, bucket)
        found = list(unique.values())
    return AccountBuckets(tuple(with_services(bucket) for bucket in found), failures, refused)


# ---- the overview -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BucketQueues:
    """One bucket's part of the overview: every queue of the family, or the Failure that stopped it."""

    bucket: Bucket
    queues: tuple[Queue, ...] = ()
    failure: Failure | None = None
    request_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Progress:
    done: int  # buckets answered (or failed) in this load
    total: int  # buckets in this load
    queues: int  # queues in the overview so far
    failed: int  # buckets whose listing failed, in the overview so far


class Overview:
    """Every queue of `family` in `buckets`, fetched concurrently (bounded by the client's gate).

    Buckets known not to have the family's service on are skipped (`skipped`); those
    whose services are unknown are asked. `load()` yields each bucket's BucketQueues
    as it completes and keeps it in `results`; `retry_failed()` loads the failed ones again.
    """

    def __init__(self, client: CiClient, family: Kind, buckets: Iterable[Bucket], query: ListQuery = ALL_PAGES) -> None:
        self._client = client
        self.family = family
        self.query = query
        offered = tuple(buckets)
        may_have = [bucket.services is None or family.key in bucket.services for bucket in offered]
        self.buckets = tuple(bucket for bucket, asked in zip(offered, may_have, strict=True) if asked)
        self.skipped = tuple(bucket for bucket, asked in zip(offered, may_have, strict=True) if not asked)
        self.results: dict[tuple[str, str], BucketQueues] = {}

    @property
    def rows(self) -> list[Located]:
        """Each loaded queue with its bucket, in bucket order, then the server's order."""
        rows = []
        for bucket in self.buckets:
            result = self.results.get((bucket.bucket_id, bucket.region))
            if result is not None:
                rows += [Located(bucket, queue) for queue in result.queues]
        return rows

    @property
    def failures(self) -> list[Failure]:
        return [result.failure for result in self.results.values() if result.failure is not None]

    def failed_buckets(self) -> tuple[Bucket, ...]:
        return tuple(result.bucket for result in self.results.values() if result.failure is not None)

    def retry_failed(self, on_progress: Callable[[Progress], None] | None = None) -> AsyncIterator[BucketQueues]:
        return self.load(self.failed_buckets(), on_progress=on_progress)

    async def load(
        self, buckets: Sequence[Bucket] | None = None, *, on_progress: Callable[[Progress], None] | None = None
    ) -> AsyncIterator[BucketQueues]:
        """Load `buckets` (default: all of them), yielding each one's result as it arrives.

        The buckets of one load share one bound on what they hold (protocol.Held).
        """
        wanted = self.buckets if buckets is None else tuple(buckets)
        held = self._client.new_held()
        tasks = [asyncio.create_task(self._bucket(bucket, held)) for bucket in wanted]
        try:
            for done, next_result in enumerate(asyncio.as_completed(tasks), 1):
                result = await next_result
                self.results[(result.bucket.bucket_id, result.bucket.region)] = result
                if on_progress is not None:
                    queues = sum(len(each.queues) for each in self.results.values())
                    on_progress(Progress(done, len(wanted), queues, len(self.failures)))
                yield result
        finally:  # a consumer that stops early (a new overview, the app closing) cancels the rest
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _bucket(self, bucket: Bucket, held: Held) -> BucketQueues:
        try:
            where = Where(bucket.region, bucket.bucket_id)
            pages = [page async for page in self._client.iter_pages(self.family, where, self.query, held=held)]
        except CqtuiError as error:
            return BucketQueues(bucket, failure=Failure(self.family.key, bucket.region, bucket.bucket_id, error))
        queues = tuple(queue for page in pages for queue in page.items)
        return BucketQueues(bucket, queues, request_ids=tuple(page.request_id for page in pages))
