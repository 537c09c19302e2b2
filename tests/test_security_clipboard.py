"""`Y` puts only text that is safe to paste on the clipboard (OSC 52 through the terminal).

QueueIds and RequestIds come from the server. Pasted into a shell, `p1\\necho PWNED\\n`
runs a command; bidi or zero-width characters paste something else than the screen
showed. Every copy goes through CqtuiApp.copy_to_clipboard (tui/terminal_app.py);
here Textual's own copy_to_clipboard, which writes OSC 52, records what reaches it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.app import App

from cqtui.ci.credentials import Credentials
from cqtui.emulator.data import DEMO_BUCKET, hostile_queues
from cqtui.profiles.model import ResolvedProfile
from cqtui.safetext import PASTE_LIMIT, paste_problem
from cqtui.tui.app import CqtuiApp
from reliability_helpers import Answer, ScriptedServer
from tui_helpers import SIZE, fast_client, make_app, press, settle

HOSTILE_IDS = {
    "newline": "p1\necho PWNED\n",
    "carriage-return": "p1\rrm -rf ~",
    "next-line": "p1\x85echo PWNED",  # NEL: a line break to str.splitlines and some terminals
    "bidi": "p1\u202etxt.exe",
    "zero-width": "p1\u200bp2",
    "nbsp": "p1\u00a0p2",
    "c1": "p1\x9b31m",
    "long": "p" * (PASTE_LIMIT + 1),
}
SAFE_ID = "p786d8858ee8a4e0b9d1a0b47d3aa2a7c"


@pytest.fixture
def copies(monkeypatch) -> list[str]:
    """What reached Textual's copy_to_clipboard (and so the terminal's clipboard)."""
    received: list[str] = []
    monkeypatch.setattr(App, "copy_to_clipboard", lambda app, text: received.append(text))
    return received


def notices(app: App) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


@pytest.mark.parametrize("queue_id", HOSTILE_IDS.values(), ids=HOSTILE_IDS.keys())
async def test_y_refuses_a_queue_id_unsafe_to_paste_and_says_why(queue_id, emulator, emulator_credentials, copies):
    emulator.queues = [replace(queue, queue_id=f"{queue_id}{index}") for index, queue in enumerate(hostile_queues())]
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "Y")
        assert copies == []
        assert notices(app) == [f"QueueId not copied: {paste_problem(queue_id + '0')}."]


async def test_y_copies_a_safe_queue_id(emulator, emulator_credentials, copies):
    emulator.queues = [replace(hostile_queues()[0], queue_id=SAFE_ID)]
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "Y")
        assert copies == [SAFE_ID]
        assert notices(app) == [f"Copied QueueId {SAFE_ID}"]


@pytest.mark.parametrize("request_id", ["r1\necho PWNED", "r1\u2066x"], ids=["newline", "bidi-isolate"])
async def test_the_error_panel_refuses_a_request_id_unsafe_to_paste(request_id, copies):
    body = (
        f"<Error><Code>AccessDenied</Code><Message>no</Message><RequestId>{request_id}</RequestId></Error>"
    ).encode()
    with ScriptedServer(Answer(403, body)) as server:
        profile = ResolvedProfile("p", "ap-guangzhou", DEMO_BUCKET, Credentials("AKIDx", "k"), endpoint=server.base_url)
        app = CqtuiApp(profile, client_factory=fast_client)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            assert app.listing.error.request_id == request_id  # the panel has the focus: Y is its copy
            await press(pilot, "Y")
    assert copies == []
    assert notices(app) == [f"RequestId not copied: {paste_problem(request_id)}."]


@pytest.mark.parametrize(
    "text, safe",
    [
        (SAFE_ID, True),
        ("NmIwZjNkNmJfMzE3ZjQ0", True),
        ("队列 名称", True),  # wide characters and the ASCII space are fine
        ("e\u0301", True),  # a combining accent shows on its letter
        ("", False),
        *((text, False) for text in HOSTILE_IDS.values()),
        ("a\tb", False),
        ("a\u2028b", False),
        ("a\ufeffb", False),
        ("a\ue000b", False),  # private use: shows as nothing or a box
    ],
)
def test_paste_problem(text, safe):
    assert (paste_problem(text) is None) == safe
