"""One signed list call that tells whether a profile works (`cqtui profiles test`, the profile form's test).

A profile with a bucket lists one of its image-processing queues; one without
lists one of the account's CI buckets.
"""

from __future__ import annotations

from dataclasses import dataclass

from cqtui.ci.endpoint import Where
from cqtui.ci.kinds import CI_BUCKETS, PIC
from cqtui.ci.models import ListQuery
from cqtui.ci.oneshot import OneShotClient
from cqtui.safetext import visible


@dataclass(frozen=True, slots=True)
class ProbeResult:
    host: str  # the CI host asked
    request_id: str  # made visible
    latency: float  # seconds
    count_text: str  # "44 image-processing queues"


def probe(client: OneShotClient, where: Where) -> ProbeResult:
    kind = PIC if where.bucket else CI_BUCKETS
    page = client.list(kind, where, ListQuery(page_size=1))
    total = "?" if page.total_count is None else str(page.total_count)
    return ProbeResult(
        where.host_for(kind.host), visible(page.request_id), client.last_latency or 0.0, f"{total} {kind.title}"
    )
