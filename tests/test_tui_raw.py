"""The raw view (`y`): laid out one element per line, searched, saved (0600) and paged, against the emulator."""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import replace

import pytest
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import Input

from cqtui.ci.rawxml import layout
from cqtui.emulator.data import demo_queues, generated_queues
from cqtui.tui.clock import FrozenClock
from cqtui.tui.screens.confirm import ConfirmDialog
from cqtui.tui.screens.raw_xml import RawXmlScreen
from cqtui.tui.screens.save_dialog import SaveDialog
from cqtui.tui.stills import FROZEN_NOW
from cqtui.tui.widgets.raw_view import RawView
from reliability_helpers import TerminalSession, cli_env
from tui_helpers import SIZE, make_app, press, screen_plain, settle, type_text

DEMO = demo_queues()


def info(app) -> str:
    return app.screen.query_one("#raw-info").render().plain


def styles_at(view: RawView, y: int) -> list[tuple[str, str]]:
    """(text, style) of each segment of the view's line `y` on screen."""
    return [(segment.text, str(segment.style)) for segment in view.render_line(y)]


async def open_raw(pilot, *keys: str) -> RawXmlScreen:
    await settle(pilot)
    await press(pilot, *keys, "y")
    screen = pilot.app.screen
    assert isinstance(screen, RawXmlScreen)
    return screen


async def test_a_page_is_laid_out_one_element_per_line(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_raw(pilot)
        assert screen.text == app.listing.page.raw_xml  # the answer as it came, one line from the emulator
        assert "\n" not in screen.text
        lines = screen.lines
        request_id = app.listing.page.request_id
        assert lines[:3] == ["<Response>", f"  <RequestId>{request_id}</RequestId>", "  <TotalCount>44</TotalCount>"]
        assert f"    <QueueId>{DEMO[0].queue_id}</QueueId>" in lines
        assert "      <Url>https://ops.example.com/ci/watermark</Url>" in lines
        assert lines[-1] == "</Response>"
        assert "one element per line" in info(app) and f"{len(lines)} lines" in info(app)
        shown = screen_plain(app)
        assert "  <RequestId>" in shown and "    <QueueId>" in shown


async def test_a_long_line_scrolls_sideways_and_is_never_cut_mid_tag(emulator, emulator_credentials):
    long_name = "n" * 150 + "-end"
    emulator.queues = [replace(DEMO[0], name=long_name), *DEMO[1:]]
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_raw(pilot)
        name_line = next(index for index, line in enumerate(screen.lines) if "<Name>" in line)
        assert screen.lines[name_line] == f"    <Name>{long_name}</Name>"  # one line, start and end tag on it
        view = screen.view
        assert view.virtual_size.width == len(screen.lines[name_line])
        top = round(view.scroll_y)
        on_screen = "".join(text for text, _ in styles_at(view, name_line - top))
        assert on_screen.startswith("    <Name>nnn") and "-end" not in on_screen
        while view.scroll_x < view.max_scroll_x:  # right arrow, as far as it goes
            await press(pilot, "right")
        assert view.max_scroll_x == len(screen.lines[name_line]) - view.scrollable_content_region.width
        on_screen = "".join(text for text, _ in styles_at(view, name_line - round(view.scroll_y)))
        assert "-end</Name>" in on_screen


async def test_an_answer_that_is_not_xml_is_shown_as_it_came(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        body = "<html>\n<title>Portal</title><p>log in\x1b[31m</html>"
        app.show_raw("A portal page", body)
        await settle(pilot)
        assert app.screen.lines == ["<html>", "<title>Portal</title><p>log in\\x1b[31m</html>"]
        assert "as received (not well-formed XML)" in info(app)
        assert "\x1b" not in screen_plain(app)


async def test_search_highlights_counts_and_moves_between_matches(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials, page_size=50)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_raw(pilot)
        expected = "\n".join(screen.lines).lower().count("watermark")
        assert expected >= 3
        await press(pilot, "slash")
        assert screen.query_one("#raw-search", Input).has_focus
        await type_text(pilot, "WaterMark")
        await press(pilot, "enter")
        view = screen.view
        assert view.has_focus and view.match_count == expected
        assert f"'WaterMark': match 1 of {expected}" in info(app)
        first = view.current_position()
        assert "watermark" in screen.lines[first[0]][first[1] :].lower()[:9]

        def highlighted() -> list[str]:
            line, _ = view.current_position()
            y = line - round(view.scroll_y)
            assert 0 <= y < view.size.height, "the current match is on screen"
            current = str(view.get_component_rich_style("raw-view--current"))
            return [text for text, style in styles_at(view, y) if current in style]

        assert [text.lower() for text in highlighted()] == ["watermark"]
        await press(pilot, "n")
        assert f"match 2 of {expected}" in info(app) and view.current_position() > first
        assert [text.lower() for text in highlighted()] == ["watermark"]
        await press(pilot, "N", "N")
        assert f"match {expected} of {expected}" in info(app)  # before the first: wraps to the last

        await press(pilot, "slash", "backspace", *["backspace"] * 9)
        await type_text(pilot, "no-such-text")
        await press(pilot, "enter")
        assert "no match for 'no-such-text'" in info(app)
        assert screen.check_action("next_match", ()) is None

        await press(pilot, "slash", "escape")  # escape leaves the search box, not the view
        assert isinstance(app.screen, RawXmlScreen) and view.has_focus
        await press(pilot, "escape")
        assert not isinstance(app.screen, RawXmlScreen)


async def test_save_writes_a_private_file_and_asks_before_replacing_one(
    emulator, emulator_credentials, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    app = make_app(emulator, emulator_credentials, clock=FrozenClock(FROZEN_NOW))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_raw(pilot)
        await press(pilot, "s")
        assert isinstance(app.screen, SaveDialog)
        name = app.screen.query_one("#save-path", Input).value
        assert name == "cqtui-raw-xml-page-1-20260101-120000.xml"  # in the current folder
        await press(pilot, "enter")
        saved = tmp_path / name
        assert app.screen is screen
        assert saved.read_text(encoding="utf-8") == screen.text  # the answer as received
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        assert any(f"Saved 5,419 bytes to {saved} (mode 0600)" == n.message for n in app._notifications)

        saved.write_text("mine", encoding="utf-8")
        saved.chmod(0o644)
        await press(pilot, "ctrl+s", "enter")  # the same name again: asks
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "n")
        assert isinstance(app.screen, SaveDialog) and "that file is kept" in problem_line(app)
        assert saved.read_text(encoding="utf-8") == "mine"
        await press(pilot, "enter", "y")
        assert app.screen is screen
        assert saved.read_text(encoding="utf-8") == screen.text
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600  # replaced whole, not written into
        assert sorted(path.name for path in tmp_path.iterdir()) == [name]  # no temp file left


def problem_line(app) -> str:
    return app.screen.query_one("#save-problem").render().plain


async def test_save_problems_are_one_line_in_the_dialog(emulator, emulator_credentials, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await open_raw(pilot)
        for path, words in (
            ("missing/x.xml", "cannot create it (No such file or directory)"),
            ("locked", "is a folder"),
            ("", "give a file name"),
        ):
            await press(pilot, "s")
            field = app.screen.query_one("#save-path", Input)
            field.value = path
            await press(pilot, "enter")
            assert isinstance(app.screen, SaveDialog)
            assert words in problem_line(app) and "\n" not in problem_line(app).strip()
            await press(pilot, "escape")
        if os.geteuid() != 0:  # root writes anywhere
            await press(pilot, "s")
            app.screen.query_one("#save-path", Input).value = "locked/x.xml"
            await press(pilot, "enter")
            assert "cannot create it (Permission denied)" in problem_line(app)
    assert list(locked.iterdir()) == [] and not (tmp_path / "missing").exists()


@pytest.fixture
def suspendable(monkeypatch) -> list[str]:
    """Let the headless driver hand the terminal over, as the real one does; what it did, in order."""
    done: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "can_suspend", property(lambda self: True))
    monkeypatch.setattr(HeadlessDriver, "suspend_application_mode", lambda self: done.append("suspended"))
    monkeypatch.setattr(HeadlessDriver, "resume_application_mode", lambda self: done.append("resumed"))
    return done


def pager_script(tmp_path) -> str:
    """A $PAGER that keeps a copy of the file it was given (its last argument), its mode and its arguments."""
    script = tmp_path / "pager.sh"
    script.write_text(
        f'#!/bin/sh\nfor file; do :; done\ncp "$file" {tmp_path}/paged.txt\n'
        f'stat -c %a "$file" > {tmp_path}/mode.txt\necho "$@" > {tmp_path}/args.txt\nexit "${{PAGER_STATUS:-0}}"\n'
    )
    script.chmod(0o700)
    return str(script)


async def test_the_pager_gets_the_text_as_shown_in_a_private_temp_file(
    emulator, emulator_credentials, tmp_path, monkeypatch, suspendable
):
    monkeypatch.setenv("PAGER", pager_script(tmp_path) + " --flag")
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_raw(pilot)
        await press(pilot, "o")
        assert suspendable == ["suspended", "resumed"]
        assert (tmp_path / "paged.txt").read_text(encoding="utf-8") == "\n".join(screen.lines) + "\n"
        assert (tmp_path / "mode.txt").read_text().strip() == "600"
        flag, temp = (tmp_path / "args.txt").read_text().split()
        assert flag == "--flag" and temp.endswith(".xml") and not os.path.exists(temp)  # deleted after
        assert app.screen is screen and not app._notifications

        monkeypatch.setenv("PAGER_STATUS", "3")
        await press(pilot, "o")
        assert [n.message for n in app._notifications][-1].endswith("ended with status 3")


async def test_no_pager_says_so(emulator, emulator_credentials, tmp_path, monkeypatch, suspendable):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_raw(pilot)
        monkeypatch.setenv("PAGER", "no-such-pager -R")
        await press(pilot, "o")
        monkeypatch.delenv("PAGER")
        monkeypatch.setenv("PATH", str(tmp_path))  # no less on it
        await press(pilot, "o")
        messages = [n.message for n in app._notifications]
        assert messages == [
            "$PAGER names no-such-pager, which is not installed or not on PATH",
            "no pager: $PAGER is not set and less is not installed",
        ]
        assert suspendable == []  # the terminal was never handed over


async def test_a_six_megabyte_answer_opens_laid_out(emulator, emulator_credentials):
    queues = generated_queues(12_300)
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        from cqtui.emulator.xmlbody import queue_page_xml

        page = replace(app.listing.page, items=tuple(queues), total_count=len(queues))
        text = queue_page_xml(page).decode()
        assert len(text) > 6_000_000
        app.show_raw("Raw XML · big", text)
        await settle(pilot)
        screen = app.screen
        assert len(screen.lines) == len(layout(text)[0]) > 200_000
        assert "6.0 MB" in info(app) and "one element per line" in info(app)
        await press(pilot, "end")
        assert "</Response>" in screen_plain(app)


async def test_a_search_typed_in_one_burst_lands_in_the_search_box(emulator, emulator_credentials):
    """As tmux send-keys, a paste or a laggy link deliver it: every key queued before any is handled."""
    from textual import events

    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await open_raw(pilot)
        for name, character in [("slash", "/"), *((char, char) for char in "watermark"), ("enter", "\r")]:
            app.post_message(events.Key(name, character))
        await settle(pilot)
        assert "'watermark': match 1 of 2" in info(app)


@pytest.mark.skipif(sys.platform != "linux", reason="a pty as on Linux")
def test_on_a_real_terminal_the_pager_gets_the_terminal_and_gives_it_back(tmp_path):
    """`cqtui --demo` on a pseudo-terminal: `y`, `o` runs $PAGER with the app suspended, then the app is back."""
    env = cli_env(tmp_path / "none.toml", PAGER=pager_script(tmp_path))
    with TerminalSession("--demo", env=env) as session:
        session.read_until(b"Page 1/")
        session.send(b"y")
        session.read_until(b"one element per line")
        session.send(b"o")
        session.read_until(b"\x1b[?1049l")  # the terminal handed over: Textual left the alternate screen
        session.read_until(b"one element per line")  # and redrew the raw view after the pager
        paged = (tmp_path / "paged.txt").read_text(encoding="utf-8")
        assert paged.startswith("<Response>\n  <RequestId>") and (tmp_path / "mode.txt").read_text().strip() == "600"
        assert not os.path.exists((tmp_path / "args.txt").read_text().split()[-1])
        session.send(b"\x1b")  # back to the list (alone: ESC then q at once would read as alt+q)
        session.read_until(b"Queues")
        session.send(b"q")
        assert session.wait() == 0


async def test_a_search_with_too_many_matches_keeps_the_first_hundred_thousand(emulator, emulator_credentials):
    app = make_app(emulator, emulator_credentials)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.show_raw("Many", "ab" * 150_000)
        await settle(pilot)
        await press(pilot, "slash", "a", "enter")
        assert app.screen.view.match_count == 100_000
        assert "'a': match 1 of 100,000+" in info(app)
        await press(pilot, "N")  # wraps to the last one kept
        assert app.screen.view.current_position() == (0, 2 * 99_999)
