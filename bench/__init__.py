"""Benchmarks (not tests): cqtui side by side with the official SDK and a bare Textual app.

Run `make bench` (or `python -m bench.run`); see bench/README.md.
"""
