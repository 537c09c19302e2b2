# Every target works from a fresh clone: the venv is created and filled on demand.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test screenshots bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/cqtui --demo

LINTED := cqtui tests bench screenshots
# pytest-xdist: one worker per CPU; a module's tests stay on one worker (loadscope), so
# module fixtures start once. On 2 cores: 145 s in one process, 81 s with 2 workers; 4
# workers took 64 s on a quiet machine but no less than 2 on a busy one.
# `make test WORKERS=0` runs the suite in one process.
WORKERS ?= auto

# Lint, format and type checks first (seconds), then the suite.
test: $(STAMP)
	$(BIN)/python -m ruff check $(LINTED)
	$(BIN)/python -m ruff format --check $(LINTED)
	$(BIN)/python -m mypy cqtui
	$(BIN)/python -m pytest -q -n $(WORKERS) --dist loadscope

screenshots: $(STAMP)
	$(BIN)/python -m screenshots.make

# The official SDK (the peer) comes with the `bench` extra; the run takes a few minutes.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench.run --readme

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
