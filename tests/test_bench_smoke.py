"""Every benchmark in bench/ runs and produces its figures (tiny data, few iterations).

No timing is asserted: benchmarks are not tests. The official SDK is the peer for
rows 2 and 5 only when installed (`.[bench]`); without it those rows measure cqtui alone.
"""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROWS = ("1", "2", "3a", "3b", "4", "5", "6")
SDK_ROWS = {"2", "5"}
HAVE_SDK = importlib.util.find_spec("qcloud_cos") is not None


@pytest.fixture(scope="module")
def smoke(tmp_path_factory) -> dict:
    figures = tmp_path_factory.mktemp("bench") / "figures.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--json", str(figures)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    document = json.loads(figures.read_text())
    document["stdout"] = run.stdout
    return document


def positive(value) -> bool:
    return isinstance(value, float) and math.isfinite(value) and value > 0


def test_every_benchmark_produced_a_row(smoke) -> None:
    assert [row["key"] for row in smoke["rows"]] == list(ROWS)
    assert "Python" in smoke["machine"]
    for key in ROWS:
        assert f"| {key} |" in smoke["stdout"]


@pytest.mark.parametrize("key", ROWS)
def test_row_has_cqtui_figures_and_its_peer_when_available(smoke, key: str) -> None:
    row = next(row for row in smoke["rows"] if row["key"] == key)
    assert positive(row["ours"]), row
    if key == "4":
        assert row["theirs"] is None and len(row["figures"]["key_s"]) == smoke["plan"]["keys"]
    elif key in SDK_ROWS and not HAVE_SDK:
        assert row["theirs"] is None and row["met"] is None
    else:
        assert positive(row["theirs"]), row
        assert isinstance(row["met"], bool)


def test_flip_rows_sample_memory_and_pair_each_flip_with_a_bare_request(smoke) -> None:
    for row in smoke["rows"]:
        if row["key"] in ("3a", "3b", "6"):
            figures = row["figures"]
            assert len(figures["flip_s"]) == len(figures["bare_s"]) == len(figures["rss_kib"]) > 0
    scale = next(row for row in smoke["rows"] if row["key"] == "6")
    assert "rss_growth_mib" in scale["figures"]


def test_fetch_all_reports_peak_memory(smoke) -> None:
    row = next(row for row in smoke["rows"] if row["key"] == "5")
    assert positive(row["figures"]["cqtui_peak_rss_mib"])
