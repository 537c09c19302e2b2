"""Property tests: `cqtui queues` output for any server text: nothing raw reaches the terminal,
JSON gives back exactly what the server sent, the table fits the width it was given."""

from __future__ import annotations

import csv
import io
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cqtui.ci.models import NotifyConfig, Queue, QueuePage
from cqtui.commands.output import render_csv, render_json, render_table, summary
from cqtui.safetext import visible
from cqtui.textwidth import cell_width

RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
PIECES = [
    "[/]",
    "\u009b31m",
    "\u0085",
    "\u202e",
    "\u2066",
    "\u0301",
    "超宽",
    "🚀",
    "\t",
    "\n",
    "\r",
    "\x1b[2J",
    "\x00",
    ",",
    '"',
]
TEXT = st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=4).map("".join)
QUEUE = st.builds(
    Queue,
    queue_id=TEXT, name=TEXT, state=TEXT, update_time=TEXT, create_time=TEXT, category=TEXT, bucket_id=TEXT,
    max_size=st.none() | st.integers(-(2**63), 2**63 - 1), max_concurrent=st.none() | st.integers(),
    notify_config=st.none() | st.builds(NotifyConfig, url=TEXT, event=TEXT, type=TEXT, state=TEXT, mq_name=TEXT),
)  # fmt: skip
PAGES = st.lists(
    st.builds(
        QueuePage,
        request_id=TEXT,
        total_count=st.none() | st.integers(0, 10**6),
        page_number=st.none() | st.integers(1, 99),
        page_size=st.none() | st.integers(1, 100),
        queues=st.lists(QUEUE, max_size=4).map(tuple),
        non_exist_pids=st.lists(TEXT, max_size=2).map(tuple),
    ),  # fmt: skip
    min_size=1,
    max_size=3,
)


@settings(max_examples=60, deadline=None)
@given(pages=PAGES, width=st.integers(51, 200))
def test_table_and_summary_fit_and_show_nothing_raw(pages, width):
    table = render_table(pages, width)
    assert not RAW_CONTROL.search(table.replace("\n", " ")), table
    lines = table.splitlines()
    assert len(lines) == 1 + sum(len(page.queues) for page in pages)  # no value broke a row in two
    assert all(cell_width(line) <= width for line in lines)
    assert not RAW_CONTROL.search(summary(pages))


@settings(max_examples=60, deadline=None)
@given(pages=PAGES)
def test_json_round_trips_every_value_and_csv_rows_stay_rows(pages):
    text = render_json(pages)
    assert not RAW_CONTROL.search(text.replace("\n", " "))
    document = json.loads(text)
    sent = [queue for page in pages for queue in page.queues]
    assert [entry["Name"] for entry in document["QueueList"]] == [queue.name for queue in sent]
    assert [entry["QueueId"] for entry in document["QueueList"]] == [queue.queue_id for queue in sent]
    rows = list(csv.reader(io.StringIO(render_csv(pages))))
    assert len(rows) == 1 + len(sent)
    assert [row[1] for row in rows[1:]] == [visible(queue.name) for queue in sent]
