# Every target works from a fresh clone: the venv is created and filled on demand.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# An editable install as a plain path entry: setuptools' default import hook costs
# every Python start ~10-15 ms (pathlib, importlib.util), cqtui's included.
EDITABLE := --config-settings editable_mode=compat

.PHONY: demo test screenshots bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(EDITABLE) -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/cqtui --demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

screenshots: $(STAMP)
	$(BIN)/python -m screenshots.make

# The official SDK (the peer) comes with the `bench` extra; the run takes a few minutes.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet $(EDITABLE) -e '.[bench]'
	$(BIN)/python -m bench.run --readme

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
