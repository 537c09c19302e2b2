"""The README's two reliability tables are data (tests/reliability_matrix.py): shown as printed, proven by tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability_matrix import HOSTILE_ROWS, hostile_table, markdown_table

TESTS = Path(__file__).parent
README = TESTS.parent / "README.md"


@pytest.mark.parametrize("table", [markdown_table, hostile_table], ids=["faults", "hostile"])
def test_the_readme_shows_the_table_as_printed(table):
    """Edit the rows in tests/reliability_matrix.py, then paste `python -m tests.reliability_matrix` in the README."""
    assert table() in README.read_text(encoding="utf-8")


@pytest.mark.parametrize("row", HOSTILE_ROWS, ids=lambda row: row.tried[:50])
def test_every_hostile_row_names_tests_that_exist(row):
    assert row.proof
    for proof in row.proof:
        module, function = proof.split("::")
        assert f"def {function}(" in (TESTS / f"{module}.py").read_text(encoding="utf-8"), proof
