"""Property tests: any text the server (or the config file) sends is drawn literally on every screen.

One app serves every example (reliability_helpers.AppSession): the server is a
scripted loopback server answering with the emulator's own XML writer, so any
XML-legal text reaches the real client, parser and screens. For each example the test
checks the list, detail, NotifyConfig, raw XML, error panel, profile picker
and context bar: the text shown is `visible(value)` (or its prefix where a
column truncates), no raw control or bidi character reaches the terminal, and
clicking on the text runs nothing.
"""

from __future__ import annotations

import re
from dataclasses import astuple, replace

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from textual.widgets import OptionList, Static

from cqtui.ci.credentials import Credentials
from cqtui.ci.models import NotifyConfig, Page, Queue
from cqtui.emulator.data import DEMO_BUCKET
from cqtui.emulator.xmlbody import error_xml, queue_page_xml
from cqtui.profiles.model import ResolvedProfile
from cqtui.safetext import visible
from cqtui.textwidth import cell_width
from cqtui.tui import formatting as fmt
from cqtui.tui.app import CqtuiApp
from cqtui.tui.profile_source import ProfileRow
from cqtui.tui.screens.notify_config import NotifyConfigScreen
from cqtui.tui.screens.profile_picker import ProfilePicker
from cqtui.tui.screens.queue_detail import QueueDetailScreen
from cqtui.tui.screens.queue_list import QueueListScreen
from cqtui.tui.screens.raw_xml import RawXmlScreen
from cqtui.tui.widgets.context_bar import ContextBar
from cqtui.tui.widgets.queue_table import QueueTable
from reliability_helpers import Answer, AppSession, ScriptedServer
from tui_helpers import SIZE, column, error_text, fast_client, press, screen_plain, settle, static_text


# Every example drives real screens (~1 s each), so few examples and no shrinking:
# a failure is reported with the example that failed, which reproduces it.
def examples(count: int) -> settings:
    return settings(
        max_examples=count,
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# What must never reach the terminal raw: C0 (newline aside, it only separates rows), DEL, C1, bidi.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
WIDE = 100_000  # a console width at which nothing wraps


class ChangingProfiles:
    """A ProfileSource whose names the test sets per example; any name resolves to the scripted server."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.listed: list[str] = []
        self.fields: dict[str, tuple[str, str]] = {}

    path = None

    def rows(self) -> list[ProfileRow]:
        rows = []
        for name in self.listed:
            region, bucket = self.fields.get(name, ("ap-guangzhou", DEMO_BUCKET))
            rows.append(ProfileRow(name, region, bucket, self.endpoint, "-", False))
        return rows

    def resolve(self, name: str) -> ResolvedProfile:
        region, bucket = self.fields.get(name, ("ap-guangzhou", DEMO_BUCKET))
        return ResolvedProfile(
            name, region, bucket, Credentials("AKIDPROPERTY", "property-key"), endpoint=self.endpoint
        )


@pytest.fixture(scope="module")
def world():
    with ScriptedServer(Answer(200, queue_page_xml(Page(request_id="start", total_count=0)))) as server:
        profiles = ChangingProfiles(server.base_url)
        app = CqtuiApp(profiles.resolve("start"), profiles=profiles, client_factory=fast_client)
        rung: list[str] = []
        app.bell = lambda: rung.append("bell")  # a `[@click=app.bell]` that ran would show here
        session = AppSession(app, SIZE)
        session.run(settle)
        try:
            yield session, server, profiles, rung
        finally:
            session.close()


# ---- what the server may say -----------------------------------------------------------

XML_CHARS = st.characters(codec="utf-8", exclude_categories=["Cs"]).filter(
    lambda c: c in "\t\n\r" or ("\x20" <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd") or c >= "\U00010000"
)
HOSTILE = [
    "[@click=app.quit]q[/]", "[@click=app.bell]b[/]", "[@click=screen.dismiss]d[/]", "[/]", "[bold]",
    "[link=https://evil.example]l[/link]", "\u009b31m", "\u0085", "\u202e", "\u2066", "\u200f", "\u0301",
    "\u0489", "\u3000", "超宽", "🚀", "👩\u200d👩\u200d👧", "\t", "\n", "\r", "&amp;", "<b>", "\ufeff", "\x7f",
    "\u00a0", "\\x1b", "%s", "{0}",
]  # fmt: skip
TEXT = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(XML_CHARS, max_size=6)), max_size=4).map("".join)
NOTIFY = st.builds(
    NotifyConfig,
    url=TEXT,
    event=TEXT,
    type=TEXT,
    state=TEXT,
    result_format=TEXT,
    mq_mode=TEXT,
    mq_region=TEXT,
    mq_name=TEXT,
)
QUEUE = st.builds(
    Queue,
    queue_id=TEXT,
    name=TEXT,
    state=TEXT,
    notify_config=st.none() | NOTIFY,
    max_size=st.none() | st.integers(-(2**63), 2**63 - 1),
    max_concurrent=st.none() | st.integers(-(10**6), 10**6),
    update_time=TEXT,
    create_time=TEXT,
    category=TEXT,
    bucket_id=TEXT,
)


# ---- what the screen shows ---------------------------------------------------------------


def assert_no_raw_controls(text: str, where: str) -> None:
    found = RAW_CONTROL.search(text)
    assert found is None, f"{where}: raw U+{ord(found.group()):04X} reached the terminal"


def visible_by_line(text: str) -> str:
    return "\n".join(visible(line) for line in text.split("\n"))


def squashed(text: str) -> str:
    """`text` without the whitespace a layout may add or drop between elements (shown or escaped)."""
    return re.sub(r"\s|\\x09|\\x0d", "", text)


def fitting_prefix(text: str, cells: int) -> str:
    """The longest start of `text` that fits in `cells` terminal cells, without trailing zero-width marks."""
    taken = ""
    for char in text:
        if cell_width(taken + char) > cells:
            break
        taken += char
    while taken and cell_width(taken[-1]) == 0:
        taken = taken[:-1]
    return taken


async def to_list(pilot) -> None:
    while not isinstance(pilot.app.screen, QueueListScreen):
        pilot.app.pop_screen()
    await pilot.pause()


# ---- the properties ------------------------------------------------------------------------


# Unique QueueIds: a shared id shows the wrong NotifyConfig, pinned by an xfail in test_reliability_tui.py.
@examples(8)
@given(
    queues=st.lists(QUEUE, min_size=1, max_size=3, unique_by=lambda queue: queue.queue_id),
    pick=st.integers(0, 2),
    request_id=TEXT,
    unknown_id=TEXT,
)
def test_every_queue_field_is_drawn_literally_on_every_screen(world, queues, pick, request_id, unknown_id):
    session, server, _, rung = world
    queue = queues[pick % len(queues)]
    page = Page(request_id=request_id, total_count=len(queues), page_number=1, page_size=10,
                items=tuple(queues), missing_ids=(unknown_id,))  # fmt: skip
    server.answer = Answer(200, queue_page_xml(page))

    async def job(pilot) -> None:
        app = pilot.app
        await to_list(pilot)
        await press(pilot, "r")
        assert app.listing.error is None, app.listing.error
        parsed = app.listing.page.items
        assert [replace(each, raw_xml="") for each in parsed] == queues  # the parser kept every character

        # List: cells hold the whole visible() text; the terminal shows its start, never a control.
        assert column(app, "name") == [fmt.text_or_dash(each.name) for each in queues]
        assert column(app, "state") == [fmt.text_or_dash(each.state) for each in queues]
        shown = screen_plain(app)
        assert_no_raw_controls(shown, "list")
        name_width = app.screen.query_one(QueueTable).columns["name"].width
        for each in queues:
            assert fitting_prefix(fmt.text_or_dash(each.name), name_width - 1) in shown
        assert visible(unknown_id) in static_text(app.screen.query_one("#notice", Static), width=WIDE)
        await pilot.click(QueueTable, offset=(16, 1))
        assert app.is_running and not rung

        # Detail of one queue: every field, untruncated in the body's own text.
        await to_list(pilot)
        app.screen.query_one(QueueTable).move_cursor(row=pick % len(queues))
        await press(pilot, "enter")
        assert isinstance(app.screen, QueueDetailScreen) and app.screen.queue == parsed[pick % len(queues)]
        body = static_text(app.screen.query_one("#detail-body", Static), width=WIDE)
        for value in (queue.queue_id, queue.name, queue.state, queue.category, queue.bucket_id, request_id):
            assert visible(value) in body
        for value in (queue.update_time, queue.create_time):
            if value.strip() and fmt.parse_server_time(value) is None:
                assert visible(value) in body
        for number in (queue.max_size, queue.max_concurrent):
            assert fmt.number(number) in body
        assert_no_raw_controls(body, "detail body")
        assert_no_raw_controls(screen_plain(app), "detail")
        await pilot.click("#detail-body", offset=(20, 1))
        assert app.is_running and isinstance(app.screen, QueueDetailScreen) and not rung

        # Its NotifyConfig.
        await press(pilot, "c")
        assert isinstance(app.screen, NotifyConfigScreen)
        body = static_text(app.screen.query_one("#notify-body", Static), width=WIDE)
        for value in astuple(queue.notify_config) if queue.notify_config else ():
            assert visible(value) in body
        assert_no_raw_controls(body, "notify body")
        assert_no_raw_controls(screen_plain(app), "notify")

        # Its raw XML: one element per line, every character kept, controls escaped.
        await press(pilot, "y")
        assert isinstance(app.screen, RawXmlScreen)
        body = "\n".join(app.screen.lines)
        assert squashed(body) == squashed(visible_by_line(app.screen.text))
        assert app.screen.text == parsed[pick % len(queues)].raw_xml
        assert_no_raw_controls(body, "raw body")
        assert_no_raw_controls(screen_plain(app), "raw XML")
        await to_list(pilot)

    session.run(job)


@examples(6)
@given(status=st.sampled_from([400, 403, 404, 409]), code=TEXT, message=TEXT, request_id=TEXT, trace_id=TEXT,
       garbage=TEXT)  # fmt: skip
def test_every_error_field_is_drawn_literally(world, status, code, message, request_id, trace_id, garbage):
    session, server, _, rung = world

    async def job(pilot) -> None:
        app = pilot.app
        await to_list(pilot)
        server.answer = Answer(status, error_xml(code, message, request_id, trace_id))
        await press(pilot, "r")
        error = app.listing.error
        shown = error_text(app)
        assert (error.code, error.message) == (code or f"HTTP{status}", message or "the server gave no message")
        assert visible(error.code) in shown and f"HTTP {status}" in shown
        for label, value in (("Message", message), ("RequestId", request_id), ("TraceId", trace_id)):
            if value:
                assert f"{label}: {visible(value)}" in shown
        assert_no_raw_controls(shown, "error panel")
        assert_no_raw_controls(screen_plain(app), "error")

        # A body that is not XML at all: its start is shown as an excerpt, literally.
        server.answer = Answer(200, ("<" + garbage).encode("utf-8"))
        await press(pilot, "r")
        error = app.listing.error
        if error is not None and error.excerpt:
            assert f"Answer starts: {error.excerpt[:240]}" in error_text(app)
        assert_no_raw_controls(error_text(app), "excerpt")
        assert_no_raw_controls(screen_plain(app), "excerpt")
        await pilot.click("#error", offset=(10, 1))
        assert app.is_running and not rung

    session.run(job)


@examples(4)
@given(names=st.lists(TEXT.filter(bool), min_size=1, max_size=3, unique=True), region=TEXT, bucket=TEXT)
def test_profile_names_are_drawn_literally_in_the_picker_and_the_context_bar(world, names, region, bucket):
    session, server, profiles, rung = world
    server.answer = Answer(200, queue_page_xml(Page(request_id="p", total_count=0)))

    async def job(pilot) -> None:
        app = pilot.app
        await to_list(pilot)
        current = app.profile.name
        chosen = next((name for name in names if name != current), None)
        profiles.listed = [current, *[name for name in names if name != current]]
        profiles.fields = {name: (region, bucket) for name in names}
        await press(pilot, "P")
        assert isinstance(app.screen, ProfilePicker)
        options = app.screen.query_one(OptionList)
        prompts = [options.get_option_at_index(index).prompt.plain for index in range(options.option_count)]
        assert len(prompts) == len(profiles.listed)
        for name, prompt in zip(profiles.listed, prompts, strict=True):
            # The name column is 10 cells wide; ">" marks the current profile.
            assert prompt[1] == (">" if name == current else " ")
            assert fitting_prefix(visible(name), 8) in prompt
        assert_no_raw_controls(screen_plain(app), "picker")
        if chosen is None:
            await press(pilot, "escape")
            return
        await press(pilot, "down", "enter")
        await settle(pilot)
        assert app.profile.name == chosen
        bar = app.screen.query_one(ContextBar).render().plain
        assert fitting_prefix(f"{visible(chosen)} · {visible(region)} · {visible(bucket)}", 8) in bar
        assert_no_raw_controls(screen_plain(app), "context bar")
        await pilot.click(ContextBar, offset=(60, 0))
        assert app.is_running and not rung

    session.run(job)
