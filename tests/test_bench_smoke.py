"""Every benchmark in bench/ runs and produces its figures (tiny data, few iterations).

No timing is asserted: benchmarks are not tests. The official SDK, the peer of rows 2
and 5, comes with the test extra as with `.[bench]`: every row is run with its peer.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROWS = ("1", "2", "3a", "3b", "4", "5", "6", "7")


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
def test_row_has_cqtui_figures_and_its_peer(smoke, key: str) -> None:
    row = next(row for row in smoke["rows"] if row["key"] == key)
    assert positive(row["ours"]), row
    if key == "4":  # no peer: key latency against a goal
        assert row["theirs"] is None and len(row["figures"]["key_s"]) == smoke["plan"]["keys"]
    elif key == "7":  # no peer: the raw view's times against a goal
        figures = row["figures"]
        assert row["theirs"] is None and isinstance(row["met"], bool)
        assert len(figures["open_s"]) == len(figures["search_s"]) == smoke["plan"]["raw_opens"]
        assert figures["bytes"] >= smoke["plan"]["raw_mb"] * 1_000_000
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


def test_a_missing_sdk_is_an_error_not_a_row_without_its_peer() -> None:
    blocked = "import sys; sys.modules['qcloud_cos'] = None; from bench.run import main; sys.exit(main(sys.argv[1:]))"
    for only in (["--only", "2"], ["--only", "1,5"], []):
        run = subprocess.run(
            [sys.executable, "-c", blocked, "--smoke", *only], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        assert run.returncode == 2 and run.stdout == "", (only, run.stdout, run.stderr)
        assert "pip install -e '.[bench]'" in run.stderr and "Traceback" not in run.stderr
