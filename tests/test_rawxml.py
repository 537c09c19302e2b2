"""The raw view's layout (cqtui/ci/rawxml.py) and its one-pass visible(): characters kept, only whitespace moved."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cqtui.ci.models import NotifyConfig, Page, Queue
from cqtui.ci.rawxml import layout
from cqtui.emulator.xmlbody import queue_page_xml
from cqtui.safetext import visible, visible_lines


def test_a_document_is_one_element_per_line_indented_by_depth():
    text = (
        "<?xml version='1.0'?>\n<Response><A>1</A><B x='1'><C>x</C><D/></B><E>\n  </E>"
        "<M>t<x>y</x>z</M><!-- <c> --><F><![CDATA[<raw>]]></F><G> </G></Response>"
    )
    assert layout(text) == (
        [
            "<?xml version='1.0'?>",
            "<Response>",
            "  <A>1</A>",
            "  <B x='1'>",
            "    <C>x</C>",
            "    <D/>",
            "  </B>",
            "  <E></E>",  # whitespace with a line break: an empty element's indentation
            "  <M>",  # mixed content: each text run on a line of its own
            "    t",
            "    <x>y</x>",
            "    z",
            "  </M>",
            "  <!-- <c> -->",
            "  <F><![CDATA[<raw>]]></F>",
            "  <G> </G>",  # a value of one space is a value
            "</Response>",
        ],
        True,
    )


def test_an_indented_document_is_laid_out_again_and_line_breaks_in_values_stay():
    assert layout("<a>\n    <b>1</b>\n</a>\n") == (["<a>", "  <b>1</b>", "</a>"], True)
    assert layout("<a><b>one\ntwo</b></a>") == (["<a>", "  <b>one", "two</b>", "</a>"], True)


def test_references_and_attributes_are_kept_as_written():
    text = "<a href=\"x&amp;y\" b = '2'>&lt;&#x9b;&unknown;</a>"
    assert layout(text) == ([text], True)


@pytest.mark.parametrize(
    "text",
    [
        "<a><b>1</b>",  # truncated
        "<a>x</a><b/>",  # two roots
        "<a><b></a></b>",  # crossed
        "<a>x<y",  # a `<` with no `>`
        "text<a/>",  # text outside the root
        "<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>",  # a DTD: never laid out (nothing in it is acted on)
        "<html>\n<body><p>open paragraph</body></html>",
        "<a><? unfinished</a>",
        "",
        "plain text\nover lines",
    ],
)
def test_what_is_not_well_formed_comes_back_as_it_came(text):
    assert layout(text) == (text.split("\n"), False)


def squashed(text: str) -> str:
    return re.sub(r"\s", "", text)


FIELD = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff"), max_size=20)


@settings(max_examples=60, deadline=None)
@given(names=st.lists(FIELD, min_size=1, max_size=4), url=FIELD)
def test_any_emulator_answer_keeps_every_character(names, url):
    try:
        queues = tuple(
            Queue(queue_id=f"p{index}", name=name, state="Active", notify_config=NotifyConfig(url=url))
            for index, name in enumerate(names)
        )
        body = queue_page_xml(Page(request_id="r", total_count=1, page_number=1, page_size=10, items=queues))
    except ValueError:  # a character XML cannot carry: the emulator refuses it
        return
    text = body.decode()
    lines, laid_out = layout(text)
    assert laid_out
    assert squashed("".join(lines)) == squashed(text)
    assert all(line.startswith(("<", " ")) or "\n" in text for line in lines)


def test_visible_lines_escapes_each_line_as_visible_does():
    lines = ["a\x1b[31m", "\u202eb", "", "tab\there", "\x9b"]
    assert visible_lines(lines) == [visible(line) for line in lines]
    assert visible_lines(["one\ntwo"]) == ["one\\x0atwo"]  # a line's own line break is escaped, as visible() does
    assert visible_lines([]) == []
