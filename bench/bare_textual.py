"""The peer for "time to first data": a bare Textual app with one DataTable of ten rows.

Run as a script; prints `FIRST_PAINT <time.perf_counter()>` once the rows have been
painted (see painting.py), then exits. perf_counter is CLOCK_MONOTONIC on Linux,
so the parent subtracts the moment it started this process.
"""

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from painting import TerminalPaint, rows_ready

SIZE = (120, 40)
COLUMNS = ("QueueId", "Name", "State", "MaxSize", "MaxConc", "Callback", "Updated")
ROW = ("p0123456789abcdef0123456789abcdef", "queue", "Active", "10000", "10", "On Url", "2026-01-01 09:30")
ROWS = 10


class BareTable(TerminalPaint, App[None]):
    done = False

    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        for number in range(ROWS):
            table.add_row(*ROW, key=str(number))

    def painted(self, at: float) -> None:
        if not self.done and rows_ready(self.query_one(DataTable), ROWS):
            self.done = True
            print(f"FIRST_PAINT {at!r}", flush=True)
            self.exit()


if __name__ == "__main__":
    BareTable().run(headless=True, size=SIZE)
