"""Faults the campaign added to the emulator, checked at the HTTP level."""

from __future__ import annotations

import httpx
import pytest

from cqtui.emulator.faults import FAULTS


def test_reset_mid_body_sends_headers_and_part_of_the_listing_then_resets(emulator, sign_headers, emulator_credentials):
    assert "reset_mid_body" in FAULTS
    emulator.set_fault("reset_mid_body", times=1)
    headers = sign_headers(emulator.base_url, emulator_credentials)
    received = bytearray()
    with httpx.Client(timeout=5) as client:
        with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
            with client.stream("GET", emulator.base_url + "/picqueue", headers=headers) as response:
                assert response.status_code == 200
                for chunk in response.iter_raw():
                    received += chunk
        assert received.startswith(b"<Response>") or not received  # the kernel may drop unread data on RST
        assert client.get(emulator.base_url + "/picqueue", headers=headers).status_code == 200


def test_slow_body_trickles_a_byte_at_a_time(emulator, sign_headers, emulator_credentials):
    assert "slow_body" in FAULTS
    emulator.set_fault("slow_body", times=1)
    headers = sign_headers(emulator.base_url, emulator_credentials)
    with httpx.Client(timeout=5) as client:
        with client.stream("GET", emulator.base_url + "/picqueue", headers=headers) as response:
            assert response.status_code == 200 and int(response.headers["content-length"]) > 100
            chunks = []
            for chunk in response.iter_raw():
                chunks.append(chunk)
                if len(chunks) == 3:
                    break
    assert [len(chunk) for chunk in chunks] == [1, 1, 1] and b"".join(chunks) == b"<Re"
