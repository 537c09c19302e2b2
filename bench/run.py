"""`make bench`: every benchmark side by side with its peer, printed as one table.

    python -m bench.run              the full run (a few minutes), prints the table
    python -m bench.run --smoke      tiny data, few iterations: proves each benchmark runs
    python -m bench.run --readme     also writes the table into bench/README.md
    python -m bench.run --json FILE  also writes every figure measured

The peer for the CLI rows (2 and 5) is the official SDK (`pip install -e '.[bench]'`);
without it those rows are not run: the command fails and says so. Runs alternate between cqtui and its peer, so
drift on a noisy machine hits both alike; figures are medians (and p95s) with ratios.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.machine import describe
from bench.procs import BUCKET, PYTHON, ROOT, EmulatorProcess, Run, compile_bytecode, timed_run
from bench.stats import median, p95, ratio

CQTUI = str(Path(PYTHON).parent / "cqtui")  # the console script, as a user runs it
BENCH = ROOT / "bench"
SDK_ROWS = {"2", "5"}  # the rows whose peer is the official SDK


@dataclass(frozen=True)
class Plan:
    runs: int  # process runs per side for rows 1 and 2
    flips: int  # row 3: flips per page size
    flip_latency_ms: int  # rows 3 and 6: a network-like delay on every answer
    keys: int  # row 4: keys pressed during a slow fetch
    slow_latency_ms: int  # row 4
    all_queues: int  # row 5
    all_latency_ms: int  # row 5
    all_runs: int  # row 5: runs per side
    queues: int  # rows 1-3 and 6: queues the emulator serves
    warmup: bool  # one unmeasured run per side first (disk cache, .pyc files)
    raw_mb: float  # row 7: the size of the answer opened in the raw view
    raw_opens: int  # row 7


FULL = Plan(runs=31, flips=50, flip_latency_ms=50, keys=60, slow_latency_ms=2000, all_queues=10_000,
            all_latency_ms=50, all_runs=7, queues=10_000, warmup=True, raw_mb=6, raw_opens=9)  # fmt: skip
SMOKE = Plan(runs=1, flips=3, flip_latency_ms=5, keys=7, slow_latency_ms=800, all_queues=450,
             all_latency_ms=5, all_runs=1, queues=450, warmup=False, raw_mb=0.2, raw_opens=1)  # fmt: skip


@dataclass
class Row:
    key: str
    title: str
    unit: str  # "ms" or "s"
    ours: float | None  # cqtui's median, in seconds
    theirs: float | None  # the peer's median, in seconds
    peer: str
    goal: str
    outcome: str  # the figure the goal is about
    met: bool | None
    figures: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        return ratio(self.ours, self.theirs)


def sdk_available() -> bool:
    try:
        return importlib.util.find_spec("qcloud_cos") is not None
    except (ImportError, ValueError):  # ValueError: blocked in sys.modules
        return False


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    value = seconds * 1000
    return f"{value:.0f} ms" if value >= 100 else f"{value:.1f} ms"


def _s(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds:.2f} s"


# ---- 1. time to first data ----------------------------------------------------------------


def _stamped_run(args: list[str], tag: str) -> float:
    """Seconds from just before the fork to the stamp the child prints when it has drawn."""
    run = timed_run(args, keep_stdout=True)
    stamps = [line.split()[1] for line in run.stdout.splitlines() if line.startswith(tag + " ")]
    if not stamps:
        raise RuntimeError(f"{' '.join(args)} printed no {tag}: {run.stdout[-300:]!r}")
    return float(stamps[0]) - run.started


def first_data(plan: Plan, url: str) -> Row:
    ours_args = [PYTHON, str(BENCH / "tui_probe.py"), "first-data", url, BUCKET]
    peer_args = [PYTHON, str(BENCH / "bare_textual.py")]
    ours, theirs = _alternate(
        plan, lambda: _stamped_run(ours_args, "FIRST_DATA"), lambda: _stamped_run(peer_args, "FIRST_PAINT")
    )
    row = Row("1", "Time to first data: start → first page drawn (TUI, headless)", "ms", median(ours),
              median(theirs), "bare Textual app, one DataTable, first paint", "ratio ≤ 1.15", "", None,
              {"cqtui_s": ours, "peer_s": theirs})  # fmt: skip
    row.outcome = f"ratio {row.ratio:.2f}"
    row.met = row.ratio <= 1.15
    return row


def _alternate(plan: Plan, ours: Callable[[], float], theirs: Callable[[], float] | None, runs: int | None = None):
    runs = runs or plan.runs
    if plan.warmup:
        ours()
        if theirs:
            theirs()
    ours_samples: list[float] = []
    theirs_samples: list[float] = []
    for _ in range(runs):
        ours_samples.append(ours())
        if theirs:
            theirs_samples.append(theirs())
    return ours_samples, theirs_samples or None


# ---- 2. one-shot listing ----------------------------------------------------------------


def _check_listing(output: str, expected: int) -> None:
    queues = json.loads(output)["QueueList"]
    if len(queues) != expected:
        raise RuntimeError(f"expected {expected} queues in the JSON, got {len(queues)}")


def imports_of(args: list[str]) -> set[str]:
    """Top-level packages a run imports (python -X importtime)."""
    run = timed_run([PYTHON, "-X", "importtime", *args], keep_stdout=True, keep_stderr=True)
    names = set()
    for line in run.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def listing(plan: Plan, url: str) -> Row:
    ours_args = [CQTUI, "queues", "--output", "json", "--bucket", BUCKET, "--endpoint", url]
    peer_args = [PYTHON, str(BENCH / "sdk_peer.py"), "one", url, BUCKET]
    _check_listing(timed_run(ours_args, keep_stdout=True).stdout, 10)
    _check_listing(timed_run(peer_args, keep_stdout=True).stdout, 10)
    ours, theirs = _alternate(plan, lambda: timed_run(ours_args).seconds, lambda: timed_run(peer_args).seconds)
    loaded = imports_of(["-m", "cqtui", *ours_args[1:]])
    heavy = {"textual", "rich", "pygments", "markdown_it", "tomli_w", "asyncio", "httpx", "anyio"}
    unneeded = sorted(loaded & heavy)
    row = Row("2", "One-shot listing: `cqtui queues --output json` (page of 10)", "ms", median(ours),
              median(theirs), "official SDK script, same call", "ratio ≤ 0.7", "", None,
              {"cqtui_s": ours, "peer_s": theirs, "unneeded_imports": unneeded})  # fmt: skip
    imported = f"; imports {', '.join(unneeded)}" if unneeded else "; no Textual, asyncio or httpx"
    row.outcome = f"ratio {row.ratio:.2f}{imported}"
    row.met = row.ratio <= 0.7 and not unneeded
    return row


# ---- 3 and 6. page flips -------------------------------------------------------------------


def _probe(*args: str) -> dict:
    run = timed_run([PYTHON, str(BENCH / "tui_probe.py"), *args], keep_stdout=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


def flips(plan: Plan, url: str, size: int, count: int, key: str, title: str, *, memory: bool = False) -> Row:
    result = _probe("flips", url, str(size), str(count))
    flip, bare = result["flip_s"], result["bare_s"]
    p95_ratio = p95(flip) / p95(bare)
    row = Row(key, title, "ms", median(flip), median(bare), "the same request, CiClient alone",
              "p95 ≤ 1.5 × bare p95", f"p95 {_ms(p95(flip))} vs {_ms(p95(bare))} = {p95_ratio:.2f}×"
              f" (UI adds {_ms(median(flip) - median(bare))})",
              p95_ratio <= 1.5, {"flip_s": flip, "bare_s": bare, "rss_kib": result["rss_kib"],
                                 "latency_ms": plan.flip_latency_ms, "page_size": size})  # fmt: skip
    if memory:
        rss = result["rss_kib"]
        settled = rss[len(rss) // 10]  # after a tenth of the flips: caches warm
        growth_mib = (rss[-1] - settled) / 1024
        row.figures["rss_growth_mib"] = growth_mib
        row.outcome += f"; RSS {settled / 1024:.0f} → {rss[-1] / 1024:.0f} MiB over {len(rss)} flips"
        row.goal += "; RSS flat (≤ +5 MiB)"
        row.met = row.met and growth_mib <= 5
    return row


# ---- 4. responsiveness during a slow fetch ---------------------------------------------------


def keys(plan: Plan, url: str) -> Row:
    result = _probe("keys", url, str(plan.keys))
    samples = result["key_s"]
    return Row("4", f"Key → effect drawn while a fetch is in flight ({plan.slow_latency_ms / 1000:g} s latency)",
               "ms", median(samples), None, "—", "p95 ≤ 50 ms", f"p95 {_ms(p95(samples))}",
               p95(samples) <= 0.050, {"key_s": samples, "keys": result["keys"]})  # fmt: skip


# ---- 7. a huge answer in the raw view -------------------------------------------------------


def raw_view(plan: Plan, url: str) -> Row:
    result = _probe("raw", url, str(plan.raw_mb), str(plan.raw_opens))
    opened, searched, scrolled = result["open_s"], result["search_s"], result["scroll_s"]
    size = result["bytes"] / 1_000_000
    growth = (result["rss_kib"][1] - result["rss_kib"][0]) / 1024
    return Row("7", f"Raw view: a {size:.1f} MB answer (`y`) → laid out, first screen drawn", "ms",
               median(opened), None, "—", "max ≤ 1 s",
               f"max {_ms(max(opened))}; search (enter → drawn) {_ms(median(searched))}, pagedown "
               f"{_ms(median(scrolled))}; RSS +{growth:.0f} MiB after {len(opened)} opens",
               max(opened) <= 1.0, {"open_s": opened, "search_s": searched, "scroll_s": scrolled,
                                    "bytes": result["bytes"], "rss_kib": result["rss_kib"]})  # fmt: skip


# ---- 5. fetch all --------------------------------------------------------------------------------


def fetch_all(plan: Plan, url: str) -> Row:
    ours_args = [CQTUI, "queues", "--all", "--page-size", "100", "--output", "json"]
    ours_args += ["--bucket", BUCKET, "--endpoint", url]
    peer_args = [PYTHON, str(BENCH / "sdk_peer.py"), "all", url, BUCKET, "100"]
    _check_listing(timed_run(ours_args, keep_stdout=True).stdout, plan.all_queues)
    _check_listing(timed_run(peer_args, keep_stdout=True).stdout, plan.all_queues)
    ours_runs: list[Run] = []
    theirs_runs: list[Run] = []

    def ours() -> float:
        ours_runs.append(timed_run(ours_args))
        return ours_runs[-1].seconds

    def theirs() -> float:
        theirs_runs.append(timed_run(peer_args))
        return theirs_runs[-1].seconds

    ours_s, theirs_s = _alternate(plan, ours, theirs, plan.all_runs)
    peak = max(run.peak_rss_mib for run in ours_runs)
    row = Row("5", f"Fetch all: `cqtui queues --all`, {plan.all_queues:,} queues in pages of 100, "
                   f"{plan.all_latency_ms} ms latency", "s", median(ours_s), median(theirs_s),
              "official SDK paging in a loop", "ratio ≤ 0.25; peak RSS ≤ 100 MiB", "", None,
              {"cqtui_s": ours_s, "peer_s": theirs_s, "cqtui_peak_rss_mib": peak,
               "peer_peak_rss_mib": max((run.peak_rss_mib for run in theirs_runs), default=None)})  # fmt: skip
    row.outcome = f"ratio {row.ratio:.2f}; peak RSS {peak:.0f} MiB"
    row.met = row.ratio <= 0.25 and peak <= 100
    return row


# ---- the run ------------------------------------------------------------------------------------------


def run_all(plan: Plan, only: set[str] | None = None) -> list[Row]:
    wanted = lambda key: only is None or key in only  # noqa: E731
    rows: list[Row] = []
    if wanted("1") or wanted("2"):
        with EmulatorProcess(queues=plan.queues) as fast:
            if wanted("1"):
                rows.append(first_data(plan, fast.url))
            if wanted("2"):
                rows.append(listing(plan, fast.url))
    if wanted("3") or wanted("6"):
        with EmulatorProcess(queues=plan.queues, latency_ms=plan.flip_latency_ms) as emulator:
            latency = f"{plan.flip_latency_ms} ms latency"
            if wanted("3"):
                for key, size in (("3a", 10), ("3b", 100)):
                    title = f"Page flip: key n → new rows drawn, {size} rows, {latency}"
                    rows.append(flips(plan, emulator.url, size, plan.flips, key, title))
            if wanted("6"):
                pages = plan.queues // 100
                title = f"Scale: {plan.queues:,} queues browsed page by page (100 rows), {latency}"
                rows.append(flips(plan, emulator.url, 100, pages - 1, "6", title, memory=True))
    if wanted("4"):
        with EmulatorProcess(queues=plan.queues, latency_ms=plan.slow_latency_ms) as slow:
            rows.append(keys(plan, slow.url))
    if wanted("5"):
        with EmulatorProcess(queues=plan.all_queues, latency_ms=plan.all_latency_ms) as emulator:
            rows.append(fetch_all(plan, emulator.url))
    if wanted("7"):
        with EmulatorProcess(queues=plan.queues) as emulator:
            rows.append(raw_view(plan, emulator.url))
    return sorted(rows, key=lambda row: row.key)


def table(rows: list[Row]) -> str:
    lines = [
        "| # | benchmark | cqtui median | peer median | ratio | peer | goal | result |",
        "|---|---|---:|---:|---:|---|---|---|",
    ]
    for row in rows:
        show = _s if row.unit == "s" else _ms
        ratio_text = "—" if row.ratio is None else f"{row.ratio:.2f}"
        verdict = "—" if row.met is None else ("met" if row.met else "**not met**")
        lines.append(
            f"| {row.key} | {row.title} | {show(row.ours)} | {show(row.theirs)} | {ratio_text} | {row.peer} "
            f"| {row.goal} | {row.outcome}: {verdict} |"
        )
    return "\n".join(lines)


README_START = "<!-- bench-table:start -->"
README_END = "<!-- bench-table:end -->"


def write_readme(text: str) -> None:
    path = BENCH / "README.md"
    document = path.read_text(encoding="utf-8")
    start, end = document.index(README_START) + len(README_START), document.index(README_END)
    path.write_text(document[:start] + "\n" + text + "\n" + document[end:], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny data and few iterations (for the smoke test)")
    parser.add_argument("--only", help="comma-separated row numbers, e.g. 1,5")
    parser.add_argument("--json", metavar="FILE", help="write every figure measured to FILE")
    parser.add_argument("--readme", action="store_true", help="write the table into bench/README.md")
    args = parser.parse_args(argv)

    plan = SMOKE if args.smoke else FULL
    only = set(args.only.split(",")) if args.only else None
    if (only is None or only & SDK_ROWS) and not sdk_available():
        print(
            "bench: the peer of rows 2 and 5, the official SDK (cos-python-sdk-v5), is not installed: "
            "pip install -e '.[bench]' (`make bench` does)",
            file=sys.stderr,
        )
        return 2
    started = time.perf_counter()
    compile_bytecode()
    rows = run_all(plan, only)
    machine = describe()
    peer = "cos-python-sdk-v5 " + _sdk_version() if sdk_available() else "not needed for these rows"
    text = f"{table(rows)}\n\nMachine: {machine}; peer SDK: {peer}; run took {time.perf_counter() - started:.0f} s."
    print(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"machine": machine, "plan": asdict(plan), "rows": [asdict(row) for row in rows]}, out, indent=1)
    if args.readme:
        write_readme(text)
    return 0


def _sdk_version() -> str:
    from importlib.metadata import version

    return version("cos-python-sdk-v5")


if __name__ == "__main__":
    sys.exit(main())
