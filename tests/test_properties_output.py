"""Property tests: `cqtui queues` output for any server text: nothing raw reaches the terminal,
JSON gives back exactly what the server sent, the table fits the width it was given."""

from __future__ import annotations

import csv
import io
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cqtui.ci.kinds import CI_BUCKETS, KINDS, QUEUE_FAMILIES, located
from cqtui.ci.models import Bucket, Located, NotifyConfig, Page, Queue
from cqtui.commands.output import bucket_json, render_delimited, render_json, render_table
from cqtui.commands.queues import queues_document, summary
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
        Page,
        request_id=TEXT,
        total_count=st.none() | st.integers(0, 10**6),
        page_number=st.none() | st.integers(1, 99),
        page_size=st.none() | st.integers(1, 100),
        items=st.lists(QUEUE, max_size=4).map(tuple),
        missing_ids=st.lists(TEXT, max_size=2).map(tuple),
    ),  # fmt: skip
    min_size=1,
    max_size=3,
)


BUCKET = st.builds(
    Bucket, bucket_id=TEXT, name=TEXT, app_id=TEXT, region=TEXT, create_time=TEXT, status=TEXT,
    services=st.none() | st.lists(st.sampled_from(QUEUE_FAMILIES), unique=True).map(tuple),
)  # fmt: skip
FAMILY = st.sampled_from(QUEUE_FAMILIES).map(KINDS.__getitem__)


def _one_word_cells(table: str, column_count: int) -> None:
    """Every line splits into exactly its columns: no cell holds whitespace or is empty."""
    assert {len(line.split()) for line in table.splitlines()} <= {column_count}


@settings(max_examples=60, deadline=None)
@given(pages=PAGES, width=st.integers(51, 200), family=FAMILY)
def test_table_and_summary_fit_and_show_nothing_raw(pages, width, family):
    queues = [queue for page in pages for queue in page.items]
    table = render_table(family.columns, queues, width)
    assert not RAW_CONTROL.search(table.replace("\n", " ")), table
    lines = table.splitlines()
    assert len(lines) == 1 + len(queues)  # no value broke a row in two
    assert all(cell_width(line) <= width for line in lines)
    _one_word_cells(table, len(lines[0].split()))
    assert not RAW_CONTROL.search(summary(pages))


@settings(max_examples=60, deadline=None)
@given(pages=PAGES, family=FAMILY)
def test_json_round_trips_every_value_and_csv_and_tsv_rows_stay_rows(pages, family):
    text = render_json(queues_document(pages))
    assert not RAW_CONTROL.search(text.replace("\n", " "))
    document = json.loads(text)
    sent = [queue for page in pages for queue in page.items]
    assert [entry["Name"] for entry in document["QueueList"]] == [queue.name for queue in sent]
    assert [entry["QueueId"] for entry in document["QueueList"]] == [queue.queue_id for queue in sent]
    rows = list(csv.reader(io.StringIO(render_delimited(family.details, sent, tsv=False))))
    assert len(rows) == 1 + len(sent)
    # What a spreadsheet would run as a formula gets a leading ' (tests/test_security_csv.py).
    guarded = ["'" * visible(queue.name).startswith(("=", "+", "-", "@")) + visible(queue.name) for queue in sent]
    assert [row[1] for row in rows[1:]] == guarded
    tsv = render_delimited(family.details, sent, tsv=True, headers=False)
    assert not RAW_CONTROL.search(tsv.replace("\n", " ").replace("\t", " "))
    assert [line.split("\t") for line in tsv.splitlines()] == [row for row in rows[1:]]


@settings(max_examples=60, deadline=None)
@given(buckets=st.lists(BUCKET, max_size=4), queues=st.lists(QUEUE, max_size=4), width=st.integers(60, 200))
def test_buckets_and_overview_rows_render_literally(buckets, queues, width):
    table = render_table(CI_BUCKETS.columns, buckets, width)
    assert not RAW_CONTROL.search(table.replace("\n", " ")) and len(table.splitlines()) == 1 + len(buckets)
    assert all(cell_width(line) <= width for line in table.splitlines())
    document = json.loads(render_json({"CIBucketList": [bucket_json(bucket) for bucket in buckets]}))
    assert [entry["BucketId"] for entry in document["CIBucketList"]] == [bucket.bucket_id for bucket in buckets]
    assert [entry["Region"] for entry in document["CIBucketList"]] == [bucket.region for bucket in buckets]
    rows = [Located(bucket, queue) for bucket, queue in zip(buckets, queues, strict=False)]
    overview = render_table(located(KINDS["pic"].columns), rows, width)
    assert not RAW_CONTROL.search(overview.replace("\n", " ")) and len(overview.splitlines()) == 1 + len(rows)
    _one_word_cells(overview, len(overview.splitlines()[0].split()))
