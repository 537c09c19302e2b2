"""RequestGate: at most `per_host` requests in flight to one CI host and `total` in all."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from cqtui.ci.gate import RequestGate


async def test_in_flight_stays_within_both_bounds():
    gate = RequestGate(total=5, per_host=2)
    now: Counter[str] = Counter()
    peaks: Counter[str] = Counter()

    async def request(host: str) -> None:
        async with gate.slot(host):
            now[host] += 1
            now["*"] += 1
            peaks[host] = max(peaks[host], now[host])
            peaks["*"] = max(peaks["*"], now["*"])
            await asyncio.sleep(0.01)
            now[host] -= 1
            now["*"] -= 1

    await asyncio.gather(*(request(f"bucket{n % 4}") for n in range(40)))
    assert peaks["*"] == 5
    assert all(peaks[f"bucket{n}"] == 2 for n in range(4))


async def test_a_host_at_its_bound_does_not_hold_up_the_others():
    gate = RequestGate(total=3, per_host=1)
    busy = asyncio.Event()

    async def hold(host: str) -> None:
        async with gate.slot(host):
            await busy.wait()

    holders = [asyncio.create_task(hold("slow")) for _ in range(5)]  # one runs, four wait for "slow"
    await asyncio.sleep(0.01)
    async with asyncio.timeout(1):
        async with gate.slot("other"):  # the four waiting hold none of the total's slots
            pass
    busy.set()
    await asyncio.gather(*holders)


def test_bounds_must_be_positive():
    with pytest.raises(ValueError):
        RequestGate(total=0, per_host=1)
